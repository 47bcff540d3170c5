import { X509Certificate } from 'node:crypto'
import { Aes } from 'wechatpay-axios-plugin'
import type { TransactionWire } from '../src/wxpay/wire'
import { dataOf, failureOf, jsapiOrder, startHarness, tradeNo, wechatpayClient, type Harness } from './helpers/wxpay'

let h: Harness
beforeAll(async () => { h = await startHarness() })
afterAll(async () => { await h.stop() })
beforeEach(async () => { await h.sim('POST', '/__sim/reset') })

const query = async (outTradeNo: string, subMchId = h.cfg.subMchIds[0]): Promise<TransactionWire> =>
  await dataOf<TransactionWire>(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: subMchId }, out_trade_no: outTradeNo }))

describe('wxpay identity and platform certificates', () => {
  it('hands out a coherent service provider configuration', () => {
    const { cfg } = h
    expect(cfg.spMchId).toMatch(/^\d{10}$/)
    expect(cfg.spAppId).toMatch(/^wx[0-9a-f]{16}$/)
    expect(cfg.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(cfg.apiV2Key).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(cfg.platformPublicKeyId).toMatch(/^PUB_KEY_ID_0114\d+$/)
    expect(cfg.subMchIds.length).toBeGreaterThanOrEqual(3)
    expect(new X509Certificate(cfg.merchantCertificatePem).serialNumber.toUpperCase()).toBe(cfg.merchantSerial)
    const platform = new X509Certificate(cfg.platformCertificatePem)
    expect(platform.serialNumber.toUpperCase()).toBe(cfg.platformSerial)
    expect(cfg.platformSerial).toMatch(/^[0-9A-F]{40}$/)
    expect(cfg.baseUrl).toBe(`${h.sandbox.urls.wxpay}/`)
  })

  it('serves GET /v3/certificates encrypted under the APIv3 key', async () => {
    const body = await dataOf<{ data: Array<{ serial_no: string, effective_time: string, expire_time: string, encrypt_certificate: { algorithm: string, associated_data: string, nonce: string, ciphertext: string } }> }>(h.wx.chain('v3/certificates').get())
    expect(body.data).toHaveLength(1)
    const [item] = body.data
    expect(item?.serial_no).toBe(h.cfg.platformSerial)
    expect(item?.effective_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    const enc = item?.encrypt_certificate
    expect(enc).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate' })
    expect(enc?.nonce).toMatch(/^[0-9A-Za-z]{12}$/)
    const pem = Aes.AesGcm.decrypt(enc?.ciphertext ?? '', h.cfg.apiV3Key, enc?.nonce ?? '', enc?.associated_data ?? '')
    expect(pem).toBe(h.cfg.platformCertificatePem)
  })
})

describe('wxpay unified orders', () => {
  it('creates a JSAPI order and answers the same prepay_id to an identical retry', async () => {
    const order = jsapiOrder(h.cfg)
    const first = await dataOf<{ prepay_id: string }>(h.wx.chain('v3/pay/partner/transactions/jsapi').post(order))
    expect(first.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/)
    const again = await dataOf<{ prepay_id: string }>(h.wx.chain('v3/pay/partner/transactions/jsapi').post(order))
    expect(again.prepay_id).toBe(first.prepay_id)

    const t = await query(order.out_trade_no as string)
    expect(t).toMatchObject({ trade_state: 'NOTPAY', trade_state_desc: '订单未支付', sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0], amount: { total: 1800, currency: 'CNY' } })
    expect(t.transaction_id).toBeUndefined()
    expect(t.trade_type).toBeUndefined()
  })

  it('refuses the same out_trade_no with a different body', async () => {
    const order = jsapiOrder(h.cfg)
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    const f = await failureOf(h.wx.chain('v3/pay/partner/transactions/jsapi').post({ ...order, amount: { total: 1, currency: 'CNY' } }))
    expect(f.status).toBe(400)
    expect(f.data).toEqual({ code: 'INVALID_REQUEST', message: '201 商户订单号重复' })
  })

  it('creates native, H5 and APP orders', async () => {
    const base = jsapiOrder(h.cfg)
    const { payer: _payer, ...withoutPayer } = base
    const native = await dataOf<{ code_url: string }>(h.wx.chain('v3/pay/partner/transactions/native').post({ ...withoutPayer, out_trade_no: tradeNo('N') }))
    expect(native.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[0-9A-Za-z]+$/)
    const h5 = await dataOf<{ h5_url: string }>(h.wx.chain('v3/pay/partner/transactions/h5').post({
      ...withoutPayer, out_trade_no: tradeNo('H'), scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
    }))
    expect(h5.h5_url).toMatch(new RegExp(`^${h.sandbox.urls.wxpay}/__sim/cashier/wx\\?prepay_id=wx`))
    const app = await dataOf<{ prepay_id: string }>(h.wx.chain('v3/pay/partner/transactions/app').post({ ...withoutPayer, out_trade_no: tradeNo('A') }))
    expect(app.prepay_id).toMatch(/^wx/)
  })

  it('answers PARAM_ERROR for a missing field and for an unknown sub_mchid', async () => {
    const { amount: _amount, ...noAmount } = jsapiOrder(h.cfg)
    const missing = await failureOf(h.wx.chain('v3/pay/partner/transactions/jsapi').post(noAmount))
    expect(missing.status).toBe(400)
    expect(missing.data?.code).toBe('PARAM_ERROR')
    expect(missing.data?.message).toContain('/body/amount')

    const stranger = await failureOf(h.wx.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg, { subMchId: '1999999999' })))
    expect(stranger.status).toBe(400)
    expect(stranger.data).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining('sub_mchid与sp_mchid不匹配') })
  })

  it('answers 404 ORDER_NOT_EXIST for an unknown order, by out_trade_no and by transaction_id', async () => {
    const byNo = await failureOf(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, out_trade_no: 'NOPE123456' }))
    expect(byNo.status).toBe(404)
    expect(byNo.data).toEqual({ code: 'ORDER_NOT_EXIST', message: '订单不存在' })
    const byId = await failureOf(h.wx.chain('v3/pay/partner/transactions/id/{transaction_id}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, transaction_id: '4200000000202601010000000000' }))
    expect(byId.status).toBe(404)
  })
})

