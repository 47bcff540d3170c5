import { alipayTime } from '../../core/ids'
import { ok, type MethodResult } from '../result'
import { buyerFields, fundBills, paidAmounts, yuan } from '../sim'
import { isResult, lookupTrade, str, type CallContext } from './common'

/** alipay.trade.query: WAIT_BUYER_PAY / TRADE_SUCCESS / TRADE_CLOSED / TRADE_FINISHED, or ACQ.TRADE_NOT_EXIST. */
export function tradeQuery (c: CallContext): MethodResult {
  const t = lookupTrade(c)
  if (isResult(t)) return t
  return ok({
    ...buyerFields(t),
    ...paidAmounts(t),
    buyer_user_type: t.buyer === undefined ? undefined : 'PRIVATE',
    fund_bill_list: t.paidAt === undefined ? undefined : fundBills(t),
    out_trade_no: t.outTradeNo,
    send_pay_date: t.paidAt === undefined ? undefined : alipayTime(t.paidAt),
    store_id: t.storeId,
    terminal_id: t.terminalId,
    total_amount: yuan(t.total),
    trade_no: t.tradeNo,
    trade_status: t.status,
  })
}

/**
 * alipay.trade.fastpay.refund.query: refunds are synchronous here, so a known out_request_no is
 * REFUND_SUCCESS. An unknown one answers 10000 without refund fields, which Alipay documents as
 * "no such refund".
 */
export function refundQuery (c: CallContext): MethodResult {
  const t = lookupTrade(c)
  if (isResult(t)) return t
  const outRequestNo = str(c.biz, 'out_request_no') ?? t.outTradeNo
  const r = t.refunds.find((x) => x.outRequestNo === outRequestNo)
  const base = { out_trade_no: t.outTradeNo, trade_no: t.tradeNo }
  if (r === undefined) return ok(base)
  const options = Array.isArray(c.biz.query_options) ? c.biz.query_options : []
  return ok({
    ...base,
    gmt_refund_pay: options.includes('gmt_refund_pay') ? alipayTime(r.at) : undefined,
    out_request_no: r.outRequestNo,
    refund_amount: yuan(r.amount),
    refund_reason: r.reason,
    refund_status: 'REFUND_SUCCESS',
    total_amount: yuan(t.total),
  })
}
