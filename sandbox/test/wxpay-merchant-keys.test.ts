import { Aes, Wechatpay } from 'wechatpay-axios-plugin'
import { dataOf, failureOf, jsapiOrder, receiver, tradeNo, useWxpayHarness, verifyNotification, type Receiver } from './helpers/wxpay'

// Seed 002 微信API证书配置: a sub-merchant applies for its own API certificate and APIv3 key and
// calls the voucher APIs as itself (直连), for its own batches only.
const ctx = useWxpayHarness()

const ALICE = 'oAlice0000000000000000000001'

interface ApiKeys { mchid: string, serial: string, privateKeyPem: string, certificatePem: string, apiV3Key: string }
interface WireStock { stock_id: string, stock_creator_mchid: string, status: string, distributed_coupons: number, no_cash: boolean, available_begin_time: string, available_end_time: string, stock_use_rule: { max_coupons: number, max_amount: number, max_coupons_per_user: number, fixed_normal_coupon: { coupon_amount: number, transaction_minimum: number }, goods_tag: string[] } }

async function apiKeys (subMchId: string): Promise<ApiKeys> {
  const r = await ctx.h.sim<ApiKeys>('POST', `/__sim/wxpay/merchants/${subMchId}/api-keys`)
  expect(r.status).toBe(201)
  return r.body
}

/** The real SDK, configured as the merchant itself: its mchid, certificate and key; the same platform keys. */
function merchantClient (k: ApiKeys, o: { privateKey?: string } = {}): Wechatpay {
  const cfg = ctx.h.cfg
  return new Wechatpay({
    mchid: k.mchid,
    serial: k.serial,
    privateKey: o.privateKey ?? k.privateKeyPem,
    certs: { [cfg.platformSerial]: cfg.platformCertificatePem, [cfg.platformPublicKeyId]: cfg.platformPublicKeyPem },
    baseURL: cfg.baseUrl,
  })
}

async function simStock (body: Record<string, unknown>): Promise<{ status: number, body: WireStock & { error?: string } }> {
  return await ctx.h.sim<WireStock & { error?: string }>('POST', '/__sim/wxpay/stocks', { coupon_amount: 500, transaction_minimum: 2000, goods_tag: ['MUTEX_STORE'], ...body })
}

const sub = (): string => ctx.h.cfg.subMchIds[0] ?? ''
const neighbour = (): string => ctx.h.cfg.subMchIds[1] ?? ''

describe('POST /__sim/wxpay/merchants/:sub_mchid/api-keys', () => {
  it('issues a certificate (upper-case hex serial), a PKCS#8 key and a 32-character APIv3 key', async () => {
    const k = await apiKeys(sub())
    expect(k).toEqual({
      mchid: sub(),
      serial: expect.stringMatching(/^[0-9A-F]+$/),
      privateKeyPem: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
      certificatePem: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      apiV3Key: expect.stringMatching(/^[0-9A-Za-z]{32}$/),
    })
    expect((await ctx.h.sim('POST', '/__sim/wxpay/merchants/1999999999/api-keys')).status).toBe(404)
  })

  it('applying again replaces the certificate: the old one gets SIGN_ERROR', async () => {
    const old = await apiKeys(sub())
    const fresh = await apiKeys(sub())
    expect(fresh.serial).not.toBe(old.serial)
    const stale = await failureOf(merchantClient(old).chain('v3/certificates').get())
    expect(stale).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } })
    await expect(merchantClient(fresh).chain('v3/certificates').get()).resolves.toMatchObject({ status: 200 })
  })

  it('a sub-merchant without its own certificate cannot sign', async () => {
    const k = await apiKeys(sub())
    const signedAsNeighbour = await failureOf(merchantClient({ ...k, mchid: neighbour() }).chain('v3/certificates').get())
    expect(signedAsNeighbour).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR', message: expect.stringContaining('证书序列号') } })
  })
})