describe('wxpay paying, querying and closing', () => {
  it('pays through the control API and reports a realistic SUCCESS', async () => {
    const order = jsapiOrder(h.cfg, { total: 2500 })
    const { prepay_id: prepayId } = await dataOf<{ prepay_id: string }>(h.wx.chain('v3/pay/partner/transactions/jsapi').post(order))
    const paid = await h.sim<TransactionWire>('POST', '/__sim/wxpay/pay', { prepay_id: prepayId })
    expect(paid.status).toBe(200)

    const t = await query(order.out_trade_no as string)
    expect(t).toMatchObject({
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      trade_type: 'JSAPI',
      bank_type: 'OTHERS',
      payer: { sp_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 2500, payer_total: 2500, currency: 'CNY', payer_currency: 'CNY' },
    })
    expect(t.transaction_id).toMatch(/^4200\d{24}$/)
    expect(t.success_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)

    const byId = await dataOf<TransactionWire>(h.wx.chain('v3/pay/partner/transactions/id/{transaction_id}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, transaction_id: t.transaction_id }))
    expect(byId).toEqual(t)

    const again = await h.sim<{ error: string }>('POST', '/__sim/wxpay/pay', { prepay_id: prepayId })
    expect(again.status).toBe(409)
    const create = await failureOf(h.wx.chain('v3/pay/partner/transactions/jsapi').post(order))
    expect(create.data?.code).toBe('ORDERPAID')
  })

  it('closes an unpaid order with a signed 204, then refuses to pay it', async () => {
    const order = jsapiOrder(h.cfg)
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    const res = await h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, { out_trade_no: order.out_trade_no })
    expect(res.status).toBe(204)
    expect(res.data).toBe('')
    expect(res.headers['wechatpay-signature']).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(res.headers['wechatpay-serial']).toBe(h.cfg.platformSerial)
    expect(res.headers['request-id']).toMatch(/^[0-9A-F]{32}$/)
    expect((await query(order.out_trade_no as string)).trade_state).toBe('CLOSED')
    expect((await h.sim('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })).status).toBe(409)
  })

  it('refuses to close a paid order with ORDERPAID', async () => {
    const order = jsapiOrder(h.cfg)
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    await h.sim('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })
    const f = await failureOf(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, { out_trade_no: order.out_trade_no }))
    expect(f.status).toBe(400)
    expect(f.data?.code).toBe('ORDERPAID')
  })

  it('expires orders on the simulated clock (time_expire)', async () => {
    const expire = new Date(h.sandbox.world.clock.nowMs() + 5 * 60_000)
    const order = jsapiOrder(h.cfg, { timeExpire: `${new Date(expire.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00` })
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    await h.sim('POST', '/__sim/clock/advance', { seconds: 6 * 60 })
    const late = await h.sim<{ error: string }>('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })
    expect(late.status).toBe(409)
    expect(late.body.error).toMatch(/expired/)
    expect((await query(order.out_trade_no as string)).trade_state).toBe('NOTPAY')
  })

  it('lists orders for the home page', async () => {
    const order = jsapiOrder(h.cfg)
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    const list = await h.sim<Array<{ out_trade_no: string, trade_state: string, prepay_id: string }>>('GET', '/__sim/wxpay/orders')
    expect(list.body).toEqual([expect.objectContaining({ out_trade_no: order.out_trade_no, trade_state: 'NOTPAY', prepay_id: expect.stringMatching(/^wx/) })])
  })
})

describe('wxpay signing modes and merchants', () => {
  it('signs with PUB_KEY_ID in public-key mode; a client holding only the public key verifies it', async () => {
    const mode = await h.sim<{ serial: string }>('POST', '/__sim/wxpay/mode', { signWith: 'public_key' })
    expect(mode.body.serial).toBe(h.cfg.platformPublicKeyId)
    const res = await h.wx.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg))
    expect(res.headers['wechatpay-serial']).toBe(h.cfg.platformPublicKeyId)

    const { Wechatpay } = await import('wechatpay-axios-plugin')
    const onlyPublicKey = new Wechatpay({
      mchid: h.cfg.spMchId,
      serial: h.cfg.merchantSerial,
      privateKey: h.cfg.merchantPrivateKeyPem,
      certs: { [h.cfg.platformPublicKeyId]: h.cfg.platformPublicKeyPem },
      baseURL: h.cfg.baseUrl,
    })
    expect((await onlyPublicKey.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg))).status).toBe(200)
    // The certificate's key is a different key pair: filing it under the PUB_KEY_ID must fail.
    const misfiled = new Wechatpay({
      mchid: h.cfg.spMchId,
      serial: h.cfg.merchantSerial,
      privateKey: h.cfg.merchantPrivateKeyPem,
      certs: { [h.cfg.platformPublicKeyId]: h.cfg.platformCertificatePem },
      baseURL: h.cfg.baseUrl,
    })
    expect((await failureOf(misfiled.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg)))).code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST')

    await h.sim('POST', '/__sim/reset')
    expect((await h.wx.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg))).headers['wechatpay-serial']).toBe(h.cfg.platformSerial)
  })

  it('onboards sub-merchants and further service providers with their own certificates', async () => {
    const sub = await h.sim<{ sub_mchid: string, sp_mchid: string }>('POST', '/__sim/wxpay/merchants', { name: '新开的奶茶店' })
    expect(sub.status).toBe(201)
    expect(sub.body.sp_mchid).toBe(h.cfg.spMchId)
    expect((await h.wx.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg, { subMchId: sub.body.sub_mchid }))).status).toBe(200)

    const other = await h.sim<typeof h.cfg>('POST', '/__sim/wxpay/service-providers', { name: '另一家服务商' })
    expect(other.status).toBe(201)
    expect(other.body.spMchId).not.toBe(h.cfg.spMchId)
    expect(other.body.merchantSerial).not.toBe(h.cfg.merchantSerial)
    const otherClient = wechatpayClient(other.body)
    const [otherSub] = other.body.subMchIds
    const t = await dataOf<{ prepay_id: string }>(otherClient.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(other.body, { subMchId: otherSub })))
    expect(t.prepay_id).toMatch(/^wx/)
    // A service provider can't act for another one's sub-merchant.
    const f = await failureOf(h.wx.chain('v3/pay/partner/transactions/jsapi').post(jsapiOrder(h.cfg, { subMchId: otherSub })))
    expect(f.data?.code).toBe('PARAM_ERROR')

    const listed = await h.sim<Array<{ sp_mchid: string, sub_merchants: Array<{ sub_mchid: string }> }>>('GET', '/__sim/wxpay/merchants')
    expect(listed.body.map((s) => s.sp_mchid)).toEqual(expect.arrayContaining([h.cfg.spMchId, other.body.spMchId]))
  })

  it('forgets orders on reset but keeps keys and onboarded merchants', async () => {
    const sub = await h.sim<{ sub_mchid: string }>('POST', '/__sim/wxpay/merchants', { name: '重置后还在' })
    const order = jsapiOrder(h.cfg, { subMchId: sub.body.sub_mchid })
    await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
    expect((await h.sim('POST', '/__sim/reset')).status).toBe(204)
    const gone = await failureOf(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: sub.body.sub_mchid }, out_trade_no: order.out_trade_no }))
    expect(gone.status).toBe(404)
    // Same client, same keys: the merchant is still there and the old order number is free again.
    expect((await h.wx.chain('v3/pay/partner/transactions/jsapi').post({ ...order, amount: { total: 1, currency: 'CNY' } })).status).toBe(200)
  })
})
