import { generateKeyPairSync } from 'node:crypto'
import { advance, alipaySdk, authorizeMerchant, barCode, control, idle, outTradeNo, useAlipaySandbox } from './alipay.helpers'

const v = { validateSign: true }

const ctx = useAlipaySandbox()

describe('alipay keys and client config', () => {
  it('hands out an ISV app id, PID, PKCS#8 app key and both public keys, with lazily resolved URLs', () => {
    const cfg = ctx.sandbox.clients.alipay
    expect(cfg.appId).toMatch(/^2021\d{12}$/)
    expect(cfg.pid).toMatch(/^2088\d{12}$/)
    expect(cfg.appPrivateKeyPem).toContain('-----BEGIN PRIVATE KEY-----')
    expect(cfg.alipayPublicKeyPem).toContain('-----BEGIN PUBLIC KEY-----')
    expect(cfg.alipayPublicKeyPem).not.toBe(cfg.appPublicKeyPem)
    expect(cfg.gateway).toBe(`${ctx.sandbox.urls.alipay}/gateway.do`)
    expect(cfg.endpoint).toBe(ctx.sandbox.urls.alipay)
  })
})

describe('alipay.open.auth.token.app (ISV authorization)', () => {
  it('exchanges an app_auth_code once, with the token flat and in tokens[]', async () => {
    const { body } = await control<{ app_auth_code: string, user_id: string, auth_app_id: string }>(ctx.sandbox, 'POST', '/__sim/alipay/auth-codes', {})
    const r = await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'authorization_code', code: body.app_auth_code } }, v)
    expect(r).toMatchObject({ code: '10000', msg: 'Success', userId: body.user_id, authAppId: body.auth_app_id, expiresIn: 31_536_000, reExpiresIn: 32_140_800 })
    expect(r.appAuthToken).toMatch(/^\d{6}BB[0-9a-f]{32}$/)
    expect(r.tokens).toEqual([{ appAuthToken: r.appAuthToken, appRefreshToken: r.appRefreshToken, authAppId: body.auth_app_id, userId: body.user_id, expiresIn: 31_536_000, reExpiresIn: 32_140_800 }])

    const again = await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'authorization_code', code: body.app_auth_code } }, v)
    expect(again).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.code-invalid' })
  })

  it('issues codes for a given merchant PID', async () => {
    const { body } = await control<{ user_id: string }>(ctx.sandbox, 'POST', '/__sim/alipay/auth-codes', { user_id: ctx.merchant.userId })
    expect(body.user_id).toBe(ctx.merchant.userId)
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/auth-codes', { user_id: '123' })).status).toBe(400)
  })

  it('refreshes a token; the old refresh token is spent', async () => {
    const r = await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'refresh_token', refreshToken: ctx.merchant.appRefreshToken } }, v)
    expect(r).toMatchObject({ code: '10000', userId: ctx.merchant.userId, authAppId: ctx.merchant.authAppId })
    expect(r.appAuthToken).not.toBe(ctx.merchant.appAuthToken)
    const q = await ctx.sdk.exec('alipay.trade.query', { appAuthToken: r.appAuthToken, bizContent: { outTradeNo: outTradeNo() } }, v)
    expect(q.subCode).toBe('ACQ.TRADE_NOT_EXIST') // the new token is accepted
    const stale = await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'refresh_token', refreshToken: ctx.merchant.appRefreshToken } }, v)
    expect(stale).toMatchObject({ code: '40002', subCode: 'isv.refresh-token-invalid' })
  })

  it('refuses unknown tokens and, after 365 days on the sim clock, expired ones', async () => {
    const unknown = await ctx.sdk.exec('alipay.trade.query', { appAuthToken: '202601BB00000000000000000000000000000000', bizContent: { outTradeNo: 'x' } }, v)
    expect(unknown).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', subCode: 'aop.invalid-app-auth-token', subMsg: '无效的应用授权令牌' })

    await advance(ctx.sandbox, 364 * 86_400)
    const valid = await ctx.sdk.exec('alipay.trade.precreate', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: outTradeNo(), totalAmount: '0.01', subject: 's' } }, v)
    expect(valid.code).toBe('10000')
    await advance(ctx.sandbox, 2 * 86_400)
    const expired = await ctx.sdk.exec('alipay.trade.precreate', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: outTradeNo(), totalAmount: '0.01', subject: 's' } }, v)
    expect(expired).toMatchObject({ code: '20001', subCode: 'aop.app-auth-token-time-out', subMsg: '应用授权令牌已过期' })
  })
})

