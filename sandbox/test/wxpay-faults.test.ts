import { generateKeyPairSync } from 'node:crypto'
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin'
import type { TransactionWire } from '../src/wxpay/wire'
import { authorization, dataOf, failureOf, jsapiOrder, useWxpayHarness, verifyNotification, wechatpayClient } from './helpers/wxpay'

const ctx = useWxpayHarness()

const JSAPI = 'v3/pay/partner/transactions/jsapi'
const fault = async (route: string, mode: string, count = 1): Promise<void> => {
  expect((await ctx.h.sim('POST', '/__sim/faults', { route, mode, count })).status).toBe(204)
}

/** Checks a response's Wechatpay-* headers the way the SDK does, for responses the SDK doesn't verify. */
function signatureValid (headers: Headers, body: string): boolean {
  const serial = headers.get('wechatpay-serial')
  const key = serial === ctx.h.cfg.platformSerial ? ctx.h.cfg.platformCertificatePem : serial === ctx.h.cfg.platformPublicKeyId ? ctx.h.cfg.platformPublicKeyPem : undefined
  if (key === undefined) return false
  return Rsa.verify(Formatter.response(headers.get('wechatpay-timestamp') ?? '', headers.get('wechatpay-nonce') ?? '', body), headers.get('wechatpay-signature') ?? '', Rsa.from(key, Rsa.KEY_TYPE_PUBLIC))
}

/** A hand-signed request: what the SDK would send, with one thing changed. */
async function rawCall (method: 'GET' | 'POST', url: string, body: string | undefined, auth: string | undefined): Promise<{ status: number, headers: Headers, text: string }> {
  const res = await fetch(`${ctx.h.sandbox.urls.wxpay}${url}`, {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(auth === undefined ? {} : { Authorization: auth }) },
    ...(body === undefined ? {} : { body }),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('wxpay response faults: the real SDK must refuse the answer', () => {
  it.each([
    ['SIGN_BAD', 'EV3_RES_HEADER_SIGNATURE_DIGEST'],
    ['SERIAL_UNKNOWN', 'EV3_RES_HEADER_PLATFORM_SERIAL'],
    ['SIGNTEST', 'EV3_RES_HEADER_SIGNATURE_DIGEST'],
    ['STALE_TIMESTAMP', 'EV3_RES_HEADER_TIMESTAMP_OFFSET'],
  ])('%s → %s, then the next call is fine', async (mode, code) => {
    await fault(`wxpay:POST /${JSAPI}`, mode)
    const f = await failureOf(ctx.h.wx.chain(JSAPI).post(jsapiOrder(ctx.h.cfg)))
    expect(f.code).toBe(code)
    expect((await ctx.h.wx.chain(JSAPI).post(jsapiOrder(ctx.h.cfg))).status).toBe(200)
  })

  it('SIGNTEST sends a signature starting WECHATPAY/SIGNTEST/', async () => {
    await fault(`wxpay:POST /${JSAPI}`, 'SIGNTEST')
    const body = JSON.stringify(jsapiOrder(ctx.h.cfg))
    const res = await rawCall('POST', `/${JSAPI}`, body, authorization(ctx.h.cfg, { method: 'POST', url: `/${JSAPI}`, body }))
    expect(res.status).toBe(200)
    expect(res.headers.get('wechatpay-signature')).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect(signatureValid(res.headers, res.text)).toBe(false)
  })

  it('verifies the empty body of a 204: a bad signature on close is refused too', async () => {
    const order = jsapiOrder(ctx.h.cfg)
    await ctx.h.wx.chain(JSAPI).post(order)
    await fault('wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/close', 'SIGN_BAD')
    const close = (): Promise<unknown> => ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ sp_mchid: ctx.h.cfg.spMchId, sub_mchid: ctx.h.cfg.subMchIds[0] }, { out_trade_no: order.out_trade_no })
    expect((await failureOf(close())).code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST')
    expect(await close()).toMatchObject({ status: 204 })
  })

  it('TIMEOUT never answers: the client times out', async () => {
    await fault('wxpay:GET /v3/certificates', 'TIMEOUT')
    const f = await failureOf(ctx.h.wx.chain('v3/certificates').get({ timeout: 300 }))
    expect(f.code).toBe('ECONNABORTED')
    expect((await ctx.h.wx.chain('v3/certificates').get()).status).toBe(200)
  })

  it('5xx answers 500 SYSTEM_ERROR, signed like every answer', async () => {
    await fault('wxpay:*', '5xx', 2)
    const f = await failureOf(ctx.h.wx.chain(JSAPI).post(jsapiOrder(ctx.h.cfg)))
    expect(f.status).toBe(500)
    expect(f.data).toEqual({ code: 'SYSTEM_ERROR', message: '系统错误' })
    const res = await rawCall('GET', '/v3/certificates', undefined, authorization(ctx.h.cfg, { method: 'GET', url: '/v3/certificates' }))
    expect(res.status).toBe(500)
    expect(signatureValid(res.headers, res.text)).toBe(true)
    expect((await ctx.h.wx.chain('v3/certificates').get()).status).toBe(200)
  })

  it('GCM_TAMPER on /v3/certificates: the certificate no longer decrypts', async () => {
    await fault('wxpay:GET /v3/certificates', 'GCM_TAMPER')
    const body = await dataOf<{ data: Array<{ encrypt_certificate: { ciphertext: string, nonce: string, associated_data: string } }> }>(ctx.h.wx.chain('v3/certificates').get())
    const enc = body.data[0]?.encrypt_certificate
    expect(() => Aes.AesGcm.decrypt(enc?.ciphertext ?? '', ctx.h.cfg.apiV3Key, enc?.nonce ?? '', enc?.associated_data ?? '')).toThrow()
  })

  it('LATE_SUCCESS_AFTER_CLOSE: close answers 204, yet the order ends up paid and notified', async () => {
    const order = jsapiOrder(ctx.h.cfg, { notifyUrl: ctx.hook.url })
    await ctx.h.wx.chain(JSAPI).post(order)
    await fault('wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/close', 'LATE_SUCCESS_AFTER_CLOSE')
    const res = await ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ sp_mchid: ctx.h.cfg.spMchId, sub_mchid: ctx.h.cfg.subMchIds[0] }, { out_trade_no: order.out_trade_no })
    expect(res.status).toBe(204)
    await ctx.h.idle()
    const t = await dataOf<TransactionWire>(ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: ctx.h.cfg.spMchId, sub_mchid: ctx.h.cfg.subMchIds[0] }, out_trade_no: order.out_trade_no }))
    expect(t.trade_state).toBe('SUCCESS')
    expect(ctx.hook.received).toHaveLength(1)
    const n = verifyNotification(ctx.h.cfg, ctx.hook.received[0] ?? { headers: {}, body: '' })
    expect(n.ok && n.event.event_type).toBe('TRANSACTION.SUCCESS')
  })
})

