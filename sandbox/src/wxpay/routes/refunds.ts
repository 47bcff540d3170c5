import type Router from '@koa/router'
import { invalidRequest, paramError, resourceNotExists, WxError } from '../errors'
import { v3Route } from '../http'
import { refundId } from '../identifiers'
import { discountOf, type Order } from '../ledger'
import { canonical, parseWire, RefundBody, RefundQuery } from '../schemas'
import type { WxpayState } from '../state'
import { toRefund } from '../views'

const PREFIX = '/v3/refund/domestic/refunds'

/**
 * The voucher share of a refund: proportional to the amount, and whatever is left of the
 * discount on the refund that empties the order, so the shares always add up.
 */
function discountShare (wx: WxpayState, order: Order, amount: number): number {
  const discount = discountOf(order)
  if (discount === 0) return 0
  const live = wx.ledger.refundsOf(order).filter((r) => r.status !== 'CLOSED')
  const returned = live.reduce((s, r) => s + r.discountRefund, 0)
  const refundedAfter = live.reduce((s, r) => s + r.amount, 0) + amount
  if (refundedAfter === order.total) return discount - returned
  return Math.min(Math.floor(amount * discount / order.total), discount - returned)
}

/** Refunds start PROCESSING; `POST /__sim/wxpay/refunds/settle` ends them and notifies. */
export function refundRoutes (wx: WxpayState, router: Router): void {
  v3Route(wx, router, 'POST', PREFIX, ({ sp, body }) => {
    const b = parseWire(RefundBody, body)
    wx.merchants.requireSub(sp, b.sub_mchid)
    const order = b.transaction_id !== undefined
      ? wx.ledger.byTransactionId(b.transaction_id)
      : wx.ledger.order(b.sub_mchid, b.out_trade_no ?? '')
    if (order === undefined || order.subMchId !== b.sub_mchid) throw resourceNotExists('订单不存在')

    const fingerprint = canonical(body)
    const existing = wx.ledger.refund(b.sub_mchid, b.out_refund_no)
    if (existing !== undefined) {
      // Same out_refund_no and same money: a retry, answered with the refund as it stands now.
      if (existing.order !== order || existing.amount !== b.amount.refund) throw invalidRequest('商户退款单号重复，且与之前的退款请求不一致')
      return { status: 200, body: toRefund(existing) }
    }
    if (order.state !== 'SUCCESS') throw invalidRequest(`订单状态为${wx.ledger.tradeState(order)}，不能退款`)
    if (b.amount.total !== order.total) throw paramError('amount.total与订单金额不一致', { location: 'body', field: 'amount/total' })
    const refundable = order.total - wx.ledger.refundedTotal(order)
    if (b.amount.refund > refundable) throw new WxError(403, 'NOT_ENOUGH', `申请退款金额超过订单可退金额（可退${refundable}分）`)

    const now = wx.world.clock.now()
    const refund = {
      refundId: refundId(now),
      outRefundNo: b.out_refund_no,
      order,
      ...(b.reason === undefined ? {} : { reason: b.reason }),
      ...(b.notify_url === undefined ? {} : { notifyUrl: b.notify_url }),
      amount: b.amount.refund,
      discountRefund: discountShare(wx, order, b.amount.refund),
      status: 'PROCESSING' as const,
      fingerprint,
      createdAt: now,
    }
    wx.ledger.addRefund(refund)
    return { status: 200, body: toRefund(refund) }
  })

  v3Route(wx, router, 'GET', `${PREFIX}/:out_refund_no`, ({ sp, query, params }) => {
    const q = parseWire(RefundQuery, query, 'query')
    wx.merchants.requireSub(sp, q.sub_mchid, 'query')
    const refund = wx.ledger.refund(q.sub_mchid, params.out_refund_no ?? '')
    if (refund === undefined) throw resourceNotExists('退款单不存在')
    return { status: 200, body: toRefund(refund) }
  })
}
