import type { TransactionWire } from '../src/wxpay/wire'
import { dataOf, failureOf, startHarness, tradeNo, type Harness, type SdkResponse } from './helpers/wxpay'

let h: Harness
beforeAll(async () => { h = await startHarness() })
afterAll(async () => { await h.stop() })
beforeEach(async () => { await h.sim('POST', '/__sim/reset') })

const codepayOrder = (outTradeNo = tradeNo('M'), total = 990): Record<string, unknown> => ({
  sp_appid: h.cfg.spAppId,
  sp_mchid: h.cfg.spMchId,
  sub_mchid: h.cfg.subMchIds[1],
  description: '便利店 收银台 3 号',
  out_trade_no: outTradeNo,
  payer: { auth_code: '134567890123456789' },
  amount: { total, currency: 'CNY' },
  scene_info: { store_info: { out_id: 'store-1' }, device_ip: '10.0.0.8', device_id: 'POS-3' },
})

const codepay = (body: Record<string, unknown>): Promise<SdkResponse> => h.wx.chain('v3/pay/partner/transactions/codepay').post(body) as Promise<SdkResponse>
const query = async (outTradeNo: string): Promise<TransactionWire> =>
  await dataOf<TransactionWire>(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[1] }, out_trade_no: outTradeNo }))
const reverse = (outTradeNo: string): Promise<SdkResponse> =>
  h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse').post({ sp_appid: h.cfg.spAppId, sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[1] }, { out_trade_no: outTradeNo }) as Promise<SdkResponse>

describe('wxpay codepay (付款码)', () => {
  it('pays synchronously by default and sends no notification', async () => {
    const order = codepayOrder()
    const res = await codepay(order)
    expect(res.status).toBe(200)
    const t = res.data as TransactionWire
    expect(t).toMatchObject({ trade_type: 'MICROPAY', trade_state: 'SUCCESS', out_trade_no: order.out_trade_no, amount: { total: 990, payer_total: 990 }, scene_info: { device_id: 'POS-3' } })
    expect(t.transaction_id).toMatch(/^4200\d{24}$/)
    await h.idle()
    expect((await h.sim<unknown[]>('GET', '/__sim/notifications?channel=wxpay')).body).toEqual([])
  })

  it('USERPAYING_THEN_SUCCESS: 202 {trade_state: USERPAYING}, then SUCCESS after the scripted delay', async () => {
    await h.sim('POST', '/__sim/wxpay/codepay/next', { result: 'USERPAYING_THEN_SUCCESS', finish_after_seconds: 20 })
    const order = codepayOrder()
    const res = await codepay(order)
    expect(res.status).toBe(202)
    expect(res.data).toEqual({ trade_state: 'USERPAYING' })
    expect(res.headers['wechatpay-signature']).toBeDefined()
    expect(await query(order.out_trade_no as string)).toMatchObject({ trade_state: 'USERPAYING', trade_state_desc: '需要用户输入支付密码' })

    h.sandbox.world.clock.advance(10_000); await h.idle()
    expect((await query(order.out_trade_no as string)).trade_state).toBe('USERPAYING')
    h.sandbox.world.clock.advance(11_000); await h.idle()
    expect((await query(order.out_trade_no as string)).trade_state).toBe('SUCCESS')
    // Retrying the identical codepay call now answers the final result.
    expect(((await codepay(order)).data as TransactionWire).trade_state).toBe('SUCCESS')
    expect((await h.sim<unknown[]>('GET', '/__sim/notifications?channel=wxpay')).body).toEqual([])
  })

  it('answers USERPAYING with 200 when configured so', async () => {
    await h.sim('POST', '/__sim/wxpay/codepay/next', { result: 'USERPAYING_TIMEOUT', userpaying_status: 200 })
    const res = await codepay(codepayOrder())
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ trade_state: 'USERPAYING' })
  })

  it('USERPAYING_TIMEOUT: stays USERPAYING until reversed, then REVOKED for good', async () => {
    await h.sim('POST', '/__sim/wxpay/codepay/next', { result: 'USERPAYING_TIMEOUT' })
    const order = codepayOrder()
    expect((await codepay(order)).status).toBe(202)
    h.sandbox.world.clock.advance(3600_000); await h.idle()
    expect((await query(order.out_trade_no as string)).trade_state).toBe('USERPAYING')

    const r = await reverse(order.out_trade_no as string)
    expect(r.status).toBe(204)
    expect(await query(order.out_trade_no as string)).toMatchObject({ trade_state: 'REVOKED', trade_state_desc: '订单已撤销' })
    expect((await reverse(order.out_trade_no as string)).status).toBe(204) // repeating a reverse is safe
    const late = await h.sim('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })
    expect(late.status).toBe(409)
  })

  it('PAYERROR: 403 TRADE_ERROR, the order reads PAYERROR, reverse closes it', async () => {
    await h.sim('POST', '/__sim/wxpay/codepay/next', { result: 'PAYERROR' })
    const order = codepayOrder()
    const f = await failureOf(codepay(order))
    expect(f.status).toBe(403)
    expect(f.data?.code).toBe('TRADE_ERROR')
    expect((await query(order.out_trade_no as string)).trade_state).toBe('PAYERROR')
    expect((await reverse(order.out_trade_no as string)).status).toBe(204)
    expect((await query(order.out_trade_no as string)).trade_state).toBe('REVOKED')
  })

  it('reverses a paid order (the customer gets the money back)', async () => {
    const order = codepayOrder()
    await codepay(order)
    expect((await reverse(order.out_trade_no as string)).status).toBe(204)
    const t = await query(order.out_trade_no as string)
    expect(t.trade_state).toBe('REVOKED')
    expect(t.transaction_id).toMatch(/^4200/)
  })

  it('consumes scripted outcomes in order, then falls back to SUCCESS', async () => {
    await h.sim('POST', '/__sim/wxpay/codepay/next', { result: 'PAYERROR' })
    const queued = await h.sim<{ queued: string[] }>('POST', '/__sim/wxpay/codepay/next', { result: 'USERPAYING_TIMEOUT' })
    expect(queued.body.queued).toEqual(['PAYERROR', 'USERPAYING_TIMEOUT'])
    expect((await failureOf(codepay(codepayOrder()))).status).toBe(403)
    expect((await codepay(codepayOrder())).status).toBe(202)
    expect((await codepay(codepayOrder())).status).toBe(200)
  })

  it('rejects a malformed payment code and a reused out_trade_no with other parameters', async () => {
    const bad = await failureOf(codepay({ ...codepayOrder(), payer: { auth_code: '284567890123456789' } }))
    expect(bad.status).toBe(400)
    expect(bad.data?.code).toBe('PARAM_ERROR')
    const order = codepayOrder()
    await codepay(order)
    const dup = await failureOf(codepay({ ...order, amount: { total: 1, currency: 'CNY' } }))
    expect(dup.data).toEqual({ code: 'INVALID_REQUEST', message: '201 商户订单号重复' })
  })

  it('refuses to reverse a non-codepay order and to close a codepay order', async () => {
    const order = codepayOrder()
    await codepay(order)
    const close = await failureOf(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[1] }, { out_trade_no: order.out_trade_no }))
    expect(close.data?.code).toBe('INVALID_REQUEST')
    const missing = await failureOf(reverse('NOSUCHORDER1'))
    expect(missing.status).toBe(404)
  })
})
