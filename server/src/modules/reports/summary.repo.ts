import { and, eq, sql, type SQL } from 'drizzle-orm'
import { NO_COUNTERS, addCounters, type SummaryCounters, type SummaryGroup } from '@yima/shared'
import type { Executor } from '../../db/client'
import { orders, refunds } from '../payments/payment.schema'
import { scopeWhere, type Scope } from '../tenancy/scope'
import { reportHourly } from './reports.schema'

const HOUR_MS = 3_600_000
const CHINA_OFFSET_S = 8 * 3600
/** Orders are paid or closed within minutes of their creation; the margin lets the created_at indexes find the paid ones. */
const PAID_AFTER_CREATED_MARGIN = '1 day'

export interface SummaryWhere {
  scope: Scope
  merchantId?: string
  storeId?: string
}

/** Counters per group key ('' = the whole range, or an attribution that is missing). */
export type GroupedCounters = Map<string, SummaryCounters>

/**
 * The summary counters of [from, to) (R1): whole hours from the hourly rollup, the partial hours
 * at either end from the orders and refunds themselves, so any second-precision range is exact.
 */
export async function summaryCounters (exec: Executor, w: SummaryWhere, from: Date, to: Date, groupBy: SummaryGroup | null): Promise<GroupedCounters> {
  const firstHour = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS)
  const lastHour = new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS)
  const parts: Array<Promise<Array<Record<string, unknown>>>> = []
  if (firstHour < lastHour) {
    parts.push(fromRollup(exec, w, firstHour, lastHour, groupBy))
    if (from < firstHour) parts.push(...fromOrders(exec, w, from, firstHour, groupBy))
    if (lastHour < to) parts.push(...fromOrders(exec, w, lastHour, to, groupBy))
  } else {
    parts.push(...fromOrders(exec, w, from, to, groupBy))
  }
  const result: GroupedCounters = new Map()
  for (const rows of await Promise.all(parts)) {
    for (const row of rows) {
      const key = String(row.k ?? '')
      result.set(key, addCounters(result.get(key) ?? NO_COUNTERS, counters(row)))
    }
  }
  // A failed refund or a reversal leaves its hour's counters at zero: nothing to show.
  for (const [key, c] of result) if (Object.values(c).every((v) => v === 0)) result.delete(key)
  return result
}

/** execute() rows are untyped and int8 arrives as a string on pg: every counter through Number (exact below 2^53). */
function counters (row: Record<string, unknown>): SummaryCounters {
  const n = (k: string): number => {
    const v = Number(row[k] ?? 0)
    if (!Number.isSafeInteger(v)) throw new Error(`summary counter ${k} is not a safe integer: ${String(row[k])}`)
    return v
  }
  return {
    tradeCount: n('trade_count'),
    tradeFen: n('trade_fen'),
    discountFen: n('discount_fen'),
    settlementFen: n('settlement_fen'),
    refundCount: n('refund_count'),
    refundFen: n('refund_fen'),
    refundSettlementFen: n('refund_settlement_fen'),
  }
}

/** The group key of a row: an attribution column, or the China day / UTC hour (as epoch seconds) of `at`. */
function keyOf (groupBy: SummaryGroup | null, cols: { store: SQL, staff: SQL, device: SQL, qr: SQL }, at: SQL): SQL {
  switch (groupBy) {
    case null: return sql`''`
    case 'store': return cols.store
    case 'staff': return cols.staff
    case 'device': return cols.device
    case 'qr_code': return cols.qr
    case 'day': return sql`((floor((extract(epoch from ${at}) + ${sql.raw(String(CHINA_OFFSET_S))}) / 86400) * 86400) - ${sql.raw(String(CHINA_OFFSET_S))})::bigint::text`
    case 'hour': return sql`(floor(extract(epoch from ${at}) / 3600) * 3600)::bigint::text`
  }
}

