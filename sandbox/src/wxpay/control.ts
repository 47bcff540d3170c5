import { randomUUID } from 'node:crypto'
import Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { clientConfigFor } from './config'
import { controlError } from './errors'
import type { Order, Refund } from './ledger'
import type { MaidanAssistant } from './maidan'
import { payAsCustomer, settleRefund } from './payments'
import { CODEPAY_RESULTS, type WxpayState } from './state'
import { toRefund, toTransaction } from './views'
import { toStockWire, type Stock } from './vouchers'

const Pay = z.object({
  prepay_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  sub_mchid: z.string().optional(),
  openid: z.string().optional(),
  coupon_id: z.string().optional(),
}).refine((b) => b.prepay_id !== undefined || b.out_trade_no !== undefined, 'prepay_id or out_trade_no is required')
const CodepayNext = z.object({
  result: z.enum(CODEPAY_RESULTS),
  userpaying_status: z.union([z.literal(200), z.literal(202)]).default(202),
  finish_after_seconds: z.number().nonnegative().default(10),
  openid: z.string().optional(),
})
const Settle = z.object({
  out_refund_no: z.string().optional(),
  sub_mchid: z.string().optional(),
  status: z.enum(['SUCCESS', 'ABNORMAL', 'CLOSED']).default('SUCCESS'),
})
const Mode = z.object({ signWith: z.enum(['certificate', 'public_key']) })
const SubMerchantInput = z.object({
  sp_mchid: z.string().optional(),
  sub_mchid: z.string().regex(/^\d{10}$/).optional(),
  name: z.string().min(1).default('沙箱特约商户'),
  sub_appid: z.string().regex(/^wx[0-9a-f]{16}$/).optional(),
})
const ServiceProviderInput = z.object({ name: z.string().min(1).default('沙箱服务商'), sp_mchid: z.string().regex(/^\d{10}$/).optional() })
const MaidanInput = z.object({
  sp_mchid: z.string().regex(/^\d{10}$/).optional(),
  admin_openids: z.array(z.string().min(1)).default([]),
  /** A wxmp test user id: their openid under any appid counts as an administrator's. */
  admin_user: z.string().min(1).optional(),
  merchants: z.array(z.object({
    sub_mchid: z.string().regex(/^\d{8,12}$/),
    merchant_name: z.string().min(1),
    merchant_shortname: z.string().min(1).optional(),
    maidan_enabled: z.boolean().default(true),
  })).default([]),
  assistant_opened: z.boolean().default(true),
})

const mchid = z.string().regex(/^\d{8,12}$/)
const StockInput = z.object({
  /** 制券商户号 (belong_merchant): an SP or a sub-merchant the sandbox knows. */
  creator_mchid: mchid,
  /** The SP that made it through the API; omitted: the creator made it itself (its own back office). */
  sp_mchid: mchid.optional(),
  name: z.string().min(1).max(64).default('沙箱代金券'),
  comment: z.string().max(64).optional(),
  coupon_amount: z.number().int().positive(),
  transaction_minimum: z.number().int().positive(),
  max_coupons: z.number().int().positive().default(100),
  max_coupons_per_user: z.number().int().positive().default(1),
  goods_tag: z.array(z.string().min(1).max(32)).default([]),
  available_merchants: z.array(mchid).default([]),
  no_cash: z.boolean().default(false),
  /** Valid from now (business clock) for this many days; more than yima's 90 is allowed, to test its refusal. */
  days: z.number().positive().max(365).default(30),
  status: z.enum(['unactivated', 'running', 'paused', 'stoped']).default('running'),
}).refine((b) => b.transaction_minimum > b.coupon_amount, 'transaction_minimum must exceed coupon_amount')
const StockStatus = z.object({ status: z.enum(['running', 'paused', 'stoped']) })

function setStockStatus (wx: WxpayState, stock: Stock, status: Stock['status']): void {
  if (status === 'running' && stock.startedAt === undefined) stock.startedAt = wx.world.clock.now()
  stock.status = status
}

