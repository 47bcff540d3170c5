import { rfc3339China } from '../core/ids'
import { discountOf, payerTotalOf, type Ledger, type Order, type Refund } from './ledger'
import { TRADE_STATE_DESC, type RefundNotifyWire, type RefundWire, type TransactionWire } from './wire'

/** The order as the query endpoints answer it. Unpaid orders carry no payment facts, as on WeChat. */
export function toTransaction (order: Order, ledger: Ledger): TransactionWire {
  const tradeState = ledger.tradeState(order)
  const paid = order.successTime !== undefined
  return {
    sp_appid: order.spAppId,
    sp_mchid: order.spMchId,
    ...(order.subAppId === undefined ? {} : { sub_appid: order.subAppId }),
    sub_mchid: order.subMchId,
    out_trade_no: order.outTradeNo,
    ...(order.transactionId === undefined ? {} : { transaction_id: order.transactionId }),
    ...(tradeState === 'NOTPAY' || (tradeState === 'CLOSED' && !paid) ? {} : { trade_type: order.tradeType }),
    trade_state: tradeState,
    trade_state_desc: TRADE_STATE_DESC[tradeState],
    ...(order.bankType === undefined ? {} : { bank_type: order.bankType }),
    ...(order.attach === undefined ? {} : { attach: order.attach }),
    ...(order.successTime === undefined ? {} : { success_time: rfc3339China(order.successTime) }),
    ...(paid ? { payer: order.payer } : {}),
    amount: { total: order.total, ...(paid ? { payer_total: payerTotalOf(order) } : {}), currency: 'CNY', payer_currency: 'CNY' },
    ...(order.deviceId === undefined ? {} : { scene_info: { device_id: order.deviceId } }),
    ...(order.promotions.length === 0 ? {} : { promotion_detail: order.promotions }),
  }
}

/** Splits a refund between the payer and the voucher funder, as WeChat reports it. */
function refundAmounts (refund: Refund): RefundWire['amount'] {
  const { order } = refund
  const cash = order.promotions.filter((p) => p.type === 'CASH').reduce((s, p) => s + p.amount, 0)
  const noCashDiscount = discountOf(order) - cash
  const settlementTotal = order.total - noCashDiscount
  return {
    total: order.total,
    refund: refund.amount,
    from: [],
    payer_total: payerTotalOf(order),
    payer_refund: refund.amount - refund.discountRefund,
    settlement_refund: refund.amount - Math.min(refund.discountRefund, noCashDiscount),
    settlement_total: settlementTotal,
    discount_refund: refund.discountRefund,
    currency: 'CNY',
    refund_fee: 0,
  }
}

export function toRefund (refund: Refund): RefundWire {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.order.transactionId ?? '',
    out_trade_no: refund.order.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successTime === undefined ? {} : { success_time: rfc3339China(refund.successTime) }),
    create_time: rfc3339China(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: refundAmounts(refund),
    promotion_detail: [],
  }
}

export function toRefundNotify (refund: Refund): RefundNotifyWire {
  const a = refundAmounts(refund)
  return {
    sp_mchid: refund.order.spMchId,
    sub_mchid: refund.order.subMchId,
    transaction_id: refund.order.transactionId ?? '',
    out_trade_no: refund.order.outTradeNo,
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    refund_status: refund.status,
    ...(refund.successTime === undefined ? {} : { success_time: rfc3339China(refund.successTime) }),
    user_received_account: '支付用户零钱',
    amount: { total: a.total, refund: a.refund, payer_total: a.payer_total, payer_refund: a.payer_refund },
  }
}
