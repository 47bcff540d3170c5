import { randomBytes } from 'node:crypto'
import type Router from '@koa/router'
import { requireOfficialAccount } from './apps'
import type { WxmpDeps } from './deps'
import { WxError } from './errors'
import { api, param } from './http'
import { callerApp, TOKEN_TTL_S } from './tokens'

type TicketType = 'jsapi' | 'wx_card'
interface Ticket { ticket: string, expiresAt: number }

/**
 * `jsapi_ticket` (JS-SDK config signatures) and the card `api_ticket` (cardExt signatures): the
 * same ticket until it expires, 7200 s on the simulated clock.
 */
export class Tickets {
  readonly #tickets = new Map<string, Ticket>()

  constructor (private readonly deps: WxmpDeps) {}

  /** The ticket yima should be using now, so tests can recompute its signatures. */
  current (appid: string, type: TicketType): string | undefined {
    const t = this.#tickets.get(`${appid}|${type}`)
    return t !== undefined && t.expiresAt > this.deps.world.clock.nowMs() ? t.ticket : undefined
  }

  clear (): void { this.#tickets.clear() }

  routes (router: Router): void {
    const { world } = this.deps
    router.get('/cgi-bin/ticket/getticket', api(world, (ctx) => {
      const app = callerApp(ctx, this.deps)
      // WeChat defaults to the JS-SDK ticket when type is left out.
      const type = param(ctx, 'type') ?? 'jsapi'
      if (type !== 'jsapi' && type !== 'wx_card') throw new WxError(40097, 'type')
      if (type === 'wx_card') requireOfficialAccount(app, { card: true })
      const now = world.clock.nowMs()
      const key = `${app.appid}|${type}`
      let t = this.#tickets.get(key)
      if (t === undefined || t.expiresAt <= now) {
        t = { ticket: randomBytes(64).toString('base64url'), expiresAt: now + TOKEN_TTL_S * 1000 }
        this.#tickets.set(key, t)
      }
      return { errcode: 0, errmsg: 'ok', ticket: t.ticket, expires_in: Math.round((t.expiresAt - now) / 1000) }
    }))
  }
}