describe('a merchant calling as itself', () => {
  it('downloads the platform certificate encrypted under its own APIv3 key; answers are platform-signed (the SDK verified them)', async () => {
    const k = await apiKeys(sub())
    const { data } = await dataOf<{ data: Array<{ serial_no: string, encrypt_certificate: { ciphertext: string, nonce: string, associated_data: string } }> }>(merchantClient(k).chain('v3/certificates').get())
    const c = data[0]?.encrypt_certificate
    if (c === undefined) throw new Error('no certificate')
    expect(Aes.AesGcm.decrypt(c.ciphertext, k.apiV3Key, c.nonce, c.associated_data)).toBe(ctx.h.cfg.platformCertificatePem)
    expect(() => Aes.AesGcm.decrypt(c.ciphertext, ctx.h.cfg.apiV3Key, c.nonce, c.associated_data)).toThrow()
  })

  it('may not call the partner (服务商) APIs: NO_AUTH', async () => {
    const k = await apiKeys(sub())
    const order = { ...jsapiOrder(ctx.h.cfg), sp_mchid: k.mchid }
    expect(await failureOf(merchantClient(k).chain('v3/pay/partner/transactions/jsapi').post(order))).toMatchObject({ status: 403, data: { code: 'NO_AUTH' } })
  })

  it('creates, starts, reads and sends its own batch; another merchant\'s is NO_AUTH', async () => {
    const k = await apiKeys(sub())
    const wx = merchantClient(k)
    const now = ctx.h.sandbox.world.clock.nowMs()
    const china = (ms: number): string => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
    const body = (belong: string): Record<string, unknown> => ({
      stock_name: '自有批次',
      belong_merchant: belong,
      available_begin_time: china(now - 60_000),
      available_end_time: china(now + 7 * 86_400_000),
      stock_use_rule: { max_coupons: 5, max_amount: 2500, max_coupons_per_user: 1 },
      coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 }, goods_tag: ['MUTEX_STORE'] },
      no_cash: true,
      stock_type: 'NORMAL',
      out_request_no: tradeNo('S'),
    })
    expect(await failureOf(wx.chain('v3/marketing/favor/coupon-stocks').post(body(neighbour())))).toMatchObject({ status: 403, data: { code: 'NO_AUTH' } })
    const { stock_id: stockId } = await dataOf<{ stock_id: string }>(wx.chain('v3/marketing/favor/coupon-stocks').post(body(sub())))
    await wx.chain('v3/marketing/favor/stocks/{stock_id}/start').post({ stock_creator_mchid: sub() }, { stock_id: stockId })
    expect(await dataOf(wx.chain('v3/marketing/favor/stocks/{stock_id}').get({ params: { stock_creator_mchid: sub() }, stock_id: stockId }))).toMatchObject({ status: 'running', no_cash: true })
    const sent = await dataOf<{ coupon_id: string }>(wx.chain('v3/marketing/favor/users/{openid}/coupons').post({ stock_id: stockId, out_request_no: tradeNo('C'), appid: ctx.h.cfg.spAppId, stock_creator_mchid: sub() }, { openid: ALICE }))
    // It reads the coupons of its batches; the SP does too (the creator is its sub-merchant).
    const list = { params: { appid: ctx.h.cfg.spAppId }, openid: ALICE }
    expect(await dataOf(wx.chain('v3/marketing/favor/users/{openid}/coupons').get(list))).toMatchObject({ total_count: 1, data: [{ coupon_id: sent.coupon_id }] })
    expect(await dataOf(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').get(list))).toMatchObject({ total_count: 1 })

    const theirs = await simStock({ creator_mchid: neighbour() })
    expect(await failureOf(wx.chain('v3/marketing/favor/stocks/{stock_id}').get({ params: { stock_creator_mchid: neighbour() }, stock_id: theirs.body.stock_id }))).toMatchObject({ status: 403, data: { code: 'NO_AUTH' } })
    const send = { stock_id: theirs.body.stock_id, out_request_no: tradeNo('C'), appid: ctx.h.cfg.spAppId, stock_creator_mchid: neighbour() }
    expect(await failureOf(wx.chain('v3/marketing/favor/users/{openid}/coupons').post(send, { openid: ALICE }))).toMatchObject({ status: 403, data: { code: 'NO_AUTH' } })
    // Nor can it read the neighbour's coupons.
    await ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').post(send, { openid: ALICE })
    expect(await dataOf(wx.chain('v3/marketing/favor/users/{openid}/coupons').get(list))).toMatchObject({ total_count: 1 })
  })

  it('appids: the SP\'s official account and its own app, not another SP\'s', async () => {
    const k = await apiKeys(sub())
    const stock = await simStock({ creator_mchid: sub(), max_coupons_per_user: 3 })
    const other = await ctx.h.sim<{ spAppId: string }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    const send = (appid: string): Promise<unknown> => merchantClient(k).chain('v3/marketing/favor/users/{openid}/coupons').post({ stock_id: stock.body.stock_id, out_request_no: tradeNo('C'), appid, stock_creator_mchid: sub() }, { openid: ALICE })
    await expect(send(ctx.h.cfg.spAppId)).resolves.toMatchObject({ status: 200 })
    expect(await failureOf(send(other.body.spAppId))).toMatchObject({ status: 400, data: { code: 'APPID_MCHID_NOT_MATCH' } })
  })

  describe('COUPON.USE for a callback it set itself', () => {
    let hook: Receiver
    beforeAll(async () => { hook = await receiver(ctx.h.cfg, () => ({ status: 204 })) })
    afterAll(async () => { await hook.close() })
    beforeEach(() => { hook.received.length = 0 })

    it('is encrypted under its APIv3 key, not the SP\'s', async () => {
      const k = await apiKeys(sub())
      const wx = merchantClient(k)
      await wx.chain('v3/marketing/favor/callbacks').post({ mchid: sub(), notify_url: hook.url })
      const stock = await simStock({ creator_mchid: sub() })
      await wx.chain('v3/marketing/favor/users/{openid}/coupons').post({ stock_id: stock.body.stock_id, out_request_no: tradeNo('C'), appid: ctx.h.cfg.spAppId, stock_creator_mchid: sub() }, { openid: ALICE })
      const order = jsapiOrder(ctx.h.cfg, { openid: ALICE, total: 2800, goodsTag: 'MUTEX_STORE' })
      await ctx.h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
      await ctx.h.sim('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })
      await ctx.h.idle()
      const [received] = hook.received
      if (received === undefined) throw new Error('no COUPON.USE')
      expect(verifyNotification(ctx.h.cfg, received)).toEqual({ ok: false, reason: 'decrypt' })
      expect(verifyNotification({ ...ctx.h.cfg, apiV3Key: k.apiV3Key }, received)).toMatchObject({ ok: true, event: { event_type: 'COUPON.USE' }, resource: { stock_id: stock.body.stock_id, status: 'USED' } })
    })
  })
})

describe('POST /__sim/wxpay/stocks', () => {
  it('a running batch from now for `days`, budget = max_coupons × coupon_amount, the SP or a sub-merchant as creator', async () => {
    const now = ctx.h.sandbox.world.clock.nowMs()
    const r = await simStock({ creator_mchid: sub(), name: '门店满20减5', max_coupons: 40, max_coupons_per_user: 2, goods_tag: ['MUTEX_STORE', 'NO_MUTEX_STORE'], no_cash: true, days: 10 })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      stock_id: expect.stringMatching(/^\d{8}$/),
      stock_creator_mchid: sub(),
      stock_name: '门店满20减5',
      status: 'running',
      distributed_coupons: 0,
      no_cash: true,
      stock_type: 'NORMAL',
      stock_use_rule: { max_coupons: 40, max_amount: 20000, max_coupons_per_user: 2, fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 }, goods_tag: ['MUTEX_STORE', 'NO_MUTEX_STORE'] },
    })
    expect(Date.parse(r.body.available_end_time) - Date.parse(r.body.available_begin_time)).toBe(10 * 86_400_000)
    expect(Math.abs(Date.parse(r.body.available_begin_time) - now)).toBeLessThan(1000)
    // The SP reads it through v3 as it would a batch made in the merchant platform.
    expect(await dataOf(ctx.h.wx.chain('v3/marketing/favor/stocks/{stock_id}').get({ params: { stock_creator_mchid: sub() }, stock_id: r.body.stock_id }))).toEqual(r.body)
    expect((await simStock({ creator_mchid: ctx.h.cfg.spMchId })).body.stock_creator_mchid).toBe(ctx.h.cfg.spMchId)
  })

  it('status: unactivated on request; pause, resume and stop it; a stopped batch stays stopped', async () => {
    const idle = await simStock({ creator_mchid: sub(), status: 'unactivated' })
    expect(idle.body.status).toBe('unactivated')
    const id = idle.body.stock_id
    for (const status of ['running', 'paused', 'running', 'stoped']) {
      expect(await ctx.h.sim('POST', `/__sim/wxpay/stocks/${id}`, { status })).toMatchObject({ status: 200, body: { status } })
    }
    expect((await ctx.h.sim('POST', `/__sim/wxpay/stocks/${id}`, { status: 'running' })).status).toBe(409)
    expect((await ctx.h.sim('POST', '/__sim/wxpay/stocks/99999999', { status: 'paused' })).status).toBe(404)
  })

  it.each<[string, Record<string, unknown>, number]>([
    ['a threshold not above the amount', { creator_mchid: '1900000101', transaction_minimum: 500 }, 400],
    ['no amount', { creator_mchid: '1900000101', coupon_amount: undefined }, 400],
    ['an unknown creator', { creator_mchid: '1999999999' }, 404],
    ['an unknown sp_mchid', { creator_mchid: '1900000101', sp_mchid: '1999999900' }, 404],
  ])('refuses %s', async (_, body, status) => {
    expect((await simStock(body)).status).toBe(status)
  })

  it('refuses an sp_mchid that is not the creator\'s service provider', async () => {
    const other = await ctx.h.sim<{ spMchId: string }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    expect((await simStock({ creator_mchid: sub(), sp_mchid: other.body.spMchId })).status).toBe(409)
    expect((await simStock({ creator_mchid: sub(), sp_mchid: ctx.h.cfg.spMchId })).status).toBe(201)
  })

  it('GET lists every batch with its coupons, and reset clears them', async () => {
    const r = await simStock({ creator_mchid: sub() })
    const sendBody = { stock_id: r.body.stock_id, out_request_no: 'req-1', appid: ctx.h.cfg.spAppId, stock_creator_mchid: sub() }
    const { coupon_id: couponId } = await dataOf<{ coupon_id: string }>(ctx.h.wx.chain('v3/marketing/favor/users/{openid}/coupons').post(sendBody, { openid: ALICE }))
    expect((await ctx.h.sim('GET', '/__sim/wxpay/stocks')).body).toEqual([{
      ...r.body,
      distributed_coupons: 1,
      sp_mchid: sub(),
      coupons: [{ coupon_id: couponId, openid: ALICE, appid: ctx.h.cfg.spAppId, out_request_no: 'req-1', status: 'SENDED' }],
    }])
    await ctx.h.sim('POST', '/__sim/reset')
    expect((await ctx.h.sim('GET', '/__sim/wxpay/stocks')).body).toEqual([])
  })
})
