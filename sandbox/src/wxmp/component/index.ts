import { randomBytes } from 'node:crypto'
import type { Context } from 'koa'
import type { WxApp } from '../apps'
import type { WxmpDeps } from '../deps'
import { WxError } from '../errors'
import { param } from '../http'
import { ComponentPushes, type InfoType } from './pushes'
import {
  AUTH_CODE_TTL_S, FUNCSCOPE_WEB, newComponentApp, offeredFuncs, PRE_AUTH_CODE_TTL_S, TICKET_PUSH_MS, TICKET_TTL_MS,
  type Authorization,
} from './state'

/** `ticket@@@…`, `preauthcode@@@…`, `queryauthcode@@@…`, `refreshtoken@@@…`: the open platform's shapes. */
const credential = (prefix: string, bytes = 48): string => `${prefix}@@@${randomBytes(bytes).toString('base64url')}`

interface Code { appid?: string, expiresAt: number, used: boolean }

/** What an authorization page or the control API gets back from a completed authorization. */
export interface Authorized { authCode: string, expiresIn: number, infoType: InfoType, preAuthCode: string }

/** The page WeChat shows instead of redirecting (headline, detail, OAuth errcode if any). */
export interface Refusal { headline: string, detail: string, errcode?: number }

/** The refusal WeChat's phone page gives an account that has authorized too many platforms (seed 000). */
export const TOO_MANY_AUTHORIZATIONS = '该公众号授权的第三方平台过多，请在微信公众平台删除部分授权后重新授权'

/**
 * yima as a WeChat Open Platform third-party platform (第三方平台): its verify tickets, its
 * component_access_token, pre-authorization and authorization codes, and the accounts that
 * authorized it (授权方). Everything expires on the simulated clock.
 */
export class Component {
  readonly app = newComponentApp()
  readonly pushes: ComponentPushes
  readonly #tickets = new Map<string, number>()
  #currentTicket: string | undefined
  /** Bumped whenever the server URL changes or the sandbox resets: stops the previous push loop. */
  #generation = 0
  readonly #preAuthCodes = new Map<string, Code>()
  readonly #authCodes = new Map<string, Code & { appid: string }>()
  readonly #authorizations = new Map<string, Authorization>()

  constructor (private readonly deps: WxmpDeps) {
    this.pushes = new ComponentPushes(deps.world, this.app)
  }

  get #now (): number { return this.deps.world.clock.nowMs() }

  /** Sets the 授权事件接收URL: a ticket is pushed at once and every 10 simulated minutes after. */
  setServer (url: string | null): void {
    this.app.serverUrl = url
    const generation = ++this.#generation
    if (url !== null) this.#pushTicket(generation)
  }

