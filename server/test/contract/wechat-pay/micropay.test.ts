import { ROUTE, tradeNo, useContract } from './helpers'

const ctx = useContract()

const next = async (result: string, o: Record<string, unknown> = {}): Promise<void> => {
  const r = await ctx.sim('POST', '/__sim/wxpay/codepay/next', { result, ...o })
  expect(r.status).toBe(200)
}

describe('wechat-pay adapter: micropay (付款码 / codepay)', () => {
  it('SUCCESS → succeeded at once, with the amount in fen; no notification follows', async () => {
    const input = ctx.payment('wechat_micropay')
    const { outcome, clientParams } = await ctx.adapter.createPayment(input, ctx.creds())
    expect(clientParams).toBeUndefined()
    expect(outcome).toMatchObject({ kind: 'succeeded', amountFen: 1800, channelTxnId: expect.stringMatching(/^4200\d{24}$/), raw: { trade_type: 'MICROPAY' } })
    await ctx.idle()
    expect(await ctx.notifications()).toEqual([])
  })

  it.each([202, 200])('USERPAYING (HTTP %i) → pending; once the customer confirms, a query → succeeded', async (status) => {
    await next('USERPAYING_THEN_SUCCESS', { userpaying_status: status, finish_after_seconds: 10 })
    const input = ctx.payment('wechat_micropay')
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome).toEqual({ kind: 'pending', raw: { trade_state: 'USERPAYING' } })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'pending', raw: { trade_state: 'USERPAYING' } })
    await ctx.advance(11)
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'succeeded', amountFen: 1800 })
  })

  it('USERPAYING_TIMEOUT: pending until reversed; reverse → failed REVOKED, for good', async () => {
    await next('USERPAYING_TIMEOUT')
    const input = ctx.payment('wechat_micropay')
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome.kind).toBe('pending')
    await ctx.advance(45)
    expect((await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).kind).toBe('pending')
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
    // Repeating a reverse is safe (channels.md §2.6: repeat it when it fails or gets no answer).
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
    expect((await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })).status).toBe(409)
  })

  it('a reverse that gets no answer is unknown; the retried reverse ends it', async () => {
    await next('USERPAYING_TIMEOUT')
    const input = ctx.payment('wechat_micropay')
    await ctx.adapter.createPayment(input, ctx.creds())
    await ctx.fault(ROUTE.reverse, '5xx')
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('500') })
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
  })

  it('PAYERROR: the charge is refused → failed TRADE_ERROR; the order reads PAYERROR; reverse closes it', async () => {
    await next('PAYERROR')
    const input = ctx.payment('wechat_micropay')
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome).toMatchObject({ kind: 'failed', code: 'TRADE_ERROR' })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'PAYERROR' })
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
  })

  it('reversing a paid micropay hands the money back: failed REVOKED, and the transaction id survives', async () => {
    const input = ctx.payment('wechat_micropay')
    const paid = (await ctx.adapter.createPayment(input, ctx.creds())).outcome
    expect(paid.kind).toBe('succeeded')
    expect(await ctx.adapter.reversePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
    const q = await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())
    expect(q).toMatchObject({ kind: 'failed', code: 'REVOKED', raw: { transaction_id: paid.kind === 'succeeded' ? paid.channelTxnId : '' } })
  })

  it('SYSTEM_ERROR → unknown; retrying the identical call (WeChat\'s advice) gets the result', async () => {
    const input = ctx.payment('wechat_micropay')
    await ctx.fault(ROUTE.codepay, '5xx')
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome).toMatchObject({ kind: 'unknown', reason: 'HTTP 500 SYSTEM_ERROR', raw: { code: 'SYSTEM_ERROR' } })
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome.kind).toBe('succeeded')
  })

  it('a malformed payment code → failed PARAM_ERROR; reversing an order WeChat never saw → failed ORDER_NOT_EXIST', async () => {
    expect((await ctx.adapter.createPayment(ctx.payment('wechat_micropay', { authCode: '284567890123456789' }), ctx.creds())).outcome).toMatchObject({ kind: 'failed', code: 'PARAM_ERROR' })
    expect(await ctx.adapter.reversePayment(tradeNo('NONE'), ctx.creds())).toMatchObject({ kind: 'failed', code: 'ORDER_NOT_EXIST' })
  })

  it('closing a micropay is refused (reverse it instead): the adapter reports what the order is, not "closed"', async () => {
    await next('USERPAYING_TIMEOUT')
    const input = ctx.payment('wechat_micropay')
    await ctx.adapter.createPayment(input, ctx.creds())
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'pending', raw: { trade_state: 'USERPAYING' } })
  })
})
