import { createWechatPayAdapter } from '../../../src/channels/wechat-pay/adapter'
import { ChannelSignatureError } from '../../../src/channels/types'
import { ROUTE, SIGN_MODES, tradeNo, useContract, type SignMode } from './helpers'

// channels.md §6, WeChat rows: every case fails closed, in certificate and in public-key mode.
const ctx = useContract()

const other = (m: SignMode): SignMode => (m === 'certificate' ? 'public_key' : 'certificate')

/** A JSAPI order the customer pays, whose TRANSACTION.SUCCESS the sandbox delivers (faults permitting). */
async function paidWithNotification (): Promise<string> {
  const input = ctx.payment('wechat_jsapi')
  await ctx.adapter.createPayment(input, ctx.creds())
  expect((await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })).status).toBe(200)
  await ctx.idle()
  return input.outTradeNo
}

describe.each(SIGN_MODES)('%s mode: answers that do not verify are unknown, never trusted', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  it.each([
    ['SIGN_BAD', 'EV3_RES_HEADER_SIGNATURE_DIGEST', 'does not verify'],
    ['SERIAL_UNKNOWN', 'EV3_RES_HEADER_PLATFORM_SERIAL', 'not a configured'],
    ['SIGNTEST', 'EV3_RES_HEADER_SIGNATURE_DIGEST', 'SIGNTEST'],
    ['STALE_TIMESTAMP', 'EV3_RES_HEADER_TIMESTAMP_OFFSET', 'outside ±300 s'],
  ])('%s: create, query, close (204) and a signed ORDER_NOT_EXIST are all unknown; the next calls are fine', async (fault, sdkCode, ownReason) => {
    const input = ctx.payment('wechat_jsapi')
    await ctx.fault(ROUTE.jsapi, fault)
    const created = await ctx.adapter.createPayment(input, ctx.creds())
    expect(created).toEqual({ outcome: { kind: 'unknown', reason: expect.stringContaining(sdkCode) } })

    await ctx.fault(ROUTE.query, fault)
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toEqual({ kind: 'unknown', reason: expect.stringContaining(sdkCode) })

    // The SDK skips non-2xx answers; the adapter checks a signed refusal itself before calling it definitive.
    await ctx.fault(ROUTE.query, fault)
    expect(await ctx.adapter.queryPayment(tradeNo('NONE'), ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining(ownReason) })

    await ctx.fault(ROUTE.close, fault)
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining(sdkCode) })

    // Unfaulted, the same calls verify and read normally, and show why "unknown" was right: the
    // spoiled answers were about real effects (the order was created, then really closed).
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
    expect(await ctx.adapter.queryPayment(tradeNo('NONE'), ctx.creds())).toMatchObject({ kind: 'failed', code: 'ORDER_NOT_EXIST' })
  })

  it('ORDER_NOT_EXIST on query → failed with that code', async () => {
    expect(await ctx.adapter.queryPayment(tradeNo('NONE'), ctx.creds())).toEqual({
      kind: 'failed', code: 'ORDER_NOT_EXIST', message: '订单不存在', raw: { code: 'ORDER_NOT_EXIST', message: '订单不存在' },
    })
  })

  it('PARAM_ERROR → failed on create; on a query it says nothing about the payment → unknown', async () => {
    const stranger = ctx.creds({ subMchId: '1999999999' })
    expect((await ctx.adapter.createPayment(ctx.payment('wechat_jsapi'), stranger)).outcome).toMatchObject({ kind: 'failed', code: 'PARAM_ERROR' })
    expect(await ctx.adapter.queryPayment(tradeNo('NONE'), stranger)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('PARAM_ERROR') })
  })

  it('5xx (SYSTEM_ERROR) → unknown on create, query and close', async () => {
    const input = ctx.payment('wechat_native')
    await ctx.fault(ROUTE.jsapi.replace('jsapi', 'native'), '5xx')
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome).toMatchObject({ kind: 'unknown', reason: 'HTTP 500 SYSTEM_ERROR' })
    expect((await ctx.adapter.createPayment(input, ctx.creds())).outcome.kind).toBe('pending')
    await ctx.fault(ROUTE.query, '5xx')
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: 'HTTP 500 SYSTEM_ERROR' })
    await ctx.fault(ROUTE.close, '5xx')
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: 'HTTP 500 SYSTEM_ERROR' })
  })

  it('TIMEOUT: a vendor that never answers is unknown within the deadline, not a hung call', async () => {
    const input = ctx.payment('wechat_jsapi')
    await ctx.fault(ROUTE.jsapi, 'TIMEOUT')
    const started = Date.now()
    const created = await ctx.impatient.createPayment(input, ctx.creds())
    expect(Date.now() - started).toBeLessThan(1500)
    expect(created).toEqual({ outcome: { kind: 'unknown', reason: expect.stringContaining('no answer') } })
    await ctx.fault(ROUTE.query, 'TIMEOUT')
    expect(await ctx.impatient.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('no answer') })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'ORDER_NOT_EXIST' })
  })

  it(`credentials holding only the other key (${other(mode)}): answers unknown, notifications refused`, async () => {
    const wrong = ctx.creds({ mode: other(mode) })
    expect((await ctx.adapter.createPayment(ctx.payment('wechat_jsapi'), wrong)).outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('EV3_RES_HEADER_PLATFORM_SERIAL') })
    await paidWithNotification()
    await expect(ctx.parse(0, wrong)).rejects.toThrow(/not a configured platform certificate or public key/)
    await expect(ctx.parse(0)).resolves.toMatchObject({ type: 'payment' })
  })
})

