import { createHmac, randomBytes } from 'node:crypto'
import type { SimClock } from '../core/clock'
import { chinaDate, digits, hex } from '../core/ids'
import { newAppId, newPid } from './keys'
import type { AlipayError } from './result'

/** A merchant (商家) that authorized the ISV's app: its PID and the app it authorized under. */
export interface Merchant { userId: string, authAppId: string, name: string }

/** A customer with an Alipay account; `name` is the handle tests and the dev UI pick (`sim_user`). */
export interface Buyer { userId: string, logonId: string, name: string }

export interface AppTokenGrant {
  merchant: Merchant
  appAuthToken: string
  appRefreshToken: string
  expiresIn: number
  reExpiresIn: number
}

export interface UserTokenGrant { buyer: Buyer, appId: string, accessToken: string, refreshToken: string, authStart: Date }

/** Lifetimes Alipay hands out: app_auth_token 365 days, its refresh token 372 days, app_auth_code one day. */
export const APP_TOKEN_SECONDS = 31_536_000
export const APP_REFRESH_SECONDS = 32_140_800
const APP_AUTH_CODE_MS = 24 * 3600_000
/** alipay.system.oauth.token: 15-day access token, 30-day refresh token. */
export const USER_TOKEN_SECONDS = 1_296_000
export const USER_REFRESH_SECONDS = 2_592_000
/** A customer's auth_code lives "3 minutes to 24 hours"; ten minutes keeps manual dev flows working. */
const OAUTH_CODE_MS = 10 * 60_000

export const DEFAULT_BUYER = 'sim_buyer'

const err = (code: AlipayError['code'], subCode: string, subMsg: string): AlipayError => ({ code, subCode, subMsg })
export const isAlipayError = (x: unknown): x is AlipayError => typeof x === 'object' && x !== null && 'subCode' in x

/**
 * Who may act: merchants that authorized the ISV (app_auth_code → app_auth_token, 应用授权) and
 * customers that signed in through OAuth (auth_code → user_id/open_id, 用户授权). Every expiry
 * follows the simulated clock.
 */
export class AlipayAuth {
  readonly #merchants = new Map<string, Merchant>()
  readonly #appCodes = new Map<string, { merchant: Merchant, expiresAt: number }>()
  readonly #appTokens = new Map<string, { merchant: Merchant, expiresAt: number }>()
  readonly #refreshTokens = new Map<string, { merchant: Merchant, expiresAt: number }>()
  readonly #buyersByName = new Map<string, Buyer>()
  readonly #buyersById = new Map<string, Buyer>()
  readonly #openIds = new Map<string, Buyer>()
  readonly #oauthCodes = new Map<string, { buyer: Buyer, appId: string, expiresAt: number }>()
  /** Salt for open_id: stable within a run, different between runs, like a real per-app id. */
  readonly #openIdSalt = randomBytes(16)

  constructor (private readonly clock: SimClock) {}

  /** The merchant with this PID, created on first use (`POST /__sim/alipay/auth-codes`). */
  merchant (userId?: string): Merchant {
    const id = userId ?? newPid()
    let m = this.#merchants.get(id)
    if (m === undefined) {
      m = { userId: id, authAppId: newAppId(), name: `测试商户${id.slice(-4)}` }
      this.#merchants.set(id, m)
    }
    return m
  }

