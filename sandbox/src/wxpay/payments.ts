import { controlError } from './errors'
import { transactionId } from './identifiers'
import type { Order, Refund } from './ledger'
import { sendNotification } from './notify'
import type { WxpayState } from './state'
import { toRefundNotify, toTransaction } from './views'
import { toCouponWire, type Coupon } from './vouchers'
import type { Payer, RefundStatus } from './wire'

/** The payer of record: the one named at order time, else the given openid, else the test customer. */
function payerOf (wx: WxpayState, order: Order, openid: string | undefined): Payer {
  const named = order.payer.sp_openid ?? order.payer.sub_openid
  if (named !== undefined) {
    if (openid !== undefined && openid !== named) throw controlError(400, `openid ${openid} is not the payer named in the order (${named})`)
    return order.payer
  }
  return { sp_openid: openid ?? wx.merchants.serviceProvider(order.spMchId)?.defaultOpenId ?? '' }
}

function chooseCoupon (wx: WxpayState, order: Order, openid: string, couponId: string | undefined, now: Date): Coupon | undefined {
  if (couponId === undefined) return wx.vouchers.best(order, openid, now)
  const coupon = wx.vouchers.coupon(couponId)
  if (coupon === undefined) throw controlError(404, `no coupon ${couponId}`)
  const reason = wx.vouchers.unusableReason(coupon, order, openid, now)
  if (reason !== undefined) throw controlError(409, `coupon ${couponId} cannot be used: ${reason}`)
  return coupon
}

/**
 * Marks an order paid: applies the payer's best matching voucher (or the named one), records
 * `promotion_detail` and `payer_total`, and fires TRANSACTION.SUCCESS unless it's a codepay
 * order (micropay never notifies). Callers check that the order may be paid.
 */
export function completePayment (wx: WxpayState, order: Order, o: { openid?: string, couponId?: string } = {}): void {
  const now = wx.world.clock.now()
  const payer = payerOf(wx, order, o.openid)
  const coupon = chooseCoupon(wx, order, payer.sp_openid ?? payer.sub_openid ?? '', o.couponId, now)
  const tid = order.transactionId ?? transactionId(now)
  const promotions = coupon === undefined ? [] : [wx.vouchers.redeem(coupon, order, tid, now)]
  wx.ledger.transition(order, 'SUCCESS', { transactionId: tid, successTime: now, bankType: 'OTHERS', payer, promotions })

  const sp = wx.merchants.serviceProvider(order.spMchId)
  if (sp === undefined) return
  if (order.tradeType !== 'MICROPAY' && order.notifyUrl !== undefined) {
    sendNotification(wx, { url: order.notifyUrl, apiV3Key: sp.apiV3Key, eventType: 'TRANSACTION.SUCCESS', originalType: 'transaction', plaintext: toTransaction(order, wx.ledger) })
  }
  const couponCallback = coupon === undefined ? undefined : (wx.vouchers.callbacks.get(coupon.stock.creatorMchId) ?? wx.vouchers.callbacks.get(coupon.stock.spMchId))
  if (coupon !== undefined && couponCallback !== undefined) {
    sendNotification(wx, { url: couponCallback.url, apiV3Key: couponCallback.apiV3Key, eventType: 'COUPON.USE', originalType: 'coupon', plaintext: toCouponWire(coupon, 'USED') })
  }
}

/** The customer pays a waiting order (cashier, bridge, tests): it must be open and unexpired. */
export function payAsCustomer (wx: WxpayState, order: Order, o: { openid?: string, couponId?: string }): void {
  if (order.state === 'USERPAYING') {
    completePayment(wx, order, o) // the customer confirms a codepay password prompt
    return
  }
  if (order.state !== 'NOTPAY') throw controlError(409, `order ${order.outTradeNo} is ${wx.ledger.tradeState(order)}, not payable`)
  if (wx.world.clock.nowMs() > order.expiresAt.getTime()) throw controlError(409, `order ${order.outTradeNo} expired at ${order.expiresAt.toISOString()}`)
  completePayment(wx, order, o)
}

/** Ends a PROCESSING refund and fires REFUND.<status> to its notify_url. */
export function settleRefund (wx: WxpayState, refund: Refund, status: Exclude<RefundStatus, 'PROCESSING'>): void {
  const now = wx.world.clock.now()
  wx.ledger.transitionRefund(refund, status, status === 'SUCCESS' ? { successTime: now } : {})
  const sp = wx.merchants.serviceProvider(refund.order.spMchId)
  if (sp === undefined || refund.notifyUrl === undefined) return
  sendNotification(wx, { url: refund.notifyUrl, apiV3Key: sp.apiV3Key, eventType: `REFUND.${status}`, originalType: 'refund', plaintext: toRefundNotify(refund) })
}
