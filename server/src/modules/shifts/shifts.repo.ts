import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { AppError, fen, PAY_PLATFORMS, type PayPlatform } from '@yima/shared'
import type { Executor } from '../../db/client'
import { orders, refunds, type OrderRow } from '../payments/payment.schema'
import { inScope, scopeWhere, type Scope } from '../tenancy/scope'
import { staff, stores, type StaffRow, type StoreRow } from '../tenancy/tenancy.schema'
import { NO_TOTALS, type HandoverTotals } from './handover'
import { staffShifts, type StaffShiftRow } from './shifts.schema'

/** SQL only. Clocking in and out are compare-and-sets on the open-shift unique index. */

/** A store through the caller's scope; 404 outside it (the same answer as for no store at all). */
export async function storeInScope (exec: Executor, scope: Scope, id: string): Promise<StoreRow> {
  const [row] = await exec.select().from(stores)
    .where(and(eq(stores.id, id), isNull(stores.deletedAt), scopeWhere(scope, { sp: stores.spId, ssp: stores.sspId, merchant: stores.merchantId, store: stores.id })))
  if (row === undefined || !inScope(scope, { spId: row.spId, sspId: row.sspId, merchantId: row.merchantId, storeId: row.id })) {
    throw new AppError('not_found', 'store_not_found', undefined, { param: 'id' })
  }
  return row
}

/** The activated clerk or manager of the store a WeChat identity (official-account appid + openid) is. */
export async function shiftStaffOf (exec: Executor, appId: string, openid: string, storeId: string): Promise<StaffRow | undefined> {
  const rows = await exec.select().from(staff)
    .where(and(eq(staff.wxAppId, appId), eq(staff.wxOpenid, openid), eq(staff.storeId, storeId), inArray(staff.role, ['clerk', 'store_manager']),
      sql`${staff.activatedAt} is not null`, isNull(staff.deletedAt)))
    .orderBy(asc(staff.createdAt))
  return rows.find((r) => r.role === 'clerk') ?? rows[0]
}

/** Inserts an open shift; undefined when the clerk already has one (the unique index decides, also under races). */
export async function openShift (exec: Executor, row: typeof staffShifts.$inferInsert): Promise<StaffShiftRow | undefined> {
  const [inserted] = await exec.insert(staffShifts).values({ ...row, clockOutAt: null }).onConflictDoNothing().returning()
  return inserted
}

/**
 * Closes the clerk's open shift at `at` (never before its clock-in); undefined when there is none.
 * `clock_out_at is null` is the compare: of two racing clock-outs one closes, the other finds none.
 */
export async function closeShift (exec: Executor, staffId: string, storeId: string, at: Date): Promise<StaffShiftRow | undefined> {
  const [closed] = await exec.update(staffShifts)
    .set({ clockOutAt: sql`greatest(${at.toISOString()}::timestamptz, ${staffShifts.clockInAt})` })
    .where(and(eq(staffShifts.staffId, staffId), eq(staffShifts.storeId, storeId), isNull(staffShifts.clockOutAt)))
    .returning()
  return closed
}

export async function openShiftOf (exec: Executor, staffId: string): Promise<StaffShiftRow | undefined> {
  const [row] = await exec.select().from(staffShifts).where(and(eq(staffShifts.staffId, staffId), isNull(staffShifts.clockOutAt)))
  return row
}

export async function shiftById (exec: Executor, id: string): Promise<StaffShiftRow | undefined> {
  const [row] = await exec.select().from(staffShifts).where(eq(staffShifts.id, id))
  return row
}

/**
 * Every shift of the store. The rule needs the clock-out before a range (where its first window
 * starts) and the clock-in after an open shift (where a forgotten one ends), however far away, so
 * it reads the store's whole history: a few rows a day, on the store index.
 */
export async function storeShifts (exec: Executor, storeId: string): Promise<StaffShiftRow[]> {
  return await exec.select().from(staffShifts).where(eq(staffShifts.storeId, storeId)).orderBy(asc(staffShifts.clockInAt), asc(staffShifts.id))
}

export async function staffNames (exec: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await exec.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, [...new Set(ids)]))
  return new Map(rows.map((r) => [r.id, r.name]))
}

export interface Span { from: Date, to: Date | null }
export type WindowTotals = { all: HandoverTotals, byChannel: Record<PayPlatform, HandoverTotals> }

/** An order is paid within its life (15 minutes) or reported late by reconciliation; a day covers both and clock skew. */
const PAID_AFTER_CREATED_MARGIN = '1 day'

