/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * Transaction summaries (mission R1, seed 000 查看交易汇总). The figures and their definitions,
 * written once: the server computes them (rollups and raw orders alike), the apps label them,
 * and the Cloud Pay overview API maps them to its field names.
 *
 * Counted, in integer fen:
 * - A **payment** is an order that succeeded (any source: store codes, micropay, API), counted at
 *   its payment time. A payment reversed after success (micropay 撤销) no longer counts.
 * - A **refund** is a refund request not failed (processing or succeeded: the money is committed),
 *   counted at its request time — whenever the payment was — as Cloud Pay's refund_create_* are.
 */
export const SUMMARY_FIGURES = {
  tradeFen: { label: '交易金额', definition: '成功支付订单的订单金额之和' },
  // 预充值 vouchers are paid from the batch's funds and settled to the merchant; 免充值 ones the merchant bears.
  settlementFen: { label: '结算金额', definition: '交易金额 − 免充值优惠金额（商户承担的免充值代金券不结算给商户；预充值代金券照常结算）' },
  realReceivedFen: { label: '实收金额', definition: '结算金额 − 退款结算金额' },
  discountFen: { label: '优惠金额', definition: '成功支付订单中代金券等优惠的金额之和' },
  refundFen: { label: '退款金额', definition: '发起且未失败的退款金额之和（按退款发起时间）' },
  refundSettlementFen: { label: '退款结算金额', definition: '退款金额 − 按比例退回代金券的免充值优惠金额' },
  tradeCount: { label: '交易笔数', definition: '成功支付的订单数' },
  refundCount: { label: '退款笔数', definition: '发起且未失败的退款数' },
} as const
export type SummaryFigure = keyof typeof SUMMARY_FIGURES

export interface SummaryFigures {
  tradeCount: number
  tradeFen: number
  discountFen: number
  settlementFen: number
  refundCount: number
  refundFen: number
  refundSettlementFen: number
  /** settlementFen − refundSettlementFen. */
  realReceivedFen: number
}

/** What the stored counters hold; the rest follows from them (summaryFigures). */
export type SummaryCounters = Omit<SummaryFigures, 'realReceivedFen'>

export const NO_COUNTERS: SummaryCounters = { tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0 }

export function summaryFigures (c: SummaryCounters): SummaryFigures {
  return { ...c, realReceivedFen: c.settlementFen - c.refundSettlementFen }
}

export function addCounters (a: SummaryCounters, b: SummaryCounters): SummaryCounters {
  return {
    tradeCount: a.tradeCount + b.tradeCount,
    tradeFen: a.tradeFen + b.tradeFen,
    discountFen: a.discountFen + b.discountFen,
    settlementFen: a.settlementFen + b.settlementFen,
    refundCount: a.refundCount + b.refundCount,
    refundFen: a.refundFen + b.refundFen,
    refundSettlementFen: a.refundSettlementFen + b.refundSettlementFen,
  }
}

/** The longest summary range (seed: 最长 90 天). */
export const MAX_SUMMARY_RANGE_DAYS = 90

export const SUMMARY_GROUPS = ['store', 'staff', 'device', 'qr_code', 'day', 'hour'] as const
export type SummaryGroup = typeof SUMMARY_GROUPS[number]
export const SUMMARY_GROUP_LABELS: Record<SummaryGroup, string> = { store: '按门店', staff: '按店员', device: '按设备', qr_code: '按二维码', day: '按天', hour: '按小时' }

const instant = z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，带时区（如 2026-01-05T00:00:00+08:00）' }).transform((s) => new Date(s))
const id = z.string().trim().min(1).max(64)

