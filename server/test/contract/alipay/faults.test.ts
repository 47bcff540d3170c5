import { fen } from '@yima/shared'
import { barCode, no, order, useAlipayContract } from './harness'

// A short timeout keeps the TIMEOUT cases fast; the sandbox answers everything else in milliseconds.
const ctx = useAlipayContract({ timeoutMs: 400 })

describe('alipay adapter: answers nobody can trust are unknown (channels.md §6)', () => {
  it('a wrong response signature (SIGN_BAD) is unknown, never read; the query then tells the truth', async () => {
    await ctx.fault('alipay.trade.pay', 'SIGN_BAD')
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    const { outcome } = await ctx.adapter.createPayment(i, ctx.creds)
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^alipay\.trade\.pay: answer signature does not verify/) })
    expect(outcome).not.toHaveProperty('raw')
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1234 })

    await ctx.fault('alipay.trade.query', 'SIGN_BAD')
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    await ctx.fault('alipay.trade.precreate', 'SIGN_BAD')
    expect((await ctx.adapter.createPayment(order(ctx, { method: 'alipay_qr' }), ctx.creds)).outcome).toMatchObject({ kind: 'unknown' })
  })

  it('5xx (20000 aop.unknow-error) is unknown for create, query, close, refund and refund query', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    await ctx.fault('alipay.trade.pay', '5xx')
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('aop.unknow-error') })
    // The 5xx came before the method ran: nothing was paid.
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })

    const j = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    expect((await ctx.adapter.createPayment(j, ctx.creds)).outcome.kind).toBe('succeeded')
    const refund = { outTradeNo: j.outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(100), totalFen: fen(1234) }
    for (const method of ['alipay.trade.query', 'alipay.trade.close', 'alipay.trade.refund', 'alipay.trade.fastpay.refund.query']) await ctx.fault(method, '5xx')
    expect(await ctx.adapter.queryPayment(j.outTradeNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await ctx.adapter.closePayment(j.outTradeNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await ctx.adapter.refund(refund, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await ctx.adapter.queryRefund(j.outTradeNo, refund.outRefundNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    // Faults used up: the refund never happened, and retrying it with the same out_request_no works.
    expect(await ctx.adapter.queryRefund(j.outTradeNo, refund.outRefundNo, ctx.creds)).toMatchObject({ kind: 'pending' })
    expect(await ctx.adapter.refund(refund, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 100 })
  })

  it('TIMEOUT (the call acted, no answer came) is unknown; the query finds what happened', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    await ctx.fault('alipay.trade.pay', 'TIMEOUT')
    const started = Date.now()
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('timeout') })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1234 })

    const refund = { outTradeNo: i.outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(34), totalFen: fen(1234) }
    await ctx.fault('alipay.trade.refund', 'TIMEOUT')
    expect(await ctx.adapter.refund(refund, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await ctx.adapter.queryRefund(i.outTradeNo, refund.outRefundNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 34 })
  })

  it('an expired app_auth_token: create is refused (failed), a query says nothing about the payment (unknown)', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome.kind).toBe('succeeded')
    await ctx.sim('POST', '/__sim/alipay/app-tokens/expire', { app_auth_token: ctx.creds.appAuthToken })
    expect((await ctx.adapter.createPayment(order(ctx, { method: 'alipay_micropay', authCode: barCode() }), ctx.creds)).outcome)
      .toMatchObject({ kind: 'failed', code: 'aop.app-auth-token-time-out' })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('aop.app-auth-token-time-out') })
  })
})
