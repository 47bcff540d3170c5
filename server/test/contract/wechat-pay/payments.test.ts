import { fen } from '@yima/shared'
import { Rsa, Formatter } from 'wechatpay-axios-plugin'
import { wechatpayClient } from '../../../src/channels/wechat-pay/partner'
import type { ChannelOutcome, ClientPayParams } from '../../../src/channels/types'
import { OPENID, ROUTE, SIGN_MODES, tradeNo, useContract } from './helpers'

const ctx = useContract()

type JsapiParams = Extract<ClientPayParams, { type: 'wechat_jsapi' }>

function jsapiParams (p: ClientPayParams | undefined): JsapiParams {
  if (p?.type !== 'wechat_jsapi') throw new Error(`expected wechat_jsapi params, got ${p?.type ?? 'none'}`)
  return p
}

/** The WeChat client's own check before it shows the cashier (sandbox: POST /__sim/wxpay/jsapi/verify). */
async function wechatAccepts (p: JsapiParams): Promise<{ ok: boolean, reason?: string, prepay_id?: string }> {
  return (await ctx.sim<{ ok: boolean, reason?: string, prepay_id?: string }>('POST', '/__sim/wxpay/jsapi/verify', p)).body
}

const succeeded = (o: ChannelOutcome): Extract<ChannelOutcome, { kind: 'succeeded' }> => {
  if (o.kind !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(o)}`)
  return o
}

describe.each(SIGN_MODES)('wechat-pay adapter, %s mode: JSAPI end to end', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  it('creates a JSAPI order whose paySign WeChat accepts, and a tampered one it refuses', async () => {
    const input = ctx.payment('wechat_jsapi')
    const { outcome, clientParams } = await ctx.adapter.createPayment(input, ctx.creds())
    expect(outcome).toMatchObject({ kind: 'pending', raw: { prepay_id: expect.stringMatching(/^wx/) } })
    const p = jsapiParams(clientParams)
    expect(p).toMatchObject({ appId: ctx.cfg.spAppId, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) })
    expect(p.timeStamp).toMatch(/^\d{10}$/)
    expect(await wechatAccepts(p)).toEqual({ ok: true, prepay_id: p.package.slice('prepay_id='.length) })
    expect((await wechatAccepts({ ...p, nonceStr: `${p.nonceStr}x` })).ok).toBe(false)
    expect((await wechatAccepts({ ...p, appId: 'wx0000000000000000' })).ok).toBe(false)
  })

  it('the customer pays: the notification verifies, decrypts and reads as succeeded; the hook acked 204', async () => {
    const input = ctx.payment('wechat_jsapi', { amountFen: fen(2590), attach: 'table=7' })
    await ctx.adapter.createPayment(input, ctx.creds())
    expect((await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })).status).toBe(200)
    await ctx.idle()

    expect(ctx.hook.received).toHaveLength(1)
    expect(ctx.hook.received[0]?.headers['wechatpay-serial']).toBe(mode === 'certificate' ? ctx.cfg.platformSerial : ctx.cfg.platformPublicKeyId)
    const n = await ctx.parse()
    expect(n).toMatchObject({ type: 'payment', outTradeNo: input.outTradeNo, subMchId: ctx.cfg.subMchIds[0] })
    if (n.type !== 'payment') throw new Error('payment notification expected')
    const paid = succeeded(n.outcome)
    expect(paid.amountFen).toBe(2590)
    expect(paid.channelTxnId).toMatch(/^4200\d{24}$/)
    expect(paid.paidAt).toBeInstanceOf(Date)
    expect(paid.raw).toMatchObject({ trade_state: 'SUCCESS', attach: 'table=7', payer: { sp_openid: OPENID } })

    const log = await ctx.notifications()
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ kind: 'TRANSACTION.SUCCESS', acknowledged: true, response: { status: 204 } })

    const q = succeeded(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds()))
    expect(q).toMatchObject({ channelTxnId: paid.channelTxnId, amountFen: 2590 })
  })
})

describe('wechat-pay adapter: the other ways to pay', () => {
  it('mini program: a sub_openid under the sub-merchant\'s mini program, signed for that appId', async () => {
    const subAppId = 'wx1234567890abcdef'
    const sub = await ctx.sim<{ sub_mchid: string }>('POST', '/__sim/wxpay/merchants', { name: '小程序商户', sub_appid: subAppId })
    const creds = ctx.creds({ subMchId: sub.body.sub_mchid, subAppId })
    const input = ctx.payment('wechat_mini', { payerId: 'oMiniProgramUser000000000001' })
    const { outcome, clientParams } = await ctx.adapter.createPayment(input, creds)
    expect(outcome.kind).toBe('pending')
    const p = jsapiParams(clientParams)
    expect(p.appId).toBe(subAppId)
    expect(await wechatAccepts(p)).toMatchObject({ ok: true })
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })
    const q = succeeded(await ctx.adapter.queryPayment(input.outTradeNo, creds))
    expect(q.raw).toMatchObject({ sub_appid: subAppId, payer: { sub_openid: 'oMiniProgramUser000000000001' } })
  })

  it('native: a code_url, pending until paid, then succeeded', async () => {
    const input = ctx.payment('wechat_native')
    const { outcome, clientParams } = await ctx.adapter.createPayment(input, ctx.creds())
    expect(outcome.kind).toBe('pending')
    expect(clientParams).toEqual({ type: 'wechat_native', codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\//) })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'pending', raw: { trade_state: 'NOTPAY' } })
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })
    expect(succeeded(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).amountFen).toBe(1800)
  })

  it('h5: the h5_url, with the return page as redirect_url', async () => {
    const input = ctx.payment('wechat_h5', { returnUrl: 'https://yima.example/r?o=1' })
    const { outcome, clientParams } = await ctx.adapter.createPayment(input, ctx.creds())
    expect(outcome.kind).toBe('pending')
    if (clientParams?.type !== 'wechat_h5') throw new Error('h5 params expected')
    const url = new URL(clientParams.h5Url)
    expect(url.searchParams.get('prepay_id')).toMatch(/^wx/)
    expect(url.searchParams.get('redirect_url')).toBe('https://yima.example/r?o=1')
  })

  it('app: WXPay parameters signed with the SP\'s merchant key over appid, timestamp, noncestr, prepayid', async () => {
    const { outcome, clientParams } = await ctx.adapter.createPayment(ctx.payment('wechat_app'), ctx.creds())
    expect(outcome.kind).toBe('pending')
    if (clientParams?.type !== 'wechat_app') throw new Error('app params expected')
    const p = clientParams.params
    expect(p).toMatchObject({ appid: ctx.cfg.spAppId, partnerid: ctx.cfg.spMchId, package: 'Sign=WXPay', prepayid: expect.stringMatching(/^wx/) })
    const message = Formatter.joinedByLineFeed(p.appid ?? '', p.timestamp ?? '', p.noncestr ?? '', p.prepayid ?? '')
    expect(Rsa.verify(message, p.sign ?? '', Rsa.from(ctx.cfg.merchantCertificatePem, Rsa.KEY_TYPE_PUBLIC))).toBe(true)
  })

  it('a voucher: payer_total < total, and amountFen is still amount.total (notification and query)', async () => {
    const wx = wechatpayClient({ mchId: ctx.cfg.spMchId, certificateSerial: ctx.cfg.merchantSerial, privateKey: ctx.cfg.merchantPrivateKeyPem, platformCertificate: ctx.cfg.platformCertificatePem }, ctx.cfg.baseUrl)
    const now = ctx.sandbox.world.clock.nowMs()
    const china = (ms: number): string => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
    const stock = await wx.chain('v3/marketing/favor/coupon-stocks').post({
      stock_name: '咖啡满20减5',
      belong_merchant: ctx.cfg.spMchId,
      available_begin_time: china(now - 60_000),
      available_end_time: china(now + 86_400_000),
      stock_use_rule: { max_coupons: 1, max_amount: 500, max_coupons_per_user: 1 },
      coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 }, goods_tag: ['coffee'] },
      no_cash: false,
      stock_type: 'NORMAL',
      out_request_no: tradeNo('S'),
    })
    const stockId = (stock.data as unknown as { stock_id: string }).stock_id
    await wx.chain('v3/marketing/favor/stocks/{stock_id}/start').post({ stock_creator_mchid: ctx.cfg.spMchId }, { stock_id: stockId })
    await wx.chain('v3/marketing/favor/users/{openid}/coupons').post({ stock_id: stockId, out_request_no: tradeNo('C'), appid: ctx.cfg.spAppId, stock_creator_mchid: ctx.cfg.spMchId }, { openid: OPENID })

    const input = ctx.payment('wechat_jsapi', { amountFen: fen(2800), goodsTag: 'coffee' })
    await ctx.adapter.createPayment(input, ctx.creds())
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })
    await ctx.idle()
    const n = await ctx.parse()
    if (n.type !== 'payment') throw new Error('payment notification expected')
    const paid = succeeded(n.outcome)
    expect(paid.amountFen).toBe(2800)
    expect(paid.raw).toMatchObject({ amount: { total: 2800, payer_total: 2300 }, promotion_detail: [{ amount: 500, stock_id: stockId }] })
    expect(succeeded(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).amountFen).toBe(2800)
  })
})

describe('wechat-pay adapter: closing', () => {
  it('close answers 204 → failed CLOSED, and a query agrees', async () => {
    const input = ctx.payment('wechat_native')
    await ctx.adapter.createPayment(input, ctx.creds())
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
    expect(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED', raw: { trade_state: 'CLOSED' } })
    // Closing again is harmless.
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
  })

  it('closing a paid order: WeChat refuses with ORDERPAID, the adapter looks it up → succeeded', async () => {
    const input = ctx.payment('wechat_jsapi')
    await ctx.adapter.createPayment(input, ctx.creds())
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })
    expect(succeeded(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).amountFen).toBe(1800)
  })

  it('closing an order WeChat never saw → failed ORDER_NOT_EXIST', async () => {
    expect(await ctx.adapter.closePayment(tradeNo('NONE'), ctx.creds())).toMatchObject({ kind: 'failed', code: 'ORDER_NOT_EXIST' })
  })

  it('LATE_SUCCESS_AFTER_CLOSE: close says CLOSED, yet the later notification still reads succeeded (for the service to raise an incident)', async () => {
    const input = ctx.payment('wechat_jsapi')
    await ctx.adapter.createPayment(input, ctx.creds())
    await ctx.fault(ROUTE.close, 'LATE_SUCCESS_AFTER_CLOSE')
    expect(await ctx.adapter.closePayment(input.outTradeNo, ctx.creds())).toMatchObject({ kind: 'failed', code: 'CLOSED' })
    await ctx.idle()
    const n = await ctx.parse()
    expect(n).toMatchObject({ type: 'payment', outTradeNo: input.outTradeNo, outcome: { kind: 'succeeded', amountFen: 1800 } })
    expect((await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).kind).toBe('succeeded')
  })
})

describe('wechat-pay adapter: the contract around the calls', () => {
  it('supports exactly the WeChat methods', () => {
    for (const m of ['wechat_jsapi', 'wechat_mini', 'wechat_native', 'wechat_h5', 'wechat_app', 'wechat_micropay'] as const) expect(ctx.adapter.supports(m)).toBe(true)
    for (const m of ['alipay_qr', 'alipay_micropay', 'alipay_jsapi', 'alipay_wap', 'alipay_app'] as const) expect(ctx.adapter.supports(m)).toBe(false)
    expect(ctx.adapter.channel).toBe('wechat_pay')
  })

  it('ack: 204 without a body; a failure is 400 with WeChat\'s {code, message}', () => {
    expect(ctx.adapter.ack(true)).toEqual({ status: 204 })
    const no = ctx.adapter.ack(false)
    expect(no.status).toBeGreaterThanOrEqual(400)
    expect(no.contentType).toBe('application/json')
    expect(JSON.parse(no.body ?? '')).toEqual({ code: 'FAIL', message: expect.any(String) })
  })

  it('missing inputs and foreign credentials are programming errors: they throw, nothing is sent', async () => {
    await expect(ctx.adapter.createPayment(ctx.payment('wechat_jsapi', { payerId: undefined }), ctx.creds())).rejects.toThrow(TypeError)
    await expect(ctx.adapter.createPayment(ctx.payment('wechat_micropay', { authCode: undefined }), ctx.creds())).rejects.toThrow(TypeError)
    await expect(ctx.adapter.createPayment(ctx.payment('wechat_h5', { clientIp: undefined }), ctx.creds())).rejects.toThrow(TypeError)
    await expect(ctx.adapter.createPayment(ctx.payment('alipay_qr'), ctx.creds())).rejects.toThrow(TypeError)
    await expect(ctx.adapter.queryPayment('X', { channel: 'alipay', appId: '2021', privateKey: '', alipayPublicKey: '' })).rejects.toThrow(TypeError)
    expect((await ctx.sim<unknown[]>('GET', '/__sim/wxpay/orders')).body).toEqual([])
  })
})