/** `?from&to&merchantId&storeId&groupBy`: a range of at most 90 days, to the second. */
export const SummaryQuery = z.object({
  from: instant,
  to: instant,
  merchantId: id.optional(),
  storeId: id.optional(),
  groupBy: z.enum(SUMMARY_GROUPS, { message: '分组只能是门店、店员、设备、二维码、天或小时' }).optional(),
}).refine((q) => q.from < q.to, { message: '结束时间必须晚于开始时间', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_SUMMARY_RANGE_DAYS * 86_400_000, { message: `一次最多查询 ${MAX_SUMMARY_RANGE_DAYS} 天`, path: ['to'] })
export type SummaryQuery = z.infer<typeof SummaryQuery>

export interface SummaryGroupDto extends SummaryFigures {
  /** The store, staff, device or QR code id; the bucket's start (ISO) for day and hour; null = none (e.g. orders without a clerk). */
  key: string | null
  /** Its name to show (门店名、店员姓名、设备 SN、二维码名称; 2026-01-05 or 2026-01-05 09:00 China time). */
  label: string
}

export interface SummaryDto {
  from: string
  to: string
  total: SummaryFigures
  groupBy: SummaryGroup | null
  groups: SummaryGroupDto[]
}

/** `POST …/reports/summary/print`: a summary slip on the store's own printers (seed: 门店绑定的云打印机). */
export const PrintSummaryBody = z.object({
  from: instant,
  to: instant,
  storeId: id,
  /** `staff`: one line per clerk as well (店员的交易汇总). */
  groupBy: z.enum(['staff']).optional(),
}).strict()
  .refine((q) => q.from < q.to, { message: '结束时间必须晚于开始时间', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_SUMMARY_RANGE_DAYS * 86_400_000, { message: `一次最多查询 ${MAX_SUMMARY_RANGE_DAYS} 天`, path: ['to'] })
export type PrintSummaryBody = z.input<typeof PrintSummaryBody>

/**
 * Transaction details (R2): `?from&to` (by creation time, ≤ 90 days) and any of the filters, newest
 * first, keyset-paged with `limit` and `startingAfter` (the last order id of the page before).
 */
export const OrderSearchQuery = z.object({
  from: instant,
  to: instant,
  merchantId: id.optional(),
  storeId: id.optional(),
  staffId: id.optional(),
  deviceId: id.optional(),
  qrCodeId: id.optional(),
  payPlatform: z.enum(['wechat_pay', 'alipay'], { message: '支付渠道只能是 wechat_pay 或 alipay' }).optional(),
  status: z.enum(['created', 'pending', 'succeeded', 'failed', 'closed', 'reversed'], { message: '订单状态不正确' }).optional(),
  sourceType: z.enum(['one_code', 'staff_outdoor_qr', 'bound_qr', 'fixed_amount_qr', 'card_recharge', 'temporary_qr', 'card_one_code'], { message: '订单来源不正确' }).optional(),
  minFen: z.coerce.number().int().min(0).optional(),
  maxFen: z.coerce.number().int().min(0).optional(),
  /** The merchant's order number (out_trade_no), exactly. */
  outTradeNo: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  startingAfter: id.optional(),
}).refine((q) => q.from < q.to, { message: '结束时间必须晚于开始时间', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_SUMMARY_RANGE_DAYS * 86_400_000, { message: `一次最多查询 ${MAX_SUMMARY_RANGE_DAYS} 天`, path: ['to'] })
  .refine((q) => q.minFen === undefined || q.maxFen === undefined || q.minFen <= q.maxFen, { message: '最低金额不能高于最高金额', path: ['maxFen'] })
export type OrderSearchQuery = z.infer<typeof OrderSearchQuery>

/** The columns a CSV export may have, in this order, with their header (R2: 可选择导出字段). */
export const ORDER_CSV_FIELDS = {
  outTradeNo: '商户订单号',
  channelTxnId: '渠道交易号',
  createdAt: '下单时间',
  paidAt: '支付时间',
  status: '订单状态',
  payPlatform: '支付渠道',
  sourceType: '订单来源',
  storeName: '门店',
  staffName: '店员',
  deviceSn: '设备',
  qrCodeName: '二维码',
  amount: '订单金额（元）',
  discount: '优惠金额（元）',
  settlement: '结算金额（元）',
  refunded: '已退款（元）',
  remark: '备注',
} as const
export type OrderCsvField = keyof typeof ORDER_CSV_FIELDS
export const ORDER_CSV_FIELD_NAMES = Object.keys(ORDER_CSV_FIELDS) as OrderCsvField[]

/** `GET /v1/reports/orders.csv?…&fields=a,b`: the search's filters (no paging) and the chosen columns (all when absent). */
export const OrderExportQuery = z.object({
  fields: z.string().optional().transform((s, ctx) => {
    if (s === undefined || s.trim() === '') return ORDER_CSV_FIELD_NAMES
    const chosen = s.split(',').map((f) => f.trim()).filter((f) => f !== '')
    const unknown = chosen.filter((f) => !(ORDER_CSV_FIELD_NAMES as string[]).includes(f))
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `未知的导出字段：${unknown.join('、')}` })
    // In the table's order, once each.
    return ORDER_CSV_FIELD_NAMES.filter((f) => chosen.includes(f))
  }),
})
/** The export's row count comes first, so a client can show progress while the rows stream. */
export const EXPORT_ROW_COUNT_HEADER = 'X-Row-Count'
