import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { Formatter } from 'wechatpay-axios-plugin'
import type { RefundWire, TransactionWire } from '../src/wxpay/wire'
import { dataOf, failureOf, jsapiOrder, useWxpayHarness, verifyNotification, type SdkResponse } from './helpers/wxpay'

const ctx = useWxpayHarness()

async function paidOrder (total = 3000): Promise<TransactionWire> {
  const order = jsapiOrder(ctx.h.cfg, { total })
  await ctx.h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
  return (await ctx.h.sim<TransactionWire>('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })).body
}

const refund = (body: Record<string, unknown>): Promise<SdkResponse> => ctx.h.wx.chain('v3/refund/domestic/refunds').post(body) as Promise<SdkResponse>
const refundBody = (t: TransactionWire, outRefundNo: string, amount: number): Record<string, unknown> => ({
  sub_mchid: t.sub_mchid,
  out_trade_no: t.out_trade_no,
  out_refund_no: outRefundNo,
  reason: '顾客退货',
  notify_url: ctx.hook.url,
  amount: { refund: amount, total: t.amount.total, currency: 'CNY' },
})
const queryRefund = async (t: TransactionWire, outRefundNo: string): Promise<RefundWire> =>
  await dataOf<RefundWire>(ctx.h.wx.chain('v3/refund/domestic/refunds/{out_refund_no}').get({ params: { sub_mchid: t.sub_mchid }, out_refund_no: outRefundNo }))

describe('wxpay refunds', () => {
  it('starts PROCESSING, settles to SUCCESS and notifies REFUND.SUCCESS', async () => {
    const t = await paidOrder()
    const r = await dataOf<RefundWire>(refund(refundBody(t, 'R-1', 1000)))
    expect(r).toMatchObject({ out_refund_no: 'R-1', transaction_id: t.transaction_id, status: 'PROCESSING', channel: 'ORIGINAL', amount: { refund: 1000, total: 3000, payer_refund: 1000, currency: 'CNY' } })
    expect(r.refund_id).toMatch(/^50\d{27}$/)
    expect(r.success_time).toBeUndefined()

    const q = await dataOf<TransactionWire>(ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: ctx.h.cfg.spMchId, sub_mchid: t.sub_mchid }, out_trade_no: t.out_trade_no }))
    expect(q).toMatchObject({ trade_state: 'REFUND', trade_state_desc: '转入退款' })

    const settled = await ctx.h.sim<{ settled: RefundWire[] }>('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: 'R-1' })
    expect(settled.body.settled.map((s) => s.status)).toEqual(['SUCCESS'])
    await ctx.h.idle()
    const after = await queryRefund(t, 'R-1')
    expect(after.status).toBe('SUCCESS')
    expect(after.success_time).toMatch(/\+08:00$/)

    expect(ctx.hook.received).toHaveLength(1)
    const n = verifyNotification(ctx.h.cfg, ctx.hook.received[0] ?? { headers: {}, body: '' })
    if (!n.ok) throw new Error(`notification rejected: ${n.reason}`)
    expect(n.event).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功', resource_type: 'encrypt-resource', resource: { original_type: 'refund', associated_data: 'refund' } })
    expect(n.resource).toMatchObject({ sp_mchid: ctx.h.cfg.spMchId, sub_mchid: t.sub_mchid, out_trade_no: t.out_trade_no, out_refund_no: 'R-1', refund_id: r.refund_id, refund_status: 'SUCCESS', amount: { total: 3000, refund: 1000, payer_total: 3000, payer_refund: 1000 } })
  })

  it('never refunds more than was paid minus what is already refunded', async () => {
    const t = await paidOrder(3000)
    await refund(refundBody(t, 'R-a', 2000))
    const over = await failureOf(refund(refundBody(t, 'R-b', 1001)))
    expect(over.status).toBe(403)
    expect(over.data?.code).toBe('NOT_ENOUGH')
    expect((await dataOf<RefundWire>(refund(refundBody(t, 'R-c', 1000)))).status).toBe('PROCESSING')
    expect((await failureOf(refund(refundBody(t, 'R-d', 1)))).data?.code).toBe('NOT_ENOUGH')
  })

  it('gives the amount back when a refund closes, and reports ABNORMAL', async () => {
    const t = await paidOrder(3000)
    await refund(refundBody(t, 'R-x', 3000))
    await ctx.h.sim('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: 'R-x', status: 'CLOSED' })
    expect((await queryRefund(t, 'R-x')).status).toBe('CLOSED')
    await refund(refundBody(t, 'R-y', 3000))
    await ctx.h.sim('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: 'R-y', status: 'ABNORMAL' })
    await ctx.h.idle()
    expect((await queryRefund(t, 'R-y')).status).toBe('ABNORMAL')
    const events = ctx.hook.received.map((r) => { const n = verifyNotification(ctx.h.cfg, r); return n.ok ? n.event.event_type : n.reason })
    expect(events).toEqual(['REFUND.CLOSED', 'REFUND.ABNORMAL'])
  })

  it('answers a retried refund with the same refund, and rejects a conflicting reuse of out_refund_no', async () => {
    const t = await paidOrder()
    const first = await dataOf<RefundWire>(refund(refundBody(t, 'R-same', 500)))
    const again = await dataOf<RefundWire>(refund(refundBody(t, 'R-same', 500)))
    expect(again.refund_id).toBe(first.refund_id)
    expect((await failureOf(refund(refundBody(t, 'R-same', 600)))).data?.code).toBe('INVALID_REQUEST')
  })

  it('refuses refunds of unknown or unpaid orders and of the wrong total', async () => {
    const t = await paidOrder()
    expect((await failureOf(refund({ ...refundBody(t, 'R-z', 10), out_trade_no: 'NOSUCHORDER' }))).status).toBe(404)
    expect((await failureOf(refund({ ...refundBody(t, 'R-z', 10), amount: { refund: 10, total: 1, currency: 'CNY' } }))).data?.code).toBe('PARAM_ERROR')
    const unpaid = jsapiOrder(ctx.h.cfg)
    await ctx.h.wx.chain('v3/pay/partner/transactions/jsapi').post(unpaid)
    const f = await failureOf(refund({ ...refundBody(t, 'R-u', 10), out_trade_no: unpaid.out_trade_no }))
    expect(f.data?.code).toBe('INVALID_REQUEST')
    expect((await failureOf(ctx.h.wx.chain('v3/refund/domestic/refunds/{out_refund_no}').get({ params: { sub_mchid: t.sub_mchid }, out_refund_no: 'NOPE' }))).status).toBe(404)
  })
})

describe('wxpay trade bills', () => {
  it('lists the day\'s payments and refunds in WeChat\'s CSV layout, with a matching SHA1', async () => {
    const a = await paidOrder(1234)
    const b = await paidOrder(500)
    await refund(refundBody(a, 'R-bill', 234))
    await ctx.h.sim('POST', '/__sim/wxpay/refunds/settle', {})
    const today = new Date(ctx.h.sandbox.world.clock.nowMs() + 8 * 3600_000).toISOString().slice(0, 10)

    const bill = await dataOf<{ hash_type: string, hash_value: string, download_url: string }>(ctx.h.wx.chain('v3/bill/tradebill').get({ params: { bill_date: today, sub_mchid: a.sub_mchid } }))
    expect(bill.hash_type).toBe('SHA1')
    const url = new URL(bill.download_url)
    expect(url.origin).toBe(ctx.h.sandbox.urls.wxpay)
    const file = await ctx.h.wx.chain('v3/billdownload/file').get({ params: { token: url.searchParams.get('token') }, responseType: 'arraybuffer' })
    const bytes = Buffer.from(file.data as ArrayBuffer)
    expect(file.headers['wechatpay-signature']).toBeUndefined()
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(bill.hash_value)

    const { rows, summary } = Formatter.castCsvBill(bytes) as { rows: Array<Record<string, string>>, summary: Record<string, string> }
    expect(rows.map((r) => [r['商户订单号'], r['交易状态'], r['应结订单金额'], r['退款金额']])).toEqual([
      [a.out_trade_no, 'SUCCESS', '12.34', '0.00'],
      [b.out_trade_no, 'SUCCESS', '5.00', '0.00'],
      [a.out_trade_no, 'REFUND', '0.00', '2.34'],
    ])
    expect(rows[0]?.['微信订单号']).toBe(a.transaction_id)
    expect(rows[0]?.['手续费']).toBe('0.07404')
    expect(summary).toMatchObject({ 总交易单数: '3', 应结订单总金额: '17.34', 退款总金额: '2.34', 订单总金额: '17.34', 申请退款总金额: '2.34' })
  })

  it('serves GZIP on request and NO_STATEMENT_EXIST for an empty day', async () => {
    await paidOrder(100)
    const today = new Date(ctx.h.sandbox.world.clock.nowMs() + 8 * 3600_000).toISOString().slice(0, 10)
    const bill = await dataOf<{ hash_value: string, download_url: string }>(ctx.h.wx.chain('v3/bill/tradebill').get({ params: { bill_date: today, tar_type: 'GZIP' } }))
    const token = new URL(bill.download_url).searchParams.get('token')
    const file = await ctx.h.wx.chain('v3/billdownload/file').get({ params: { token }, responseType: 'arraybuffer' })
    const plain = gunzipSync(Buffer.from(file.data as ArrayBuffer))
    expect(createHash('sha1').update(plain).digest('hex')).toBe(bill.hash_value)

    const empty = await failureOf(ctx.h.wx.chain('v3/bill/tradebill').get({ params: { bill_date: '2020-01-01' } }))
    expect(empty.data?.code).toBe('NO_STATEMENT_EXIST')
    const badToken = await failureOf(ctx.h.wx.chain('v3/billdownload/file').get({ params: { token: 'nope' } }))
    expect(badToken.status).toBe(400)
  })
})