describe.each(SIGN_MODES)('%s mode: notifications that do not verify throw ChannelSignatureError and are refused', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  it.each([
    ['SIGN_BAD', 'does not verify'],
    ['SERIAL_UNKNOWN', 'not a configured'],
    ['SIGNTEST', 'SIGNTEST'],
    ['STALE_TIMESTAMP', 'outside ±300 s'],
    ['GCM_TAMPER', 'does not decrypt'],
  ])('%s → ChannelSignatureError; the hook answered 400 {code: FAIL}; WeChat\'s redelivery verifies and is acked', async (fault, reason) => {
    await ctx.fault(ROUTE.notify, fault)
    const outTradeNo = await paidWithNotification()
    expect(ctx.hook.received).toHaveLength(1)
    const refused = ctx.parse(0)
    await expect(refused).rejects.toBeInstanceOf(ChannelSignatureError)
    await expect(refused).rejects.toThrow(reason)
    const [first] = await ctx.notifications()
    expect(first).toMatchObject({ acknowledged: false, response: { status: 400 } })
    expect(JSON.parse(first?.response?.body ?? '')).toMatchObject({ code: 'FAIL' })

    await ctx.advance(15) // WeChat's first retry interval
    expect(ctx.hook.received).toHaveLength(2)
    expect(await ctx.parse(1)).toMatchObject({ type: 'payment', outTradeNo, outcome: { kind: 'succeeded' } })
    expect((await ctx.notifications())[1]).toMatchObject({ acknowledged: true, response: { status: 204 } })
  })

  it('a body changed in transit, a wrong APIv3 key, missing headers: ChannelSignatureError', async () => {
    await paidWithNotification()
    const genuine = ctx.hook.received[0]
    if (genuine === undefined) throw new Error('no delivery')
    await expect(ctx.adapter.parseNotification({ ...genuine, rawBody: genuine.rawBody.replace('支付成功', '支付失败') }, ctx.creds())).rejects.toThrow(/does not verify/)
    await expect(ctx.adapter.parseNotification({ ...genuine, rawBody: `${genuine.rawBody} ` }, ctx.creds())).rejects.toThrow(ChannelSignatureError)
    await expect(ctx.parse(0, ctx.creds({ apiV3Key: 'A'.repeat(32) }))).rejects.toThrow(/does not decrypt/)
    const { 'wechatpay-signature': _dropped, ...unsigned } = genuine.headers
    await expect(ctx.adapter.parseNotification({ ...genuine, headers: unsigned }, ctx.creds())).rejects.toThrow(/headers incomplete/)
    await expect(ctx.parse(0)).resolves.toMatchObject({ type: 'payment' })
  })

  it('the ±300 s window is the adapter\'s own check: 299 s later it verifies, 301 s later it does not', async () => {
    await paidWithNotification()
    const genuine = ctx.hook.received[0]
    if (genuine === undefined) throw new Error('no delivery')
    const sent = Number(genuine.headers['wechatpay-timestamp']) * 1000
    const at = (ms: number) => createWechatPayAdapter({ baseUrl: ctx.cfg.baseUrl, now: () => ms })
    await expect(at(sent + 299_000).parseNotification(genuine, ctx.creds())).resolves.toMatchObject({ type: 'payment' })
    await expect(at(sent + 301_000).parseNotification(genuine, ctx.creds())).rejects.toThrow(/outside ±300 s/)
    await expect(at(sent - 301_000).parseNotification(genuine, ctx.creds())).rejects.toThrow(/outside ±300 s/)
  })
})