async function fromRollup (exec: Executor, w: SummaryWhere, from: Date, to: Date, groupBy: SummaryGroup | null): Promise<Array<Record<string, unknown>>> {
  const h = reportHourly
  const k = keyOf(groupBy, { store: sql`${h.storeId}`, staff: sql`${h.staffId}`, device: sql`${h.deviceId}`, qr: sql`${h.qrCodeId}` }, sql`${h.hour}`)
  const where = and(
    sql`${h.hour} >= ${from.toISOString()}::timestamptz and ${h.hour} < ${to.toISOString()}::timestamptz`,
    scopeWhere(w.scope, { sp: h.spId, ssp: h.sspId, merchant: h.merchantId, store: h.storeId }),
    w.merchantId === undefined ? undefined : eq(h.merchantId, w.merchantId),
    w.storeId === undefined ? undefined : eq(h.storeId, w.storeId),
  )
  const r = await exec.execute(sql`
    select ${k} as k, sum(${h.tradeCount}) as trade_count, sum(${h.tradeFen}) as trade_fen, sum(${h.discountFen}) as discount_fen,
           sum(${h.settlementFen}) as settlement_fen, sum(${h.refundCount}) as refund_count, sum(${h.refundFen}) as refund_fen,
           sum(${h.refundSettlementFen}) as refund_settlement_fen
      from ${h} where ${where} group by 1`)
  return r.rows as Array<Record<string, unknown>>
}

/** The payments and the refunds of [from, to), straight from the orders (the same definitions as rollup.ts). */
function fromOrders (exec: Executor, w: SummaryWhere, from: Date, to: Date, groupBy: SummaryGroup | null): Array<Promise<Array<Record<string, unknown>>>> {
  const o = orders
  const cols = { store: sql`coalesce(${o.storeId}, '')`, staff: sql`coalesce(${o.staffId}, '')`, device: sql`coalesce(${o.deviceId}, '')`, qr: sql`coalesce(${o.qrCodeId}, '')` }
  const mine = and(
    scopeWhere(w.scope, { sp: o.spId, ssp: o.sspId, merchant: o.merchantId, store: o.storeId }),
    w.merchantId === undefined ? undefined : eq(o.merchantId, w.merchantId),
    w.storeId === undefined ? undefined : eq(o.storeId, w.storeId),
  )
  const a = from.toISOString()
  const b = to.toISOString()
  const paid = exec.execute(sql`
    select ${keyOf(groupBy, cols, sql`${o.paidAt}`)} as k, count(*) as trade_count, sum(${o.amountFen}) as trade_fen,
           sum(${o.discountFen}) as discount_fen, sum(${o.amountFen} - ${o.noCashDiscountFen}) as settlement_fen
      from ${o}
     where ${mine} and ${o.status} = 'succeeded' and ${o.paidAt} >= ${a}::timestamptz and ${o.paidAt} < ${b}::timestamptz
       and ${o.createdAt} >= ${a}::timestamptz - interval '${sql.raw(PAID_AFTER_CREATED_MARGIN)}' and ${o.createdAt} < ${b}::timestamptz
     group by 1`).then((r) => r.rows as Array<Record<string, unknown>>)
  // A refund carries its order's merchant and store: filtering on them lets the refunds' own indexes serve.
  // (A sub-SP's scope has no refund column to name, so there the orders' condition alone decides.)
  const byRefundColumns = w.storeId !== undefined
    ? sql`and ${refunds.storeId} = ${w.storeId}`
    : w.merchantId !== undefined
      ? sql`and ${refunds.merchantId} = ${w.merchantId}`
      : !w.scope.all && w.scope.sspIds.length === 0 ? sql`and ${scopeWhere(w.scope, { sp: refunds.spId, merchant: refunds.merchantId, store: refunds.storeId })}` : sql``
  const refunded = exec.execute(sql`
    select ${keyOf(groupBy, cols, sql`${refunds.createdAt}`)} as k, count(*) as refund_count, sum(${refunds.amountFen}) as refund_fen,
           sum(${refunds.amountFen} - ${refunds.amountFen} * ${o.noCashDiscountFen} / ${o.amountFen}) as refund_settlement_fen
      from ${refunds} join ${o} on ${o.id} = ${refunds.orderId}
     where ${mine} and ${refunds.status} in ('processing', 'succeeded') ${byRefundColumns}
       and ${refunds.createdAt} >= ${a}::timestamptz and ${refunds.createdAt} < ${b}::timestamptz
     group by 1`).then((r) => r.rows as Array<Record<string, unknown>>)
  return [paid, refunded]
}
