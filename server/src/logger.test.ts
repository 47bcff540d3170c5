import { Writable } from 'node:stream'
import { createLogger } from './logger'
import { Secret } from './secret'

function capture () {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done() } })
  return { logger: createLogger('info', stream), text: () => lines.join('') }
}

describe('logger redaction', () => {
  it('hides secrets, tokens, openids and phones at any depth', () => {
    const { logger, text } = capture()
    logger.info({
      authorization: 'Bearer eyJhbGciOi.token.value',
      merchant: { apiV3Key: 'abcdefghijABCDEFGHIJ0123456789ab', privateKey: '-----BEGIN PRIVATE KEY-----' },
      customer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', phone: '13800138000' },
      order: { payerId: '2088102146225135' },
      req: { headers: { cookie: 'sid=123456' } },
      staff: [{ mobile: '13900139000' }],
      amountFen: 1250,
    }, 'paid')
    const out = text()
    for (const secret of ['eyJhbGciOi', 'abcdefghijABCDEFGHIJ', 'BEGIN PRIVATE', 'oUpF8uMuAJO', '13800138000', 'sid=123456', '13900139000', '2088102146225135']) {
      expect(out).not.toContain(secret)
    }
    expect(out).toContain('"amountFen":1250')
    expect(out).toContain('[redacted]')
  })

  it('hides channel keys, vendor tokens, passwords and one-time codes, in camelCase and snake_case', () => {
    const { logger, text } = capture()
    const names = [
      'authen_key', 'private_key', 'api_key', 'apiV2Key', 'app_auth_token', 'appAuthToken', 'access_token', 'component_access_token',
      'authorizer_refresh_token', 'password', 'smsCode', 'sms_code', 'authCode', 'session_key', 'secretKey', 'component_verify_ticket',
    ] as const
    // A distinct value per name, so a leak names the field.
    const values = Object.fromEntries(names.map((n, i) => [n, `LEAK-${n}-${1000 + i}`])) as Record<typeof names[number], string>
    logger.info({
      // the shapes these arrive in: a vendor answer, a request body, the headers of a call we make
      wechat: { body: { access_token: values.access_token, component_access_token: values.component_access_token, authorizer_refresh_token: values.authorizer_refresh_token, component_verify_ticket: values.component_verify_ticket } },
      alipay: { app_auth_token: values.app_auth_token, merchant: { appAuthToken: values.appAuthToken, private_key: values.private_key } },
      cpay: { merchant: { authen_key: values.authen_key } },
      body: { password: values.password, smsCode: values.smsCode, sms_code: values.sms_code, authCode: values.authCode },
      keys: { api_key: values.api_key, apiV2Key: values.apiV2Key, session_key: values.session_key, sms: { secretKey: values.secretKey } },
      headers: { 'proxy-authorization': 'Basic cHJveHk6c2VjcmV0', 'x-api-key': 'XAPIKEY-0017' },
      outTradeNo: 'wx_pay_0001',
    }, 'call')
    const out = text()
    for (const secret of [...Object.values(values), 'cHJveHk6c2VjcmV0', 'XAPIKEY-0017']) expect(out).not.toContain(secret)
    expect(out).toContain('"outTradeNo":"wx_pay_0001"')
  })

  it('prints a Secret as [secret]', () => {
    const { logger, text } = capture()
    logger.info({ dsn: new Secret('postgres://u:hunter2@db/x') }, 'connecting')
    expect(text()).not.toContain('hunter2')
    expect(String(new Secret('x'))).toBe('[secret]')
    expect(new Secret('x').reveal()).toBe('x')
  })
})
