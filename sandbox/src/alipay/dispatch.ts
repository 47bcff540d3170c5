import { isAlipayError } from './auth'
import type { CallContext, Method } from './methods/common'
import { tradeCancel, tradeClose } from './methods/close'
import { tradeCreate, tradePay, tradePrecreate } from './methods/create'
import { fundAuthOperationCancel, fundAuthOperationDetailQuery, fundAuthOrderFreeze, fundAuthOrderUnfreeze, fundAuthOrderVoucherCreate } from './methods/fund-auth'
import { openAuthTokenApp, systemOauthToken } from './methods/oauth'
import { refundQuery, tradeQuery } from './methods/query'
import { tradeRefund } from './methods/refund'
import { fail, type MethodResult } from './result'
import { isSignType, requestSignContent, rsaVerify, type SignType } from './sign'
import type { AlipaySim } from './sim'

/** The gateway methods simulated; v3 paths map onto the same handlers. */
export const METHODS: Record<string, Method> = {
  'alipay.trade.create': tradeCreate,
  'alipay.trade.pay': tradePay,
  'alipay.trade.precreate': tradePrecreate,
  'alipay.trade.query': tradeQuery,
  'alipay.trade.refund': tradeRefund,
  'alipay.trade.fastpay.refund.query': refundQuery,
  'alipay.trade.close': tradeClose,
  'alipay.trade.cancel': tradeCancel,
  'alipay.system.oauth.token': systemOauthToken,
  'alipay.open.auth.token.app': openAuthTokenApp,
  'alipay.fund.auth.order.freeze': fundAuthOrderFreeze,
  'alipay.fund.auth.order.voucher.create': fundAuthOrderVoucherCreate,
  'alipay.fund.auth.operation.detail.query': fundAuthOperationDetailQuery,
  'alipay.fund.auth.order.unfreeze': fundAuthOrderUnfreeze,
  'alipay.fund.auth.operation.cancel': fundAuthOperationCancel,
}

/** Page methods answer the customer's browser with the cashier instead of JSON. */
export const PAGE_METHODS = new Set(['alipay.trade.wap.pay', 'alipay.trade.page.pay'])

/**
 * The v2 gateway's checks before any business: app_id, sign_type, then RSA over every parameter
 * but `sign` (query and form merged, values decoded, empty ones dropped). Returns the sign type
 * to answer with, or the gateway error. `timestamp` is not checked: alipay-sdk stamps the process's
 * local time, not China time, so a UTC host would be eight hours "off".
 */
export function verifyV2Request (sim: AlipaySim, params: Record<string, string>): SignType | MethodResult {
  if (params.app_id === undefined || params.app_id === '') return fail(40001, 'isv.missing-app-id', '缺少AppID参数')
  if (params.app_id !== sim.keys.appId) return fail(40002, 'isv.invalid-app-id', '无效的AppID参数')
  if (params.sign === undefined || params.sign === '') return fail(40001, 'isv.missing-signature', '缺少签名参数')
  const signType = params.sign_type
  if (signType === undefined || signType === '') return fail(40001, 'isv.missing-signature-type', '缺少签名类型参数')
  if (!isSignType(signType)) return fail(40002, 'isv.invalid-signature-type', '无效的签名类型')
  const content = requestSignContent(params)
  if (!rsaVerify(content, params.sign, sim.keys.app.publicKeyPem, signType)) {
    // The real gateway echoes its string-to-sign, HTML-escaped, to help debugging.
    return fail(40002, 'isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content.replaceAll('&', '&amp;')}`)
  }
  return signType
}

/** biz_content as an object (an absent one is empty); undefined when it is not a JSON object. */
export function parseBizContent (raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined || raw === '') return {}
  try {
    const v: unknown = JSON.parse(raw)
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    // not JSON: the same answer as JSON that is not an object
  }
  return undefined
}

export const badBizContent = (): MethodResult => fail(40002, 'isv.invalid-parameter', 'biz_content 不是合法的 JSON 对象')

/**
 * Runs one verified call: resolves the app_auth_token (20001 when unknown or expired) so the call
 * acts for that merchant, then the method.
 */
export function runMethod (sim: AlipaySim, method: Method, call: Omit<CallContext, 'sim' | 'merchant'>, appAuthToken: string | undefined): MethodResult {
  if (appAuthToken === undefined || appAuthToken === '') return method({ sim, ...call })
  const merchant = sim.auth.resolveAppAuthToken(appAuthToken)
  if (isAlipayError(merchant)) return fail(merchant.code, merchant.subCode, merchant.subMsg)
  return method({ sim, ...call, merchant })
}
