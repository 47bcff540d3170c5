import { Wechatpay } from 'wechatpay-axios-plugin'
import { verificationKeys } from './sign'

/** What yima needs to call WeChat Pay v3 as a service provider (服务商). */
export interface WechatPayCredentials {
  mchId: string
  certificateSerial: string
  privateKey: string
  /** Verification of answers: the platform certificate, the WeChat Pay public key (+ id), or both. */
  platformCertificate?: string | null
  publicKey?: string | null
  publicKeyId?: string | null
}

/** The outcome of a call WeChat Pay refused: `{code, message}` and the HTTP status. */
export class WechatPayError extends Error {
  override readonly name = 'WechatPayError'
  constructor (readonly status: number | undefined, readonly code: string, message: string) { super(message) }
}

/** The real SDK (channels.md §1.1), with answers verified against the platform certificate or public key. */
export function wechatpayClient (c: WechatPayCredentials, baseUrl: string): Wechatpay {
  return new Wechatpay({ mchid: c.mchId, serial: c.certificateSerial, privateKey: c.privateKey, certs: verificationKeys(c), baseURL: baseUrl })
}

/** Runs an SDK call; HTTP refusals become WechatPayError, anything else (transport, signature) is rethrown. */
async function call<T> (p: PromiseLike<{ data: unknown }>): Promise<T> {
  try {
    return (await p).data as T
  } catch (err) {
    const e = err as { response?: { status: number, data?: { code?: string, message?: string } } }
    if (e.response?.data?.code !== undefined) throw new WechatPayError(e.response.status, e.response.data.code, e.response.data.message ?? '')
    throw err
  }
}

/**
 * Whether `subMchId` is a special merchant (特约商户) of this SP. WeChat Pay has no lookup for it, so
 * ask for an order that cannot exist: "no such order" means the pair is valid, PARAM_ERROR that the
 * sub-merchant is not this SP's.
 */
export async function isSubMerchantOf (wx: Wechatpay, spMchId: string, subMchId: string): Promise<boolean> {
  try {
    await call(wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: spMchId, sub_mchid: subMchId }, out_trade_no: 'YIMA_PROBE_0' }))
    return true
  } catch (err) {
    if (err instanceof WechatPayError && err.code === 'ORDER_NOT_EXIST') return true
    if (err instanceof WechatPayError && err.code === 'PARAM_ERROR') return false
    throw err
  }
}

/**
 * WeChat 买单 (maidan) service-provider assistant. WeChat Pay publishes no API for it; these calls
 * follow the sandbox's stand-in (sandbox/src/wxpay/README.md), in the v3 conventions.
 */
export interface MaidanMerchant { sub_mchid: string, merchant_name: string, merchant_shortname?: string, maidan_enabled: boolean }

export async function bindMaidanAssistant (wx: Wechatpay, o: { spMchId: string, appId: string, openid: string }): Promise<void> {
  await call(wx.chain('v3/maidan/partner/assistant/bind').post({ sp_mchid: o.spMchId, appid: o.appId, openid: o.openid }))
}

export async function listMaidanMerchants (wx: Wechatpay, o: { spMchId: string, offset: number, limit: number }): Promise<{ total_count: number, data: MaidanMerchant[] }> {
  return await call(wx.chain('v3/maidan/partner/merchants').get({ params: { sp_mchid: o.spMchId, offset: o.offset, limit: o.limit } }))
}

/** Whether the sub-merchant has 买单 enabled; false when WeChat does not know it as this SP's. */
export async function maidanEnabled (wx: Wechatpay, o: { spMchId: string, subMchId: string }): Promise<boolean> {
  try {
    const r = await call<{ maidan_enabled: boolean }>(wx.chain('v3/maidan/partner/merchants/{sub_mchid}').get({ params: { sp_mchid: o.spMchId }, sub_mchid: o.subMchId }))
    return r.maidan_enabled
  } catch (err) {
    if (err instanceof WechatPayError && err.status === 404) return false
    throw err
  }
}
