import { fen } from '@yima/shared'
import { alipayTime } from '../../core/ids'
import type { Refund, Trade } from '../ledger'
import { bizFail, invalidParameter, ok, type MethodResult } from '../result'
import { buyerFields, yuan } from '../sim'
import { amount, isResult, lookupTrade, str, type CallContext } from './common'

/**
 * alipay.trade.refund: synchronous, money moves at once (fund_change Y). out_request_no makes it
 * idempotent: a repeat answers the first result with fund_change N. It defaults to out_trade_no,
 * so a trade without explicit request numbers takes one refund.
 */
export function tradeRefund (c: CallContext): MethodResult {
  const t = lookupTrade(c)
  if (isResult(t)) return t
  const refundAmount = amount(c.biz, 'refund_amount')
  if (isResult(refundAmount)) return refundAmount
  const outRequestNo = str(c.biz, 'out_request_no') ?? t.outTradeNo

  const previous = t.refunds.find((r) => r.outRequestNo === outRequestNo)
  if (previous !== undefined) {
    return previous.amount === refundAmount
      ? ok(refundFields(t, previous, 'N'))
      : invalidParameter('out_request_no 已用于另一金额的退款')
  }
  switch (t.status) {
    case 'WAIT_BUYER_PAY': return bizFail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    case 'TRADE_CLOSED': return bizFail('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
    case 'TRADE_FINISHED': return bizFail('ACQ.TRADE_HAS_FINISHED', '交易已完结')
    case 'TRADE_SUCCESS': break
  }
  if (refundAmount > t.total - t.refunded) return bizFail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
  const refund = c.sim.ledger.refund(t, outRequestNo, fen(refundAmount), str(c.biz, 'refund_reason'))
  return ok(refundFields(t, refund, 'Y'))
}

function refundFields (t: Trade, r: Refund, fundChange: 'Y' | 'N'): Record<string, unknown> {
  return {
    ...buyerFields(t),
    fund_change: fundChange,
    gmt_refund_pay: alipayTime(r.at),
    out_trade_no: t.outTradeNo,
    // refund_fee is the trade's cumulative refunded amount, not this refund's.
    refund_fee: yuan(t.refunded),
    trade_no: t.tradeNo,
  }
}