function findOrder (wx: WxpayState, b: z.infer<typeof Pay>): Order {
  if (b.prepay_id !== undefined) {
    const order = wx.ledger.byPrepayId(b.prepay_id)
    if (order === undefined) throw controlError(404, `no order with prepay_id ${b.prepay_id}`)
    return order
  }
  const matches = wx.ledger.orders().filter((o) => o.outTradeNo === b.out_trade_no && (b.sub_mchid === undefined || o.subMchId === b.sub_mchid))
  if (matches.length > 1) throw controlError(400, `out_trade_no ${b.out_trade_no} exists under several sub_mchid; name one`)
  const [order] = matches
  if (order === undefined) throw controlError(404, `no order ${b.out_trade_no}`)
  return order
}

function refundsToSettle (wx: WxpayState, b: z.infer<typeof Settle>): Refund[] {
  const open = (r: Refund): boolean => r.status === 'PROCESSING' || r.status === 'ABNORMAL'
  if (b.out_refund_no === undefined) return wx.ledger.refunds().filter(open)
  const matches = wx.ledger.refunds().filter((r) => r.outRefundNo === b.out_refund_no && (b.sub_mchid === undefined || r.order.subMchId === b.sub_mchid))
  if (matches.length === 0) throw controlError(404, `no refund ${b.out_refund_no}`)
  const stuck = matches.find((r) => !open(r))
  if (stuck !== undefined) throw controlError(409, `refund ${b.out_refund_no} is already ${stuck.status}`)
  return matches
}

function maidanView (spMchId: string, a: MaidanAssistant | undefined): Record<string, unknown> {
  return {
    sp_mchid: spMchId,
    assistant_opened: a?.opened ?? false,
    bound: a?.bound ?? false,
    admin_openids: a?.adminOpenIds ?? [],
    admin_users: a?.adminUsers ?? [],
    merchants: (a?.merchants ?? []).map((m) => ({ sub_mchid: m.subMchId, merchant_name: m.merchantName, merchant_shortname: m.merchantShortname, maidan_enabled: m.maidanEnabled })),
  }
}

