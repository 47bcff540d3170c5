import { fen, type Fen } from '@yima/shared'
import { asRequest, barCode, no, order, useAlipayContract } from './harness'

const ctx = useAlipayContract()

/** A micropay of `amountFen`, paid at once. */
async function paid (amountFen: Fen): Promise<string> {
  const i = order(ctx, { method: 'alipay_micropay', authCode: barCode(), amountFen })
  expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome.kind).toBe('succeeded')
  return i.outTradeNo
}

describe('alipay adapter: refunds', () => {
  it('a partial then a full refund: each succeeded with its own amount, and refund.query agrees', async () => {
    const outTradeNo = await paid(fen(100))
    const r1 = no('rfd_')
    const r2 = no('rfd_')
    expect(await ctx.adapter.refund({ outTradeNo, outRefundNo: r1, refundFen: fen(40), totalFen: fen(100), reason: '部分退款' }, ctx.creds))
      .toMatchObject({ kind: 'succeeded', amountFen: 40, channelRefundId: expect.stringMatching(/^\d{28}$/), refundedAt: expect.any(Date) })
    expect(await ctx.adapter.refund({ outTradeNo, outRefundNo: r2, refundFen: fen(60), totalFen: fen(100) }, ctx.creds))
      .toMatchObject({ kind: 'succeeded', amountFen: 60 })

    expect(await ctx.adapter.queryRefund(outTradeNo, r1, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 40, refundedAt: expect.any(Date) })
    expect(await ctx.adapter.queryRefund(outTradeNo, r2, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 60 })
    // Alipay closes a trade refunded in full; the payment no longer stands.
    expect(await ctx.adapter.queryPayment(outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
  })

  it('a repeated out_request_no answers fund_change N: confirmed through refund.query, no second refund', async () => {
    const outTradeNo = await paid(fen(100))
    const input = { outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(30), totalFen: fen(100) }
    expect(await ctx.adapter.refund(input, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 30 })
    const again = await ctx.adapter.refund(input, ctx.creds)
    expect(again).toMatchObject({ kind: 'succeeded', amountFen: 30 })
    // The second outcome comes from refund.query, not from the refund answer.
    expect(again.kind === 'succeeded' && (again.raw as { refund_status?: string }).refund_status).toBe('REFUND_SUCCESS')
    const [trade] = (await ctx.sim<Array<{ refund_fee: string }>>('GET', `/__sim/alipay/orders?out_trade_no=${outTradeNo}`)).body
    expect(trade?.refund_fee).toBe('0.30')
  })

  it('refusals are failed; a refund Alipay does not know is pending (retry with the same out_request_no)', async () => {
    const outTradeNo = await paid(fen(100))
    expect(await ctx.adapter.refund({ outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(101), totalFen: fen(100) }, ctx.creds))
      .toMatchObject({ kind: 'failed', code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' })
    expect(await ctx.adapter.queryRefund(outTradeNo, no('rfd_'), ctx.creds)).toMatchObject({ kind: 'pending' })
    expect(await ctx.adapter.refund({ outTradeNo: no(), outRefundNo: no('rfd_'), refundFen: fen(1), totalFen: fen(1) }, ctx.creds))
      .toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
  })

  it('refund notifications (TRADE_SUCCESS + refund_fee, then TRADE_CLOSED) are refunds with this refund\'s amount, not the cumulative one', async () => {
    const outTradeNo = await paid(fen(100))
    const r1 = no('rfd_')
    const r2 = no('rfd_')
    await ctx.adapter.refund({ outTradeNo, outRefundNo: r1, refundFen: fen(40), totalFen: fen(100) }, ctx.creds)
    await ctx.adapter.refund({ outTradeNo, outRefundNo: r2, refundFen: fen(60), totalFen: fen(100) }, ctx.creds)
    const [payment, partial, full] = await ctx.deliveries()
    expect(new URLSearchParams(partial?.raw).get('trade_status')).toBe('TRADE_SUCCESS')
    expect(new URLSearchParams(full?.raw).get('trade_status')).toBe('TRADE_CLOSED')
    expect(new URLSearchParams(full?.raw).get('refund_fee')).toBe('1.00')

    expect(await ctx.adapter.parseNotification(asRequest(payment!), ctx.creds)).toMatchObject({ type: 'payment', outcome: { kind: 'succeeded', amountFen: 100 } })
    expect(await ctx.adapter.parseNotification(asRequest(partial!), ctx.creds))
      .toMatchObject({ type: 'refund', outTradeNo, outRefundNo: r1, outcome: { kind: 'succeeded', amountFen: 40 } })
    expect(await ctx.adapter.parseNotification(asRequest(full!), ctx.creds))
      .toMatchObject({ type: 'refund', outTradeNo, outRefundNo: r2, outcome: { kind: 'succeeded', amountFen: 60 } })
  })
})
