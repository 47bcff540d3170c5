import {
  ApiError, EXPORT_ROW_COUNT_HEADER, isErrorBody, newRequestId,
  type CloudPrintDto, type DeliveryDto, type List, type OrderCsvField, type OrderDto, type OrderSearchQuery,
  type PrintSummaryBody, type RefundDto, type StaffDTO, type StoreDTO, type SummaryDto, type SummaryGroup,
} from '@yima/shared'
import { query } from './api'
import { api, loadSession } from './session'

/**
 * The console's reports (R1, R2): summaries, the order search and its CSV export, one order with
 * its refunds and deliveries. The server scopes every call to the signed-in account (SP owner or
 * sub-SP), so the same calls serve both.
 */

const enc = encodeURIComponent

export interface SummaryParams {
  /** ISO 8601 with offset (`2026-11-01T00:00:00+08:00`); to − from ≤ 90 days. */
  from: string
  to: string
  merchantId?: string
  storeId?: string
  groupBy?: SummaryGroup
}

export const getSummary = async (p: SummaryParams): Promise<SummaryDto> =>
  await api<SummaryDto>({ path: `/v1/reports/summary${query({ ...p })}` })

/** A summary slip on the store's own cloud printers; `groupBy: 'staff'` adds a line per clerk. */
export const printSummary = async (body: PrintSummaryBody): Promise<CloudPrintDto[]> =>
  (await api<{ data: CloudPrintDto[] }>({ method: 'POST', path: '/v1/reports/summary/print', data: body })).data

/** The search's filters as sent: times as ISO strings with offset, amounts in fen. */
export type OrderFilterParams = Omit<OrderSearchQuery, 'from' | 'to' | 'limit' | 'startingAfter'> & { from: string, to: string }

export const ORDERS_PAGE_SIZE = 20

/** One page of orders, newest first; the next page starts after the last id of this one. */
export const searchOrders = async (filters: OrderFilterParams, startingAfter?: string): Promise<List<OrderDto>> =>
  await api<List<OrderDto>>({ path: `/v1/reports/orders${query({ ...filters, limit: ORDERS_PAGE_SIZE, startingAfter })}` })

export const getOrder = async (id: string): Promise<OrderDto> => await api<OrderDto>({ path: `/v1/orders/${enc(id)}` })

export const listOrderRefunds = async (id: string): Promise<RefundDto[]> =>
  (await api<List<RefundDto>>({ path: `/v1/orders/${enc(id)}/refunds` })).data

/** Who was told of the order and its refunds, and how (公众号消息, 短信, 打印, 播报). */
export const listOrderDeliveries = async (id: string): Promise<DeliveryDto[]> =>
  (await api<List<DeliveryDto>>({ path: `/v1/orders/${enc(id)}/deliveries` })).data

/** Prints the order (or, with `refundId`, that refund's receipt) on the store's cloud printers. */
export const printOrder = async (id: string, refundId?: string): Promise<CloudPrintDto[]> =>
  (await api<List<CloudPrintDto>>({ method: 'POST', path: `/v1/orders/${enc(id)}/print`, data: refundId === undefined ? {} : { refundId } })).data

export const listMerchantStores = async (merchantId: string): Promise<StoreDTO[]> =>
  (await api<List<StoreDTO>>({ path: `/v1/merchants/${enc(merchantId)}/stores` })).data

export const getStore = async (id: string): Promise<StoreDTO> => await api<StoreDTO>({ path: `/v1/stores/${enc(id)}` })

export const getStaff = async (id: string): Promise<StaffDTO> => await api<StaffDTO>({ path: `/v1/staff/${enc(id)}` })

/** What a print answer means to the person who clicked: how many printers took it. */
export function printedText (prints: readonly CloudPrintDto[]): string {
  if (prints.length === 0) return '门店没有可用的云打印机'
  const failed = prints.filter((p) => p.status === 'failed').length
  if (failed === prints.length) return '打印失败，请检查打印机'
  return failed === 0 ? `已发送到 ${prints.length} 台打印机` : `${prints.length - failed} 台打印机已接收，${failed} 台失败`
}

