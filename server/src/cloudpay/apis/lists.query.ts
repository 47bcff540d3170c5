import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm'
import { MAX_SUMMARY_RANGE_DAYS, SOURCE_TYPES, TRADE_TYPES, type PayPlatform, type SourceType, type TradeType } from '@yima/shared'
import type { Executor } from '../../db/client'
import { orders, refunds, type OrderRow, type RefundRow } from '../../modules/payments/payment.schema'
import { orderFilters } from '../../modules/reports/details.repo'
import { scopeWhere, type Scope } from '../../modules/tenancy/scope'
import { CpayError } from '../envelope'

/*
 * Reading the list and overview requests (cloudpay-api.md §8 query_order_list, client_order_detail)
 * into yima's filters, and the one query that pages payments and refunds together.
 */

type Json = Record<string, unknown>

/** An integer field: absent (or null) is undefined; anything but an integer (or its digits) is 101. */
export function intField (c: Json, name: string): number | undefined {
  const v = c[name]
  if (v === undefined || v === null || v === '') return undefined
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new CpayError(101, 1, `参数${name}错误.`)
  return n
}

export function strField (c: Json, name: string): string | undefined {
  const v = c[name]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') throw new CpayError(101, 1, `参数${name}错误.`)
  return v
}

const byNumber = <K extends string>(table: Readonly<Record<K, number>>, n: number, name: string): K => {
  const key = (Object.keys(table) as K[]).find((k) => table[k] === n)
  if (key === undefined) throw new CpayError(101, 1, `参数${name}错误.`)
  return key
}

/** `[start_time, end_time)` in unix seconds, both required, at most 90 days (as yima's own reports). */
export function timeRange (c: Json): { from: Date, to: Date } {
  const start = intField(c, 'start_time')
  const end = intField(c, 'end_time')
  if (start === undefined) throw new CpayError(101, 1, '参数start_time错误.')
  if (end === undefined || end <= start) throw new CpayError(101, 1, '参数end_time错误.')
  if (end - start > MAX_SUMMARY_RANGE_DAYS * 86_400) throw new CpayError(101, 1, `查询时间范围不能超过${MAX_SUMMARY_RANGE_DAYS}天.`)
  return { from: new Date(start * 1000), to: new Date(end * 1000) }
}

/** `page_num` from 1, `page_size` 1–100 (default 10). */
export function paging (c: Json): { offset: number, limit: number } {
  const num = intField(c, 'page_num') ?? 1
  const size = intField(c, 'page_size') ?? 10
  if (num < 1) throw new CpayError(101, 1, '参数page_num错误.')
  if (size < 1 || size > 100) throw new CpayError(101, 1, '参数page_size错误.')
  return { offset: (num - 1) * size, limit: size }
}

/** SubPayPlatform → yima's platform; 300/401/402 (cards, bookkeeping) have no orders here. */
const SUB_PAY_PLATFORMS: Readonly<Record<number, PayPlatform | null>> = { 100: 'wechat_pay', 200: 'alipay', 300: null, 401: null, 402: null }
export const subPayPlatform = (p: string): number => p === 'wechat_pay' ? 100 : 200

/** What an order must match, apart from its time and state (those differ between payments and refunds). */
export interface OrderMatch {
  scope: Scope
  storeId?: string
  staffId?: string
  deviceId?: string
  qrCodeId?: string
  /** undefined = every platform; [] = none can match. */
  platforms?: PayPlatform[]
  sourceType?: SourceType
  tradeType?: TradeType
}

/**
 * The attribution filters of a list request. `out_shop_id` was resolved by the router to one of
 * the merchant's own stores (another's is refused there); ids of clerks, devices and QR codes are
 * yima's own, and only the merchant's orders are searched, so another's id simply matches nothing.
 */
export function orderMatch (c: Json, scope: Scope, storeId: string | undefined, o: { platformField: 'sub_pay_platforms' | 'pay_platform' }): OrderMatch {
  let platforms: PayPlatform[] | undefined
  if (o.platformField === 'sub_pay_platforms') {
    const list = c.sub_pay_platforms
    if (list !== undefined && list !== null) {
      if (!Array.isArray(list)) throw new CpayError(101, 1, '参数sub_pay_platforms错误.')
      if (list.length > 0) {
        platforms = list.map((v) => {
          if (typeof v !== 'number' || !(v in SUB_PAY_PLATFORMS)) throw new CpayError(101, 1, '参数sub_pay_platforms错误.')
          return SUB_PAY_PLATFORMS[v]
        }).filter((p): p is PayPlatform => p !== null && p !== undefined)
      }
    }
  } else {
    const p = intField(c, 'pay_platform')
    if (p !== undefined && p !== 0) platforms = p === 1 ? ['wechat_pay'] : p === 2 ? ['alipay'] : []
  }
  const source = intField(c, 'source_type')
  const trade = intField(c, 'trade_type')
  const staffId = strField(c, 'staff_id')
  const deviceId = strField(c, 'device_id')
  const qrCodeId = strField(c, 'qrcode_id')
  return {
    scope,
    ...(storeId === undefined ? {} : { storeId }),
    ...(staffId === undefined ? {} : { staffId }),
    ...(deviceId === undefined ? {} : { deviceId }),
    ...(qrCodeId === undefined ? {} : { qrCodeId }),
    ...(platforms === undefined ? {} : { platforms: [...new Set(platforms)] }),
    ...(source === undefined || source === 0 ? {} : { sourceType: byNumber(SOURCE_TYPES, source, 'source_type') }),
    ...(trade === undefined || trade === 0 ? {} : { tradeType: byNumber(TRADE_TYPES, trade, 'trade_type') }),
  }
}

