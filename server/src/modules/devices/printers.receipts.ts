import { eq } from 'drizzle-orm'
import { fen, fenToYuanString, ORDER_STATUS_LABELS, REFUND_STATUS_LABELS, type Fen, type OrderStatus } from '@yima/shared'
import { DIVIDER, type PrintDocument } from '../../channels/devices'
import type { Executor } from '../../db/client'
import { orders, refunds, type OrderRow, type RefundRow } from '../payments/payment.schema'
import { qrCodes } from '../qr-codes/qr-codes.schema'
import { merchants, staff, stores } from '../tenancy/tenancy.schema'

/**
 * The texts cloud printers print and speakers say, in Chinese, from the order as it stands when
 * the job runs. Plain lines: the vendor adapters add their own markup.
 */

const CHINA_OFFSET_MS = 8 * 3600_000

/** 2024-05-01 12:34:56 in China time, whatever the server's time zone. */
export const chinaTime = (d: Date): string => new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')

const yuan = (f: number): string => `${fenToYuanString(fen(f))}元`

const PLATFORM_LABELS: Record<OrderRow['payPlatform'], string> = { wechat_pay: '微信支付', alipay: '支付宝' }

/** What a receipt names besides the order: looked up once per print. */
export interface ReceiptFacts {
  order: OrderRow
  merchantName: string
  storeName: string
  qrCodeName: string | null
  clerkName: string | null
}

export async function receiptFacts (exec: Executor, orderId: string): Promise<ReceiptFacts | undefined> {
  const [row] = await exec.select({ order: orders, merchantName: merchants.name, storeName: stores.name, branchName: stores.branchName })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .leftJoin(stores, eq(stores.id, orders.storeId))
    .where(eq(orders.id, orderId))
  if (row === undefined) return undefined
  const { order } = row
  const [code] = order.qrCodeId === null ? [] : await exec.select({ name: qrCodes.name }).from(qrCodes).where(eq(qrCodes.id, order.qrCodeId))
  const [clerk] = order.staffId === null ? [] : await exec.select({ name: staff.name }).from(staff).where(eq(staff.id, order.staffId))
  const store = row.storeName === null ? '' : `${row.storeName}${row.branchName === null || row.branchName === '' ? '' : `（${row.branchName}）`}`
  return { order, merchantName: row.merchantName, storeName: store, qrCodeName: code?.name ?? null, clerkName: clerk?.name ?? null }
}

/** The refund with its operator's name: a clerk or manager by name, the console as 管理后台. */
export async function refundFacts (exec: Executor, refundId: string): Promise<{ refund: RefundRow, operatorName: string } | undefined> {
  const [refund] = await exec.select().from(refunds).where(eq(refunds.id, refundId))
  if (refund === undefined) return undefined
  if (refund.operatorKind !== 'staff') return { refund, operatorName: '管理后台' }
  const [person] = await exec.select({ name: staff.name }).from(staff).where(eq(staff.id, refund.operatorId))
  return { refund, operatorName: person?.name ?? '店员' }
}

const header = (f: ReceiptFacts): string[] => [
  `商户：${f.merchantName}`,
  ...(f.storeName === '' ? [] : [`门店：${f.storeName}`]),
  ...(f.qrCodeName === null ? [] : [`收款码：${f.qrCodeName}`]),
  ...(f.clerkName === null ? [] : [`收款员：${f.clerkName}`]),
]

const paidLines = (o: OrderRow): string[] => [
  `支付方式：${PLATFORM_LABELS[o.payPlatform]}`,
  `订单金额：${yuan(o.amountFen)}`,
  ...(o.discountFen > 0 ? [`优惠金额：${yuan(o.discountFen)}`, `实付金额：${yuan(o.amountFen - o.discountFen)}`] : []),
]

const numbers = (o: OrderRow): string[] => [
  `订单号：${o.outTradeNo}`,
  ...(o.channelTxnId === null ? [] : [`交易单号：${o.channelTxnId}`]),
  ...(o.remark === null || o.remark === '' ? [] : [`备注：${o.remark}`]),
]

/** 收款小票: printed for every successful one-code payment. */
export function paymentReceipt (f: ReceiptFacts): PrintDocument {
  const o = f.order
  return {
    title: '收款小票',
    lines: [...header(f), DIVIDER, ...paidLines(o), `支付时间：${chinaTime(o.paidAt ?? o.updatedAt)}`, ...numbers(o), DIVIDER, '感谢惠顾，欢迎再次光临'],
  }
}

/** 退款小票: printed when a refund succeeds, and again on request. */
export function refundReceipt (f: ReceiptFacts, r: { refund: RefundRow, operatorName: string }): PrintDocument {
  const o = f.order
  const { refund } = r
  return {
    title: '退款小票',
    lines: [
      ...header(f),
      DIVIDER,
      `退款金额：${yuan(refund.amountFen)}`,
      `原订单金额：${yuan(o.amountFen)}`,
      `支付方式：${PLATFORM_LABELS[o.payPlatform]}`,
      `退款状态：${REFUND_STATUS_LABELS[refund.status]}`,
      ...(refund.refundedAt === null ? [] : [`退款时间：${chinaTime(refund.refundedAt)}`]),
      `退款单号：${refund.outRefundNo}`,
      `原订单号：${o.outTradeNo}`,
      ...(refund.reason === null || refund.reason === '' ? [] : [`退款原因：${refund.reason}`]),
      `操作人：${r.operatorName}`,
    ],
  }
}

/** 订单详情: on request from the order's page, as it stands at print time. */
export function orderDetail (f: ReceiptFacts, printedAt: Date): PrintDocument {
  const o = f.order
  return {
    title: '订单详情',
    lines: [
      ...header(f),
      DIVIDER,
      `订单状态：${ORDER_STATUS_LABELS[o.status as OrderStatus] ?? o.status}`,
      ...paidLines(o),
      ...(o.refundedFen > 0 ? [`已退款：${yuan(o.refundedFen)}`] : []),
      `下单时间：${chinaTime(o.createdAt)}`,
      ...(o.paidAt === null ? [] : [`支付时间：${chinaTime(o.paidAt)}`]),
      ...numbers(o),
      DIVIDER,
      `打印时间：${chinaTime(printedAt)}`,
    ],
  }
}

/** What a speaker says: "微信收款12.50元" (BRHK's prompt and amount; for the sandbox log and the ledger). */
export const announcement = (o: Pick<OrderRow, 'payPlatform' | 'amountFen'>): string =>
  `${o.payPlatform === 'wechat_pay' ? '微信' : '支付宝'}收款${fenToYuanString(o.amountFen as Fen)}元`
