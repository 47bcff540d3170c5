import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import { fen, type OrderSearchQuery } from '@yima/shared'
import type { Executor } from '../../db/client'
import { orders, type OrderRow } from '../payments/payment.schema'
import { scopeWhere, type Scope } from '../tenancy/scope'

export type OrderFilters = Omit<OrderSearchQuery, 'limit' | 'startingAfter'>

/** The WHERE of a details search (R2): the caller's scope, the creation-time range and every filter given. */
export function orderFilters (scope: Scope, q: OrderFilters): SQL {
  const o = orders
  const where = and(
    scopeWhere(scope, { sp: o.spId, ssp: o.sspId, merchant: o.merchantId, store: o.storeId }),
    gte(o.createdAt, q.from),
    lt(o.createdAt, q.to),
    q.merchantId === undefined ? undefined : eq(o.merchantId, q.merchantId),
    q.storeId === undefined ? undefined : eq(o.storeId, q.storeId),
    q.staffId === undefined ? undefined : eq(o.staffId, q.staffId),
    q.deviceId === undefined ? undefined : eq(o.deviceId, q.deviceId),
    q.qrCodeId === undefined ? undefined : eq(o.qrCodeId, q.qrCodeId),
    q.payPlatform === undefined ? undefined : eq(o.payPlatform, q.payPlatform),
    q.status === undefined ? undefined : eq(o.status, q.status),
    q.sourceType === undefined ? undefined : eq(o.sourceType, q.sourceType),
    q.minFen === undefined ? undefined : gte(o.amountFen, fen(q.minFen)),
    q.maxFen === undefined ? undefined : lte(o.amountFen, fen(q.maxFen)),
    q.outTradeNo === undefined ? undefined : eq(o.outTradeNo, q.outTradeNo),
  )
  if (where === undefined) throw new Error('order filters without conditions')
  return where
}

/**
 * One page of a details search, newest first, keyset-paged on (created_at, id): a deep page costs
 * what the first does, on the orders_store_created / orders_merchant_created indexes. The cursor
 * order is looked up inside the same scope, so another tenant's id cannot be used to probe.
 */
export async function searchOrders (exec: Executor, scope: Scope, q: OrderSearchQuery): Promise<{ rows: OrderRow[], hasMore: boolean }> {
  const o = orders
  let after: SQL | undefined
  if (q.startingAfter !== undefined) {
    const [cursor] = await exec.select({ createdAt: o.createdAt, id: o.id }).from(o)
      .where(and(eq(o.id, q.startingAfter), scopeWhere(scope, { sp: o.spId, ssp: o.sspId, merchant: o.merchantId, store: o.storeId })))
    if (cursor === undefined) return { rows: [], hasMore: false }
    after = or(lt(o.createdAt, cursor.createdAt), and(eq(o.createdAt, cursor.createdAt), lt(o.id, cursor.id)))
  }
  const rows = await exec.select().from(o)
    .where(and(orderFilters(scope, q), after))
    .orderBy(desc(o.createdAt), desc(o.id))
    .limit(q.limit + 1)
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit }
}

/** How many orders an export will write (for its progress). */
export async function countOrders (exec: Executor, scope: Scope, q: OrderFilters): Promise<number> {
  const [row] = await exec.select({ n: sql<number>`count(*)::int` }).from(orders).where(orderFilters(scope, q))
  return Number(row?.n ?? 0)
}

/** Every matching order, newest first, in batches of `batch` (keyset), for a streamed export. */
export async function * allOrders (exec: Executor, scope: Scope, q: OrderFilters, batch = 1000): AsyncGenerator<OrderRow[]> {
  let startingAfter: string | undefined
  for (;;) {
    const page = await searchOrders(exec, scope, { ...q, limit: batch, ...(startingAfter === undefined ? {} : { startingAfter }) })
    if (page.rows.length > 0) yield page.rows
    if (!page.hasMore) return
    startingAfter = page.rows.at(-1)?.id
  }
}
