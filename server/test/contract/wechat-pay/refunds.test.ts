import { fen } from '@yima/shared'
import type { CreatePaymentInput, RefundInput } from '../../../src/channels/types'
import { ROUTE, tradeNo, useContract } from './helpers'

const ctx = useContract()

/** A JSAPI order the customer has paid (its TRANSACTION.SUCCESS delivery is received[0]). */
async function paidOrder (total = 3000): Promise<CreatePaymentInput> {
  const input = ctx.payment('wechat_jsapi', { amountFen: fen(total) })
  await ctx.adapter.createPayment(input, ctx.creds())
  expect((await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })).status).toBe(200)
  await ctx.idle()
  return input
}

const refundOf = (p: CreatePaymentInput, refund: number, o: Partial<RefundInput> = {}): RefundInput => ({
  outTradeNo: p.outTradeNo,
  outRefundNo: tradeNo('R'),
  refundFen: fen(refund),
  totalFen: p.amountFen,
  reason: '顾客退单',
  notifyUrl: ctx.hook.url,
  ...o,
})

describe('wechat-pay adapter: refunds', () => {
  it('refund → pending (PROCESSING); settled → REFUND.SUCCESS notification reads succeeded; queryRefund agrees', async () => {
    const p = await paidOrder()
    const input = refundOf(p, 1000)
    const r = await ctx.adapter.refund(input, ctx.creds())
    expect(r).toMatchObject({ kind: 'pending', channelRefundId: expect.any(String), raw: { status: 'PROCESSING', amount: { refund: 1000, total: 3000 } } })
    expect(await ctx.adapter.queryRefund(p.outTradeNo, input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'pending' })

    await ctx.sim('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: input.outRefundNo })
    await ctx.idle()
    expect(ctx.hook.received).toHaveLength(2)
    const n = await ctx.parse(1)
    expect(n).toMatchObject({ type: 'refund', outTradeNo: p.outTradeNo, outRefundNo: input.outRefundNo, outcome: { kind: 'succeeded', amountFen: 1000 } })
    if (n.type !== 'refund' || n.outcome.kind !== 'succeeded' || r.kind !== 'pending') throw new Error('unreachable')
    expect(n.outcome.channelRefundId).toBe(r.channelRefundId)
    expect(n.outcome.refundedAt).toBeInstanceOf(Date)
    expect((await ctx.notifications())[1]).toMatchObject({ kind: 'REFUND.SUCCESS', acknowledged: true, response: { status: 204 } })

    expect(await ctx.adapter.queryRefund(p.outTradeNo, input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'succeeded', amountFen: 1000, channelRefundId: r.channelRefundId })
    // A partly refunded payment reads trade_state REFUND, and is still a succeeded payment.
    expect(await ctx.adapter.queryPayment(p.outTradeNo, ctx.creds())).toMatchObject({ kind: 'succeeded', amountFen: 3000, raw: { trade_state: 'REFUND' } })
  })

  it('a retried refund (same out_refund_no, same money) answers the same refund', async () => {
    const p = await paidOrder()
    const input = refundOf(p, 500)
    const first = await ctx.adapter.refund(input, ctx.creds())
    const again = await ctx.adapter.refund(input, ctx.creds())
    expect(again).toEqual(first)
  })

  it('ABNORMAL stays pending (money in flight); CLOSED afterwards → failed, via notification and query', async () => {
    const p = await paidOrder()
    const input = refundOf(p, 3000)
    await ctx.adapter.refund(input, ctx.creds())
    await ctx.sim('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: input.outRefundNo, status: 'ABNORMAL' })
    await ctx.idle()
    expect(await ctx.parse(1)).toMatchObject({ type: 'refund', outcome: { kind: 'pending', raw: { refund_status: 'ABNORMAL' } } })
    expect(await ctx.adapter.queryRefund(p.outTradeNo, input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'pending', raw: { status: 'ABNORMAL' } })

    await ctx.sim('POST', '/__sim/wxpay/refunds/settle', { out_refund_no: input.outRefundNo, status: 'CLOSED' })
    await ctx.idle()
    expect(await ctx.parse(2)).toMatchObject({ type: 'refund', outcome: { kind: 'failed', code: 'CLOSED' } })
    expect(await ctx.adapter.queryRefund(p.outTradeNo, input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
  })

  it('more than is refundable → failed NOT_ENOUGH; an unpaid order → failed INVALID_REQUEST', async () => {
    const p = await paidOrder(1000)
    expect(await ctx.adapter.refund(refundOf(p, 1001), ctx.creds())).toMatchObject({ kind: 'failed', code: 'NOT_ENOUGH' })
    const unpaid = ctx.payment('wechat_native')
    await ctx.adapter.createPayment(unpaid, ctx.creds())
    expect(await ctx.adapter.refund(refundOf(unpaid, 100), ctx.creds())).toMatchObject({ kind: 'failed', code: 'INVALID_REQUEST' })
  })

  it('querying a refund WeChat never saw → failed RESOURCE_NOT_EXISTS', async () => {
    const p = await paidOrder()
    expect(await ctx.adapter.queryRefund(p.outTradeNo, tradeNo('R'), ctx.creds())).toMatchObject({ kind: 'failed', code: 'RESOURCE_NOT_EXISTS' })
  })

  it('an answer about another order is not evidence about this one → unknown', async () => {
    const p = await paidOrder()
    const input = refundOf(p, 100)
    await ctx.adapter.refund(input, ctx.creds())
    expect(await ctx.adapter.queryRefund(tradeNo('OTHER'), input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('answer names') })
  })

  it('5xx and TIMEOUT on refund → unknown; the refund query then tells', async () => {
    const p = await paidOrder()
    const input = refundOf(p, 100)
    await ctx.fault(ROUTE.refund, '5xx')
    expect(await ctx.adapter.refund(input, ctx.creds())).toMatchObject({ kind: 'unknown', reason: 'HTTP 500 SYSTEM_ERROR' })
    await ctx.fault(ROUTE.refund, 'TIMEOUT')
    expect(await ctx.impatient.refund(input, ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('no answer') })
    expect(await ctx.adapter.queryRefund(p.outTradeNo, input.outRefundNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'RESOURCE_NOT_EXISTS' })
    expect(await ctx.adapter.refund(input, ctx.creds())).toMatchObject({ kind: 'pending' })
  })
})