describe('alipay gateway protocol', () => {
  it('refuses a request signed with another key: 40002 isv.invalid-signature, under <method>_response', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const forger = alipaySdk(ctx.sandbox, { privateKey: other.privateKey })
    const r = await forger.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: 'x' } }, v)
    expect(r).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.invalid-signature' })
    expect(r.subMsg).toContain('method=alipay.trade.query&amp;sign_type=RSA2')
  })

  it('refuses an unknown app_id and an unknown method', async () => {
    const stranger = alipaySdk(ctx.sandbox, { appId: '2021000000000000' })
    expect(await stranger.exec('alipay.trade.query', { bizContent: { outTradeNo: 'x' } }, v)).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' })
    expect(await ctx.sdk.exec('alipay.trade.nonsense', { bizContent: {} }, v)).toMatchObject({ code: '40002', subCode: 'isv.invalid-method' })
  })

  it('signs the exact response bytes; SIGN_BAD makes validateSign reject, then the next call is clean', async () => {
    const res = await fetch(`${ctx.sandbox.urls.alipay}/gateway.do?method=alipay.trade.query`)
    const text = await res.text()
    expect(text).toMatch(/^\{"alipay_trade_query_response":\{"code":"40001".*\},"sign":"[A-Za-z0-9+/=]+"\}$/)

    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:alipay.trade.query', mode: 'SIGN_BAD' })
    await expect(ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: 'x' } }, v)).rejects.toThrow(/验签失败/)
    expect((await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: 'x' } }, v)).code).toBe('40004')
  })

  it('5xx fault: 20000 aop.unknow-error, still signed', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:alipay.trade.precreate', mode: '5xx' })
    const r = await ctx.sdk.exec('alipay.trade.precreate', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: outTradeNo(), totalAmount: '0.01', subject: 's' } }, v)
    expect(r).toMatchObject({ code: '20000', msg: 'Service Currently Unavailable', subCode: 'aop.unknow-error' })
  })

  it('TIMEOUT fault: the call acts but never answers; a query finds the trade', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/faults', { route: 'alipay:alipay.trade.create', mode: 'TIMEOUT' })
    const no = outTradeNo()
    const impatient = alipaySdk(ctx.sandbox, { timeout: 300 })
    await expect(impatient.exec('alipay.trade.create', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no, totalAmount: '0.01', subject: 's', buyerId: '2088000000000001' } }, v)).rejects.toThrow(/Request error|timeout/i)
    const q = await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no } }, v)
    expect(q).toMatchObject({ code: '10000', tradeStatus: 'WAIT_BUYER_PAY' })
  })
})

