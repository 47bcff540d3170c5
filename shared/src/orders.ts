/**
 * Orders and refunds as state machines (mission P3, style.md §5): the states, the only moves
 * between them, and how they read in Cloud Pay's numeric enums (cloudpay-api.md §11). The server
 * moves rows with compare-and-set on these tables; clients render the same states.
 */

/**
 * - created: written, channel not yet asked
 * - pending: the channel has it; awaiting payment, or the customer is entering a password (micropay)
 * - succeeded: paid (refunds are tracked apart and never change this)
 * - failed: the channel refused it for good (pay error, customer stopped)
 * - closed: closed unpaid, after the channel confirmed it (or showed it unpaid)
 * - reversed: a micropay reversed (撤销), money back to the customer if it had been taken
 */
export const ORDER_STATUSES = ['created', 'pending', 'succeeded', 'failed', 'closed', 'reversed'] as const
export type OrderStatus = typeof ORDER_STATUSES[number]

export const ORDER_TRANSITIONS = {
  created: ['pending', 'succeeded', 'failed', 'closed'],
  pending: ['succeeded', 'failed', 'closed', 'reversed'],
  // A micropay the cashier reverses after all: WeChat/Alipay refund it in full.
  succeeded: ['reversed'],
  failed: [],
  closed: [],
  reversed: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  created: '待支付',
  pending: '支付中',
  succeeded: '支付成功',
  failed: '支付失败',
  closed: '已关闭',
  reversed: '已撤销',
}

export const REFUND_STATUSES = ['processing', 'succeeded', 'failed'] as const
export type RefundStatus = typeof REFUND_STATUSES[number]
export const REFUND_TRANSITIONS = {
  processing: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
} as const satisfies Record<RefundStatus, readonly RefundStatus[]>

export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = { processing: '退款中', succeeded: '退款成功', failed: '退款失败' }

export function canTransition<S extends string> (table: Readonly<Record<S, readonly S[]>>, from: S, to: S): boolean {
  return table[from].includes(to)
}

/** The states an order may be in for a move to `to`: the `from` list of a compare-and-set. */
export function sourcesOf<S extends string> (table: Readonly<Record<S, readonly S[]>>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to))
}

export const PAY_PLATFORMS = ['wechat_pay', 'alipay'] as const
export type PayPlatform = typeof PAY_PLATFORMS[number]

/** Where an order came from (Cloud Pay `source_type`). */
export const SOURCE_TYPES = {
  one_code: 1,
  staff_outdoor_qr: 2,
  bound_qr: 3,
  fixed_amount_qr: 4,
  card_recharge: 5,
  temporary_qr: 6,
  card_one_code: 7,
} as const
export type SourceType = keyof typeof SOURCE_TYPES

/** How the customer paid (Cloud Pay `trade_type`). */
export const TRADE_TYPES = {
  micropay: 1,
  native: 2,
  jsapi: 3,
  app: 4,
  h5: 6,
  one_code: 8,
  mini_program: 9,
} as const
export type TradeType = keyof typeof TRADE_TYPES

/** What Cloud Pay's `current_trade_state` needs to know of an order. */
export interface OrderStateView { status: OrderStatus, tradeType: TradeType, refundedFen: number }

/**
 * WxpayOrderState: 1 init, 2 micropay success, 3 unified-order paid, 4 refunded, 5 customer stopped,
 * 6 awaiting payment, 7 closed, 8 reversed, 9 user paying, 10 pay error.
 */
export function wxpayOrderState (o: OrderStateView): number {
  const micropay = o.tradeType === 'micropay'
  switch (o.status) {
    case 'created': return 1
    case 'pending': return micropay ? 9 : 6
    case 'succeeded': return o.refundedFen > 0 ? 4 : micropay ? 2 : 3
    case 'failed': return 10
    case 'closed': return 7
    case 'reversed': return 8
    default: return unreachable(o.status)
  }
}

/** AlipayOrderState: 1 init, 2 success, 4 waiting for buyer, 5 closed or (fully) refunded. */
export function alipayOrderState (o: OrderStateView & { amountFen: number }): number {
  switch (o.status) {
    case 'created': return 1
    case 'pending': return 4
    case 'succeeded': return o.refundedFen >= o.amountFen ? 5 : 2
    case 'failed':
    case 'closed':
    case 'reversed': return 5
    default: return unreachable(o.status)
  }
}

/** WxpayRefundOrderState 1 init, 2 success, 3 failed, 4 processing; AlipayRefundOrderState 1 init, 2 success, 3 failed, 4 refunding. */
export function refundState (status: RefundStatus): number {
  switch (status) {
    case 'processing': return 4
    case 'succeeded': return 2
    case 'failed': return 3
    default: return unreachable(status)
  }
}

function unreachable (x: never): never {
  throw new Error(`unhandled state ${String(x)}`)
}
