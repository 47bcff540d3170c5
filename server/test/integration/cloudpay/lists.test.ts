import { createIdGenerator, fen, type MerchantDTO } from '@yima/shared'
import { insertOrder, reserveRefund, transitionOrder, transitionRefund } from '../../../src/modules/payments/payment.repo'
import type { OrderRow } from '../../../src/modules/payments/payment.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * The list and overview endpoints through the envelope (cloudpay-api.md §8): query_order_list with
 * its filters and paging, query_order_list_overview against the summary figures, the old
 * client_order_detail and the sales buckets; always the authenticated merchant's data only.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

const db = () => database.get().db
const newId = createIdGenerator()
/** 2026-03-<day> <hh:mm:ss> China time, and as unix seconds. */
const at = (day: number, hhmmss: string): Date => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmmss}+08:00`)
const unix = (d: Date): number => Math.floor(d.getTime() / 1000)

interface Seed { amountFen: number, at: Date, storeId?: string, platform?: 'wechat_pay' | 'alipay', discountFen?: number, succeed?: boolean }

/** An order created 30 s before `at`, moved to succeeded at `at` (unless succeed: false) as the payment code does. */
async function order (m: MerchantDTO, storeId: string, s: Seed): Promise<OrderRow> {
  const id = newId('ord')
  const created = new Date(s.at.getTime() - 30_000)
  const row = await insertOrder(db(), {
    id,
    spId: m.serviceProviderId,
    sspId: m.subServiceProviderId,
    merchantId: m.id,
    storeId: s.storeId ?? storeId,
    sourceType: 'one_code',
    tradeType: 'one_code',
    payPlatform: s.platform ?? 'wechat_pay',
    method: 'wechat_jsapi',
    outTradeNo: `${m.orderPrefix}${id.slice(4)}`,
    amountFen: fen(s.amountFen),
    status: 'created',
    description: '测试订单',
    expiresAt: new Date(created.getTime() + 15 * 60_000),
    createdAt: created,
    updatedAt: created,
  })
  if (row === undefined) throw new Error('order not written')
  if (s.succeed === false) return row
  return (await transitionOrder(db(), id, 'succeeded', { paidAt: s.at, discountFen: fen(s.discountFen ?? 0), noCashDiscountFen: fen(s.discountFen ?? 0), channelTxnId: `4200${id.slice(-20)}` }, s.at)).row
}

async function refund (o: OrderRow, amountFen: number, when: Date, succeed = true): Promise<string> {
  const id = newId('rfd')
  await db().transaction(async (tx) => {
    await reserveRefund(tx, { id, orderId: o.id, spId: o.spId, merchantId: o.merchantId, storeId: o.storeId, outRefundNo: `${o.outTradeNo}r${id.slice(-4)}`, amountFen: fen(amountFen), status: 'processing', operatorKind: 'integrator', operatorId: 'cpay:test', createdAt: when, updatedAt: when })
    if (succeed) await transitionRefund(tx, id, 'succeeded', { refundedAt: when }, when)
  })
  return id
}

interface Listed { total_count: number, order_details: Array<{ order?: Record<string, unknown>, refund_order?: Record<string, unknown> }> }

/** Three payments on 1 March (one Alipay), one unpaid order, a refund on 2 March; another merchant's payment too. */
async function seeded (): Promise<{ w: CpayWorld, other: CpayWorld, paid: OrderRow[], unpaid: OrderRow }> {
  const w = await cpayWorld(live, database.get(), channels.get())
  const other = await cpayWorld(live, database.get(), channels.get())
  const s = w.store.id
  const paid = [
    await order(w.merchant, s, { amountFen: 1000, at: at(1, '09:00:00') }),
    await order(w.merchant, s, { amountFen: 2000, at: at(1, '10:00:00'), platform: 'alipay' }),
    await order(w.merchant, s, { amountFen: 3000, at: at(1, '11:00:00'), discountFen: 100 }),
  ]
  const unpaid = await order(w.merchant, s, { amountFen: 500, at: at(1, '12:00:00'), succeed: false })
  await refund(paid[2] as OrderRow, 1200, at(2, '09:00:00'))
  await order(other.merchant, other.store.id, { amountFen: 9999, at: at(1, '09:30:00') })
  return { w, other, paid, unpaid }
}

const range = { start_time: unix(at(1, '00:00:00')), end_time: unix(at(3, '00:00:00')) }

describe('query_order_list', () => {
  it('lists the successful payments, newest first, with the flattened fields, and pages them', async () => {
    const { w, paid } = await seeded()
    const r = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 1, status: 0, page_num: 1, page_size: 2 })
    expect(r).toMatchObject({ status: 0, signed: true })
    expect(r.payload.total_count).toBe(3)
    expect(r.payload.order_details.map((e) => e.order?.out_trade_no)).toEqual([paid[2]?.outTradeNo, paid[1]?.outTradeNo])
    expect(r.payload.order_details[0]?.order).toMatchObject({
      out_mch_id: w.sp.outMchId,
      out_sub_mch_id: w.merchant.outSubMchId,
      out_shop_id: w.store.outShopId,
      shop_name: w.store.name,
      sub_pay_platform: 100,
      trade_type: 8,
      source_type: 1,
      total_fee: 3000,
      discount_fee: 100,
      cash_fee: 2900,
      settlement_total_fee: 2900,
      refunded_fee: 1200,
      wxpay_current_trade_state: 4,
      fee_type: 'CNY',
    })
    const second = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 1, page_num: 2, page_size: 2 })
    expect(second.payload.order_details.map((e) => e.order?.out_trade_no)).toEqual([paid[0]?.outTradeNo])
  })

  it('mixes refunds in with order_type 3, shows every state with status 1, and filters by platform', async () => {
    const { w, paid, unpaid } = await seeded()
    const all = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 3, status: 1, page_size: 10 })
    expect(all.payload.total_count).toBe(5)
    expect(all.payload.order_details[0]?.refund_order).toMatchObject({ out_trade_no: paid[2]?.outTradeNo, refund_fee: 1200, total_fee: 3000, wxpay_refund_state: 2, out_shop_id: w.store.outShopId })
    expect(all.payload.order_details.slice(1).map((e) => e.order?.out_trade_no)).toEqual([unpaid.outTradeNo, paid[2]?.outTradeNo, paid[1]?.outTradeNo, paid[0]?.outTradeNo])
    const refunds = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 2 })
    expect(refunds.payload.total_count).toBe(1)
    const alipay = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 1, sub_pay_platforms: [200] })
    expect(alipay.payload.order_details.map((e) => e.order?.out_trade_no)).toEqual([paid[1]?.outTradeNo])
    expect(alipay.payload.order_details[0]?.order).toMatchObject({ sub_pay_platform: 200, alipay_current_trade_state: 2 })
    const cards = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, sub_pay_platforms: [300] })
    expect(cards.payload).toMatchObject({ total_count: 0, order_details: [] })
  })

  it('filters by the merchant own store, refuses another merchant store with 101, and never shows another merchant orders', async () => {
    const { w, other } = await seeded()
    const mine = await w.client.call<Listed>('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: w.store.outShopId, ...range, order_type: 1 })
    expect(mine.payload.total_count).toBe(3)
    expect(mine.payload.order_details.every((e) => e.order?.out_sub_mch_id === w.merchant.outSubMchId)).toBe(true)
    const theirs = await w.client.call('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: other.store.outShopId, ...range, order_type: 1 })
    expect(theirs).toMatchObject({ status: 101, internalStatus: 3 })
    const unknown = await w.client.call('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: 'sz01NOSHOP0000000000', ...range })
    expect(unknown).toMatchObject({ status: 101 })
  })

  it('refuses a bad range, bad paging and a wrong authen_code', async () => {
    const { w } = await seeded()
    expect(await w.client.call('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, start_time: range.end_time, end_time: range.start_time })).toMatchObject({ status: 101, internalStatus: 1 })
    expect(await w.client.call('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, page_size: 1000 })).toMatchObject({ status: 101 })
    expect(await w.client.call('query_order_list', { out_sub_mch_id: w.merchant.outSubMchId, ...range, order_type: 9 })).toMatchObject({ status: 101 })
    const { requestContent } = w.client.envelope({ out_sub_mch_id: w.merchant.outSubMchId, ...range })
    const wrong = await w.client.send('query_order_list', JSON.stringify({ request_content: requestContent, authen_info: { a: { authen_type: 1, authen_code: '1'.repeat(64) } } }))
    expect(wrong).toMatchObject({ status: 101, internalStatus: 7, signed: false })
  })
})

describe('query_order_list_overview', () => {
  it('maps the summary figures to Cloud Pay overview fields', async () => {
    const { w } = await seeded()
    const r = await w.client.call<{ total_count: number, overviews: Array<Record<string, number>> }>('query_order_list_overview', { out_sub_mch_id: w.merchant.outSubMchId, ...range })
    expect(r.status).toBe(0)
    expect(r.payload.overviews).toEqual([{
      success_count: 3,
      success_amount: 6000,
      discount_amount: 100,
      pay_settle_amount: 5900,
      refund_create_count: 1,
      refund_create_amount: 1200,
      // 1200 − 1200 × 100 / 3000 (the merchant-borne discount refunded in proportion)
      refund_settle_amount: 1160,
      settle_amount: 4740,
      income_amount: 4740,
    }])
    const day1 = await w.client.call<{ overviews: Array<Record<string, number>> }>('query_order_list_overview', { out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: w.store.outShopId, start_time: range.start_time, end_time: unix(at(2, '00:00:00')) })
    expect(day1.payload.overviews[0]).toMatchObject({ success_count: 3, refund_create_count: 0 })
  })

  it('refuses filters the summaries cannot apply, and another merchant store', async () => {
    const { w, other } = await seeded()
    expect(await w.client.call('query_order_list_overview', { out_sub_mch_id: w.merchant.outSubMchId, ...range, sub_pay_platforms: [100] })).toMatchObject({ status: 101 })
    expect(await w.client.call('query_order_list_overview', { out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: other.store.outShopId, ...range })).toMatchObject({ status: 101, internalStatus: 3 })
  })
})

describe('client_order_detail and client_sub_mch_sales_overview', () => {
  it('answers the old query with receipts and an overview', async () => {
    const { w, paid } = await seeded()
    const r = await w.client.call<{ total_count: number, order_details: Array<Record<string, any>>, overview?: Record<string, number> }>('client_order_detail', { out_sub_mch_id: w.merchant.outSubMchId, ...range, query_order_type: 1, page_num: 1, page_size: 10, enable_overview: true })
    expect(r.status).toBe(0)
    expect(r.payload.total_count).toBe(4)
    expect(r.payload.order_details[1]?.receipt.order.order_content).toMatchObject({ out_trade_no: paid[2]?.outTradeNo, total_fee: 3000 })
    expect(r.payload.order_details[1]?.receipt.order.order_mch).toMatchObject({ out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: w.store.outShopId })
    expect(r.payload.overview).toMatchObject({ success_count: 3, success_amount: 6000 })
  })

  it('buckets sales by day and by month', async () => {
    const { w } = await seeded()
    const days = await w.client.call<{ total_count: number, stat_infos: Array<Record<string, number>> }>('client_sub_mch_sales_overview', { out_sub_mch_id: w.merchant.outSubMchId, ...range, stat_type: 1 })
    expect(days.payload.total_count).toBe(2)
    expect(days.payload.stat_infos).toMatchObject([{ stat_time: unix(at(1, '00:00:00')), success_count: 3 }, { stat_time: unix(at(2, '00:00:00')), refund_create_count: 1 }])
    const month = await w.client.call<{ total_count: number, stat_infos: Array<Record<string, number>> }>('client_sub_mch_sales_overview', { out_sub_mch_id: w.merchant.outSubMchId, ...range, stat_type: 2 })
    expect(month.payload.stat_infos).toMatchObject([{ stat_time: unix(at(1, '00:00:00')), success_count: 3, refund_create_count: 1 }])
  })
})