  #pushTicket (generation: number): void {
    if (generation !== this.#generation) return
    const ticket = credential('ticket')
    this.#tickets.set(ticket, this.#now)
    this.#currentTicket = ticket
    this.pushes.push('component_verify_ticket', { ComponentVerifyTicket: ticket })
    this.deps.world.scheduler.after(TICKET_PUSH_MS, () => { this.#pushTicket(generation) })
  }

  /** The newest ticket, while it is still valid. */
  currentTicket (): string | undefined {
    const t = this.#currentTicket
    return t !== undefined && this.#now < (this.#tickets.get(t) ?? 0) + TICKET_TTL_MS ? t : undefined
  }

  /**
   * api_component_token's checks: 61011 not this platform, 41004/40125 secret, 61006 a ticket the
   * platform never pushed (or none), 61005 one older than 12 hours.
   */
  authenticate (appid: string | undefined, secret: string | undefined, ticket: string | undefined): void {
    if (appid !== this.app.appid) throw new WxError(61011)
    if (secret === undefined) throw new WxError(41004)
    if (secret !== this.app.secret) throw new WxError(40125)
    const pushedAt = ticket === undefined ? undefined : this.#tickets.get(ticket)
    if (pushedAt === undefined) throw new WxError(61006)
    if (this.#now >= pushedAt + TICKET_TTL_MS) throw new WxError(61005)
  }

  /**
   * The component_access_token of a `/cgi-bin/component/*` call (`?component_access_token=`, or
   * `?access_token=` as the newer docs write it): the usual token errors, 61014 for any other token.
   */
  checkToken (ctx: Context): void {
    const { appid, lane } = this.deps.tokens.checkIssued(param(ctx, 'component_access_token') ?? param(ctx, 'access_token'))
    if (lane !== 'component' || appid !== this.app.appid) throw new WxError(61014)
  }

  /** `component_appid` in a request body or query: 41002 missing, 61011 another platform's. */
  requireSelf (componentAppid: string | undefined): void {
    if (componentAppid === undefined || componentAppid === '') throw new WxError(41002)
    if (componentAppid !== this.app.appid) throw new WxError(61011)
  }

  issuePreAuthCode (): string {
    const code = credential('preauthcode')
    this.#preAuthCodes.set(code, { expiresAt: this.#now + PRE_AUTH_CODE_TTL_S * 1000, used: false })
    return code
  }

  /** Whether a pre_auth_code can still start an authorization: issued here, unused, under 1800 s old. */
  preAuthCodeUsable (code: string | undefined): boolean {
    const entry = code === undefined ? undefined : this.#preAuthCodes.get(code)
    return entry !== undefined && !entry.used && this.#now < entry.expiresAt
  }

  /** Why this account cannot authorize the platform at all (seed 000, 服务商授权 step 3). */
  refusal (app: WxApp): string | undefined {
    return app.tooManyAuthorizations ? TOO_MANY_AUTHORIZATIONS : undefined
  }

  /**
   * The account's admin confirmed: records (or replaces) the authorization with a new refresh token,
   * spends the pre_auth_code (a fresh one when the control API gives none), issues a one-hour
   * authorization code and pushes `authorized` or, for an account already authorized, `updateauthorized`.
   */
  authorize (app: WxApp, func: readonly number[] = offeredFuncs(app), preAuthCode?: string): Authorized {
    const pre = preAuthCode ?? this.issuePreAuthCode()
    const preEntry = this.#preAuthCodes.get(pre)
    if (preEntry !== undefined) preEntry.used = true
    const infoType: InfoType = this.#authorizations.has(app.appid) ? 'updateauthorized' : 'authorized'
    this.#authorizations.set(app.appid, { appid: app.appid, func: [...new Set(func)], refreshToken: credential('refreshtoken', 32), authorizedAt: this.#now })
    const authCode = credential('queryauthcode')
    const expiresAt = this.#now + AUTH_CODE_TTL_S * 1000
    this.#authCodes.set(authCode, { appid: app.appid, expiresAt, used: false })
    this.pushes.push(infoType, {
      AuthorizerAppid: app.appid,
      AuthorizationCode: authCode,
      AuthorizationCodeExpiredTime: Math.floor(expiresAt / 1000),
      PreAuthCode: pre,
    })
    return { authCode, expiresIn: AUTH_CODE_TTL_S, infoType, preAuthCode: pre }
  }

  /** The admin withdrew the authorization (公众平台 → 授权管理): tokens die, `unauthorized` is pushed. */
  unauthorize (appid: string): boolean {
    if (!this.#authorizations.delete(appid)) return false
    this.deps.tokens.revoke(appid, 'authorizer')
    this.pushes.push('unauthorized', { AuthorizerAppid: appid })
    return true
  }

  authorization (appid: string): Authorization | undefined { return this.#authorizations.get(appid) }
  authorizations (): Authorization[] { return [...this.#authorizations.values()] }

  /** api_query_auth: 61009 unknown or already used, 61010 older than an hour, 61003 withdrawn since. */
  redeemAuthCode (code: string | undefined): Authorization {
    const entry = code === undefined ? undefined : this.#authCodes.get(code)
    if (entry === undefined || entry.used) throw new WxError(61009)
    if (this.#now >= entry.expiresAt) throw new WxError(61010)
    entry.used = true
    const authorization = this.#authorizations.get(entry.appid)
    if (authorization === undefined) throw new WxError(61003)
    return authorization
  }

  /**
   * Why 代公众号发起网页授权 (`component_appid` on the authorize link) fails for this account, as the
   * page WeChat shows: 10015 when the account never authorized the platform, `redirect_uri 参数错误`
   * (10003) when it did but without 网页服务权限 — the "授权回调域名校验出错" of seed 000.
   */
  webAuthRefusal (app: WxApp, componentAppid: string): Refusal | undefined {
    if (componentAppid !== this.app.appid) return { headline: 'component_appid 参数错误', detail: '找不到该第三方平台' }
    const authorization = this.#authorizations.get(app.appid)
    if (authorization === undefined) return { headline: '公众号未授权第三方平台', detail: '公众号未授权第三方平台，请检查授权状态', errcode: 10015 }
    if (!authorization.func.includes(FUNCSCOPE_WEB)) return { headline: 'redirect_uri 参数错误', detail: 'redirect_uri域名与后台配置不一致', errcode: 10003 }
    return undefined
  }

  /** Reset: the server URL, tickets, codes and authorizations go; the platform's credentials stay. */
  clear (): void {
    this.app.serverUrl = null
    this.#generation++
    this.#tickets.clear()
    this.#currentTicket = undefined
    this.#preAuthCodes.clear()
    this.#authCodes.clear()
    this.#authorizations.clear()
    this.pushes.clear()
  }
}
