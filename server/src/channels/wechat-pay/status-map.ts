import { fen } from '@yima/shared'
import type { ChannelDiscount, ChannelOutcome, RefundOutcome } from '../types'
import type { PromotionDetail, RefundStatus, Transaction } from './wire'

/** RFC 3339 (`2018-06-08T10:34:56+08:00`) → Date; undefined when absent or unparseable. */
function time (s: unknown): Date | undefined {
  if (typeof s !== 'string') return undefined
  const d = new Date(s)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** WeChat amounts are integer fen; anything else is a malformed answer, not money. */
function amount (n: unknown): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/** 免充值 or 预充值: who bears the discount. A missing or unrecognised type is never guessed (the reason is returned). */
function noCash (type: PromotionDetail['type']): boolean | string {
  switch (type) {
    /** 免充值: the merchant bears it; it is not settled to the merchant. */
    case 'NOCASH': return true
    /** 预充值: paid from the batch's pre-funded budget; the merchant is settled in full. */
    case 'CASH': return false
    case undefined: return 'no type'
    default: {
      const unrecognised: never = type
      return `unrecognised type "${String(unrecognised)}"`
    }
  }
}

/**
 * `promotion_detail` as discounts, or the reason it cannot be read. An entry needs a coupon id,
 * an integer amount and a type (CASH / NOCASH decides settlement); WeChat marks stock_id optional,
 * so it may be '' (yima matches its vouchers by coupon id).
 */
export function discountsOf (details: unknown, total: number): ChannelDiscount[] | string {
  if (details === undefined) return []
  if (!Array.isArray(details)) return 'promotion_detail is not a list'
  const out: ChannelDiscount[] = []
  for (const d of details as Array<Partial<PromotionDetail> | null>) {
    const couponId = d?.coupon_id
    const off = amount(d?.amount)
    if (typeof couponId !== 'string' || couponId === '' || off === undefined) return `promotion_detail entry ${JSON.stringify(d)} lacks coupon_id or an integer amount`
    const free = noCash(d?.type)
    if (typeof free === 'string') return `promotion_detail coupon ${couponId}: ${free}, so who bears it (CASH / NOCASH) is unknown`
    out.push({ couponId, stockId: typeof d?.stock_id === 'string' ? d.stock_id : '', amountFen: fen(off), noCash: free })
  }
  if (out.reduce((sum, d) => sum + d.amountFen, 0) > total) return 'promotion_detail discounts exceed amount.total'
  return out
}

/**
 * A paid order, or `unknown` when the answer lacks what a payment must have: money is never
 * booked on a SUCCESS without a transaction id, an integer total and a payment time, nor with
 * vouchers whose amount or type cannot be read.
 * amountFen is `amount.total` (what the order was for), not `payer_total`: with a voucher the
 * customer pays less, and the service's integrity check compares the order total.
 */
function paid (t: Transaction): ChannelOutcome {
  const total = amount(t.amount?.total)
  const paidAt = time(t.success_time)
  if (typeof t.transaction_id !== 'string' || t.transaction_id === '' || total === undefined || paidAt === undefined) {
    return { kind: 'unknown', reason: `trade_state ${t.trade_state} without transaction_id, integer amount.total or success_time`, raw: t }
  }
  const discounts = discountsOf(t.promotion_detail, total)
  if (typeof discounts === 'string') return { kind: 'unknown', reason: discounts, raw: t }
  return { kind: 'succeeded', channelTxnId: t.transaction_id, amountFen: fen(total), paidAt, raw: t, ...(discounts.length === 0 ? {} : { discounts }) }
}

/** Still open: waiting for the customer, or for the debit. */
function open (t: Transaction): ChannelOutcome {
  return { kind: 'pending', ...(typeof t.transaction_id === 'string' && t.transaction_id !== '' ? { channelTxnId: t.transaction_id } : {}), raw: t }
}

/** Definitively not paid (or paid and handed back). */
function ended (t: Transaction, code: string): ChannelOutcome {
  return { kind: 'failed', code, message: t.trade_state_desc ?? code, raw: t }
}

/** A trade_state as yima's four-way outcome (style.md §6). */
export function paymentOutcome (t: Transaction): ChannelOutcome {
  const state = t.trade_state
  switch (state) {
    /** 支付成功. */
    case 'SUCCESS': return paid(t)
    /** 转入退款: it was paid; refunds are tracked on their own, so the payment stays succeeded. */
    case 'REFUND': return paid(t)
    /** 未支付: the prepay/QR is open; wait for the notification or query again. */
    case 'NOTPAY': return open(t)
    /** 用户支付中 (micropay password prompt): query again, reverse after ~45 s (channels.md §2.6). */
    case 'USERPAYING': return open(t)
    /** 已接收，等待扣款: accepted, the debit has not happened yet. */
    case 'ACCEPT': return open(t)
    /** 已关闭: closed unpaid; it can never be paid. */
    case 'CLOSED': return ended(t, state)
    /** 已撤销: a reversed micropay; unpaid for good, or paid and handed back to the customer. */
    case 'REVOKED': return ended(t, state)
    /** 支付失败: refused (bank, balance, risk); the order must be reversed, not retried. */
    case 'PAYERROR': return ended(t, state)
    default: {
      // A state WeChat added after this was written: nobody may guess what it means.
      const unrecognised: never = state
      return { kind: 'unknown', reason: `unrecognised trade_state "${String(unrecognised)}"`, raw: t }
    }
  }
}

/** What both the refund answer (`status`) and the REFUND.* plaintext (`refund_status`) say. */
export interface RefundFacts {
  status: RefundStatus
  refund_id?: string
  success_time?: string
  amount?: { refund?: number }
}

/** A refund status as yima's four-way refund outcome. */
export function refundOutcome (r: RefundFacts, raw: unknown): RefundOutcome {
  const status = r.status
  const channelRefundId = typeof r.refund_id === 'string' && r.refund_id !== '' ? r.refund_id : undefined
  switch (status) {
    /** 退款成功: requires the refund id, an integer amount and the time, like a payment. */
    case 'SUCCESS': {
      const refunded = amount(r.amount?.refund)
      const refundedAt = time(r.success_time)
      if (channelRefundId === undefined || refunded === undefined || refundedAt === undefined) {
        return { kind: 'unknown', reason: 'refund SUCCESS without refund_id, integer amount.refund or success_time', raw }
      }
      return { kind: 'succeeded', channelRefundId, amountFen: fen(refunded), refundedAt, raw }
    }
    /** 退款处理中. */
    case 'PROCESSING': return { kind: 'pending', ...(channelRefundId === undefined ? {} : { channelRefundId }), raw }
    /**
     * 退款异常: the money left the merchant but could not reach the customer's account. It ends
     * SUCCESS or CLOSED once someone acts (异常退款), so it stays pending: calling it failed
     * would free the amount for a second refund while this one is still in flight.
     */
    case 'ABNORMAL': return { kind: 'pending', ...(channelRefundId === undefined ? {} : { channelRefundId }), raw }
    /** 退款关闭: the refund will not happen; the amount is refundable again. */
    case 'CLOSED': return { kind: 'failed', code: 'CLOSED', message: '退款关闭', raw }
    default: {
      const unrecognised: never = status
      return { kind: 'unknown', reason: `unrecognised refund status "${String(unrecognised)}"`, raw }
    }
  }
}
