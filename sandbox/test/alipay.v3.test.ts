import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto'
import { AlipayRequestError } from 'alipay-sdk'
import { advance, alipaySdk, control, outTradeNo, useAlipaySandbox } from './alipay.helpers'

const ctx = useAlipaySandbox()

/** The AlipayRequestError a rejected curl() throws. */
async function curlError (p: Promise<unknown>): Promise<AlipayRequestError> {
  try {
    await p
  } catch (err) {
    if (err instanceof AlipayRequestError) return err
    throw err
  }
  throw new Error('curl() did not fail')
}

describe('alipay v3 REST (curl)', () => {
  it('precreate, pay and query on the same ledger as v2; every response signature verified by the SDK', async () => {
    const no = outTradeNo()
    const pre = await ctx.sdk.curl('POST', '/v3/alipay/trade/precreate', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no, total_amount: '0.01', subject: 'v3 测试' } })
    expect(pre.responseHttpStatus).toBe(200)
    expect(pre.data).toMatchObject({ out_trade_no: no })
    expect(pre.data.qr_code).toMatch(/^https:\/\/qr\.alipay\.com\//)
    expect(pre.data.code).toBeUndefined()

    await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', { out_trade_no: no })
    const q = await ctx.sdk.curl('POST', '/v3/alipay/trade/query', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no } })
    expect(q.data).toMatchObject({ out_trade_no: no, trade_status: 'TRADE_SUCCESS', total_amount: '0.01' })
    const v2 = await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no } }, { validateSign: true })
    expect(v2.tradeNo).toBe(q.data.trade_no)

    const refund = await ctx.sdk.curl('POST', '/v3/alipay/trade/refund', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no, refund_amount: '0.01', out_request_no: 'R1' } })
    expect(refund.data).toMatchObject({ fund_change: 'Y', refund_fee: '0.01' })
    const rq = await ctx.sdk.curl('POST', '/v3/alipay/trade/fastpay/refund/query', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no, out_request_no: 'R1' } })
    expect(rq.data).toMatchObject({ refund_status: 'REFUND_SUCCESS', refund_amount: '0.01' })
  })

  it('create, close and cancel', async () => {
    const no = outTradeNo()
    const created = await ctx.sdk.curl('POST', '/v3/alipay/trade/create', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no, total_amount: '2.00', subject: 's', buyer_id: '2088102177846880' } })
    expect(created.data.trade_no).toMatch(/^20\d{26}$/)
    expect((await ctx.sdk.curl('POST', '/v3/alipay/trade/close', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no } })).data).toMatchObject({ out_trade_no: no })
    expect((await ctx.sdk.curl('POST', '/v3/alipay/trade/cancel', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: no } })).data).toMatchObject({ action: 'close', retry_flag: 'N' })
  })

  it('business errors are HTTP 400 with {code, message}', async () => {
    const err = await curlError(ctx.sdk.curl('POST', '/v3/alipay/trade/query', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: 'never' } }))
    expect(err).toMatchObject({ code: 'ACQ.TRADE_NOT_EXIST', responseHttpStatus: 400 })
    expect(err.message).toMatch(/交易不存在/)
  })

  it('rejects a bad response signature (SIGN_BAD) with response-signature-verify-error', async () => {
    const body = { out_trade_no: outTradeNo(), total_amount: '0.01', subject: 's' }
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:POST /v3/alipay/trade/precreate', mode: 'SIGN_BAD' })
    const bad = await curlError(ctx.sdk.curl('POST', '/v3/alipay/trade/precreate', { appAuthToken: ctx.merchant.appAuthToken, body }))
    expect(bad).toMatchObject({ code: 'response-signature-verify-error', responseHttpStatus: 200 })
    expect((await ctx.sdk.curl('POST', '/v3/alipay/trade/precreate', { appAuthToken: ctx.merchant.appAuthToken, body })).responseHttpStatus).toBe(200)
  })

  it('refuses a request signed with another key (401 invalid-signature) and expired tokens (401)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const forged = await curlError(alipaySdk(ctx.sandbox, { privateKey: other.privateKey }).curl('POST', '/v3/alipay/trade/query', { body: { out_trade_no: 'x' } }))
    expect(forged).toMatchObject({ code: 'invalid-signature', responseHttpStatus: 401 })

    // The token is part of the signed string: a token header the signature does not cover is refused.
    const unsigned = await signedFetch('/v3/alipay/trade/query', '{"out_trade_no":"x"}', Date.now(), { header: ctx.merchant.appAuthToken, signed: '' })
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toMatchObject({ code: 'invalid-signature' })
    const covered = await signedFetch('/v3/alipay/trade/query', '{"out_trade_no":"x"}', Date.now(), { header: ctx.merchant.appAuthToken, signed: ctx.merchant.appAuthToken })
    expect(covered.status).toBe(400) // signature fine; the trade does not exist

    await advance(ctx.sandbox, 366 * 86_400)
    const expired = await curlError(ctx.sdk.curl('POST', '/v3/alipay/trade/query', { appAuthToken: ctx.merchant.appAuthToken, body: { out_trade_no: 'x' } }))
    expect(expired).toMatchObject({ code: 'app-auth-token-time-out', responseHttpStatus: 401 })
  })

  it('5xx fault: HTTP 500; STALE_TIMESTAMP: signed correctly but 10 minutes old, which alipay-sdk does not check', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:POST /v3/alipay/trade/query', mode: '5xx' })
    expect(await curlError(ctx.sdk.curl('POST', '/v3/alipay/trade/query', { body: { out_trade_no: 'x' } }))).toMatchObject({ responseHttpStatus: 500 })

    const no = outTradeNo()
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:POST /v3/alipay/trade/precreate', mode: 'STALE_TIMESTAMP' })
    const res = await signedFetch('/v3/alipay/trade/precreate', JSON.stringify({ out_trade_no: no, total_amount: '0.01', subject: 's' }))
    expect(res.status).toBe(200)
    expect(Date.now() - Number(res.headers.get('alipay-timestamp'))).toBeGreaterThan(590_000)
    // The SDK itself would accept such a response: only the signature is checked.
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:POST /v3/alipay/trade/precreate', mode: 'STALE_TIMESTAMP' })
    expect((await ctx.sdk.curl('POST', '/v3/alipay/trade/precreate', { body: { out_trade_no: no, total_amount: '0.01', subject: 's' } })).responseHttpStatus).toBe(200)
  })

  it('refuses a request whose own timestamp is outside the window', async () => {
    const res = await signedFetch('/v3/alipay/trade/query', '{"out_trade_no":"x"}', Date.now() - 3600_000)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid-timestamp' })
  })
})

/** A hand-signed v3 request, to read the raw response headers curl() does not expose. */
async function signedFetch (path: string, body: string, timestamp = Date.now(), token?: { header: string, signed: string }): Promise<Response> {
  const cfg = ctx.sandbox.clients.alipay
  const auth = `app_id=${cfg.appId},nonce=${randomUUID()},timestamp=${timestamp}`
  const tokenLine = token === undefined || token.signed === '' ? '' : `${token.signed}\n`
  const sign = createSign('RSA-SHA256').update(`${auth}\nPOST\n${path}\n${body}\n${tokenLine}`).sign(cfg.appPrivateKeyPem, 'base64')
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${auth},sign=${sign}` }
  if (token !== undefined) headers['alipay-app-auth-token'] = token.header
  return await fetch(`${cfg.endpoint}${path}`, { method: 'POST', headers, body })
}