/** `/__sim/wxpay/*`: act as the customer and as WeChat's back office, and inspect the state. */
export function wxpayControlRoutes (wx: WxpayState): Router {
  const router = new Router({ prefix: '/__sim/wxpay' })

  router.post('/pay', (ctx) => {
    const b = parseControl(Pay, ctx.request.body)
    const order = findOrder(wx, b)
    payAsCustomer(wx, order, { ...(b.openid === undefined ? {} : { openid: b.openid }), ...(b.coupon_id === undefined ? {} : { couponId: b.coupon_id }) })
    ctx.body = toTransaction(order, wx.ledger)
  })

  router.post('/codepay/next', (ctx) => {
    const b = parseControl(CodepayNext, ctx.request.body)
    wx.codepayScript.push({
      result: b.result,
      userpayingStatus: b.userpaying_status,
      finishAfterSeconds: b.finish_after_seconds,
      ...(b.openid === undefined ? {} : { openid: b.openid }),
    })
    ctx.body = { queued: wx.codepayScript.map((s) => s.result) }
  })

  router.post('/refunds/settle', (ctx) => {
    const b = parseControl(Settle, ctx.request.body ?? {})
    const refunds = refundsToSettle(wx, b)
    for (const r of refunds) settleRefund(wx, r, b.status)
    ctx.body = { settled: refunds.map(toRefund) }
  })

  router.get('/orders', (ctx) => {
    ctx.body = wx.ledger.orders().map((o) => ({
      ...toTransaction(o, wx.ledger),
      prepay_id: o.prepayId,
      code_url: o.codeUrl,
      description: o.description,
      created_at: o.createdAt.toISOString(),
      expires_at: o.expiresAt.toISOString(),
      refunds: wx.ledger.refundsOf(o).map(toRefund),
    }))
  })

  router.post('/mode', (ctx) => {
    wx.signWith = parseControl(Mode, ctx.request.body).signWith
    ctx.body = { signWith: wx.signWith, serial: wx.signer().serial }
  })

  router.get('/merchants', (ctx) => {
    ctx.body = wx.merchants.serviceProviders().map((sp) => ({
      sp_mchid: sp.spMchId,
      sp_appid: sp.spAppId,
      name: sp.name,
      sub_merchants: wx.merchants.subMerchants(sp.spMchId).map((s) => ({ sub_mchid: s.subMchId, name: s.name, sub_appid: s.subAppId })),
    }))
  })

  /** Onboards a 特约商户 under a service provider (the first one unless named). */
  router.post('/merchants', (ctx) => {
    const b = parseControl(SubMerchantInput, ctx.request.body ?? {})
    const spMchId = b.sp_mchid ?? wx.merchants.serviceProviders()[0]?.spMchId ?? ''
    if (wx.merchants.serviceProvider(spMchId) === undefined) throw controlError(404, `no service provider ${spMchId}`)
    if (b.sub_mchid !== undefined && wx.merchants.subMerchant(b.sub_mchid) !== undefined) throw controlError(409, `sub_mchid ${b.sub_mchid} already exists`)
    const sub = wx.merchants.addSubMerchant({ spMchId, name: b.name, ...(b.sub_mchid === undefined ? {} : { subMchId: b.sub_mchid }), ...(b.sub_appid === undefined ? {} : { subAppId: b.sub_appid }) })
    ctx.status = 201
    ctx.body = { sp_mchid: sub.spMchId, sub_mchid: sub.subMchId, name: sub.name, sub_appid: sub.subAppId }
  })

  /** Another service provider with its own merchant certificate and APIv3 key; answers its client config. */
  router.post('/service-providers', (ctx) => {
    const b = parseControl(ServiceProviderInput, ctx.request.body ?? {})
    if (b.sp_mchid !== undefined && wx.merchants.serviceProvider(b.sp_mchid) !== undefined) throw controlError(409, `sp_mchid ${b.sp_mchid} already exists`)
    const sp = wx.merchants.addServiceProvider(b.name, b.sp_mchid)
    wx.merchants.addSubMerchant({ spMchId: sp.spMchId, name: `${b.name}的特约商户` })
    ctx.status = 201
    ctx.body = clientConfigFor(wx, sp)
  })

  /**
   * The SP's 买单服务商助手 as WeChat would hold it: opened or not, its administrators, its 买单
   * merchants (created as this SP's sub-merchants when new). Replaces the previous setup.
   */
  router.post('/maidan', (ctx) => {
    const b = parseControl(MaidanInput, ctx.request.body ?? {})
    const spMchId = b.sp_mchid ?? wx.merchants.serviceProviders()[0]?.spMchId ?? ''
    if (wx.merchants.serviceProvider(spMchId) === undefined) throw controlError(404, `no service provider ${spMchId}`)
    const ids = b.merchants.map((m) => m.sub_mchid)
    if (new Set(ids).size !== ids.length) throw controlError(400, 'merchants lists a sub_mchid twice')
    for (const m of b.merchants) {
      const existing = wx.merchants.subMerchant(m.sub_mchid)
      if (existing !== undefined && existing.spMchId !== spMchId) throw controlError(409, `sub_mchid ${m.sub_mchid} belongs to service provider ${existing.spMchId}`)
    }
    for (const m of b.merchants) {
      if (wx.merchants.subMerchant(m.sub_mchid) === undefined) wx.merchants.addSubMerchant({ spMchId, name: m.merchant_name, subMchId: m.sub_mchid })
    }
    const assistant = wx.maidan.set(spMchId, {
      opened: b.assistant_opened,
      adminOpenIds: b.admin_openids,
      adminUsers: b.admin_user === undefined ? [] : [b.admin_user],
      merchants: b.merchants.map((m) => ({ subMchId: m.sub_mchid, merchantName: m.merchant_name, merchantShortname: m.merchant_shortname ?? m.merchant_name, maidanEnabled: m.maidan_enabled })),
    })
    ctx.body = maidanView(spMchId, assistant)
  })

  /**
   * The sub-merchant applies for its own API certificate and APIv3 key (seed 002 微信API证书配置):
   * from now on it may sign v3 voucher calls as itself. Applying again replaces both.
   */
  router.post('/merchants/:sub_mchid/api-keys', (ctx) => {
    const subMchId = ctx.params.sub_mchid ?? ''
    if (wx.merchants.subMerchant(subMchId) === undefined) throw controlError(404, `no sub-merchant ${subMchId}`)
    const keys = wx.merchants.issueApiKeys(subMchId)
    ctx.status = 201
    ctx.body = {
      mchid: subMchId,
      serial: keys.merchant.serial,
      privateKeyPem: keys.merchant.privateKeyPem,
      certificatePem: keys.merchant.certificatePem,
      apiV3Key: keys.apiV3Key,
    }
  })

  /** A voucher batch as if made and activated in the merchant platform, without the v3 round trips. */
  router.post('/stocks', (ctx) => {
    const b = parseControl(StockInput, ctx.request.body ?? {})
    const creatorSp = wx.merchants.serviceProvider(b.creator_mchid)
    const creatorSub = wx.merchants.subMerchant(b.creator_mchid)
    if (creatorSp === undefined && creatorSub === undefined) throw controlError(404, `no merchant ${b.creator_mchid}`)
    if (b.sp_mchid !== undefined) {
      const sp = wx.merchants.serviceProvider(b.sp_mchid)
      if (sp === undefined) throw controlError(404, `no service provider ${b.sp_mchid}`)
      if (!wx.merchants.ownsMchId(sp, b.creator_mchid)) throw controlError(409, `${b.creator_mchid} is not ${b.sp_mchid} or one of its sub-merchants`)
    }
    const now = wx.world.clock.now()
    const stock = wx.vouchers.addStock({
      creatorMchId: b.creator_mchid,
      spMchId: b.sp_mchid ?? b.creator_mchid,
      name: b.name,
      ...(b.comment === undefined ? {} : { comment: b.comment }),
      createdAt: now,
      availableBegin: now,
      availableEnd: new Date(now.getTime() + b.days * 86_400_000),
      maxCoupons: b.max_coupons,
      maxAmount: b.max_coupons * b.coupon_amount,
      maxCouponsPerUser: b.max_coupons_per_user,
      couponAmount: b.coupon_amount,
      transactionMinimum: b.transaction_minimum,
      goodsTags: b.goods_tag,
      availableMerchants: b.available_merchants,
      noCash: b.no_cash,
      outRequestNo: `sim-${randomUUID()}`,
    })
    if (b.status !== 'unactivated') setStockStatus(wx, stock, b.status)
    ctx.status = 201
    ctx.body = toStockWire(stock)
  })

  /** 暂停 / 重启 / 停止 a batch, as the merchant platform does; a stopped batch stays stopped. */
  router.post('/stocks/:stock_id', (ctx) => {
    const stock = wx.vouchers.stock(ctx.params.stock_id ?? '')
    if (stock === undefined) throw controlError(404, `no stock ${ctx.params.stock_id ?? ''}`)
    const { status } = parseControl(StockStatus, ctx.request.body ?? {})
    if (stock.status === 'stoped' && status !== 'stoped') throw controlError(409, `stock ${stock.stockId} is stopped for good`)
    setStockStatus(wx, stock, status)
    ctx.body = toStockWire(stock)
  })

  /** Every batch (wire view) with the coupons sent from it. */
  router.get('/stocks', (ctx) => {
    const now = wx.world.clock.now()
    ctx.body = wx.vouchers.stocks().map((s) => ({
      ...toStockWire(s),
      sp_mchid: s.spMchId,
      coupons: wx.vouchers.coupons().filter((c) => c.stock === s).map((c) => ({
        coupon_id: c.couponId,
        openid: c.openid,
        appid: c.appid,
        out_request_no: c.outRequestNo,
        status: wx.vouchers.status(c, now),
        ...(c.used === undefined ? {} : { transaction_id: c.used.transactionId }),
      })),
    }))
  })

  router.get('/maidan', (ctx) => {
    const spMchId = typeof ctx.query.sp_mchid === 'string' ? ctx.query.sp_mchid : wx.merchants.serviceProviders()[0]?.spMchId ?? ''
    if (wx.merchants.serviceProvider(spMchId) === undefined) throw controlError(404, `no service provider ${spMchId}`)
    ctx.body = maidanView(spMchId, wx.maidan.get(spMchId))
  })

  return router
}