/**
 * Store-code payments and refunds per window, summed in SQL in integer fen. Windows are given in
 * order and must not overlap (handover windows never do), so each row counts in one window.
 *
 * - Payments: orders of the store with trade type `one_code` (every code of the pay page: store,
 *   clerk, bound blank, fixed amount) that succeeded, by their payment time. Micropay and API
 *   orders are not store-code payments.
 * - Refunds: of those orders, requested in the window and not failed (processing counts: the money
 *   is committed, and `refunded_fen` holds it too), by request time, whatever the payment's time.
 *   A refund is made by whoever is on duty (P5: clerks refund only on duty), so it belongs to the
 *   shift it was made in, like Cloud Pay's `refund_create_count` / `refund_create_amount`.
 */
export async function windowTotals (exec: Executor, storeId: string, windows: readonly Span[]): Promise<WindowTotals[]> {
  const result = windows.map((): WindowTotals => ({ all: { ...NO_TOTALS }, byChannel: { wechat_pay: { ...NO_TOTALS }, alipay: { ...NO_TOTALS } } }))
  const first = windows[0]
  const last = windows.at(-1)
  if (first === undefined || last === undefined) return result
  const iso = (d: Date | null): string | null => d === null ? null : d.toISOString()
  const values = sql.join(windows.map((w, i) => sql`(${i}::int, ${iso(w.from)}::timestamptz, ${iso(w.to)}::timestamptz)`), sql`, `)
  const spanFrom = iso(first.from)
  const spanTo = iso(last.to)

  const paid = await exec.execute(sql`
    with w(idx, f, t) as (values ${values})
    select w.idx, o.pay_platform as platform, count(*)::int as n, coalesce(sum(o.amount_fen), 0)::bigint as fen
      from ${orders} o
      join w on o.paid_at >= w.f and (w.t is null or o.paid_at < w.t)
     where o.store_id = ${storeId} and o.trade_type = 'one_code' and o.status = 'succeeded'
       and o.created_at >= ${spanFrom}::timestamptz - interval '${sql.raw(PAID_AFTER_CREATED_MARGIN)}'
       and (${spanTo}::timestamptz is null or o.created_at < ${spanTo}::timestamptz + interval '${sql.raw(PAID_AFTER_CREATED_MARGIN)}')
     group by w.idx, o.pay_platform`)
  const refunded = await exec.execute(sql`
    with w(idx, f, t) as (values ${values})
    select w.idx, o.pay_platform as platform, count(*)::int as n, coalesce(sum(r.amount_fen), 0)::bigint as fen
      from ${refunds} r
      join ${orders} o on o.id = r.order_id
      join w on r.created_at >= w.f and (w.t is null or r.created_at < w.t)
     where o.store_id = ${storeId} and r.store_id = ${storeId} and o.trade_type = 'one_code' and r.status in ('processing', 'succeeded')
       and r.created_at >= ${spanFrom}::timestamptz and (${spanTo}::timestamptz is null or r.created_at < ${spanTo}::timestamptz)
     group by w.idx, o.pay_platform`)

  // execute() rows are untyped and int8 comes back as a string on pg: convert and assert (fen() throws past 2^53).
  const add = (rows: Array<Record<string, unknown>>, count: 'paymentCount' | 'refundCount', amount: 'paymentFen' | 'refundFen'): void => {
    for (const row of rows) {
      const target = result[Number(row.idx)]
      const platform = String(row.platform) as PayPlatform
      if (target === undefined || !PAY_PLATFORMS.includes(platform)) throw new Error(`unexpected totals row ${JSON.stringify(row)}`)
      const n = Number(row.n)
      const f = fen(Number(row.fen))
      target.byChannel[platform] = { ...target.byChannel[platform], [count]: n, [amount]: f }
      target.all = { ...target.all, [count]: target.all[count] + n, [amount]: fen(target.all[amount] + f) }
    }
  }
  add(paid.rows, 'paymentCount', 'paymentFen')
  add(refunded.rows, 'refundCount', 'refundFen')
  return result
}

/**
 * The store's orders, newest first, keyset-paged on (created_at, id): stable while new orders
 * arrive, on the orders_store_created index.
 */
export async function storeOrdersPage (exec: Executor, storeId: string, limit: number, after?: { createdAt: Date, id: string }): Promise<{ rows: OrderRow[], hasMore: boolean }> {
  const rows = await exec.select().from(orders)
    .where(and(eq(orders.storeId, storeId), after === undefined
      ? undefined
      : or(lt(orders.createdAt, after.createdAt), and(eq(orders.createdAt, after.createdAt), lt(orders.id, after.id)))))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1)
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit }
}

export async function storeOrder (exec: Executor, storeId: string, id: string): Promise<OrderRow | undefined> {
  const [row] = await exec.select().from(orders).where(and(eq(orders.id, id), eq(orders.storeId, storeId)))
  return row
}
