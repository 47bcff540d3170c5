import type { RefundWire, TransactionWire } from '../src/wxpay/wire'
import { dataOf, failureOf, jsapiOrder, tradeNo, useWxpayHarness, verifyNotification, type Received } from './helpers/wxpay'

const ctx = useWxpayHarness()

const ALICE = 'oAlice0000000000000000000001'
const BOB = 'oBob00000000000000000000002'
const china = (ms: number): string => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`

/** 满20减5, two coupons in all, one per person, for goods_tag `coffee`. */
function stockBody (o: { belongMerchant?: string, maxCoupons?: number, perUser?: number, goodsTag?: string[] } = {}): Record<string, unknown> {
  const now = ctx.h.sandbox.world.clock.nowMs()
  const maxCoupons = o.maxCoupons ?? 2
  return {
    stock_name: '咖啡满20减5',
    comment: '开业活动',
    belong_merchant: o.belongMerchant ?? ctx.h.cfg.spMchId,
    available_begin_time: china(now - 60_000),
    available_end_time: china(now + 7 * 86_400_000),
    stock_use_rule: { max_coupons: maxCoupons, max_amount: maxCoupons * 500, max_coupons_per_user: o.perUser ?? 1, natural_person_limit: false, prevent_api_abuse: false },
    coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 }, goods_tag: o.goodsTag ?? ['coffee'], available_merchants: [] },
    no_cash: false,
    stock_type: 'NORMAL',
    out_request_no: tradeNo('S'),
  }
}

async function runningStock (o: Parameters<typeof stockBody>[0] = {}): Promise<string> {
  const body = stockBody(o)
  const { stock_id: stockId } = await dataOf<{ stock_id: string }>(ctx.h.wx.chain('v3/marketing/favor/coupon-stocks').post(body))
  await ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}/start').post({ stock_creator_mchid: body.belong_merchant }, { stock_id: stockId })
  return stockId
}

const send = (stockId: string, openid: string, outRequestNo = tradeNo('C')): Promise<{ data: unknown }> =>
  ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').post({ stock_id: stockId, out_request_no: outRequestNo, appid: ctx.h.cfg.spAppId, stock_creator_mchid: ctx.h.cfg.spMchId }, { openid })

async function payJsapi (openid: string, total: number, goodsTag?: string): Promise<TransactionWire> {
  const order = jsapiOrder(ctx.h.cfg, { openid, total, notifyUrl: ctx.hook.url, ...(goodsTag === undefined ? {} : { goodsTag }) })
  await ctx.h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
  const paid = await ctx.h.sim<TransactionWire>('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })
  expect(paid.status).toBe(200)
  return paid.body
}

describe('wxpay vouchers (代金券)', () => {
  it('creates, starts and reads back a batch', async () => {
    const body = stockBody()
    const created = await dataOf<{ stock_id: string, create_time: string }>(ctx.h.wx.chain('v3/marketing/favor/coupon-stocks').post(body))
    expect(created.stock_id).toMatch(/^\d{8}$/)
    const q = { params: { stock_creator_mchid: ctx.h.cfg.spMchId }, stock_id: created.stock_id }
    expect(await dataOf(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}').get(q))).toMatchObject({ status: 'unactivated', distributed_coupons: 0 })
    const started = await dataOf<{ stock_id: string, start_time: string }>(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}/start').post({ stock_creator_mchid: ctx.h.cfg.spMchId }, { stock_id: created.stock_id }))
    expect(started.start_time).toMatch(/\+08:00$/)
    expect(await dataOf(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}').get(q))).toMatchObject({
      stock_id: created.stock_id,
      stock_creator_mchid: ctx.h.cfg.spMchId,
      stock_name: '咖啡满20减5',
      status: 'running',
      stock_type: 'NORMAL',
      stock_use_rule: { max_coupons: 2, max_amount: 1000, fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 }, goods_tag: ['coffee'] },
    })
    // Creating again with the same out_request_no answers the same batch.
    expect((await dataOf<{ stock_id: string }>(ctx.h.wx.chain('v3/marketing/favor/coupon-stocks').post(body))).stock_id).toBe(created.stock_id)
  })

  it('refuses an inconsistent budget and sends from unstarted batches', async () => {
    const bad = await failureOf(ctx.h.wx.chain('v3/marketing/favor/coupon-stocks').post({ ...stockBody(), stock_use_rule: { max_coupons: 2, max_amount: 999, max_coupons_per_user: 1 } }))
    expect(bad.data?.code).toBe('PARAM_ERROR')
    const { stock_id: idle } = await dataOf<{ stock_id: string }>(ctx.h.wx.chain('v3/marketing/favor/coupon-stocks').post(stockBody()))
    expect((await failureOf(send(idle, ALICE))).data?.code).toBe('INVALID_REQUEST')
    const missing = await failureOf(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}').get({ params: { stock_creator_mchid: ctx.h.cfg.spMchId }, stock_id: '99999999' }))
    expect(missing.status).toBe(404)
  })

  it('enforces the per-user limit and the budget, idempotently on out_request_no', async () => {
    const stockId = await runningStock()
    const first = await dataOf<{ coupon_id: string }>(send(stockId, ALICE, 'req-alice-1'))
    expect(first.coupon_id).toMatch(/^\d{11}$/)
    expect((await dataOf<{ coupon_id: string }>(send(stockId, ALICE, 'req-alice-1'))).coupon_id).toBe(first.coupon_id)
    const limit = await failureOf(send(stockId, ALICE, 'req-alice-2'))
    expect(limit).toMatchObject({ status: 403, data: { code: 'RULE_LIMIT' } })
    await send(stockId, BOB)
    const budget = await failureOf(send(stockId, 'oCarol000000000000000000003'))
    expect(budget).toMatchObject({ status: 403, data: { code: 'NOT_ENOUGH' } })
    expect(await dataOf(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}').get({ params: { stock_creator_mchid: ctx.h.cfg.spMchId }, stock_id: stockId }))).toMatchObject({ distributed_coupons: 2 })
  })

  it('lists and reads a user\'s coupons', async () => {
    const stockId = await runningStock()
    const { coupon_id: couponId } = await dataOf<{ coupon_id: string }>(send(stockId, ALICE))
    const list = await dataOf<{ data: Array<{ coupon_id: string, status: string }>, total_count: number }>(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').get({ params: { appid: ctx.h.cfg.spAppId }, openid: ALICE }))
    expect(list.total_count).toBe(1)
    expect(list.data[0]).toMatchObject({ coupon_id: couponId, status: 'SENDED' })
    const one = await dataOf(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons/{coupon_id}').get({ params: { appid: ctx.h.cfg.spAppId }, openid: ALICE, coupon_id: couponId }))
    expect(one).toMatchObject({ coupon_id: couponId, stock_id: stockId, coupon_name: '咖啡满20减5', status: 'SENDED', normal_coupon_information: { coupon_amount: 500, transaction_minimum: 2000 } })
    expect((await failureOf(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons/{coupon_id}').get({ params: { appid: ctx.h.cfg.spAppId }, openid: BOB, coupon_id: couponId }))).status).toBe(404)
  })

  it('redeems a matching coupon on payment: promotion_detail and payer_total, in the query and the notification', async () => {
    const stockId = await runningStock()
    const { coupon_id: couponId } = await dataOf<{ coupon_id: string }>(send(stockId, ALICE))
    const t = await payJsapi(ALICE, 2800, 'coffee')
    expect(t.amount).toEqual({ total: 2800, payer_total: 2300, currency: 'CNY', payer_currency: 'CNY' })
    expect(t.promotion_detail).toEqual([{
      coupon_id: couponId,
      name: '咖啡满20减5',
      scope: 'GLOBAL',
      type: 'CASH',
      amount: 500,
      stock_id: stockId,
      wechatpay_contribute: 0,
      merchant_contribute: 0,
      other_contribute: 500,
      currency: 'CNY',
    }])
    await ctx.h.idle()
    const n = verifyNotification(ctx.h.cfg, ctx.hook.received[0] as Received)
    if (!n.ok) throw new Error(n.reason)
    expect(n.resource).toMatchObject({ amount: { total: 2800, payer_total: 2300 }, promotion_detail: [{ coupon_id: couponId, amount: 500 }] })

    const coupon = await dataOf(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons/{coupon_id}').get({ params: { appid: ctx.h.cfg.spAppId }, openid: ALICE, coupon_id: couponId }))
    expect(coupon).toMatchObject({ status: 'USED', consume_information: { transaction_id: t.transaction_id, consume_mchid: t.sub_mchid } })
    // Used: the next coffee is full price.
    expect((await payJsapi(ALICE, 2800, 'coffee')).amount.payer_total).toBe(2800)
  })

  it('applies nothing without a matching goods_tag, below the minimum, or to someone else', async () => {
    const stockId = await runningStock({ perUser: 3, maxCoupons: 3 })
    await send(stockId, ALICE)
    expect((await payJsapi(ALICE, 2800, 'tea')).promotion_detail).toBeUndefined()
    expect((await payJsapi(ALICE, 2800)).promotion_detail).toBeUndefined()
    expect((await payJsapi(ALICE, 1999, 'coffee')).amount.payer_total).toBe(1999)
    expect((await payJsapi(BOB, 2800, 'coffee')).amount.payer_total).toBe(2800)
  })

  it('refuses a named coupon that cannot apply', async () => {
    const stockId = await runningStock()
    const { coupon_id: couponId } = await dataOf<{ coupon_id: string }>(send(stockId, ALICE))
    const order = jsapiOrder(ctx.h.cfg, { openid: ALICE, total: 2800, goodsTag: 'tea' })
    await ctx.h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    const r = await ctx.h.sim<{ error: string }>('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no, coupon_id: couponId })
    expect(r.status).toBe(409)
    expect(r.body.error).toContain('订单优惠标记不匹配')
  })

  it('counts the merchant\'s own batch as merchant_contribute, sends COUPON.USE, and splits refunds', async () => {
    const sub = ctx.h.cfg.subMchIds[0] ?? ''
    const stockId = await runningStock({ belongMerchant: sub })
    await ctx.h.wx.chain('v3/marketing/favor/callbacks').post({ mchid: sub, notify_url: ctx.hook.url })
    const body = { stock_id: stockId, out_request_no: tradeNo('C'), appid: ctx.h.cfg.spAppId, stock_creator_mchid: sub }
    await ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').post(body, { openid: ALICE })
    const t = await payJsapi(ALICE, 2000, 'coffee')
    expect(t.promotion_detail?.[0]).toMatchObject({ merchant_contribute: 500, other_contribute: 0 })
    await ctx.h.idle()
    const events = ctx.hook.received.map((r) => verifyNotification(ctx.h.cfg, r)).map((n) => (n.ok ? [n.event.event_type, n.resource.status] : [n.reason]))
    expect(events).toEqual(expect.arrayContaining([['TRANSACTION.SUCCESS', undefined], ['COUPON.USE', 'USED']]))

    const refund = await dataOf<RefundWire>(ctx.h.wx.chain('v3/refund/domestic/refunds').post({
      sub_mchid: sub, out_trade_no: t.out_trade_no, out_refund_no: 'RV-1', amount: { refund: 1000, total: 2000, currency: 'CNY' },
    }))
    expect(refund.amount).toMatchObject({ refund: 1000, payer_total: 1500, discount_refund: 250, payer_refund: 750 })
    const rest = await dataOf<RefundWire>(ctx.h.wx.chain('v3/refund/domestic/refunds').post({
      sub_mchid: sub, out_trade_no: t.out_trade_no, out_refund_no: 'RV-2', amount: { refund: 1000, total: 2000, currency: 'CNY' },
    }))
    expect(rest.amount).toMatchObject({ discount_refund: 250, payer_refund: 750 })
  })
})
