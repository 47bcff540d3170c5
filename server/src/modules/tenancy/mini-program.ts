import { createHash, randomInt } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { AppError, type MpLinkCodeDto, type MpSessionDto } from '@yima/shared'
import { code2Session, WechatApiError, type WechatHosts } from '../../channels/wechat-mp/client'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { Secret } from '../../secret'
import type { ScanTokens } from './scan-tokens'
import { activeRoles } from './scope'
import { miniProgramLinkCodes, miniProgramLinks, type StaffRow } from './tenancy.schema'

/** A bearer session of the staff mini-program; roles are looked up on every request, so removal is immediate. */
export const MP_SESSION_TTL_SEC = 24 * 3600
const LINK_CODE_TTL_MS = 5 * 60_000
/** Eight characters without look-alikes (0/O, 1/I/L): typed from one phone screen into another. */
const LINK_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
const LINK_CODE_LENGTH = 8

export interface OaIdentity { appId: string, openid: string }
export interface MpIdentity { mpAppId: string, mpOpenid: string }

export interface MiniProgramDeps {
  db: Db
  clock: Clock
  tokens: ScanTokens
  hosts: WechatHosts
  miniProgram: { appId: string, secret: Secret<string> } | null
}

const hashOf = (code: string): string => createHash('sha256').update(code).digest('hex')
/** Typed codes arrive in any case, with spaces, or as the URL the QR encodes. */
export const normalizeLinkCode = (input: string): string => {
  const fromUrl = /[?&]c=([^&#]+)/.exec(input)?.[1] ?? input
  return decodeURIComponent(fromUrl).replace(/[\s-]/g, '').toUpperCase()
}

/**
 * The staff mini-program's sign-in (`wx.login` → jscode2session → openid → bearer token) and the
 * link between its users and the official-account identities their roles are activated on.
 */
export class MiniProgramSignIn {
  constructor (private readonly deps: MiniProgramDeps) {}

  async signIn (code: string): Promise<MpSessionDto> {
    const mp = this.deps.miniProgram
    if (mp === null) throw new AppError('unavailable', 'mini_program_not_configured')
    let openid: string
    try {
      openid = (await code2Session(this.deps.hosts, { appId: mp.appId, secret: mp.secret.reveal(), code })).openid
    } catch (err) {
      // 40029 invalid code, 40163 code been used: the app asks wx.login again.
      if (err instanceof WechatApiError) throw new AppError('authentication', 'mini_program_login_failed', undefined, { cause: err })
      throw new AppError('unavailable', 'channel_unavailable', '微信登录服务暂时不可用，请稍后重试', { cause: err })
    }
    const identity: MpIdentity = { mpAppId: mp.appId, mpOpenid: openid }
    const now = this.deps.clock.now()
    return {
      token: this.deps.tokens.sign({ purpose: 'mp_session', ...identity }, MP_SESSION_TTL_SEC),
      expiresAt: new Date(now.getTime() + MP_SESSION_TTL_SEC * 1000).toISOString(),
      linked: (await rolesOfMpUser(this.deps.db, identity)).length > 0,
    }
  }

  /** A fresh one-time code for the official-account user to carry into the mini-program. */
  async issueLinkCode (oa: OaIdentity): Promise<MpLinkCodeDto> {
    const code = Array.from({ length: LINK_CODE_LENGTH }, () => LINK_ALPHABET[randomInt(LINK_ALPHABET.length)]).join('')
    const now = this.deps.clock.now()
    const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS)
    await this.deps.db.insert(miniProgramLinkCodes).values({ codeHash: hashOf(code), oaAppId: oa.appId, oaOpenid: oa.openid, expiresAt, createdAt: now })
    return { linkCode: code, expiresAt: expiresAt.toISOString() }
  }

  /**
   * Spends the code (compare-and-set: a code works once, however many phones race for it) and
   * links the mini-program user to the code's official-account identity. Linking again under the
   * same official account replaces the earlier openid there.
   */
  async link (mp: MpIdentity, input: string): Promise<StaffRow[]> {
    const now = this.deps.clock.now()
    await this.deps.db.transaction(async (tx) => {
      const [spent] = await tx.update(miniProgramLinkCodes).set({ usedAt: now })
        .where(and(eq(miniProgramLinkCodes.codeHash, hashOf(normalizeLinkCode(input))), isNull(miniProgramLinkCodes.usedAt), gt(miniProgramLinkCodes.expiresAt, now)))
        .returning()
      if (spent === undefined) throw new AppError('invalid_request', 'link_code_invalid', undefined, { param: 'linkCode' })
      await tx.insert(miniProgramLinks).values({ ...mp, oaAppId: spent.oaAppId, oaOpenid: spent.oaOpenid, linkedAt: now })
        .onConflictDoUpdate({ target: [miniProgramLinks.mpAppId, miniProgramLinks.mpOpenid, miniProgramLinks.oaAppId], set: { oaOpenid: spent.oaOpenid, linkedAt: now } })
    })
    return await rolesOfMpUser(this.deps.db, mp)
  }
}

/** The official-account identities a mini-program user is linked to. */
export async function linkedIdentities (db: Db, mp: MpIdentity): Promise<OaIdentity[]> {
  const rows = await db.select().from(miniProgramLinks)
    .where(and(eq(miniProgramLinks.mpAppId, mp.mpAppId), eq(miniProgramLinks.mpOpenid, mp.mpOpenid)))
  return rows.map((r) => ({ appId: r.oaAppId, openid: r.oaOpenid }))
}

/** Every active role behind a mini-program user, across the official accounts they linked. */
export async function rolesOfMpUser (db: Db, mp: MpIdentity): Promise<StaffRow[]> {
  const roles = await Promise.all((await linkedIdentities(db, mp)).map(async (oa) => await activeRoles(db, oa.appId, oa.openid)))
  return roles.flat()
}
