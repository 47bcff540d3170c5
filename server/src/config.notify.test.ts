import { inspect } from 'node:util'
import { ConfigError, loadConfig } from './config'

const SMS = { SMS_SECRET_ID: 'AKIDabc', SMS_SECRET_KEY: 'sms-secret-key-value', SMS_SDK_APP_ID: '1400123456', SMS_SIGN_NAME: 'yima', SMS_TEMPLATE_ID: '1234567' }

describe('config: payment messages (N1)', () => {
  it('reads Tencent Cloud SMS, all or nothing, and never prints its key', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).sms).toBeNull()
    const c = loadConfig({ NODE_ENV: 'test', ...SMS, SMS_ENDPOINT: '127.0.0.1:4103', SMS_PROTOCOL: 'http' })
    expect(c.sms).toMatchObject({ endpoint: '127.0.0.1:4103', protocol: 'http', region: 'ap-guangzhou', secretId: 'AKIDabc', sdkAppId: '1400123456', signName: 'yima', templateId: '1234567' })
    expect(c.sms?.secretKey.reveal()).toBe('sms-secret-key-value')
    expect(JSON.stringify(c) + inspect(c, { depth: 5 })).not.toContain('sms-secret-key-value')
    expect(loadConfig({ NODE_ENV: 'test', ...SMS }).sms).toMatchObject({ endpoint: 'sms.tencentcloudapi.com', protocol: 'https' })
    expect(() => loadConfig({ NODE_ENV: 'test', SMS_SECRET_ID: 'AKIDabc' })).toThrow(new ConfigError('SMS needs SMS_SECRET_KEY, SMS_SDK_APP_ID, SMS_SIGN_NAME, SMS_TEMPLATE_ID as well (or none of SMS_SECRET_ID, SMS_SECRET_KEY, SMS_SDK_APP_ID, SMS_SIGN_NAME, SMS_TEMPLATE_ID)'))
  })

  it('refuses plain-http SMS in production', () => {
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'), SESSION_SECRET: 's'.repeat(40), ...SMS }
    expect(() => loadConfig({ ...prod, SMS_PROTOCOL: 'http' })).toThrow(/SMS_PROTOCOL=http/)
    expect(loadConfig(prod).sms?.protocol).toBe('https')
  })

  it('reads one payment template for every account, or one per account', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).paymentTemplates).toBeNull()
    expect(loadConfig({ NODE_ENV: 'test', WX_PAY_TEMPLATE_ID: 'Tm-1_abc' }).paymentTemplates).toEqual({ fallback: 'Tm-1_abc', byAppId: {} })
    expect(loadConfig({ NODE_ENV: 'test', WX_PAY_TEMPLATE_ID: 'wx1234567890abcdef=T1, wxfedcba0987654321=T2,Tdefault' }).paymentTemplates)
      .toEqual({ fallback: 'Tdefault', byAppId: { wx1234567890abcdef: 'T1', wxfedcba0987654321: 'T2' } })
    expect(() => loadConfig({ NODE_ENV: 'test', WX_PAY_TEMPLATE_ID: 'not an id' })).toThrow(/WX_PAY_TEMPLATE_ID/)
  })
})
