import { alipayTime, nonce } from '../../core/ids'
import { DEFAULT_BUYER, type Buyer } from '../auth'
import type { Trade } from '../ledger'
import { bizFail, invalidParameter, ok, type MethodResult } from '../result'
import { buyerFields, fundBills, paidAmounts, payTrade, yuan } from '../sim'
import { authAppOf, isResult, openTrade, str, type CallContext } from './common'
import { payFromFreeze } from './fund-auth'

/** Default lifetimes of unpaid trades: a QR code or bar-code wait is short; an app/JSAPI order long. */
const SHORT_TIMEOUT_MS = 2 * 3600_000
export const LONG_TIMEOUT_MS = 15 * 86_400_000
/** How long a scripted customer takes to enter the password after a 10003. */
export const CUSTOMER_CONFIRM_MS = 10_000

/** Bar-code (付款码) auth codes: 16–24 digits starting 25–30 (channels.md §2.6). */
const AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/

/** alipay.trade.create (JSAPI in the Alipay app): needs the customer from alipay.system.oauth.token. */
export function tradeCreate (c: CallContext): MethodResult {
  const buyer = buyerOf(c)
  if (isResult(buyer)) return buyer
  const t = openTrade(c, 'create', 'JSAPI_PAY', LONG_TIMEOUT_MS, { buyer, buyerOpenId: c.sim.auth.openId(authAppOf(c), buyer) })
  if (isResult(t)) return t
  return ok({ out_trade_no: t.outTradeNo, trade_no: t.tradeNo })
}

function buyerOf (c: CallContext): Buyer | MethodResult {
  const buyerId = str(c.biz, 'buyer_id')
  if (buyerId !== undefined) {
    return /^2088\d{12}$/.test(buyerId) ? c.sim.auth.buyerById(buyerId) : invalidParameter('buyer_id 无效')
  }
  const openId = str(c.biz, 'buyer_open_id')
  if (openId !== undefined) return c.sim.auth.buyerByOpenId(openId) ?? invalidParameter('buyer_open_id 无效')
  return invalidParameter('buyer_id 和 buyer_open_id 不能同时为空')
}

/** alipay.trade.precreate (当面付 QR): the trade exists for queries only once a customer scans. */
export function tradePrecreate (c: CallContext): MethodResult {
  const t = openTrade(c, 'precreate', 'FACE_TO_FACE_PAYMENT', SHORT_TIMEOUT_MS, { qrCode: `https://qr.alipay.com/bax0${nonce(20).toLowerCase()}` })
  if (isResult(t)) return t
  return ok({ out_trade_no: t.outTradeNo, qr_code: t.qrCode })
}

/**
 * alipay.trade.pay (付款码): the scripted outcome decides between paid at once (10000), waiting
 * for the password (10003, then paid or left to expire), and a refusal. With auth_no it is a
 * consumption of a freeze instead (methods/fund-auth.ts).
 */
export function tradePay (c: CallContext): MethodResult {
  // 预授权转支付: the money comes out of a fund auth freeze, not from a payment code.
  const authNo = str(c.biz, 'auth_no')
  if (authNo !== undefined) {
    const paid = payFromFreeze(c, authNo)
    return isResult(paid) ? paid : ok(payFields(paid))
  }
  const scene = str(c.biz, 'scene') ?? 'bar_code'
  if (scene !== 'bar_code' && scene !== 'security_code') return invalidParameter('scene 不支持')
  const authCode = str(c.biz, 'auth_code')
  if (authCode === undefined) return invalidParameter('auth_code 不能为空')
  if (!AUTH_CODE.test(authCode)) {
    return bizFail('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款，如再次收款失败，请联系管理员处理。[SOUNDWAVE_PARSER_FAIL]')
  }
  // The script is used up only by a call that reaches the customer, not by one refused for its parameters.
  const script = c.sim.barcode[0] ?? { result: 'SUCCESS' }
  if (script.result === 'FAIL') {
    c.sim.barcode.shift()
    return bizFail('ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足')
  }
  const buyer = script.buyerId !== undefined ? c.sim.auth.buyerById(script.buyerId) : c.sim.auth.buyer(DEFAULT_BUYER)
  const t = openTrade(c, 'pay', 'FACE_TO_FACE_PAYMENT', SHORT_TIMEOUT_MS, { buyer, buyerOpenId: c.sim.auth.openId(authAppOf(c), buyer) })
  if (isResult(t)) return t
  c.sim.barcode.shift()
  if (script.result === 'SUCCESS') {
    payTrade(c.sim, t, buyer)
    return ok(payFields(t))
  }
  if (script.result === 'WAIT_THEN_SUCCESS') {
    c.sim.world.scheduler.after(CUSTOMER_CONFIRM_MS, () => { payTrade(c.sim, t, buyer) })
  }
  return ok(payFields(t), { waiting: true })
}

function payFields (t: Trade): Record<string, unknown> {
  return {
    ...buyerFields(t),
    ...paidAmounts(t),
    fund_bill_list: t.paidAt === undefined ? undefined : fundBills(t),
    gmt_payment: t.paidAt === undefined ? undefined : alipayTime(t.paidAt),
    out_trade_no: t.outTradeNo,
    total_amount: yuan(t.total),
    trade_no: t.tradeNo,
  }
}
