import type { MerchantCreatedDTO, ServiceProviderDTO, WechatPaySettingsInput } from '@yima/shared'
import type { Channels } from '../helpers/channels'
import type { ConsoleUser } from './console'

/** An SP form filled with the sandbox's WeChat Pay, official-account and Alipay credentials. */
export function spBody (c: Channels, extra: Record<string, unknown> = {}) {
  const wx = c.sandbox.clients.wxpay
  const oa = c.sandbox.clients.wxmp.officialAccount
  const ali = c.sandbox.clients.alipay
  // Every field set, the AppSecret optional so tests can model the authorization-only mode.
  const wechatPay: Omit<Required<WechatPaySettingsInput>, 'officialAccountSecret'> & Pick<WechatPaySettingsInput, 'officialAccountSecret'> = {
    mchId: wx.spMchId,
    apiV3Key: wx.apiV3Key,
    apiV2Key: wx.apiV2Key,
    privateKey: wx.merchantPrivateKeyPem,
    certificate: wx.merchantCertificatePem,
    certificateSerial: wx.merchantSerial,
    platformCertificate: wx.platformCertificatePem,
    publicKey: wx.platformPublicKeyPem,
    publicKeyId: wx.platformPublicKeyId,
    officialAccountAppId: oa.appId,
    officialAccountSecret: oa.appSecret,
    rebateBp: 20,
  }
  return {
    name: '深圳测试服务商有限公司',
    shortName: '测试服务商',
    adminName: '张三',
    adminPhone: '13800000000',
    tradeCallbackUrl: 'https://sp.example.com/callback',
    wechatPay,
    alipay: { appId: ali.appId, privateKey: ali.appPrivateKeyPem, alipayPublicKey: ali.alipayPublicKeyPem, pid: ali.pid },
    ...extra,
  }
}

export const merchantBody = (spId: string, subMchId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  serviceProviderId: spId,
  name: '深圳市好味餐饮有限公司',
  shortName: '好味餐饮',
  adminName: '李四',
  adminEmail: 'boss@haowei.example.com',
  wechatSubMchId: subMchId,
  ...extra,
})

/** An SP created through the API by `user`; returns its DTO. */
export async function createSp (user: ConsoleUser, c: Channels, extra: Record<string, unknown> = {}): Promise<ServiceProviderDTO> {
  const r = await user.post('/v1/service-providers', spBody(c, extra))
  if (r.status !== 201) throw new Error(`create SP: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

export async function createMerchant (user: ConsoleUser, spId: string, subMchId: string, extra: Record<string, unknown> = {}): Promise<MerchantCreatedDTO> {
  const r = await user.post('/v1/merchants', merchantBody(spId, subMchId, extra))
  if (r.status !== 201) throw new Error(`create merchant: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

/** A fresh 特约商户 of the sandbox's SP (WeChat Pay side). */
export async function newSubMchId (c: Channels, name = '测试特约商户'): Promise<string> {
  const r = await c.sim<{ sub_mchid: string }>('wxpay', 'POST', '/__sim/wxpay/merchants', { name })
  if (r.status !== 201) throw new Error(`sandbox sub-merchant: ${r.status}`)
  return r.body.sub_mchid
}
