import { randomBytes, randomInt } from 'node:crypto'
import type Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { SimClock } from '../core/clock'
import type { WxApp } from './apps'
import type { WxmpDeps } from './deps'
import { WxError } from './errors'
import { api, param, parseBody, readJson } from './http'

export const TOKEN_TTL_S = 7200
/** After a refresh the previous access_token keeps working for 5 minutes (Get_access_token docs). */
const GRACE_MS = 300_000
const WELL_FORMED = /^\d+_[\w-]{32,}$/
export const isWellFormedToken = (token: string): boolean => WELL_FORMED.test(token)

/**
 * Whose token it is: the account's own (`/cgi-bin/token`), its stable token, a third-party platform's
 * component_access_token, or the authorizer_access_token a platform holds for an account. An
 * account's own token and the one its platform holds never replace each other.
 */
export type TokenLane = 'own' | 'stable' | 'component' | 'authorizer'

interface Issued { token: string, appid: string, lane: TokenLane, expiresAt: number, revokedAt?: number }

/** `<digits>_<~128 url-safe characters>`, the shape of a real access_token. */
export const newToken = (): string => `${randomInt(70, 100)}_${randomBytes(96).toString('base64url')}`

/** access_tokens of `/cgi-bin/token` and `/cgi-bin/stable_token`, expiring on the simulated clock. */
export class TokenStore {
  readonly #tokens = new Map<string, Issued>()
  readonly #latest = new Map<string, Issued>()
  readonly #stable = new Map<string, Issued>()

  constructor (private readonly clock: SimClock) {}

  /** A fresh token; the previous one of this appid (in this lane) stays valid for the grace period only. */
  issue (appid: string, lane: TokenLane = 'own'): Issued {
    const now = this.clock.nowMs()
    const key = `${lane}|${appid}`
    const previous = this.#latest.get(key)
    if (previous !== undefined) previous.revokedAt = Math.min(previous.revokedAt ?? Infinity, now + GRACE_MS)
    const issued: Issued = { token: newToken(), appid, lane, expiresAt: now + TOKEN_TTL_S * 1000 }
    this.#tokens.set(issued.token, issued)
    this.#latest.set(key, issued)
    return issued
  }

  /** Every token of this appid in this lane stops working now (an account withdrew its authorization). */
  revoke (appid: string, lane: TokenLane): void {
    const now = this.clock.nowMs()
    for (const t of this.#tokens.values()) {
      if (t.appid === appid && t.lane === lane) t.revokedAt = Math.min(t.revokedAt ?? Infinity, now)
    }
  }

  /** The stable token: the same one until it expires, unless forced (which revokes the old one at once). */
  stable (appid: string, force: boolean): Issued {
    const now = this.clock.nowMs()
    const current = this.#stable.get(appid)
    if (current !== undefined && !force && current.expiresAt > now) return current
    if (current !== undefined) current.revokedAt = now
    const issued: Issued = { token: newToken(), appid, lane: 'stable', expiresAt: now + TOKEN_TTL_S * 1000 }
    this.#tokens.set(issued.token, issued)
    this.#stable.set(appid, issued)
    return issued
  }

  /** The appid an access_token belongs to: 41001 missing, 40014 malformed, 42001 expired, 40001 unknown or replaced. */
  check (token: string | undefined): string { return this.checkIssued(token).appid }

  /** The same checks, answering the token's lane too. */
  checkIssued (token: string | undefined): { appid: string, lane: TokenLane } {
    if (token === undefined) throw new WxError(41001)
    if (!isWellFormedToken(token)) throw new WxError(40014)
    const issued = this.#tokens.get(token)
    if (issued === undefined) throw new WxError(40001)
    const now = this.clock.nowMs()
    if (issued.revokedAt !== undefined && now >= issued.revokedAt) throw new WxError(40001)
    if (now >= issued.expiresAt) throw new WxError(42001)
    return { appid: issued.appid, lane: issued.lane }
  }

  remainingS (issued: Issued): number { return Math.max(0, Math.round((issued.expiresAt - this.clock.nowMs()) / 1000)) }

  clear (): void {
    this.#tokens.clear()
    this.#latest.clear()
    this.#stable.clear()
  }
}

/** The app calling an API, from `?access_token=`. */
export function callerApp (ctx: Context, deps: WxmpDeps): WxApp {
  const appid = deps.tokens.check(param(ctx, 'access_token'))
  const app = deps.apps.get(appid)
  if (app === undefined) throw new WxError(40001)
  return app
}

const StableBody = z.object({
  grant_type: z.string().optional(),
  appid: z.string().optional(),
  secret: z.string().optional(),
  force_refresh: z.boolean().optional(),
})

export function tokenRoutes (router: Router, deps: WxmpDeps): void {
  router.get('/cgi-bin/token', api(deps.world, (ctx) => {
    if (param(ctx, 'grant_type') !== 'client_credential') throw new WxError(40002)
    const app = deps.apps.authenticate(param(ctx, 'appid'), param(ctx, 'secret'))
    const issued = deps.tokens.issue(app.appid)
    return { access_token: issued.token, expires_in: TOKEN_TTL_S }
  }))

  router.post('/cgi-bin/stable_token', api(deps.world, async (ctx) => {
    const body = parseBody(StableBody, await readJson(ctx))
    if (body.grant_type !== 'client_credential') throw new WxError(40002)
    const app = deps.apps.authenticate(body.appid || undefined, body.secret || undefined)
    const issued = deps.tokens.stable(app.appid, body.force_refresh === true)
    return { access_token: issued.token, expires_in: deps.tokens.remainingS(issued) }
  }))
}
