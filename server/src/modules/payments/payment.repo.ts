import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { AppError, ORDER_TRANSITIONS, REFUND_TRANSITIONS, sourcesOf, type Fen, type OrderStatus, type RefundStatus } from '@yima/shared'
import { rollupPayment, rollupRefund } from '../reports/rollup'
import type { Executor, Tx } from '../../db/client'
import { scopeWhere, type Scope } from '../tenancy/scope'
import { orders, refunds, type OrderRow, type RefundRow } from './payment.schema'

/** SQL only: rows in and out, and every state change as a compare-and-set (style.md §5). */

/** Inserts a new order; undefined when the out_trade_no is taken (the caller decides: same content or 104). */
export async function insertOrder (exec: Executor, row: typeof orders.$inferInsert): Promise<OrderRow | undefined> {
  const [inserted] = await exec.insert(orders).values(row).onConflictDoNothing({ target: orders.outTradeNo }).returning()
  return inserted
}

export async function findOrderByOutTradeNo (exec: Executor, outTradeNo: string): Promise<OrderRow | undefined> {
  const [row] = await exec.select().from(orders).where(eq(orders.outTradeNo, outTradeNo))
  return row
}

export async function lockOrder (tx: Tx, id: string): Promise<OrderRow> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, id)).for('update')
  if (row === undefined) throw new AppError('not_found', 'order_not_found')
  return row
}

export interface Transition<R> { row: R, changed: boolean }

/**
 * Moves an order to `to` from any state the table allows. When another writer got there first
 * with the same target, it is a duplicate (changed: false); any other state is a conflict.
 * `o.countedByCaller`: the caller is in a transaction and calls rollupPayment itself, last, when
 * the order changed (see PaymentService's success path).
 */
export async function transitionOrder (exec: Executor, id: string, to: OrderStatus, patch: Partial<typeof orders.$inferInsert> = {}, at: Date = new Date(), o: { countedByCaller?: boolean } = {}): Promise<Transition<OrderRow>> {
  // Success and reversal change the summaries (R1): their counters move in the same transaction.
  const counted = (to === 'succeeded' || to === 'reversed') && o.countedByCaller !== true
  const [row] = counted
    ? await exec.transaction(async (tx) => {
      const moved = await tx.update(orders).set({ ...patch, status: to, updatedAt: at })
        .where(and(eq(orders.id, id), inArray(orders.status, sourcesOf(ORDER_TRANSITIONS, to))))
        .returning()
      const order = moved[0]
      // A reversal stops counting only a payment that had counted (paid, so it has a payment time).
      if (order !== undefined && (to === 'succeeded' || order.paidAt !== null)) await rollupPayment(tx, order, to === 'succeeded' ? 1 : -1)
      return moved
    })
    : await exec.update(orders).set({ ...patch, status: to, updatedAt: at })
      .where(and(eq(orders.id, id), inArray(orders.status, sourcesOf(ORDER_TRANSITIONS, to))))
      .returning()
  if (row !== undefined) return { row, changed: true }
  const [current] = await exec.select().from(orders).where(eq(orders.id, id))
  if (current === undefined) throw new AppError('not_found', 'order_not_found')
  if (current.status === to) return { row: current, changed: false }
  throw new AppError('conflict', 'order_state_conflict', `订单状态为 ${current.status}，不能变为 ${to}`)
}

/**
 * Reserves a refund against a paid order: under the order's row lock, the refunds already
 * processing or done plus this one must not exceed the amount. The reservation is released if
 * the refund fails (transitionRefund).
 */
export async function reserveRefund (tx: Tx, row: typeof refunds.$inferInsert): Promise<{ refund: RefundRow, order: OrderRow, duplicate: boolean }> {
  const order = await lockOrder(tx, row.orderId)
  const [existing] = await tx.select().from(refunds).where(eq(refunds.outRefundNo, row.outRefundNo))
  if (existing !== undefined) {
    if (existing.orderId !== order.id || existing.amountFen !== row.amountFen) throw new AppError('conflict', 'idempotency_key_reused', '退款单号已用于另一笔退款')
    return { refund: existing, order, duplicate: true }
  }
  if (order.status !== 'succeeded') throw new AppError('conflict', 'order_not_refundable')
  if (order.refundedFen + row.amountFen > order.amountFen) {
    throw new AppError('conflict', 'refund_exceeds_payment', `最多还可退 ${order.amountFen - order.refundedFen} 分`, { param: 'amountFen' })
  }
  const [refund] = await tx.insert(refunds).values({ ...row, status: 'processing' }).returning()
  const [updated] = await tx.update(orders).set({ refundedFen: sql`${orders.refundedFen} + ${row.amountFen}` as unknown as Fen, updatedAt: row.createdAt })
    .where(eq(orders.id, order.id)).returning()
  if (refund === undefined || updated === undefined) throw new Error('refund insert returned nothing')
  await rollupRefund(tx, refund, updated, 1)
  return { refund, order: updated, duplicate: false }
}

/** Moves a refund to a final state; a failed refund gives its amount back to the order's refundable sum. */
export async function transitionRefund (tx: Tx, id: string, to: RefundStatus, patch: Partial<typeof refunds.$inferInsert> = {}, at: Date = new Date()): Promise<Transition<RefundRow>> {
  const [row] = await tx.update(refunds).set({ ...patch, status: to, updatedAt: at })
    .where(and(eq(refunds.id, id), inArray(refunds.status, sourcesOf(REFUND_TRANSITIONS, to))))
    .returning()
  if (row === undefined) {
    const [current] = await tx.select().from(refunds).where(eq(refunds.id, id))
    if (current === undefined) throw new AppError('not_found', 'resource_not_found')
    if (current.status === to) return { row: current, changed: false }
    throw new AppError('conflict', 'order_state_conflict', `退款状态为 ${current.status}，不能变为 ${to}`)
  }
  if (to === 'failed') {
    const order = await lockOrder(tx, row.orderId)
    await tx.update(orders).set({ refundedFen: sql`${orders.refundedFen} - ${row.amountFen}` as unknown as Fen, updatedAt: at }).where(eq(orders.id, row.orderId))
    await rollupRefund(tx, row, order, -1)
  }
  return { row, changed: true }
}

/** An order the caller may see (the tenancy scope filter); undefined outside it, as if it did not exist. */
export async function findOrderInScope (exec: Executor, scope: Scope, id: string): Promise<OrderRow | undefined> {
  const [row] = await exec.select().from(orders)
    .where(and(eq(orders.id, id), scopeWhere(scope, { sp: orders.spId, ssp: orders.sspId, merchant: orders.merchantId, store: orders.storeId })))
  return row
}

export async function findRefund (exec: Executor, id: string): Promise<RefundRow | undefined> {
  const [row] = await exec.select().from(refunds).where(eq(refunds.id, id))
  return row
}

/** An order's refunds, oldest first. */
export async function listRefunds (exec: Executor, orderId: string): Promise<RefundRow[]> {
  return await exec.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt), asc(refunds.id))
}
