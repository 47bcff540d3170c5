import {
  MAX_SUMMARY_RANGE_DAYS,
  type CloudPrintDto, type List, type OrderDto, type OrderStatus, type PrintSummaryBody, type SummaryDto, type SummaryGroup,
} from '@yima/shared'
import { addDays, chinaDayRange } from '../lib/china-time'
import { api } from '../lib/session'
import { getMe } from './staff'
import { listStores } from './stores'

/**
 * 交易汇总 and 交易明细 on the phone (R1, R2). The server decides who sees what: a merchant admin
 * their merchant's stores, a store manager their store, a clerk only the store they are on duty
 * at (403 with the reason otherwise, which the pages show as is).
 */

/** China days, both included: '2026-01-01' to '2026-01-05' is five days. */
export interface DayRange { start: string, end: string }

/** The instants a query sends, ISO 8601 with +08:00. */
export interface InstantRange { from: string, to: string }

/** 今天, 昨天, 近7天, 近30天: the quick choices, each ending today or yesterday. */
export const QUICK_RANGES: ReadonlyArray<{ label: string, range: (today: string) => DayRange }> = [
  { label: '今天', range: (today) => ({ start: today, end: today }) },
  { label: '昨天', range: (today) => ({ start: addDays(today, -1), end: addDays(today, -1) }) },
  { label: '近7天', range: (today) => ({ start: addDays(today, -6), end: today }) },
  { label: '近30天', range: (today) => ({ start: addDays(today, -29), end: today }) },
]

/** How many China days the range covers, both ends included. */
export const rangeDays = (r: DayRange): number =>
  Math.round((Date.parse(`${r.end}T00:00:00Z`) - Date.parse(`${r.start}T00:00:00Z`)) / 86_400_000) + 1

/**
 * Why a range cannot be asked for, or null when it can. The server refuses more than 90 days too;
 * saying it here spares a request that can only fail.
 */
export function rangeProblem (r: DayRange): string | null {
  if (r.start > r.end) return '开始日期不能晚于结束日期'
  if (rangeDays(r) > MAX_SUMMARY_RANGE_DAYS) return `一次最多查询 ${MAX_SUMMARY_RANGE_DAYS} 天`
  return null
}

/** From the first day's China midnight to the midnight after the last day, or to now when that is later. */
export function instantRange (r: DayRange, now: number = Date.now()): InstantRange {
  return { from: chinaDayRange(r.start, now).from, to: chinaDayRange(r.end, now).to }
}

/** The stores a person may pick on 交易汇总; `all`: they administer a merchant, so 全部门店 is a choice too. */
export interface ReportStores {
  all: boolean
  stores: Array<{ id: string, name: string }>
}

/** As 我的门店 lists them: the stores of every merchant the person administers, then those they work at. */
export async function reportStores (): Promise<ReportStores> {
  const { roles } = await getMe()
  const admined = [...new Set(roles.flatMap((r) => r.role === 'merchant_admin' && r.merchantId !== null ? [r.merchantId] : []))]
  const lists = await Promise.all(admined.map(listStores))
  const stores = lists.flat().map((s) => ({ id: s.id, name: s.branchName === null ? s.name : `${s.name}（${s.branchName}）` }))
  const listed = new Set(stores.map((s) => s.id))
  for (const r of roles) {
    if ((r.role === 'clerk' || r.role === 'store_manager') && r.storeId !== null && !listed.has(r.storeId)) {
      listed.add(r.storeId)
      stores.push({ id: r.storeId, name: r.storeName ?? '门店' })
    }
  }
  return { all: admined.length > 0, stores }
}

export interface SummaryRequest extends InstantRange {
  /** Absent: every store the caller may see (merchant admins). */
  storeId?: string
  groupBy?: SummaryGroup
}

// URLSearchParams encodes '+' as %2B: sent bare, the server would read '+08:00' as ' 08:00'.
function queryString (params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') q.set(name, String(value))
  }
  return q.toString()
}

export async function getSummary (req: SummaryRequest): Promise<SummaryDto> {
  const q = queryString({ from: req.from, to: req.to, storeId: req.storeId, groupBy: req.groupBy })
  return await api<SummaryDto>({ path: `/v1/mobile/reports/summary?${q}` })
}

/** Prints the summary slip (with `groupBy: 'staff'`, a line per clerk too) on the store's cloud printers. */
export async function printSummary (body: PrintSummaryBody): Promise<CloudPrintDto[]> {
  const answer = await api<{ data: CloudPrintDto[] }>({ method: 'POST', path: '/v1/mobile/reports/summary/print', data: body })
  return answer.data
}

/** What a print answer means for the person who tapped: how many printers took it. */
export function printResultText (prints: CloudPrintDto[]): string {
  if (prints.length === 0) return '门店没有可用的云打印机'
  const failed = prints.filter((p) => p.status === 'failed').length
  if (failed === prints.length) return '打印失败，请检查打印机'
  return failed === 0 ? `已发送到 ${prints.length} 台打印机` : `${prints.length - failed} 台打印机已接收，${failed} 台失败`
}

/** The filters of 交易明细, amounts already in fen. */
export interface OrderFilters {
  storeId?: string
  staffId?: string
  payPlatform?: 'wechat_pay' | 'alipay'
  status?: OrderStatus
  minFen?: number
  maxFen?: number
  outTradeNo?: string
}

export const ORDERS_PAGE_SIZE = 20

/** One page of orders created in the range, newest first; pass the last shown order's id for the next page. */
export async function searchOrders (range: InstantRange, filters: OrderFilters, startingAfter?: string): Promise<List<OrderDto>> {
  const q = queryString({
    from: range.from,
    to: range.to,
    storeId: filters.storeId,
    staffId: filters.staffId,
    payPlatform: filters.payPlatform,
    status: filters.status,
    minFen: filters.minFen,
    maxFen: filters.maxFen,
    outTradeNo: filters.outTradeNo,
    limit: ORDERS_PAGE_SIZE,
    startingAfter,
  })
  return await api<List<OrderDto>>({ path: `/v1/mobile/reports/orders?${q}` })
}
