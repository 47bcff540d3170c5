import type { Payer, PromotionDetail, RefundStatus, TradeState, TradeType } from './wire'

/** Stored order states; `REFUND` is derived from the refunds (see `tradeState`). */
export type OrderState = Exclude<TradeState, 'REFUND'>

/**
 * Which order state may follow which. NOTPAY → REVOKED is not here: only codepay orders are
 * revocable, and they start at USERPAYING. SUCCESS → REVOKED is a reverse that refunds the payer.
 */
export const ORDER_TRANSITIONS = {
  NOTPAY: ['SUCCESS', 'CLOSED'],
  USERPAYING: ['SUCCESS', 'PAYERROR', 'REVOKED'],
  PAYERROR: ['REVOKED'],
  SUCCESS: ['REVOKED'],
  CLOSED: [],
  REVOKED: [],
} as const satisfies Record<OrderState, readonly OrderState[]>

export const REFUND_TRANSITIONS = {
  PROCESSING: ['SUCCESS', 'ABNORMAL', 'CLOSED'],
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  SUCCESS: [],
  CLOSED: [],
} as const satisfies Record<RefundStatus, readonly RefundStatus[]>

export interface Order {
  spMchId: string
  spAppId: string
  subMchId: string
  subAppId?: string
  outTradeNo: string
  tradeType: TradeType
  state: OrderState
  description: string
  attach?: string
  notifyUrl?: string
  goodsTag?: string
  total: number
  /** The payer named at order time (JSAPI) or learned at payment. */
  payer: Payer
  prepayId?: string
  codeUrl?: string
  h5Url?: string
  deviceId?: string
  /** Canonical JSON of the creating request: a repeat must match it exactly. */
  fingerprint: string
  createdAt: Date
  /** Business (simulated) time after which the customer can no longer pay. */
  expiresAt: Date
  transactionId?: string
  successTime?: Date
  bankType?: string
  promotions: PromotionDetail[]
  /** Codepay only: the HTTP status a repeated call answers while the customer is still paying. */
  userpayingStatus?: 200 | 202
}

export interface Refund {
  refundId: string
  outRefundNo: string
  order: Order
  reason?: string
  notifyUrl?: string
  amount: number
  /** The voucher share of this refund, returned to the voucher's funder rather than the payer. */
  discountRefund: number
  status: RefundStatus
  fingerprint: string
  createdAt: Date
  successTime?: Date
}

const key = (subMchId: string, no: string): string => `${subMchId}|${no}`

export const discountOf = (order: Order): number => order.promotions.reduce((sum, p) => sum + p.amount, 0)
export const payerTotalOf = (order: Order): number => order.total - discountOf(order)

/** In-memory orders and refunds, with the transition tables enforced on every change. */
export class Ledger {
  readonly #orders = new Map<string, Order>()
  readonly #byPrepayId = new Map<string, Order>()
  readonly #byTransactionId = new Map<string, Order>()
  readonly #refunds = new Map<string, Refund>()

  addOrder (order: Order): void {
    this.#orders.set(key(order.subMchId, order.outTradeNo), order)
    if (order.prepayId !== undefined) this.#byPrepayId.set(order.prepayId, order)
  }

  order (subMchId: string, outTradeNo: string): Order | undefined { return this.#orders.get(key(subMchId, outTradeNo)) }
  byPrepayId (prepayId: string): Order | undefined { return this.#byPrepayId.get(prepayId) }
  byTransactionId (transactionId: string): Order | undefined { return this.#byTransactionId.get(transactionId) }
  orders (): Order[] { return [...this.#orders.values()] }

  /** Moves an order along ORDER_TRANSITIONS; a move the table forbids is a simulator bug. */
  transition (order: Order, to: OrderState, patch: Partial<Order> = {}): void {
    const allowed: readonly OrderState[] = ORDER_TRANSITIONS[order.state]
    if (!allowed.includes(to)) throw new Error(`order ${order.outTradeNo}: ${order.state} → ${to} is not a WeChat transition`)
    Object.assign(order, patch, { state: to })
    if (order.transactionId !== undefined) this.#byTransactionId.set(order.transactionId, order)
  }

  addRefund (refund: Refund): void { this.#refunds.set(key(refund.order.subMchId, refund.outRefundNo), refund) }
  refund (subMchId: string, outRefundNo: string): Refund | undefined { return this.#refunds.get(key(subMchId, outRefundNo)) }
  refunds (): Refund[] { return [...this.#refunds.values()] }
  refundsOf (order: Order): Refund[] { return this.refunds().filter((r) => r.order === order) }

  transitionRefund (refund: Refund, to: RefundStatus, patch: Partial<Refund> = {}): void {
    const allowed: readonly RefundStatus[] = REFUND_TRANSITIONS[refund.status]
    if (!allowed.includes(to)) throw new Error(`refund ${refund.outRefundNo}: ${refund.status} → ${to} is not a WeChat transition`)
    Object.assign(refund, patch, { status: to })
  }

  /** Refunded or being refunded (closed refunds give the amount back). */
  refundedTotal (order: Order): number {
    return this.refundsOf(order).filter((r) => r.status !== 'CLOSED').reduce((sum, r) => sum + r.amount, 0)
  }

  tradeState (order: Order): TradeState {
    return order.state === 'SUCCESS' && this.refundsOf(order).some((r) => r.status !== 'CLOSED') ? 'REFUND' : order.state
  }

  clear (): void {
    this.#orders.clear()
    this.#byPrepayId.clear()
    this.#byTransactionId.clear()
    this.#refunds.clear()
  }
}
