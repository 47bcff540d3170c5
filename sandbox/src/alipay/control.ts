import Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { alipayTime } from '../core/ids'
import { DEFAULT_BUYER, type Buyer } from './auth'
import type { Trade } from './ledger'
import { BARCODE_OUTCOMES, payTrade, yuan, type AlipaySim } from './sim'

const Pid = z.string().regex(/^2088\d{12}$/)
const AuthCodeBody = z.object({ user_id: Pid.optional() })
const TradeRef = z.object({
  out_trade_no: z.string().min(1).optional(),
  trade_no: z.string().min(1).optional(),
  buyer_id: Pid.optional(),
  sim_user: z.string().min(1).optional(),
}).refine((b) => b.out_trade_no !== undefined || b.trade_no !== undefined, { message: 'out_trade_no or trade_no is required' })
const EndTokens = z.object({
  app_auth_token: z.string().min(1).optional(),
  pid: Pid.optional(),
  /** The merchant cancelled the authorization: the token becomes unknown instead of expired. */
  revoke: z.boolean().default(false),
}).refine((b) => b.app_auth_token !== undefined || b.pid !== undefined, { message: 'app_auth_token or pid is required' })
const NextBody = z.object({ result: z.enum(BARCODE_OUTCOMES), buyer_id: Pid.optional(), count: z.number().int().positive().default(1) })

const controlError = (status: number, message: string): Error => Object.assign(new Error(message), { status, expose: true })

/** `/__sim/alipay/*`: act as merchants and customers, script bar-code outcomes, inspect trades. */
export function alipayControlRoutes (sim: AlipaySim): Router {
  const router = new Router({ prefix: '/__sim/alipay' })

  // A merchant authorizes the ISV's app; the test exchanges the code with alipay.open.auth.token.app.
  router.post('/auth-codes', (ctx) => {
    const b = parseControl(AuthCodeBody, ctx.request.body ?? {})
    const merchant = sim.auth.merchant(b.user_id)
    ctx.status = 201
    ctx.body = { app_auth_code: sim.auth.issueAppAuthCode(merchant), user_id: merchant.userId, auth_app_id: merchant.authAppId }
  })

  // Ends a merchant's app_auth_token without moving the clock 365 days for everyone else.
  router.post('/app-tokens/expire', (ctx) => {
    const b = parseControl(EndTokens, ctx.request.body)
    const n = sim.auth.endAppTokens({ ...(b.app_auth_token === undefined ? {} : { token: b.app_auth_token }), ...(b.pid === undefined ? {} : { pid: b.pid }) }, b.revoke)
    if (n === 0) throw controlError(404, 'no app_auth_token matches')
    ctx.body = { expired: n, revoked: b.revoke }
  })

  // The customer pays an open trade (scanning it first if it is an unscanned QR code); notifies.
  router.post('/pay', (ctx) => {
    const b = parseControl(TradeRef, ctx.request.body)
    const t = findTrade(sim, b)
    if (t.status !== 'WAIT_BUYER_PAY') throw controlError(409, `trade ${t.tradeNo} is ${t.status}`)
    payTrade(sim, t, t.buyer ?? buyerOf(sim, b))
    ctx.body = orderView(t)
  })

  // The customer scans a precreate QR code: the trade now exists for query/close, still unpaid.
  router.post('/scan', (ctx) => {
    const b = parseControl(TradeRef, ctx.request.body)
    const t = findTrade(sim, b)
    sim.ledger.reveal(t)
    t.buyer ??= buyerOf(sim, b)
    t.buyerOpenId ??= sim.auth.openId(t.authAppId, t.buyer)
    ctx.body = orderView(t)
  })

  router.post('/trade-pay/next', (ctx) => {
    const b = parseControl(NextBody, ctx.request.body)
    for (let i = 0; i < b.count; i++) sim.barcode.push({ result: b.result, ...(b.buyer_id === undefined ? {} : { buyerId: b.buyer_id }) })
    ctx.status = 204
  })

  router.get('/orders', (ctx) => {
    const q = ctx.query
    ctx.body = sim.ledger.all()
      .filter((t) => (typeof q.trade_no !== 'string' || t.tradeNo === q.trade_no) && (typeof q.out_trade_no !== 'string' || t.outTradeNo === q.out_trade_no))
      .map(orderView)
  })
  return router
}

function findTrade (sim: AlipaySim, b: { out_trade_no?: string, trade_no?: string }): Trade {
  const matches = b.trade_no !== undefined
    ? [sim.ledger.byTradeNo(b.trade_no)].filter((t) => t !== undefined)
    : sim.ledger.all().filter((t) => t.outTradeNo === b.out_trade_no)
  const [t, other] = matches
  if (t === undefined) throw controlError(404, 'no such trade')
  if (other !== undefined) throw controlError(409, 'out_trade_no is used by several merchants: pass trade_no')
  return t
}

const buyerOf = (sim: AlipaySim, b: { buyer_id?: string, sim_user?: string }): Buyer =>
  b.buyer_id !== undefined ? sim.auth.buyerById(b.buyer_id) : sim.auth.buyer(b.sim_user ?? DEFAULT_BUYER)

/** A trade as the sandbox sees it, including what Alipay would not tell (visibility, notify_url). */
function orderView (t: Trade): Record<string, unknown> {
  return {
    trade_no: t.tradeNo,
    out_trade_no: t.outTradeNo,
    app_id: t.appId,
    auth_app_id: t.authAppId,
    seller_id: t.sellerId,
    origin: t.origin,
    product_code: t.productCode,
    trade_status: t.status,
    visible: t.visible,
    subject: t.subject,
    total_amount: yuan(t.total),
    refund_fee: yuan(t.refunded),
    refunds: t.refunds.map((r) => ({ out_request_no: r.outRequestNo, refund_amount: yuan(r.amount), gmt_refund: alipayTime(r.at) })),
    buyer_id: t.buyer?.userId,
    buyer_open_id: t.buyerOpenId,
    qr_code: t.qrCode,
    notify_url: t.notifyUrl,
    gmt_create: alipayTime(t.createdAt),
    gmt_payment: t.paidAt === undefined ? undefined : alipayTime(t.paidAt),
    gmt_close: t.closedAt === undefined ? undefined : alipayTime(t.closedAt),
  }
}
