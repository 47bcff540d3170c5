import { randomBytes } from 'node:crypto'
import type Router from '@koa/router'
import { z } from 'zod'
import { WxError, ok } from '../errors'
import { api, param, parseBody, readJson } from '../http'
import { claimPage, messagePage, qrPlaceholderSvg } from '../pages'
import { cardCaller, ownCard, type CardDeps } from './common'
import type { CardQr } from './store'
import type { Wallet } from './wallet'

/** Without expire_seconds a card QR code lasts 365 days (投放卡券 docs). */
const DEFAULT_QR_TTL_S = 365 * 86_400

const QrBody = z.object({
  action_name: z.string(),
  expire_seconds: z.number().int().min(60).max(1800).optional(),
  action_info: z.object({
    card: z.object({
      card_id: z.string(),
      code: z.string().optional(),
      openid: z.string().optional(),
      is_unique_code: z.boolean().optional(),
      outer_str: z.string().optional(),
    }),
  }),
})

/**
 * `/card/qrcode/create` and what its URLs lead to: `url` (what the QR encodes, here a page to claim
 * the card as a test user) and `show_qrcode_url` (the image, here an SVG placeholder).
 */
export function qrcodeRoutes (router: Router, deps: CardDeps, wallet: Wallet): void {
  const { world, store, users } = deps

  router.post('/card/qrcode/create', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const body = parseBody(QrBody, await readJson(ctx))
    if (body.action_name !== 'QR_CARD') throw new WxError(40052, 'only QR_CARD is simulated')
    const spec = body.action_info.card
    const card = ownCard(store, app, spec.card_id)
    if (card.status === 'CARD_STATUS_DELETE') throw new WxError(40078)
    const ttl = body.expire_seconds ?? DEFAULT_QR_TTL_S
    const short = randomBytes(15).toString('base64url')
    const url = `${world.urls.wxmp}/q/${short}`
    // Real tickets are base64 blobs that embed the short URL; so are these.
    const ticket = Buffer.concat([randomBytes(12), Buffer.from(url)]).toString('base64')
    const qr: CardQr = {
      ticket,
      short,
      card_id: card.card_id,
      is_unique_code: spec.is_unique_code === true,
      outer_str: spec.outer_str ?? '',
      expires_at: world.clock.nowMs() + ttl * 1000,
      used: false,
      ...(spec.code === undefined ? {} : { code: spec.code }),
      ...(spec.openid === undefined ? {} : { openid: spec.openid }),
    }
    store.qrcodes.set(ticket, qr)
    return { ...ok(), ticket, expire_seconds: ttl, url, show_qrcode_url: `${world.urls.wxmp}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}` }
  }))

  router.get('/cgi-bin/showqrcode', (ctx) => {
    const qr = store.qrcodes.get(param(ctx, 'ticket') ?? '')
    if (qr === undefined) { ctx.status = 404; return }
    ctx.type = 'image/svg+xml'
    ctx.body = qrPlaceholderSvg(`${world.urls.wxmp}/q/${qr.short}`)
  })

  const byShort = (short: string): CardQr | undefined => [...store.qrcodes.values()].find((q) => q.short === short)

  router.get('/q/:short', (ctx) => {
    const qr = byShort(ctx.params.short ?? '')
    const card = qr === undefined ? undefined : store.cards.get(qr.card_id)
    ctx.type = 'html'
    if (qr === undefined || card === undefined) { ctx.status = 404; ctx.body = messagePage('二维码已失效', '找不到这个二维码'); return }
    const title = typeof card.base_info.title === 'string' ? card.base_info.title : card.card_id
    ctx.body = claimPage(title, `/q/${qr.short}/claim`, users.list().map((u) => ({ id: u.id, label: u.nickname })), `${String(card.base_info.brand_name)} · 沙箱领卡页`)
  })

  router.post('/q/:short/claim', (ctx) => {
    const qr = byShort(ctx.params.short ?? '')
    const form = ctx.request.body as { user?: unknown } | undefined
    ctx.type = 'html'
    if (qr === undefined) { ctx.status = 404; ctx.body = messagePage('二维码已失效', '找不到这个二维码'); return }
    try {
      const uc = wallet.claim(qr.card_id, typeof form?.user === 'string' ? form.user : '', { ticket: qr.ticket })
      ctx.body = messagePage('已领取到卡包', `卡券 code：${uc.code}`)
    } catch (err) {
      // Refusals (not approved, out of stock, limit reached) become the page a phone would show.
      const status = (err as { status?: unknown }).status
      if (typeof status !== 'number' || !(err instanceof Error)) throw err
      ctx.status = status
      ctx.body = messagePage('领取失败', err.message)
    }
  })
}
