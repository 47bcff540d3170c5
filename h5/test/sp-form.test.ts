import type { ServiceProviderDTO } from '@yima/shared'
import { formFromDto } from '../src/lib/forms'
import { prepareSpBody, SP_FIELDS, spStoredSecrets } from '../src/lib/sp-form'

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
const PUB = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----'
const V3 = 'a'.repeat(16) + '0123456789ABCDEF'

const dto: ServiceProviderDTO = {
  id: 'sp_1',
  outMchId: 'A'.repeat(20),
  name: '示例服务商',
  shortName: '示例',
  adminName: '张三',
  adminPhone: '13800000001',
  tradeCallbackUrl: 'https://example.com/cb',
  logoUrl: null,
  adUrl: null,
  adImageUrl: null,
  payCompleteUrl: null,
  remark: null,
  wechatPay: {
    mchId: '1900000100',
    certificateSerial: 'ABCDEF0123456789',
    publicKeyId: 'PUB_KEY_ID_0114',
    hasPlatformCertificate: false,
    hasCertificate: false,
    officialAccountAppId: 'wx0123456789abcdef',
    rebateBp: 38,
    secrets: { apiV3Key: true, apiV2Key: false, privateKey: true, officialAccountSecret: true },
  },
  alipay: null,
  officialAccount: { status: 'none', appId: null, verified: null, webAuthorized: false, cardAuthorized: false, authorizedAt: null, problem: null },
  maidan: { bound: false, boundAt: null },
  createdAt: '2024-05-01T00:00:00Z',
  updatedAt: '2024-05-01T00:00:00Z',
}

const spFormFromDto = (d: ServiceProviderDTO | null): Record<string, string> => formFromDto(SP_FIELDS, d)
const filled = (patch: Record<string, string>): Record<string, string> => ({ ...spFormFromDto(null), ...patch })
const basics = { name: ' 示例服务商 ', shortName: '示例', adminName: '张三', adminPhone: '13800000001' }

describe('creating a service provider', () => {
  test('empty optional and secret fields are not sent; values are trimmed; the rebate becomes basis points', () => {
    const r = prepareSpBody(filled({
      ...basics,
      'wechatPay.mchId': '1900000100',
      'wechatPay.apiV3Key': V3,
      'wechatPay.privateKey': PEM,
      'wechatPay.certificateSerial': 'ABCDEF0123456789',
      'wechatPay.publicKey': PUB,
      'wechatPay.publicKeyId': 'PUB_KEY_ID_0114',
      'wechatPay.rebateBp': '0.38',
    }), null)
    expect(r).toEqual({
      ok: true,
      body: {
        name: '示例服务商',
        shortName: '示例',
        adminName: '张三',
        adminPhone: '13800000001',
        wechatPay: {
          mchId: '1900000100',
          apiV3Key: V3,
          privateKey: PEM,
          certificateSerial: 'ABCDEF0123456789',
          publicKey: PUB,
          publicKeyId: 'PUB_KEY_ID_0114',
          rebateBp: 38,
        },
      },
    })
  })

  test('no WeChat Pay or Alipay section when none of its fields is filled', () => {
    const r = prepareSpBody(filled(basics), null)
    expect(r.ok && r.body).toEqual({ name: '示例服务商', shortName: '示例', adminName: '张三', adminPhone: '13800000001' })
  })

  test('the shared zod schema reports errors under the dotted path the server uses as `param`', () => {
    const r = prepareSpBody(filled({ ...basics, adminPhone: '123', 'wechatPay.mchId': '1900000100', 'wechatPay.apiV3Key': 'short' }), null)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.adminPhone).toBe('请填写正确的手机号或座机号')
    expect(r.errors['wechatPay.apiV3Key']).toBe('APIv3 密钥必须是 32 位字母或数字')
  })

  test('required fields and a bad rebate ratio', () => {
    const missing = prepareSpBody(filled({}), null)
    expect(!missing.ok && missing.errors.name).toBe('请填写服务商名称')
    const rebate = prepareSpBody(filled({ ...basics, 'alipay.appId': '2021000000000001', 'alipay.pid': '2088000000000001', 'alipay.rebateBp': '0.385' }), null)
    expect(!rebate.ok && rebate.errors['alipay.rebateBp']).toBe('返佣比例为 0–100 之间的数字，最多两位小数')
  })
})

describe('editing a service provider', () => {
  test('the form starts with stored values and every write-only field empty', () => {
    expect(spFormFromDto(dto)).toEqual({
      ...spFormFromDto(null),
      name: '示例服务商',
      shortName: '示例',
      adminName: '张三',
      adminPhone: '13800000001',
      tradeCallbackUrl: 'https://example.com/cb',
      'wechatPay.mchId': '1900000100',
      'wechatPay.certificateSerial': 'ABCDEF0123456789',
      'wechatPay.publicKeyId': 'PUB_KEY_ID_0114',
      'wechatPay.officialAccountAppId': 'wx0123456789abcdef',
      'wechatPay.rebateBp': '0.38',
    })
    expect(Object.values(spFormFromDto(null)).every((v) => v === '')).toBe(true)
    expect([...spStoredSecrets(dto)].sort()).toEqual([
      'wechatPay.apiV3Key', 'wechatPay.officialAccountSecret', 'wechatPay.privateKey', 'wechatPay.publicKey',
    ])
  })

  test('nothing changed: an empty PATCH, no secret sent', () => {
    const initial = spFormFromDto(dto)
    expect(prepareSpBody({ ...initial }, initial)).toEqual({ ok: true, body: {} })
  })

  test('only changed basics go out; a cleared optional field is sent as empty', () => {
    const initial = spFormFromDto(dto)
    const r = prepareSpBody({ ...initial, shortName: '新简称', tradeCallbackUrl: '' }, initial)
    expect(r).toEqual({ ok: true, body: { shortName: '新简称', tradeCallbackUrl: '' } })
  })

  test('a typed secret sends its section with the stored non-secret values, never the untouched secrets', () => {
    const initial = spFormFromDto(dto)
    const r = prepareSpBody({ ...initial, 'wechatPay.apiV2Key': 'B'.repeat(32) }, initial)
    expect(r).toEqual({
      ok: true,
      body: {
        wechatPay: {
          mchId: '1900000100',
          apiV2Key: 'B'.repeat(32),
          certificateSerial: 'ABCDEF0123456789',
          publicKeyId: 'PUB_KEY_ID_0114',
          officialAccountAppId: 'wx0123456789abcdef',
          rebateBp: 38,
        },
      },
    })
  })
})