/** The payments' WHERE: the reports' details filters (creation time, scope, attribution), plus what they lack. */
function paymentsWhere (m: OrderMatch, range: { from: Date, to: Date }, successOnly: boolean): SQL {
  const one = m.platforms?.length === 1 ? m.platforms[0] : undefined
  return and(
    orderFilters(m.scope, {
      ...range,
      ...(m.storeId === undefined ? {} : { storeId: m.storeId }),
      ...(m.staffId === undefined ? {} : { staffId: m.staffId }),
      ...(m.deviceId === undefined ? {} : { deviceId: m.deviceId }),
      ...(m.qrCodeId === undefined ? {} : { qrCodeId: m.qrCodeId }),
      ...(one === undefined ? {} : { payPlatform: one }),
      ...(m.sourceType === undefined ? {} : { sourceType: m.sourceType }),
      ...(successOnly ? { status: 'succeeded' as const } : {}),
    }),
    m.platforms?.length === 0 ? sql`false` : undefined,
    m.tradeType === undefined ? undefined : eq(orders.tradeType, m.tradeType),
  ) as SQL
}

/** The refunds' WHERE: requested in the range, their order matching the attribution filters. */
function refundsWhere (m: OrderMatch, range: { from: Date, to: Date }, successOnly: boolean): SQL {
  const o = orders
  return and(
    scopeWhere(m.scope, { sp: refunds.spId, merchant: refunds.merchantId, store: refunds.storeId }),
    scopeWhere(m.scope, { sp: o.spId, ssp: o.sspId, merchant: o.merchantId, store: o.storeId }),
    gte(refunds.createdAt, range.from),
    lt(refunds.createdAt, range.to),
    m.storeId === undefined ? undefined : eq(refunds.storeId, m.storeId),
    m.staffId === undefined ? undefined : eq(o.staffId, m.staffId),
    m.deviceId === undefined ? undefined : eq(o.deviceId, m.deviceId),
    m.qrCodeId === undefined ? undefined : eq(o.qrCodeId, m.qrCodeId),
    m.platforms === undefined ? undefined : m.platforms.length === 0 ? sql`false` : inArray(o.payPlatform, m.platforms),
    m.sourceType === undefined ? undefined : eq(o.sourceType, m.sourceType),
    m.tradeType === undefined ? undefined : eq(o.tradeType, m.tradeType),
    successOnly ? eq(refunds.status, 'succeeded') : undefined,
  ) as SQL
}

export type ListEntry = { kind: 'order', order: OrderRow } | { kind: 'refund', refund: RefundRow, order: OrderRow }

/**
 * One page of payments and/or refunds, newest first (payments by creation time, refunds by request
 * time), with the total. Page-numbered as Cloud Pay asks: the page is found with OFFSET on
 * (time, id), which is exact however the two kinds interleave.
 */
export async function listEntries (exec: Executor, m: OrderMatch, q: { from: Date, to: Date, payments: boolean, refunds: boolean, successOnly: boolean, offset: number, limit: number }): Promise<{ total: number, entries: ListEntry[] }> {
  const range = { from: q.from, to: q.to }
  const parts: SQL[] = []
  const counts: Array<Promise<number>> = []
  if (q.payments) {
    const where = paymentsWhere(m, range, q.successOnly)
    parts.push(sql`select 'o' as k, ${orders.id} as id, ${orders.createdAt} as at from ${orders} where ${where}`)
    counts.push(exec.select({ n: sql<number>`count(*)::int` }).from(orders).where(where).then(([r]) => Number(r?.n ?? 0)))
  }
  if (q.refunds) {
    const where = refundsWhere(m, range, q.successOnly)
    parts.push(sql`select 'r' as k, ${refunds.id} as id, ${refunds.createdAt} as at from ${refunds} join ${orders} on ${orders.id} = ${refunds.orderId} where ${where}`)
    counts.push(exec.select({ n: sql<number>`count(*)::int` }).from(refunds).innerJoin(orders, eq(orders.id, refunds.orderId)).where(where).then(([r]) => Number(r?.n ?? 0)))
  }
  if (parts.length === 0) return { total: 0, entries: [] }
  const [total, page] = await Promise.all([
    Promise.all(counts).then((ns) => ns.reduce((a, b) => a + b, 0)),
    exec.execute(sql`select k, id from (${sql.join(parts, sql` union all `)}) e order by at desc, id desc limit ${q.limit} offset ${q.offset}`),
  ])
  const keys = (page.rows as Array<{ k: string, id: string }>).map((r) => ({ k: String(r.k), id: String(r.id) }))
  const orderIds = keys.filter((r) => r.k === 'o').map((r) => r.id)
  const refundIds = keys.filter((r) => r.k === 'r').map((r) => r.id)
  const refundRows = refundIds.length === 0 ? [] : await exec.select().from(refunds).where(inArray(refunds.id, refundIds))
  const allOrderIds = [...new Set([...orderIds, ...refundRows.map((r) => r.orderId)])]
  const orderRows = allOrderIds.length === 0 ? [] : await exec.select().from(orders).where(inArray(orders.id, allOrderIds))
  const ordersById = new Map(orderRows.map((r) => [r.id, r]))
  const refundsById = new Map(refundRows.map((r) => [r.id, r]))
  const entries = keys.flatMap((k): ListEntry[] => {
    if (k.k === 'o') {
      const order = ordersById.get(k.id)
      return order === undefined ? [] : [{ kind: 'order', order }]
    }
    const refund = refundsById.get(k.id)
    const order = refund === undefined ? undefined : ordersById.get(refund.orderId)
    return refund === undefined || order === undefined ? [] : [{ kind: 'refund', refund, order }]
  })
  return { total, entries }
}