/** Rows received so far and the total the server announced (null when it did not). */
export interface ExportProgress { rows: number, total: number | null }

export interface CsvExport { blob: Blob, rows: number }

const QUOTE = 0x22
const NEWLINE = 0x0a

/**
 * Counts CSV records in a byte stream, chunk by chunk. Bytes, not text: in UTF-8 every byte of a
 * multi-byte character is ≥ 0x80, so `"` and `\n` are never part of one, and no decoder is needed.
 * A newline inside a quoted field (a remark) does not end a record.
 */
export function csvRecordCounter (): { push: (chunk: Uint8Array) => number, end: () => number } {
  let records = 0
  let quoted = false
  let open = false
  return {
    push (chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]
        if (b === QUOTE) quoted = !quoted
        if (b === NEWLINE && !quoted) {
          records++
          open = false
        } else {
          open = true
        }
      }
      return records
    },
    // A last record without a trailing newline.
    end: () => records + (open ? 1 : 0),
  }
}

const base = process.env.TARO_APP_API_BASE ?? ''

async function errorOf (res: Response, requestId: string): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await res.json()
  } catch { /* not JSON */ }
  if (isErrorBody(body)) return new ApiError(res.status, body.error.type, body.error.code, body.error.message, body.error.param, body.error.requestId ?? requestId)
  return new ApiError(res.status, 'internal', 'internal_error', '导出失败，请稍后再试', undefined, requestId)
}

async function fetchCsv (url: string): Promise<Response> {
  const session = loadSession()
  if (session === null) throw new ApiError(401, 'authentication', 'unauthenticated', '请先登录')
  const requestId = newRequestId()
  let res: Response
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${session.accessToken}`, 'X-Request-Id': requestId, Accept: 'text/csv' } })
  } catch {
    throw new ApiError(0, 'unavailable', 'network_error', '网络连接失败，请检查网络后重试', undefined, requestId)
  }
  if (res.ok) return res
  throw await errorOf(res, requestId)
}

/**
 * `GET /v1/reports/orders.csv`, streamed: the body is read chunk by chunk and `onProgress` hears
 * how many rows arrived against the X-Row-Count the server sent first. It needs the bearer token
 * like every console call, so it is a fetch, not a link. An expired access token is renewed the
 * way every other call renews it (through `api`), and the export asked for once more.
 */
export async function exportOrdersCsv (filters: OrderFilterParams, fields: readonly OrderCsvField[], onProgress: (p: ExportProgress) => void): Promise<CsvExport> {
  const url = `${base}/v1/reports/orders.csv${query({ ...filters, fields: fields.join(',') })}`
  let res: Response
  try {
    res = await fetchCsv(url)
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401 && e.code === 'session_expired')) throw e
    // `api` refreshes the token pair (or signs out when it cannot); then once more.
    await api<unknown>({ path: '/v1/console/me' })
    res = await fetchCsv(url)
  }

  const header = res.headers.get(EXPORT_ROW_COUNT_HEADER)
  const total = header === null || !/^\d+$/.test(header.trim()) ? null : Number(header.trim())
  const counter = csvRecordCounter()
  // The header line is a record too, not a row.
  const rowsOf = (records: number): number => Math.max(0, records - 1)
  onProgress({ rows: 0, total })

  const chunks: Uint8Array[] = []
  if (res.body === null) {
    const whole = new Uint8Array(await res.arrayBuffer())
    chunks.push(whole)
    counter.push(whole)
  } else {
    const reader = res.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      onProgress({ rows: rowsOf(counter.push(value)), total })
    }
  }
  const rows = rowsOf(counter.end())
  onProgress({ rows, total })
  return { blob: new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' }), rows }
}
