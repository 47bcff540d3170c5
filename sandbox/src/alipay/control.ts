import Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { alipayTime } from '../core/ids'
import { DEFAULT_BUYER, type Buyer } from './auth'
import { FREEZE_OUTCOMES, type AuthOrder, type FundAuthLedger } from './fund-auth-ledger'
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
const FreezeNextBody = z.object({ result: z.enum(FREEZE_OUTCOMES), buyer_id: Pid.optional(), count: z.number().int().positive().default(1) })
const VoucherRef = z.object({
  code_value: z.string().min(1).optional(),
  out_order_no: z.string().min(1).optional(),
  buyer_id: Pid.optional(),
  sim_user: z.string().min(1).optional(),
}).refine((b) => b.code_value !== undefined || b.out_order_no !== undefined, { message: 'code_value or out_order_no is required' })

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

  fundAuthRoutes(router, sim)

  router.get('/orders', (ctx) => {
    const q = ctx.query
    ctx.body = sim.ledger.all()
      .filter((t) => (typeof q.trade_no !== 'string' || t.tradeNo === q.trade_no) && (typeof q.out_trade_no !== 'string' || t.outTradeNo === q.out_trade_no))
      .map(orderView)
  })
  return router
}

/** 资金授权: script bar-code freezes, scan a voucher QR code, list orders with their operations. */
function fundAuthRoutes (router: Router, sim: AlipaySim): void {
  // Created now, so that `/__sim/reset` clears it from the first test on.
  const ledger = sim.fundAuth

  router.post('/fund-auth/next', (ctx) => {
    const b = parseControl(FreezeNextBody, ctx.request.body)
    for (let i = 0; i < b.count; i++) ledger.next.push({ result: b.result, ...(b.buyer_id === undefined ? {} : { buyerId: b.buyer_id }) })
    ctx.status = 204
  })

  // The customer scans a voucher.create QR code and confirms: the amount is frozen.
  router.post('/fund-auth/scan', (ctx) => {
    const b = parseControl(VoucherRef, ctx.request.body)
    const matches = b.code_value !== undefined
      ? [ledger.byCodeValue(b.code_value)].filter((o) => o !== undefined)
      : ledger.all().filter((o) => o.outOrderNo === b.out_order_no && o.origin === 'voucher')
    const [o, other] = matches
    if (o === undefined) throw controlError(404, 'no such voucher')
    if (other !== undefined) throw controlError(409, 'out_order_no is used by several merchants: pass code_value')
    if (!ledger.confirm(o, buyerOf(sim, b))) throw controlError(409, `auth order ${o.authNo} is ${o.status}`)
    ctx.body = authOrderView(ledger, o)
  })

  router.get('/fund-auth', (ctx) => {
    const q = ctx.query
    ctx.body = ledger.all()
      .filter((o) => (typeof q.auth_no !== 'string' || o.authNo === q.auth_no) && (typeof q.out_order_no !== 'string' || o.outOrderNo === q.out_order_no))
      .map((o) => authOrderView(ledger, o))
  })
}

/** An auth order as the sandbox sees it, with every operation. */
function authOrderView (ledger: FundAuthLedger, o: AuthOrder): Record<string, unknown> {
  return {
    auth_no: o.authNo,
    out_order_no: o.outOrderNo,
    seller_id: o.sellerId,
    origin: o.origin,
    product_code: o.productCode,
    order_title: o.orderTitle,
    order_status: o.status,
    visible: o.visible,
    amount: yuan(o.amount),
    rest_amount: yuan(ledger.rest(o)),
    total_unfreeze_amount: yuan(o.unfrozen),
    total_pay_amount: yuan(o.paid),
    payer_user_id: o.payer?.userId,
    code_value: o.codeValue,
    cancel_action: o.cancelAction,
    gmt_create: alipayTime(o.createdAt),
    operations: o.operations.map((op) => ({
      operation_id: op.operationId,
      out_request_no: op.outRequestNo,
      operation_type: op.type,
      status: op.status,
      amount: yuan(op.amount),
      trade_no: op.tradeNo,
      remark: op.remark,
      gmt_trans: op.transAt === undefined ? undefined : alipayTime(op.transAt),
    })),
  }
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
