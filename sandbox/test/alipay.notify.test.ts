import { ALIPAY_RETRY_MS, type NotificationAttempt } from '../src'
import { advance, barCode, control, idle, notifyReceiver, outTradeNo, stripEmpty, useAlipaySandbox, type NotifyReceiver } from './alipay.helpers'

let receiver: NotifyReceiver | undefined
const v = { validateSign: true }

const ctx = useAlipaySandbox()
afterEach(async () => { await receiver?.close(); receiver = undefined })

/** A bar-code payment with notify_url; resolves once its notification attempts have run. */
async function paidTrade (notifyUrl: string, bizExtra: Record<string, string> = {}, totalAmount = '0.01'): Promise<{ outTradeNo: string, tradeNo: string }> {
  const no = outTradeNo()
  const r = await ctx.sdk.exec('alipay.trade.pay', {
    appAuthToken: ctx.merchant.appAuthToken,
    notifyUrl,
    bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount, subject: '测试', ...bizExtra },
  }, v)
  expect(r.code).toBe('10000')
  await idle(ctx.sandbox)
  return { outTradeNo: no, tradeNo: r.tradeNo }
}

const attempts = async (): Promise<NotificationAttempt[]> =>
  (await control<NotificationAttempt[]>(ctx.sandbox, 'GET', '/__sim/notifications?channel=alipay')).body

