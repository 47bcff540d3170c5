import { createVerify } from 'node:crypto'
import { fen } from '@yima/shared'
import { asRequest, barCode, BUYER_ID, no, order, useAlipayContract } from './harness'

const ctx = useAlipayContract()

describe('alipay adapter: payments (ISV mode, real alipay-sdk against the sandbox)', () => {
  it('supports the five Alipay methods and nothing else; a WeChat method is a programming error', async () => {
    expect(['alipay_jsapi', 'alipay_qr', 'alipay_wap', 'alipay_app', 'alipay_micropay'].every((m) => ctx.adapter.supports(m as never))).toBe(true)
    expect(ctx.adapter.supports('wechat_jsapi')).toBe(false)
    await expect(ctx.adapter.createPayment(order(ctx, { method: 'wechat_native' }), ctx.creds)).rejects.toThrow(TypeError)
  })

  it('alipay_jsapi: trade.create → tradeNo; the customer pays; the notification and the query say succeeded', async () => {
    const i = order(ctx, { method: 'alipay_jsapi', payerId: BUYER_ID, amountFen: fen(1234) })
    const created = await ctx.adapter.createPayment(i, ctx.creds)
    expect(created.outcome).toMatchObject({ kind: 'pending', channelTxnId: expect.stringMatching(/^\d{28}$/) })
    const tradeNo = created.outcome.kind === 'pending' ? created.outcome.channelTxnId : undefined
    expect(created.clientParams).toEqual({ type: 'alipay_jsapi', tradeNo })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'pending', channelTxnId: tradeNo })

    expect((await ctx.sim('POST', '/__sim/alipay/pay', { out_trade_no: i.outTradeNo })).status).toBe(200)
    const [d] = await ctx.deliveries()
    const n = await ctx.adapter.parseNotification(asRequest(d!), ctx.creds)
    expect(n).toMatchObject({
      type: 'payment',
      outTradeNo: i.outTradeNo,
      sellerId: ctx.creds.sellerId,
      outcome: { kind: 'succeeded', channelTxnId: tradeNo, amountFen: 1234, paidAt: expect.any(Date) },
    })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', channelTxnId: tradeNo, amountFen: 1234 })
    expect(ctx.adapter.ack(true)).toEqual({ status: 200, body: 'success', contentType: 'text/plain' })
  })

  it('alipay_qr: precreate → qrCode; no trade before the scan (ACQ.TRADE_NOT_EXIST), pending after it, succeeded once paid', async () => {
    const i = order(ctx, { method: 'alipay_qr', amountFen: fen(500) })
    const created = await ctx.adapter.createPayment(i, ctx.creds)
    expect(created.outcome).toMatchObject({ kind: 'pending' })
    expect(created.clientParams).toEqual({ type: 'alipay_qr', qrCode: expect.stringMatching(/^https:\/\/qr\.alipay\.com\//) })

    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
    await ctx.sim('POST', '/__sim/alipay/scan', { out_trade_no: i.outTradeNo })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'pending', channelTxnId: expect.stringMatching(/^\d{28}$/) })
    await ctx.sim('POST', '/__sim/alipay/pay', { out_trade_no: i.outTradeNo })

    const [d] = await ctx.deliveries()
    expect(await ctx.adapter.parseNotification(asRequest(d!), ctx.creds)).toMatchObject({ type: 'payment', outcome: { kind: 'succeeded', amountFen: 500 } })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 500 })
  })

  it('alipay_qr never scanned: closePayment falls back to cancel, and the code can no longer be paid', async () => {
    const i = order(ctx, { method: 'alipay_qr' })
    await ctx.adapter.createPayment(i, ctx.creds)
    expect(await ctx.adapter.closePayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
    expect((await ctx.sim('POST', '/__sim/alipay/pay', { out_trade_no: i.outTradeNo })).status).toBe(409)
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
  })

  it('alipay_wap: a signed GET URL on the sandbox gateway, carrying the app_auth_token; paying it notifies', async () => {
    const i = order(ctx, { method: 'alipay_wap', returnUrl: 'https://shop.example/return', amountFen: fen(2000) })
    const created = await ctx.adapter.createPayment(i, ctx.creds)
    expect(created.outcome).toMatchObject({ kind: 'pending' })
    if (created.clientParams?.type !== 'alipay_wap') throw new Error('no wap url')
    const url = new URL(created.clientParams.url)
    expect(`${url.origin}${url.pathname}`).toBe(ctx.sandbox.clients.alipay.gateway)
    expect(url.searchParams.get('method')).toBe('alipay.trade.wap.pay')
    expect(url.searchParams.get('app_auth_token')).toBe(ctx.creds.appAuthToken)
    expect(url.searchParams.get('notify_url')).toBe(ctx.notifyUrl)
    expect(JSON.parse(url.searchParams.get('biz_content') ?? '{}')).toMatchObject({ out_trade_no: i.outTradeNo, total_amount: '20.00', product_code: 'QUICK_WAP_WAY' })

    // The customer's browser opens it: the sandbox verifies the signature and shows its cashier.
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('20.00')
    await ctx.sim('POST', '/__sim/alipay/pay', { out_trade_no: i.outTradeNo })
    const [d] = await ctx.deliveries()
    expect(await ctx.adapter.parseNotification(asRequest(d!), ctx.creds)).toMatchObject({ outcome: { kind: 'succeeded', amountFen: 2000 } })
  })

  it('alipay_app: an order string signed with the app key, for the merchant', async () => {
    const i = order(ctx, { method: 'alipay_app', amountFen: fen(1) })
    const created = await ctx.adapter.createPayment(i, ctx.creds)
    if (created.clientParams?.type !== 'alipay_app') throw new Error('no order string')
    const params = Object.fromEntries(new URLSearchParams(created.clientParams.orderString))
    expect(params).toMatchObject({ method: 'alipay.trade.app.pay', app_id: ctx.creds.appId, app_auth_token: ctx.creds.appAuthToken, sign_type: 'RSA2' })
    expect(JSON.parse(params.biz_content ?? '{}')).toMatchObject({ total_amount: '0.01', product_code: 'QUICK_MSECURITY_PAY' })
    const { sign, ...signed } = params
    const content = Object.keys(signed).sort().map((k) => `${k}=${signed[k]}`).join('&')
    expect(createVerify('RSA-SHA256').update(content).verify(ctx.sandbox.clients.alipay.appPublicKeyPem, sign ?? '', 'base64')).toBe(true)
  })

  it('alipay_micropay 10000: succeeded at once with total_amount in fen', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode(), amountFen: fen(888) })
    const { outcome } = await ctx.adapter.createPayment(i, ctx.creds)
    expect(outcome).toMatchObject({ kind: 'succeeded', amountFen: 888, channelTxnId: expect.stringMatching(/^\d{28}$/), paidAt: expect.any(Date) })
  })

  it('alipay_micropay 10003: pending, the query says pending, then succeeded once the customer confirms', async () => {
    await ctx.sim('POST', '/__sim/alipay/trade-pay/next', { result: 'WAIT_THEN_SUCCESS' })
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    const { outcome } = await ctx.adapter.createPayment(i, ctx.creds)
    expect(outcome).toMatchObject({ kind: 'pending', channelTxnId: expect.stringMatching(/^\d{28}$/) })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'pending' })
    await ctx.advance(10)
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1234 })
  })

  it('alipay_micropay 10003 that never completes: reversePayment (cancel) closes it', async () => {
    await ctx.sim('POST', '/__sim/alipay/trade-pay/next', { result: 'WAIT_TIMEOUT' })
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome).toMatchObject({ kind: 'pending' })
    expect(await ctx.adapter.reversePayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
  })

  it('reversing a paid micropay refunds it in full', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome.kind).toBe('succeeded')
    expect(await ctx.adapter.reversePayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_REFUNDED' })
    const [trade] = (await ctx.sim<Array<{ refund_fee: string }>>('GET', `/__sim/alipay/orders?out_trade_no=${i.outTradeNo}`)).body
    expect(trade?.refund_fee).toBe('12.34')
  })

  it('a refused bar code is failed with Alipay\'s sub code', async () => {
    await ctx.sim('POST', '/__sim/alipay/trade-pay/next', { result: 'FAIL' })
    const { outcome } = await ctx.adapter.createPayment(order(ctx, { method: 'alipay_micropay', authCode: barCode() }), ctx.creds)
    expect(outcome).toMatchObject({ kind: 'failed', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' })
    const invalid = await ctx.adapter.createPayment(order(ctx, { method: 'alipay_micropay', authCode: '123' }), ctx.creds)
    expect(invalid.outcome).toMatchObject({ kind: 'failed', code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' })
  })

  it('closePayment: an unpaid trade closes (TRADE_CLOSED notified); a paid one reports succeeded', async () => {
    const unpaid = order(ctx, { method: 'alipay_jsapi', payerId: BUYER_ID })
    await ctx.adapter.createPayment(unpaid, ctx.creds)
    expect(await ctx.adapter.closePayment(unpaid.outTradeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'TRADE_CLOSED' })
    const [d] = await ctx.deliveries()
    expect(await ctx.adapter.parseNotification(asRequest(d!), ctx.creds)).toMatchObject({ type: 'payment', outTradeNo: unpaid.outTradeNo, outcome: { kind: 'failed', code: 'TRADE_CLOSED' } })

    const paid = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    await ctx.adapter.createPayment(paid, ctx.creds)
    expect(await ctx.adapter.closePayment(paid.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1234 })
  })

  it('another merchant\'s app_auth_token sees ACQ.TRADE_NOT_EXIST for query, close, refund and refund query', async () => {
    const i = order(ctx, { method: 'alipay_micropay', authCode: barCode() })
    expect((await ctx.adapter.createPayment(i, ctx.creds)).outcome.kind).toBe('succeeded')
    const other = await ctx.authorize()
    expect(other.sellerId).not.toBe(ctx.creds.sellerId)
    expect(await ctx.adapter.queryPayment(i.outTradeNo, other)).toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
    expect(await ctx.adapter.closePayment(i.outTradeNo, other)).toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
    expect(await ctx.adapter.refund({ outTradeNo: i.outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(1), totalFen: fen(1234) }, other))
      .toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
    expect(await ctx.adapter.queryRefund(i.outTradeNo, no('rfd_'), other)).toMatchObject({ kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST' })
    // The owner still sees it paid.
    expect(await ctx.adapter.queryPayment(i.outTradeNo, ctx.creds)).toMatchObject({ kind: 'succeeded' })
  })
})