describe('alipay trade methods (ISV, validateSign on)', () => {
  const token = (): { appAuthToken: string } => ({ appAuthToken: ctx.merchant.appAuthToken })

  it('precreate: QR code; the trade exists only once scanned, and belongs to the merchant', async () => {
    const no = outTradeNo()
    const r = await ctx.sdk.exec('alipay.trade.precreate', { ...token(), bizContent: { outTradeNo: no, totalAmount: '12.34', subject: '测试商品' } }, v)
    expect(r).toMatchObject({ code: '10000', msg: 'Success', outTradeNo: no })
    expect(r.qrCode).toMatch(/^https:\/\/qr\.alipay\.com\/bax0[0-9a-z]+$/)
    // The same order again answers the same QR code; a changed amount is refused.
    expect((await ctx.sdk.exec('alipay.trade.precreate', { ...token(), bizContent: { outTradeNo: no, totalAmount: '12.34', subject: '测试商品' } }, v)).qrCode).toBe(r.qrCode)
    expect((await ctx.sdk.exec('alipay.trade.precreate', { ...token(), bizContent: { outTradeNo: no, totalAmount: '12.35', subject: '测试商品' } }, v)).subCode).toBe('ACQ.CONTEXT_INCONSISTENT')

    const before = await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)
    expect(before).toMatchObject({ code: '40004', msg: 'Business Failed', subCode: 'ACQ.TRADE_NOT_EXIST', subMsg: '交易不存在', outTradeNo: no, receiptAmount: '0.00' })
    await control(ctx.sandbox, 'POST', '/__sim/alipay/scan', { out_trade_no: no })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('WAIT_BUYER_PAY')

    const paid = await control<{ trade_status: string }>(ctx.sandbox, 'POST', '/__sim/alipay/pay', { out_trade_no: no })
    expect(paid.body.trade_status).toBe('TRADE_SUCCESS')
    const q = await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)
    expect(q).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS', totalAmount: '12.34', receiptAmount: '12.34', buyerPayAmount: '12.34', fundBillList: [{ amount: '12.34', fundChannel: 'ALIPAYACCOUNT' }] })
    expect(q.tradeNo).toMatch(/^20\d{26}$/)
    expect(q.sendPayDate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(q.buyerLogonId).toMatch(/^\d{3}\*{4}\d{4}$/)

    // Another merchant (or the ISV itself) cannot see it.
    expect((await ctx.sdk.exec('alipay.trade.query', { bizContent: { outTradeNo: no } }, v)).subCode).toBe('ACQ.TRADE_NOT_EXIST')
    const other = await authorizeMerchant(ctx.sandbox, ctx.sdk)
    expect((await ctx.sdk.exec('alipay.trade.query', { appAuthToken: other.appAuthToken, bizContent: { tradeNo: q.tradeNo } }, v)).subCode).toBe('ACQ.TRADE_NOT_EXIST')
  })

  it('create (JSAPI): needs a buyer, answers a 28-digit trade_no; close closes it once', async () => {
    const no = outTradeNo()
    const missing = await ctx.sdk.exec('alipay.trade.create', { ...token(), bizContent: { outTradeNo: no, totalAmount: '0.01', subject: 's' } }, v)
    expect(missing).toMatchObject({ code: '40004', subCode: 'ACQ.INVALID_PARAMETER' })
    const r = await ctx.sdk.exec('alipay.trade.create', { ...token(), bizContent: { outTradeNo: no, totalAmount: '0.01', subject: 's', buyerId: '2088102177846880' } }, v)
    expect(r).toMatchObject({ code: '10000', outTradeNo: no })
    expect(r.tradeNo).toMatch(/^20\d{26}$/)
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { tradeNo: r.tradeNo } }, v))).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY', buyerUserId: '2088102177846880' })

    expect(await ctx.sdk.exec('alipay.trade.close', { ...token(), bizContent: { outTradeNo: no } }, v)).toMatchObject({ code: '10000', outTradeNo: no, tradeNo: r.tradeNo })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_CLOSED')
    expect(await ctx.sdk.exec('alipay.trade.close', { ...token(), bizContent: { outTradeNo: no } }, v)).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR' })
    expect((await ctx.sdk.exec('alipay.trade.create', { ...token(), bizContent: { outTradeNo: no, totalAmount: '0.01', subject: 's', buyerId: '2088102177846880' } }, v)).subCode).toBe('ACQ.TRADE_HAS_CLOSE')
  })

  it('rejects malformed amounts without floats', async () => {
    for (const totalAmount of ['0.001', '-1', 'abc', '0']) {
      const r = await ctx.sdk.exec('alipay.trade.precreate', { ...token(), bizContent: { outTradeNo: outTradeNo(), totalAmount, subject: 's' } }, v)
      expect(r.subCode).toBe('ACQ.INVALID_PARAMETER')
    }
  })

  it('pay (bar code) SUCCESS: 10000 with the payment, and out_trade_no cannot be paid twice', async () => {
    const no = outTradeNo()
    const r = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '0.01', subject: 's' } }, v)
    expect(r).toMatchObject({ code: '10000', msg: 'Success', outTradeNo: no, totalAmount: '0.01', receiptAmount: '0.01', fundBillList: [{ amount: '0.01', fundChannel: 'ALIPAYACCOUNT' }] })
    expect(r.gmtPayment).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    const again = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '0.01', subject: 's' } }, v)
    expect(again.subCode).toBe('ACQ.TRADE_HAS_SUCCESS')
  })

  it('pay 10003 → query WAIT_BUYER_PAY → the customer confirms → TRADE_SUCCESS', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/alipay/trade-pay/next', { result: 'WAIT_THEN_SUCCESS' })
    const no = outTradeNo()
    const r = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '8.88', subject: 's' } }, v)
    expect(r).toMatchObject({ code: '10003', msg: ' order success pay inprocess', outTradeNo: no, totalAmount: '8.88', receiptAmount: '0.00' })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('WAIT_BUYER_PAY')
    await advance(ctx.sandbox, 11)
    await idle(ctx.sandbox)
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_SUCCESS')
  })

  it('pay WAIT_TIMEOUT → cancel closes it (action close); FAIL and bad codes are refused', async () => {
    await control(ctx.sandbox, 'POST', '/__sim/alipay/trade-pay/next', { result: 'WAIT_TIMEOUT' })
    const no = outTradeNo()
    expect((await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '1.00', subject: 's' } }, v)).code).toBe('10003')
    await advance(ctx.sandbox, 60)
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('WAIT_BUYER_PAY')
    const c = await ctx.sdk.exec('alipay.trade.cancel', { ...token(), bizContent: { outTradeNo: no } }, v)
    expect(c).toMatchObject({ code: '10000', action: 'close', retryFlag: 'N', outTradeNo: no })
    expect((await ctx.sdk.exec('alipay.trade.cancel', { ...token(), bizContent: { outTradeNo: no } }, v)).action).toBe('close')
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_CLOSED')

    await control(ctx.sandbox, 'POST', '/__sim/alipay/trade-pay/next', { result: 'FAIL' })
    const failed = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: outTradeNo(), scene: 'bar_code', authCode: barCode(), totalAmount: '1.00', subject: 's' } }, v)
    expect(failed).toMatchObject({ code: '40004', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' })
    const badCode = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: outTradeNo(), scene: 'bar_code', authCode: '134567890123456789', totalAmount: '1.00', subject: 's' } }, v)
    expect(badCode.subCode).toBe('ACQ.PAYMENT_AUTH_CODE_INVALID')
  })

  it('cancel of a paid trade refunds it in full (action refund)', async () => {
    const no = outTradeNo()
    await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '5.00', subject: 's' } }, v)
    const c = await ctx.sdk.exec('alipay.trade.cancel', { ...token(), bizContent: { outTradeNo: no } }, v)
    expect(c).toMatchObject({ code: '10000', action: 'refund', retryFlag: 'N' })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_CLOSED')
  })

  it('query of an unknown trade: 40004 ACQ.TRADE_NOT_EXIST', async () => {
    const r = await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: 'never-created' } }, v)
    expect(r).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', outTradeNo: 'never-created' })
  })

  it('refund: idempotent by out_request_no, never above paid − refunded, full refund closes', async () => {
    const no = outTradeNo()
    const paid = await ctx.sdk.exec('alipay.trade.pay', { ...token(), bizContent: { outTradeNo: no, scene: 'bar_code', authCode: barCode(), totalAmount: '1.00', subject: 's' } }, v)
    const refund = async (refundAmount: string, outRequestNo: string): Promise<Record<string, unknown>> =>
      await ctx.sdk.exec('alipay.trade.refund', { ...token(), bizContent: { outTradeNo: no, refundAmount, outRequestNo } }, v)

    expect(await refund('0.30', 'R1')).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '0.30', tradeNo: paid.tradeNo, outTradeNo: no })
    expect(await refund('0.30', 'R1')).toMatchObject({ code: '10000', fundChange: 'N', refundFee: '0.30' })
    expect(await refund('0.71', 'R2')).toMatchObject({ code: '40004', subCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', subMsg: '退款金额超限' })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_SUCCESS')
    expect(await refund('0.70', 'R2')).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '1.00' })
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_CLOSED')
    expect(await refund('0.01', 'R3')).toMatchObject({ subCode: 'ACQ.TRADE_HAS_CLOSE' })

    const rq = await ctx.sdk.exec('alipay.trade.fastpay.refund.query', { ...token(), bizContent: { outTradeNo: no, outRequestNo: 'R1', queryOptions: ['gmt_refund_pay'] } }, v)
    expect(rq).toMatchObject({ code: '10000', outRequestNo: 'R1', refundAmount: '0.30', totalAmount: '1.00', refundStatus: 'REFUND_SUCCESS' })
    expect(rq.gmtRefundPay).toMatch(/^\d{4}-/)
    const none = await ctx.sdk.exec('alipay.trade.fastpay.refund.query', { ...token(), bizContent: { outTradeNo: no, outRequestNo: 'R9' } }, v)
    expect(none).toMatchObject({ code: '10000', outTradeNo: no })
    expect(none.refundStatus).toBeUndefined()
  })

  it('refuses to refund an unpaid trade', async () => {
    const no = outTradeNo()
    await ctx.sdk.exec('alipay.trade.create', { ...token(), bizContent: { outTradeNo: no, totalAmount: '1.00', subject: 's', buyerId: '2088102177846880' } }, v)
    expect(await ctx.sdk.exec('alipay.trade.refund', { ...token(), bizContent: { outTradeNo: no, refundAmount: '1.00' } }, v)).toMatchObject({ subCode: 'ACQ.TRADE_STATUS_ERROR' })
  })

  it('closes an unpaid trade at its timeout_express on the sim clock', async () => {
    const no = outTradeNo()
    await ctx.sdk.exec('alipay.trade.create', { ...token(), bizContent: { outTradeNo: no, totalAmount: '1.00', subject: 's', buyerId: '2088102177846880', timeoutExpress: '5m' } }, v)
    await advance(ctx.sandbox, 301)
    await idle(ctx.sandbox)
    expect((await ctx.sdk.exec('alipay.trade.query', { ...token(), bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_CLOSED')
  })
})
