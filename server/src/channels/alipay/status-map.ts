import type { CancelAction, CommonResponse, GatewayCode, RefundStatus, TradeStatus } from './wire'

/**
 * Alipay's vocabulary → ours. Every switch is exhaustive over the documented values; anything
 * else is "unrecognised" and becomes `unknown` in the adapter, never a quiet default (style.md §6).
 */

const unreachable = (x: never): never => { throw new TypeError(`unhandled Alipay value: ${String(x)}`) }

const TRADE_STATUSES: Record<TradeStatus, true> = { WAIT_BUYER_PAY: true, TRADE_SUCCESS: true, TRADE_CLOSED: true, TRADE_FINISHED: true }
const GATEWAY_CODES: Record<GatewayCode, true> = { 10000: true, 10003: true, 20000: true, 20001: true, 40001: true, 40002: true, 40004: true }
const CANCEL_ACTIONS: Record<CancelAction, true> = { close: true, refund: true }
const REFUND_STATUSES: Record<RefundStatus, true> = { REFUND_SUCCESS: true }

const isOneOf = <T extends string>(table: Record<T, true>, s: unknown): s is T => typeof s === 'string' && Object.hasOwn(table, s)

export type TradeState = 'pending' | 'succeeded' | 'failed'

/** trade_status → what it means for the payment. */
export function tradeState (s: TradeStatus): TradeState {
  switch (s) {
    case 'WAIT_BUYER_PAY': return 'pending'
    // FINISHED = paid and past the refund window: still money received.
    case 'TRADE_SUCCESS':
    case 'TRADE_FINISHED': return 'succeeded'
    // Closed unpaid, or paid and then refunded in full: either way the payment does not stand.
    case 'TRADE_CLOSED': return 'failed'
    default: return unreachable(s)
  }
}

export const tradeStateOf = (s: unknown): TradeState | undefined => isOneOf(TRADE_STATUSES, s) ? tradeState(s) : undefined

/** Sub codes of 40004 that mean "Alipay itself does not know": ask again instead of giving up. */
const RETRYABLE_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR'])

export type GatewayVerdict =
  /** 10000 */
  | { kind: 'ok' }
  /** 10003: a bar-code payment waits for the customer's password. */
  | { kind: 'waiting' }
  /** 20000, or 40004 ACQ.SYSTEM_ERROR: nobody knows yet; ask again. */
  | { kind: 'unavailable', code: string, message: string }
  /** 20001 (app_auth_token), 40001/40002 (request), 40004 (business): Alipay refused this request. */
  | { kind: 'refused', code: string, message: string }
  | { kind: 'unrecognised', code: string }

/** `code` (+ `sub_code`) of an answer whose signature verified. */
export function gatewayVerdict (r: CommonResponse): GatewayVerdict {
  if (!isOneOf(GATEWAY_CODES, r.code)) return { kind: 'unrecognised', code: String(r.code) }
  // The sub code is the precise reason; the top-level code only says which family.
  const code = r.sub_code ?? r.code
  const message = r.sub_msg ?? r.msg
  switch (r.code) {
    case '10000': return { kind: 'ok' }
    case '10003': return { kind: 'waiting' }
    case '20000': return { kind: 'unavailable', code, message }
    case '20001':
    case '40001':
    case '40002': return { kind: 'refused', code, message }
    case '40004': return RETRYABLE_SUB_CODES.has(code) ? { kind: 'unavailable', code, message } : { kind: 'refused', code, message }
    default: return unreachable(r.code)
  }
}

export type CancelEffect =
  /** The unpaid trade was closed. */
  | { code: 'TRADE_CLOSED', message: string }
  /** The trade had been paid: Alipay refunds it in full. */
  | { code: 'TRADE_REFUNDED', message: string }

/** alipay.trade.cancel's `action`; absent = no trade was found, which for a reversal is as good as closed. */
export function cancelEffect (action: unknown): CancelEffect | undefined {
  if (action === undefined || action === '') return { code: 'TRADE_CLOSED', message: 'cancelled: Alipay found no trade to act on' }
  if (!isOneOf(CANCEL_ACTIONS, action)) return undefined
  switch (action) {
    case 'close': return { code: 'TRADE_CLOSED', message: 'cancelled: the unpaid trade was closed' }
    case 'refund': return { code: 'TRADE_REFUNDED', message: 'cancelled: the trade had been paid and is refunded in full' }
    default: return unreachable(action)
  }
}

export type RefundState = 'succeeded' | 'not_succeeded'

/**
 * refund.query's refund_status. Absent means processing, failed or no such refund: Alipay says to
 * retry the refund with the same out_request_no, so it is not a definitive failure.
 */
export function refundStateOf (status: unknown): RefundState | undefined {
  if (status === undefined || status === '') return 'not_succeeded'
  if (!isOneOf(REFUND_STATUSES, status)) return undefined
  switch (status) {
    case 'REFUND_SUCCESS': return 'succeeded'
    default: return unreachable(status)
  }
}