  /** Every merchant the sandbox knows, oldest first (the authorization page lists them). */
  merchants (): Merchant[] { return [...this.#merchants.values()] }

  /** Whether this app id is the ISV's or one a merchant authorized: the apps OAuth may issue codes for. */
  knowsApp (appId: string, isvAppId: string): boolean {
    return appId === isvAppId || [...this.#merchants.values()].some((m) => m.authAppId === appId)
  }

  /** The merchant scanned the ISV's authorization QR code and agreed: Alipay redirects with this code. */
  issueAppAuthCode (merchant: Merchant): string {
    const code = hex(16)
    this.#appCodes.set(code, { merchant, expiresAt: this.clock.nowMs() + APP_AUTH_CODE_MS })
    return code
  }

  /** `grant_type=authorization_code`: the code is single-use and expires after a day. */
  exchangeAppAuthCode (code: string): AppTokenGrant | AlipayError {
    const entry = this.#appCodes.get(code)
    this.#appCodes.delete(code)
    if (entry === undefined || entry.expiresAt <= this.clock.nowMs()) return err(40002, 'isv.code-invalid', '授权码code无效')
    return this.#grant(entry.merchant)
  }

  /** `grant_type=refresh_token`: a new token pair; the old refresh token stops working at once. */
  refreshAppToken (refreshToken: string): AppTokenGrant | AlipayError {
    const entry = this.#refreshTokens.get(refreshToken)
    this.#refreshTokens.delete(refreshToken)
    if (entry === undefined || entry.expiresAt <= this.clock.nowMs()) return err(40002, 'isv.refresh-token-invalid', '刷新令牌refresh_token无效')
    return this.#grant(entry.merchant)
  }

  #grant (merchant: Merchant): AppTokenGrant {
    const now = this.clock.nowMs()
    const appAuthToken = this.#token()
    const appRefreshToken = this.#token()
    this.#appTokens.set(appAuthToken, { merchant, expiresAt: now + APP_TOKEN_SECONDS * 1000 })
    this.#refreshTokens.set(appRefreshToken, { merchant, expiresAt: now + APP_REFRESH_SECONDS * 1000 })
    return { merchant, appAuthToken, appRefreshToken, expiresIn: APP_TOKEN_SECONDS, reExpiresIn: APP_REFRESH_SECONDS }
  }

  /** `201509BBeff9351ad1874306903e96b91d248A36`: yyyyMM, "BB", 32 hex. */
  #token (): string { return `${chinaDate(this.clock.now()).slice(0, 6)}BB${hex(16)}` }

  /** The merchant an ISV call acts for; 20001 when the token is unknown or past its expiry. */
  resolveAppAuthToken (token: string): Merchant | AlipayError {
    const entry = this.#appTokens.get(token)
    if (entry === undefined) return err(20001, 'aop.invalid-app-auth-token', '无效的应用授权令牌')
    if (entry.expiresAt <= this.clock.nowMs()) return err(20001, 'aop.app-auth-token-time-out', '应用授权令牌已过期')
    return entry.merchant
  }

  /**
   * Ends the app_auth_tokens named by token or merchant PID (`POST /__sim/alipay/app-tokens/expire`):
   * expired tokens answer `aop.app-auth-token-time-out`; revoked ones (the merchant cancelled the
   * authorization) are forgotten and answer `aop.invalid-app-auth-token`. Refresh tokens stay.
   */
  endAppTokens (match: { token?: string, pid?: string }, revoke: boolean): number {
    let n = 0
    for (const [token, entry] of this.#appTokens) {
      if ((match.token !== undefined && token !== match.token) || (match.pid !== undefined && entry.merchant.userId !== match.pid)) continue
      if (revoke) this.#appTokens.delete(token)
      else entry.expiresAt = Math.min(entry.expiresAt, this.clock.nowMs())
      n++
    }
    return n
  }

  /** Test customers by handle; each gets a 2088 user id and a masked-looking phone login. */
  buyer (name: string = DEFAULT_BUYER): Buyer {
    let b = this.#buyersByName.get(name)
    if (b === undefined) {
      b = { name, userId: newPid(), logonId: `1${digits(10)}` }
      this.#buyersByName.set(name, b)
      this.#buyersById.set(b.userId, b)
    }
    return b
  }

  /** The customer with this user id; an unknown (but well-formed) id becomes a new customer. */
  buyerById (userId: string): Buyer {
    let b = this.#buyersById.get(userId)
    if (b === undefined) {
      b = { name: userId, userId, logonId: `1${digits(10)}` }
      this.#buyersById.set(userId, b)
      this.#buyersByName.set(userId, b)
    }
    return b
  }

  buyerByOpenId (openId: string): Buyer | undefined { return this.#openIds.get(openId) }

  /** open_id is per (app, user) since 2023; derived so the same pair always gets the same id. */
  openId (appId: string, buyer: Buyer): string {
    const id = `0${createHmac('sha256', this.#openIdSalt).update(`${appId}|${buyer.userId}`).digest('base64url').replace(/[-_]/g, 'x')}`
    this.#openIds.set(id, buyer)
    return id
  }

  /** The customer approved `appId` (publicAppAuthorize.htm): a single-use auth_code for that app. */
  issueOAuthCode (appId: string, buyer: Buyer): string {
    const code = hex(16)
    this.#oauthCodes.set(code, { buyer, appId, expiresAt: this.clock.nowMs() + OAUTH_CODE_MS })
    return code
  }

  /** alipay.system.oauth.token: only the app the code was issued to may redeem it, once. */
  exchangeOAuthCode (appId: string, code: string): UserTokenGrant | AlipayError {
    const entry = this.#oauthCodes.get(code)
    // "auth_code 一次有效，使用后就失效（无论是否调用成功）"
    this.#oauthCodes.delete(code)
    if (entry === undefined || entry.appId !== appId || entry.expiresAt <= this.clock.nowMs()) {
      return err(40002, 'isv.code-invalid', '授权码code无效')
    }
    return { buyer: entry.buyer, appId, accessToken: `authusrB${hex(16)}`, refreshToken: `authusrB${hex(16)}`, authStart: this.clock.now() }
  }

  /** Customer codes are per-test state; merchants, their tokens and customers stay. */
  reset (): void { this.#oauthCodes.clear() }
}