describe('alipay trade_status_sync notifications', () => {
  it('posts the §3.3 fields, signed with the Alipay key; checkNotifySignV2 on the stripped body passes', async () => {
    receiver = await notifyReceiver()
    const t = await paidTrade(receiver.url, { body: '商品描述', passbackParams: 'k=v&x=1' }, '12.30')
    expect(receiver.received).toHaveLength(1)
    const p = receiver.received[0]?.params ?? {}
    expect(p).toMatchObject({
      notify_type: 'trade_status_sync',
      app_id: ctx.sandbox.clients.alipay.appId,
      auth_app_id: ctx.merchant.authAppId,
      seller_id: ctx.merchant.userId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '12.30',
      receipt_amount: '12.30',
      buyer_pay_amount: '12.30',
      subject: '测试',
      body: '商品描述',
      passback_params: 'k=v&x=1',
      fund_bill_list: '[{"amount":"12.30","fundChannel":"ALIPAYACCOUNT"}]',
    })
    expect(p.buyer_id).toMatch(/^2088\d{12}$/)
    expect(p.notify_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(Object.values(p)).not.toContain('')
    expect(ctx.sdk.checkNotifySignV2(stripEmpty(p))).toBe(true)
    // Tampering with any field breaks it.
    expect(ctx.sdk.checkNotifySignV2({ ...p, total_amount: '0.01' })).toBe(false)
  })

  it('a % in subject: raw checkNotifySign throws URI malformed, V2 on the stripped body passes', async () => {
    receiver = await notifyReceiver()
    await paidTrade(receiver.url, { subject: '100% 纯棉 T恤' })
    const p = receiver.received[0]?.params ?? {}
    expect(p.subject).toBe('100% 纯棉 T恤')
    expect(() => ctx.sdk.checkNotifySign(p)).toThrow(URIError)
    expect(ctx.sdk.checkNotifySignV2(stripEmpty(p))).toBe(true)
  })

  it('EMPTY_FIELD fault: an empty-valued field fails V2 unless stripped first', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:notify', mode: 'EMPTY_FIELD' })
    receiver = await notifyReceiver()
    await paidTrade(receiver.url)
    const { raw, params } = receiver.received[0] ?? { raw: '', params: {} }
    expect(raw).toMatch(/(^|&)voucher_detail_list=(&|$)/)
    expect(ctx.sdk.checkNotifySignV2(params)).toBe(false)
    expect(ctx.sdk.checkNotifySignV2(stripEmpty(params))).toBe(true)
  })

  it('SIGN_BAD fault: the receiver rejects it, Alipay retries after 4 minutes with a good signature', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:notify', mode: 'SIGN_BAD' })
    receiver = await notifyReceiver((r) => (ctx.sdk.checkNotifySignV2(stripEmpty(r.params)) ? 'success' : 'fail'))
    await paidTrade(receiver.url)
    expect(receiver.received).toHaveLength(1)
    await advance(ctx.sandbox, 240)
    await idle(ctx.sandbox)
    expect(receiver.received).toHaveLength(2)
    expect((await attempts()).map((a) => [a.attempt, a.response?.body, a.acknowledged])).toEqual([[1, 'fail', false], [2, 'success', true]])
  })

  it('retries on the Alipay schedule until the body is exactly "success"; notify_id stays, notify_time moves', async () => {
    expect(ALIPAY_RETRY_MS.slice(0, 2)).toEqual([240_000, 600_000])
    receiver = await notifyReceiver((_r, n) => (n === 1 ? 'fail' : n === 2 ? 'success\n' : 'success'))
    await paidTrade(receiver.url)
    await advance(ctx.sandbox, 239)
    await idle(ctx.sandbox)
    expect(receiver.received).toHaveLength(1)
    await advance(ctx.sandbox, 2)
    await idle(ctx.sandbox)
    expect(receiver.received).toHaveLength(2)
    await advance(ctx.sandbox, 600)
    await idle(ctx.sandbox)
    expect(receiver.received).toHaveLength(3)
    await advance(ctx.sandbox, 86_400)
    await idle(ctx.sandbox)
    expect(receiver.received).toHaveLength(3)

    const [a, b, c] = receiver.received.map((r) => r.params)
    expect(new Set([a?.notify_id, b?.notify_id, c?.notify_id]).size).toBe(1)
    expect(new Set([a?.notify_time, b?.notify_time, c?.notify_time]).size).toBe(3)
    for (const p of [a, b, c]) expect(ctx.sdk.checkNotifySignV2(stripEmpty(p ?? {}))).toBe(true)
  })

  it('gives up after 8 notifications', async () => {
    receiver = await notifyReceiver(() => 'fail')
    await paidTrade(receiver.url)
    for (let i = 0; i < 10; i++) { await advance(ctx.sandbox, 16 * 3600); await idle(ctx.sandbox) }
    expect(receiver.received).toHaveLength(ALIPAY_RETRY_MS.length + 1)
    expect(receiver.received).toHaveLength(8)
  })

  it('refunds: partial → TRADE_SUCCESS with refund_fee/gmt_refund/out_biz_no; full → TRADE_CLOSED with gmt_close', async () => {
    receiver = await notifyReceiver()
    const t = await paidTrade(receiver.url, {}, '1.00')
    await ctx.sdk.exec('alipay.trade.refund', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: t.outTradeNo, refundAmount: '0.40', outRequestNo: 'R1' } }, v)
    await ctx.sdk.exec('alipay.trade.refund', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: t.outTradeNo, refundAmount: '0.60', outRequestNo: 'R2' } }, v)
    await idle(ctx.sandbox)
    const [paid, partial, full] = receiver.received.map((r) => r.params)
    expect(paid?.trade_status).toBe('TRADE_SUCCESS')
    expect(paid?.refund_fee).toBeUndefined()
    expect(partial).toMatchObject({ trade_status: 'TRADE_SUCCESS', refund_fee: '0.40', out_biz_no: 'R1' })
    expect(partial?.gmt_refund).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/)
    expect(full).toMatchObject({ trade_status: 'TRADE_CLOSED', refund_fee: '1.00', out_biz_no: 'R2' })
    expect(full?.gmt_close).toMatch(/^\d{4}-/)
    expect(new Set([paid?.notify_id, partial?.notify_id, full?.notify_id]).size).toBe(3)
    for (const p of [paid, partial, full]) expect(ctx.sdk.checkNotifySignV2(stripEmpty(p ?? {}))).toBe(true)
  })

  it('closing an opened unpaid trade notifies TRADE_CLOSED; an unscanned QR code that expires does not', async () => {
    receiver = await notifyReceiver()
    const created = outTradeNo()
    await ctx.sdk.exec('alipay.trade.create', { appAuthToken: ctx.merchant.appAuthToken, notifyUrl: receiver.url, bizContent: { outTradeNo: created, totalAmount: '1.00', subject: 's', buyerId: '2088102177846880' } }, v)
    await ctx.sdk.exec('alipay.trade.close', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: created } }, v)
    await ctx.sdk.exec('alipay.trade.precreate', { appAuthToken: ctx.merchant.appAuthToken, notifyUrl: receiver.url, bizContent: { outTradeNo: outTradeNo(), totalAmount: '1.00', subject: 's', timeoutExpress: '1m' } }, v)
    await advance(ctx.sandbox, 120)
    await idle(ctx.sandbox)
    expect(receiver.received.map((r) => [r.params.out_trade_no, r.params.trade_status])).toEqual([[created, 'TRADE_CLOSED']])
  })
})
