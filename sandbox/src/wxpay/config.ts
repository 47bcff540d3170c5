import type { ServiceProvider } from './merchants'
import type { WxpayState } from './state'

/**
 * What yima's configuration needs to use the simulator as one service provider: identity,
 * the merchant key and certificate it signs with, the platform certificate and public key it
 * verifies with, and the symmetric keys. All generated at start-up; none of it is real.
 */
export interface WxpayClientConfig {
  /** Root URL with a trailing slash: the plugin signs the full path, so no prefix may sit in it. */
  baseUrl: string
  spMchId: string
  spAppId: string
  merchantSerial: string
  merchantPrivateKeyPem: string
  merchantCertificatePem: string
  platformSerial: string
  platformCertificatePem: string
  platformPublicKeyId: string
  platformPublicKeyPem: string
  apiV3Key: string
  apiV2Key: string
  subMchIds: string[]
}

export function clientConfigFor (wx: WxpayState, sp: ServiceProvider): WxpayClientConfig {
  return {
    baseUrl: `${wx.world.urls.wxpay}/`,
    spMchId: sp.spMchId,
    spAppId: sp.spAppId,
    merchantSerial: sp.merchant.serial,
    merchantPrivateKeyPem: sp.merchant.privateKeyPem,
    merchantCertificatePem: sp.merchant.certificatePem,
    platformSerial: wx.platform.certificate.serial,
    platformCertificatePem: wx.platform.certificate.certificatePem,
    platformPublicKeyId: wx.platform.publicKeyId,
    platformPublicKeyPem: wx.platform.publicKey.publicKeyPem,
    apiV3Key: sp.apiV3Key,
    apiV2Key: sp.apiV2Key,
    subMchIds: wx.merchants.subMerchants(sp.spMchId).map((s) => s.subMchId),
  }
}
