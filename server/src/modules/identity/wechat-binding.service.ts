import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, gt, isNull } from 'drizzle-orm'
import { AppError, type IdGenerator, type WechatBindingDTO, type WechatIdentityDTO } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { AuditLog } from '../audit'
import { wechatBindings, wechatIdentities, type WechatBindingRow } from './identity.schema'

/** The binding QR lives about five minutes (seed 000: "4~5 分钟过后，二维码会失效"). */
export const BINDING_TTL_MS = 5 * 60_000

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
const mask = (openid: string): string => `${openid.slice(0, 4)}****${openid.slice(-4)}`

export type BindingProblem = 'code_unknown' | 'code_used' | 'code_expired'

/**
 * T1: a console account must bind a WeChat identity (of the platform's official account) before
 * anything else works; it may bind several and re-bind by hand.
 */
export class WechatBindingService {
  constructor (private readonly deps: { db: Db, clock: Clock, newId: IdGenerator, audit: AuditLog, publicUrl: string }) {}

  async isBound (accountId: string): Promise<boolean> {
    const [row] = await this.deps.db.select({ id: wechatIdentities.id }).from(wechatIdentities).where(eq(wechatIdentities.accountId, accountId)).limit(1)
    return row !== undefined
  }

  /** A new binding QR. The token appears only in the URL; the database keeps its hash. */
  async start (accountId: string): Promise<WechatBindingDTO> {
    const token = randomBytes(24).toString('base64url')
    const now = this.deps.clock.now()
    const row = { id: this.deps.newId('bnd'), accountId, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + BINDING_TTL_MS), createdAt: now }
    await this.deps.db.insert(wechatBindings).values(row)
    return { id: row.id, url: `${this.deps.publicUrl}/scan/bind?t=${token}`, status: 'pending', expiresAt: row.expiresAt.toISOString() }
  }

  /** Polled by the console; the URL is not repeated (it was shown once, with the QR). */
  async status (accountId: string, id: string): Promise<Omit<WechatBindingDTO, 'url'> & { url: '' }> {
    const [row] = await this.deps.db.select().from(wechatBindings).where(and(eq(wechatBindings.id, id), eq(wechatBindings.accountId, accountId)))
    if (row === undefined) throw new AppError('not_found', 'resource_not_found', undefined, { param: 'id' })
    return { id: row.id, url: '', status: this.#status(row), expiresAt: row.expiresAt.toISOString() }
  }

  /** The problem with a scanned token, if any, before OAuth runs. */
  async check (token: string): Promise<BindingProblem | null> {
    const [row] = await this.deps.db.select().from(wechatBindings).where(eq(wechatBindings.tokenHash, sha256(token)))
    if (row === undefined) return 'code_unknown'
    const status = this.#status(row)
    return status === 'bound' ? 'code_used' : status === 'expired' ? 'code_expired' : null
  }

  /** Binds the openid to the account the QR was made for; the QR is used up (compare-and-set). */
  async complete (token: string, o: { appId: string, openid: string, origin?: { ip?: string, userAgent?: string, requestId?: string } }): Promise<BindingProblem | null> {
    const problem = await this.check(token)
    if (problem !== null) return problem
    const now = this.deps.clock.now()
    return await this.deps.db.transaction(async (tx) => {
      const [used] = await tx.update(wechatBindings).set({ usedAt: now })
        .where(and(eq(wechatBindings.tokenHash, sha256(token)), isNull(wechatBindings.usedAt), gt(wechatBindings.expiresAt, now)))
        .returning()
      if (used === undefined) return 'code_used'
      const [identity] = await tx.insert(wechatIdentities).values({ id: this.deps.newId('wid'), accountId: used.accountId, appId: o.appId, openid: o.openid, boundAt: now })
        .onConflictDoUpdate({ target: [wechatIdentities.accountId, wechatIdentities.appId, wechatIdentities.openid], set: { boundAt: now } })
        .returning()
      await tx.update(wechatBindings).set({ identityId: identity?.id ?? null }).where(eq(wechatBindings.id, used.id))
      await this.deps.audit.record(tx, { actor: { id: used.accountId, kind: 'account' }, action: 'account.wechat_bound', target: { type: 'account', id: used.accountId }, after: { wechatIdentityId: identity?.id, openid: mask(o.openid) }, ...(o.origin === undefined ? {} : { origin: o.origin }) })
      return null
    })
  }

  async identities (accountId: string): Promise<{ data: WechatIdentityDTO[] }> {
    const rows = await this.deps.db.select().from(wechatIdentities).where(eq(wechatIdentities.accountId, accountId)).orderBy(asc(wechatIdentities.boundAt))
    return { data: rows.map((r) => ({ id: r.id, appId: r.appId, openidMasked: mask(r.openid), nickname: r.nickname, boundAt: r.boundAt.toISOString() })) }
  }

  /** Unbinds one identity; the last one stays, or the account would be locked out of the console. */
  async remove (accountId: string, id: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const rows = await tx.select().from(wechatIdentities).where(eq(wechatIdentities.accountId, accountId)).for('update')
      if (!rows.some((r) => r.id === id)) throw new AppError('not_found', 'resource_not_found', undefined, { param: 'id' })
      if (rows.length === 1) throw new AppError('conflict', 'last_wechat_identity')
      await tx.delete(wechatIdentities).where(and(eq(wechatIdentities.id, id), eq(wechatIdentities.accountId, accountId)))
      await this.deps.audit.record(tx, { actor: { id: accountId, kind: 'account' }, action: 'account.wechat_unbound', target: { type: 'account', id: accountId }, after: { wechatIdentityId: id } })
    })
  }

  #status (row: WechatBindingRow): WechatBindingDTO['status'] {
    if (row.usedAt !== null) return 'bound'
    return row.expiresAt <= this.deps.clock.now() ? 'expired' : 'pending'
  }
}
