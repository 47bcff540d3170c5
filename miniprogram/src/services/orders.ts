import type {
  CloudPrintDto, DeliveryDto, HandoverSummaryDto, List, OrderDto, PrintOrderBody, RefundBody, RefundDto, StoreDTO,
} from '@yima/shared'
import { api, errorText } from '../lib/session'

/**
 * The staff app's orders, refunds and handover summaries (H2, H3, P5, N2). Every call goes through
 * `api`, which signs in first; permission answers (a clerk off duty, no refund permission) come
 * back as ApiError with the server's own words.
 */

const ORDERS_PAGE_SIZE = 20

const enc = encodeURIComponent

/** One page of a store's orders, newest first; pass the last shown order's id for the next page. */
export async function storeOrders (storeId: string, startingAfter?: string): Promise<List<OrderDto>> {
  const q = new URLSearchParams({ limit: String(ORDERS_PAGE_SIZE) })
  if (startingAfter !== undefined) q.set('startingAfter', startingAfter)
  return await api<List<OrderDto>>({ path: `/v1/mobile/stores/${enc(storeId)}/orders?${q.toString()}` })
}

/** A part of a page that may fail on its own (a clerk may see an order but not its delivery ledger). */
export type Part<T> = { ok: true, data: T } | { ok: false, error: string }

async function part<T> (load: Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, data: await load }
  } catch (e) {
    return { ok: false, error: errorText(e) }
  }
}

export interface OrderDetail {
  order: OrderDto
  /** Null when the order has no store or the store could not be read: the page shows its id. */
  store: StoreDTO | null
  refunds: Part<RefundDto[]>
  deliveries: Part<DeliveryDto[]>
}

/**
 * The order page's data. Only the order itself decides whether the page can show (403 off duty,
 * 404); its refunds, delivery ledger and store name are extras that fail on their own.
 */
export async function orderDetail (orderId: string): Promise<OrderDetail> {
  const path = `/v1/mobile/orders/${enc(orderId)}`
  const [order, refunds, deliveries] = await Promise.all([
    api<OrderDto>({ path }),
    part(api<List<RefundDto>>({ path: `${path}/refunds` }).then((l) => l.data)),
    part(api<List<DeliveryDto>>({ path: `${path}/deliveries` }).then((l) => l.data)),
  ])
  const store = order.storeId === null
    ? null
    : await api<StoreDTO>({ path: `/v1/mobile/stores/${enc(order.storeId)}` }).catch(() => null)
  return { order, store, refunds, deliveries }
}

/**
 * Refunds part or all of an order. `idempotencyKey` stays the same while the person retries the
 * same refund (a lost answer, a double tap), so the server replays the first result instead of
 * refunding twice.
 */
export async function refundOrder (orderId: string, body: RefundBody, idempotencyKey: string): Promise<RefundDto> {
  return await api<RefundDto>({
    method: 'POST',
    path: `/v1/mobile/orders/${enc(orderId)}/refunds`,
    data: body,
    idempotent: true,
    idempotencyKey,
  })
}

/** Prints the order (or, with `refundId`, that refund's receipt) on the store's cloud printers. */
export async function printOrder (orderId: string, refundId?: string): Promise<List<CloudPrintDto>> {
  const body: PrintOrderBody = refundId === undefined ? {} : { refundId }
  return await api<List<CloudPrintDto>>({ method: 'POST', path: `/v1/mobile/orders/${enc(orderId)}/print`, data: body })
}

/** The handover summaries of a store in [from, to); a clerk gets only their own. */
export async function handoverSummaries (storeId: string, range: { from: string, to: string }): Promise<HandoverSummaryDto[]> {
  const q = new URLSearchParams(range)
  const list = await api<List<HandoverSummaryDto>>({ path: `/v1/mobile/stores/${enc(storeId)}/handover?${q.toString()}` })
  return list.data
}

/** Prints one shift's summary on the store's cloud printers. */
export async function printHandover (storeId: string, shiftId: string): Promise<List<CloudPrintDto>> {
  return await api<List<CloudPrintDto>>({ method: 'POST', path: `/v1/mobile/stores/${enc(storeId)}/handover/print`, data: { shiftId } })
}

/** What a print answer means for the person who tapped: how many printers took it. */
export function printedText (prints: List<CloudPrintDto>): string {
  const failed = prints.data.filter((p) => p.status === 'failed').length
  if (failed === prints.data.length) return '打印失败，请检查打印机'
  return failed === 0 ? `已发送到 ${prints.data.length} 台打印机` : `${prints.data.length - failed} 台打印机已接收，${failed} 台失败`
}
