import { CreateServiceProviderBody, UpdateServiceProviderBody, type ServiceProviderDTO } from '@yima/shared'
import { bodyPreparer, type FieldSpec } from './forms'

/** Every field of the service-provider form, keyed as the request body names it (T2, seed 000 配置服务商). */
export const SP_FIELDS: readonly FieldSpec[] = [
  { key: 'name' },
  { key: 'shortName' },
  { key: 'adminName' },
  { key: 'adminPhone' },
  { key: 'tradeCallbackUrl' },
  { key: 'logoUrl' },
  { key: 'adUrl' },
  { key: 'adImageUrl' },
  { key: 'payCompleteUrl' },
  { key: 'remark' },
  { key: 'wechatPay.mchId' },
  { key: 'wechatPay.apiV3Key', kind: 'secret' },
  { key: 'wechatPay.apiV2Key', kind: 'secret' },
  { key: 'wechatPay.privateKey', kind: 'secret' },
  { key: 'wechatPay.certificateSerial' },
  // Not secret, but never returned either: write-only like the secrets.
  { key: 'wechatPay.platformCertificate', kind: 'secret' },
  { key: 'wechatPay.certificate', kind: 'secret' },
  { key: 'wechatPay.publicKey', kind: 'secret' },
  { key: 'wechatPay.publicKeyId' },
  { key: 'wechatPay.officialAccountAppId' },
  { key: 'wechatPay.officialAccountSecret', kind: 'secret' },
  { key: 'wechatPay.rebateBp', kind: 'bp' },
  { key: 'alipay.appId' },
  { key: 'alipay.privateKey', kind: 'secret' },
  { key: 'alipay.alipayPublicKey', kind: 'secret' },
  { key: 'alipay.pid' },
  { key: 'alipay.rebateBp', kind: 'bp' },
]

/** Write-only fields that already hold a value: their inputs say "已设置，留空则不修改". */
export function spStoredSecrets (dto: ServiceProviderDTO | null): Set<string> {
  const set = new Set<string>()
  const wx = dto?.wechatPay
  if (wx != null) {
    for (const [k, on] of Object.entries(wx.secrets)) if (on) set.add(`wechatPay.${k}`)
    if (wx.hasPlatformCertificate) set.add('wechatPay.platformCertificate')
    if (wx.hasCertificate) set.add('wechatPay.certificate')
    if (wx.publicKeyId !== null) set.add('wechatPay.publicKey')
  }
  const ali = dto?.alipay
  if (ali != null) for (const [k, on] of Object.entries(ali.secrets)) if (on) set.add(`alipay.${k}`)
  return set
}

/** Empty secret inputs are never sent, so an edit keeps the stored keys (buildBody). */
export const prepareSpBody = bodyPreparer(CreateServiceProviderBody, UpdateServiceProviderBody, SP_FIELDS)
