import type { Order } from './ledger'
import { rsaVerify } from './sign'
import type { WxpayState } from './state'

/** What a page passes to `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` (channels.md §2.4). */
export interface BrandWcPayRequest {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

export type PaySignCheck = { ok: true, order: Order } | { ok: false, reason: string }

/**
 * The WeChat client's check before showing the cashier: the prepay_id exists, appId is the one
 * the payer's openid belongs to, and paySign is the service provider's RSA signature over
 * `appId\ntimeStamp\nnonceStr\npackage\n`.
 */
export function checkPaySign (wx: WxpayState, p: BrandWcPayRequest): PaySignCheck {
  const m = /^prepay_id=(wx\w+)$/.exec(p.package)
  const order = m?.[1] === undefined ? undefined : wx.ledger.byPrepayId(m[1])
  if (order === undefined) return { ok: false, reason: 'package中的prepay_id不存在' }
  if (p.signType !== 'RSA') return { ok: false, reason: 'signType须为RSA' }
  const appId = order.payer.sub_openid !== undefined ? order.subAppId : order.spAppId
  if (p.appId !== appId) return { ok: false, reason: 'appId与下单时付款用户所属的appid不一致' }
  const sp = wx.merchants.serviceProvider(order.spMchId)
  const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`
  if (sp === undefined || !rsaVerify(message, p.paySign, sp.merchant.publicKey)) return { ok: false, reason: '支付验证签名失败' }
  return { ok: true, order }
}