describe('wxpay request verification (401 SIGN_ERROR)', () => {
  const queryUrl = (): string => `/v3/pay/partner/transactions/out-trade-no/UNKNOWN0001?sp_mchid=${ctx.h.cfg.spMchId}&sub_mchid=${ctx.h.cfg.subMchIds[0] ?? ''}`

  it('accepts the Authorization pairs in any order (404 = past the signature check)', async () => {
    const res = await rawCall('GET', queryUrl(), undefined, authorization(ctx.h.cfg, { method: 'GET', url: queryUrl() }, { reversed: true }))
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toEqual({ code: 'ORDER_NOT_EXIST', message: '订单不存在' })
    expect(signatureValid(res.headers, res.text)).toBe(true)
  })

  it('compares serial_no case-insensitively', async () => {
    const lower = wechatpayClient(ctx.h.cfg, { serial: ctx.h.cfg.merchantSerial.toLowerCase() })
    expect((await lower.chain(JSAPI).post(jsapiOrder(ctx.h.cfg))).status).toBe(200)
  })

  it('refuses a signature by another key', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const f = await failureOf(wechatpayClient(ctx.h.cfg, { privateKey: stranger }).chain(JSAPI).post(jsapiOrder(ctx.h.cfg)))
    expect(f.status).toBe(401)
    expect(f.data).toEqual({ code: 'SIGN_ERROR', message: '错误的签名，验签失败' })
  })

  it('refuses an unregistered serial_no', async () => {
    const f = await failureOf(wechatpayClient(ctx.h.cfg, { serial: '0123456789ABCDEF0123456789ABCDEF01234567' }).chain(JSAPI).post(jsapiOrder(ctx.h.cfg)))
    expect(f.status).toBe(401)
    expect(f.data?.code).toBe('SIGN_ERROR')
  })

  it('refuses a timestamp more than 300 s away, and accepts one just inside', async () => {
    const now = Formatter.timestamp()
    const stale = await rawCall('GET', queryUrl(), undefined, authorization(ctx.h.cfg, { method: 'GET', url: queryUrl() }, { timestamp: now - 310 }))
    expect(stale.status).toBe(401)
    expect(JSON.parse(stale.text).code).toBe('SIGN_ERROR')
    const future = await rawCall('GET', queryUrl(), undefined, authorization(ctx.h.cfg, { method: 'GET', url: queryUrl() }, { timestamp: now + 310 }))
    expect(future.status).toBe(401)
    const inside = await rawCall('GET', queryUrl(), undefined, authorization(ctx.h.cfg, { method: 'GET', url: queryUrl() }, { timestamp: now - 280 }))
    expect(inside.status).toBe(404)
  })

  it('refuses a missing Authorization, a changed body and a changed query', async () => {
    expect((await rawCall('GET', queryUrl(), undefined, undefined)).status).toBe(401)
    const body = JSON.stringify(jsapiOrder(ctx.h.cfg))
    const auth = authorization(ctx.h.cfg, { method: 'POST', url: `/${JSAPI}`, body })
    expect((await rawCall('POST', `/${JSAPI}`, body.replace('1800', '1'), auth)).status).toBe(401)
    const signedFor = authorization(ctx.h.cfg, { method: 'GET', url: queryUrl() })
    expect((await rawCall('GET', queryUrl().replace('UNKNOWN0001', 'UNKNOWN0002'), undefined, signedFor)).status).toBe(401)
  })

  it('refuses an sp_mchid that is not the signer, in the body or the query', async () => {
    const f = await failureOf(ctx.h.wx.chain(JSAPI).post({ ...jsapiOrder(ctx.h.cfg), sp_mchid: '1900009900' }))
    expect(f.status).toBe(401)
    expect(f.data?.message).toContain('sp_mchid')
    const q = await failureOf(ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: '1900009900', sub_mchid: ctx.h.cfg.subMchIds[0] }, out_trade_no: 'X1234567' }))
    expect(q.status).toBe(401)
  })
})
