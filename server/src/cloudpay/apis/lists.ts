import { and, eq, inArray } from 'drizzle-orm'
import { addCounters, NO_COUNTERS, SOURCE_TYPES, summaryFigures, TRADE_TYPES, wxpayOrderState, alipayOrderState, refundState, type SourceType, type SummaryCounters, type SummaryGroup, type TradeType } from '@yima/shared'
import type { Db } from '../../db/client'
import { cashierDevices } from '../../modules/devices/devices.schema'
import type { OrderRow, RefundRow } from '../../modules/payments/payment.schema'
import { qrCodes } from '../../modules/qr-codes/qr-codes.schema'
import { summaryCounters } from '../../modules/reports/summary.repo'
import { EMPTY_SCOPE, type Scope } from '../../modules/tenancy/scope'
import { staff, stores } from '../../modules/tenancy/tenancy.schema'
import { CpayError } from '../envelope'
import { orderClient, orderContent, payMchKey, refundOrderContent, unixSeconds } from '../order-content'
import type { CpayApis, CpayCall } from '../router'
import type { CpayApiDeps } from './index'
import { intField, listEntries, orderMatch, paging, strField, subPayPlatform, timeRange, type ListEntry, type OrderMatch } from './lists.query'

/*
 * The list and overview endpoints (cloudpay-api.md §8): query_order_list, query_order_list_overview,
 * client_order_detail, client_sub_mch_sales_overview. Read-only, over the reports module's queries,
 * always within the authenticated merchant (a Scope of that merchant only).
 */

type Json = Record<string, unknown>

const merchantScope = (call: CpayCall): Scope => ({ ...EMPTY_SCOPE, merchantIds: [call.merchant.id] })

/** The names the flattened rows carry, loaded once per page, within the merchant. */
interface Names { stores: Map<string, { outShopId: string, name: string }>, staff: Map<string, string>, devices: Map<string, string>, qrCodes: Map<string, string> }

async function namesOf (db: Db, merchantId: string, rows: OrderRow[]): Promise<Names> {
  const ids = (f: (o: OrderRow) => string | null): string[] => [...new Set(rows.map(f).filter((x): x is string => x !== null))]
  const storeIds = ids((o) => o.storeId)
  const staffIds = ids((o) => o.staffId)
  const deviceIds = ids((o) => o.deviceId)
  const qrIds = ids((o) => o.qrCodeId)
  const [s, p, d, q] = await Promise.all([
    storeIds.length === 0 ? [] : db.select({ id: stores.id, outShopId: stores.outShopId, name: stores.name }).from(stores).where(and(eq(stores.merchantId, merchantId), inArray(stores.id, storeIds))),
    staffIds.length === 0 ? [] : db.select({ id: staff.id, name: staff.name }).from(staff).where(and(eq(staff.merchantId, merchantId), inArray(staff.id, staffIds))),
    deviceIds.length === 0 ? [] : db.select({ id: cashierDevices.id, name: cashierDevices.name, sn: cashierDevices.sn }).from(cashierDevices).where(and(eq(cashierDevices.merchantId, merchantId), inArray(cashierDevices.id, deviceIds))),
    qrIds.length === 0 ? [] : db.select({ id: qrCodes.id, name: qrCodes.name, code: qrCodes.code }).from(qrCodes).where(and(eq(qrCodes.merchantId, merchantId), inArray(qrCodes.id, qrIds))),
  ])
  return {
    stores: new Map(s.map((r) => [r.id, { outShopId: r.outShopId, name: r.name }])),
    staff: new Map(p.map((r) => [r.id, r.name])),
    devices: new Map(d.map((r) => [r.id, r.name ?? r.sn])),
    qrCodes: new Map(q.map((r) => [r.id, r.name ?? r.code])),
  }
}

/** The attribution part of a flattened row: Cloud Pay ids and the names to show. */
function attribution (call: CpayCall, o: OrderRow, n: Names): Json {
  const store = o.storeId === null ? undefined : n.stores.get(o.storeId)
  const sourceType = SOURCE_TYPES[o.sourceType as SourceType] as number | undefined
  const tradeType = TRADE_TYPES[o.tradeType as TradeType] as number | undefined
  return {
    out_mch_id: call.sp.outMchId,
    out_sub_mch_id: call.merchant.outSubMchId,
    ...(store === undefined ? {} : { out_shop_id: store.outShopId, shop_name: store.name }),
    ...(o.staffId === null ? {} : { staff_id: o.staffId, staff_name: n.staff.get(o.staffId) ?? '' }),
    ...(o.deviceId === null ? {} : { device_id: o.deviceId, device_name: n.devices.get(o.deviceId) ?? '' }),
    ...(o.qrCodeId === null ? {} : { qrcode_id: o.qrCodeId, qrcode_name: n.qrCodes.get(o.qrCodeId) ?? '' }),
    ...(sourceType === undefined ? {} : { source_type: sourceType }),
    sub_pay_platform: subPayPlatform(o.payPlatform),
    ...(tradeType === undefined ? {} : { trade_type: tradeType }),
  }
}

const view = (o: OrderRow): { status: OrderRow['status'], tradeType: TradeType, refundedFen: number, amountFen: number } =>
  ({ status: o.status, tradeType: o.tradeType as TradeType, refundedFen: o.refundedFen, amountFen: o.amountFen })

/**
 * query_order_list's flattened payment (field names as Cloud Pay clients read them). The settled
 * amount leaves out the merchant-borne (免充值) discount, as the summaries define it (R1). Cloud Pay's
 * poundage (fee) is not known to yima, so `poundage` / `income_fee` are not sent.
 */
function flatOrder (call: CpayCall, o: OrderRow, n: Names): Json {
  const settlement = o.amountFen - o.noCashDiscountFen
  return {
    ...attribution(call, o, n),
    out_trade_no: o.outTradeNo,
    ...(o.channelTxnId === null ? {} : { transaction_id: o.channelTxnId }),
    total_fee: o.amountFen,
    fee_type: 'CNY',
    cash_fee: o.amountFen - o.discountFen,
    cash_fee_type: 'CNY',
    settlement_total_fee: settlement,
    discount_fee: o.discountFen,
    ...(o.paidAt === null ? {} : { time_end: unixSeconds(o.paidAt) }),
    create_time: unixSeconds(o.createdAt),
    last_update_time: unixSeconds(o.updatedAt),
    body: o.description,
    ...(o.remark === null ? {} : { remark: o.remark }),
    refunded_fee: o.refundedFen,
    ...(o.goodsTag === null ? {} : { goods_tag: o.goodsTag }),
    ...(o.payPlatform === 'wechat_pay' ? { wxpay_current_trade_state: wxpayOrderState(view(o)) } : { alipay_current_trade_state: alipayOrderState(view(o)) }),
    is_deposit_mode: false,
  }
}

/** query_order_list's flattened refund; the refunded settlement is prorated like the summaries'. */
function flatRefund (call: CpayCall, o: OrderRow, r: RefundRow, n: Names): Json {
  const state = refundState(r.status)
  return {
    ...attribution(call, o, n),
    out_trade_no: o.outTradeNo,
    total_fee: o.amountFen,
    out_refund_no: r.outRefundNo,
    ...(r.channelRefundId === null ? {} : { refund_id: r.channelRefundId }),
    refund_fee: r.amountFen,
    settlement_refund_fee: r.amountFen - Math.floor(r.amountFen * o.noCashDiscountFen / o.amountFen),
    refund_fee_type: 'CNY',
    create_time: unixSeconds(r.createdAt),
    last_update_time: unixSeconds(r.updatedAt),
    ...(r.refundedAt === null ? {} : { refund_success_time: unixSeconds(r.refundedAt) }),
    pay_last_update_time: unixSeconds(o.updatedAt),
    ...(r.reason === null ? {} : { refund_reason: r.reason }),
    ...(o.payPlatform === 'wechat_pay' ? { wxpay_refund_state: state } : { alipay_refund_state: state }),
    is_deposit_mode: false,
  }
}

/** order_type / query_order_type: 1 payments, 2 refunds, 3 both (absent or 0 = both); 4/5 (deposits) have no rows in yima. */
function kinds (c: Json, field: string): { payments: boolean, refunds: boolean } {
  const t = intField(c, field) ?? 0
  switch (t) {
    case 0:
    case 3: return { payments: true, refunds: true }
    case 1: return { payments: true, refunds: false }
    case 2: return { payments: false, refunds: true }
    case 4:
    case 5: return { payments: false, refunds: false }
    default: throw new CpayError(101, 1, `参数${field}错误.`)
  }
}

/** `status`: 0 (or absent) = successful ones only, 1 = all. */
function successOnly (c: Json): boolean {
  const s = intField(c, 'status') ?? 0
  if (s !== 0 && s !== 1) throw new CpayError(101, 1, '参数status错误.')
  return s === 0
}

/**
 * The summary figures of [from, to) for the merchant (or its store), and at most one of clerk,
 * device or QR code (a group of the summaries). The summaries count every platform, trade type and
 * source: a narrower filter is refused rather than answered with figures that ignore it.
 */
async function overviewCounters (d: CpayApiDeps, call: CpayCall, m: OrderMatch, range: { from: Date, to: Date }): Promise<SummaryCounters> {
  if ((m.platforms !== undefined && !(m.platforms.includes('wechat_pay') && m.platforms.includes('alipay'))) || m.sourceType !== undefined || m.tradeType !== undefined) {
    throw new CpayError(101, 1, '汇总不支持按支付平台、交易类型或订单来源筛选.')
  }
  const by: Array<[SummaryGroup, string]> = []
  if (m.staffId !== undefined) by.push(['staff', m.staffId])
  if (m.deviceId !== undefined) by.push(['device', m.deviceId])
  if (m.qrCodeId !== undefined) by.push(['qr_code', m.qrCodeId])
  if (by.length > 1) throw new CpayError(101, 1, '汇总只能按店员、设备、二维码之一筛选.')
  const where = { scope: m.scope, merchantId: call.merchant.id, ...(m.storeId === undefined ? {} : { storeId: m.storeId }) }
  const [group] = by
  const counters = await summaryCounters(d.db, where, range.from, range.to, group === undefined ? null : group[0])
  return counters.get(group === undefined ? '' : group[1]) ?? NO_COUNTERS
}

/**
 * An Overview from yima's figures (shared/src/reports.ts). pay_settle / refund_settle are the
 * settlement figures; settle_amount and income_amount are what remains (yima knows no poundage,
 * so both equal 实收金额; assumed).
 */
function overview (c: SummaryCounters): Json {
  const f = summaryFigures(c)
  return {
    success_count: f.tradeCount,
    success_amount: f.tradeFen,
    discount_amount: f.discountFen,
    pay_settle_amount: f.settlementFen,
    refund_settle_amount: f.refundSettlementFen,
    settle_amount: f.realReceivedFen,
    refund_create_count: f.refundCount,
    refund_create_amount: f.refundFen,
    income_amount: f.realReceivedFen,
  }
}

const storeIdOf = (call: CpayCall): string | undefined => call.store?.id

export function listApis (d: CpayApiDeps): CpayApis {
  const names = async (call: CpayCall, entries: ListEntry[]): Promise<Names> => await namesOf(d.db, call.merchant.id, entries.map((e) => e.order))

  return {
    query_order_list: {
      payloadKey: 'query_order_list',
      handle: async (call) => {
        const c = call.content
        const m = orderMatch(c, merchantScope(call), storeIdOf(call), { platformField: 'sub_pay_platforms' })
        const page = await listEntries(d.db, m, { ...timeRange(c), ...kinds(c, 'order_type'), successOnly: successOnly(c), ...paging(c) })
        const n = await names(call, page.entries)
        return {
          total_count: page.total,
          order_details: page.entries.map((e) => e.kind === 'order' ? { order: flatOrder(call, e.order, n) } : { refund_order: flatRefund(call, e.order, e.refund, n) }),
        }
      },
    },

    query_order_list_overview: {
      payloadKey: 'query_order_list_overview',
      handle: async (call) => {
        const c = call.content
        if (strField(c, 'out_trade_no') !== undefined || strField(c, 'out_refund_no') !== undefined) throw new CpayError(101, 1, '汇总不支持按订单号筛选.')
        const m = orderMatch(c, merchantScope(call), storeIdOf(call), { platformField: 'sub_pay_platforms' })
        return { total_count: 1, overviews: [overview(await overviewCounters(d, call, m, timeRange(c)))] }
      },
    },

    client_order_detail: {
      payloadKey: 'order_detail_query',
      handle: async (call) => {
        const c = call.content
        const m = orderMatch(c, merchantScope(call), storeIdOf(call), { platformField: 'pay_platform' })
        const range = timeRange(c)
        // The old query lists every state; `enable_overview` adds the range's figures.
        const page = await listEntries(d.db, m, { ...range, ...kinds(c, 'query_order_type'), successOnly: false, ...paging(c) })
        const n = await names(call, page.entries)
        const wantOverview = c.enable_overview === true || c.enable_overview === 1
        const rows = { sp: call.sp, merchant: call.merchant }
        return {
          total_count: page.total,
          order_details: page.entries.map((e) => {
            const store = e.order.storeId === null ? undefined : n.stores.get(e.order.storeId)
            const base = { ...rows, order: e.order, store: store === undefined ? null : { outShopId: store.outShopId } }
            const orderMch = payMchKey(base)
            const receipt = e.kind === 'order'
              ? { order: { order_mch: orderMch, order_content: orderContent(base), order_client: orderClient(base) } }
              : { refund_order: { order_mch: orderMch, refund_order_content: refundOrderContent({ order: e.order, refund: e.refund }), order_client: orderClient(base) } }
            return {
              ...(store === undefined ? {} : { shop_info: { out_shop_id: store.outShopId, shop_name: store.name } }),
              ...(e.order.staffId === null ? {} : { shop_staff_info: { staff_id: e.order.staffId, staff_name: n.staff.get(e.order.staffId) ?? '' } }),
              receipt,
              display_time_field: unixSeconds(e.kind === 'order' ? e.order.createdAt : e.refund.createdAt),
            }
          }),
          ...(wantOverview && m.platforms === undefined && m.sourceType === undefined && m.tradeType === undefined
            ? { overview: overview(await overviewCounters(d, call, m, range)) }
            : {}),
        }
      },
    },

    client_sub_mch_sales_overview: {
      payloadKey: 'client_sub_mch_sales_overview',
      handle: async (call) => {
        const c = call.content
        const range = timeRange(c)
        const statType = intField(c, 'stat_type') ?? 1
        if (![1, 2, 3, 4].includes(statType)) throw new CpayError(101, 1, '参数stat_type错误.')
        const shops = Array.isArray(c.shops) ? c.shops as unknown[] : []
        if (shops.length > 1) throw new CpayError(101, 1, '销售统计一次只能查询一个门店.')
        const shop = (shops[0] ?? {}) as Json
        const outShopId = strField(shop, 'out_shop_id')
        let storeId = storeIdOf(call)
        if (outShopId !== undefined) {
          const [row] = await d.db.select({ id: stores.id }).from(stores).where(and(eq(stores.outShopId, outShopId), eq(stores.merchantId, call.merchant.id)))
          if (row === undefined) throw new CpayError(101, 3, '参数out_shop_id错误.')
          storeId = row.id
        }
        const where = { scope: merchantScope(call), merchantId: call.merchant.id, ...(storeId === undefined ? {} : { storeId }) }
        const days = await summaryCounters(d.db, where, range.from, range.to, 'day')
        const buckets = new Map<number, SummaryCounters>()
        let total: SummaryCounters = NO_COUNTERS
        for (const [key, counters] of days) {
          const start = bucketStart(Number(key), statType)
          buckets.set(start, addCounters(buckets.get(start) ?? NO_COUNTERS, counters))
          total = addCounters(total, counters)
        }
        const { offset, limit } = paging(c)
        const all = [...buckets.entries()].sort(([a], [b]) => a - b)
        return {
          total_count: all.length,
          overview: overview(total),
          stat_infos: all.slice(offset, offset + limit).map(([start, counters]) => ({ stat_time: start, ...overview(counters) })),
        }
      },
    },
  }
}

const CHINA_OFFSET_S = 8 * 3600

/** The start (unix s) of the day / month / week (Monday) / year a China day starts, in China time. */
function bucketStart (dayStart: number, statType: number): number {
  if (statType === 1) return dayStart
  const local = new Date((dayStart + CHINA_OFFSET_S) * 1000)
  const y = local.getUTCFullYear()
  const mo = local.getUTCMonth()
  const day = local.getUTCDate()
  const utc = statType === 2
    ? Date.UTC(y, mo, 1)
    : statType === 4
      ? Date.UTC(y, 0, 1)
      : Date.UTC(y, mo, day - ((local.getUTCDay() + 6) % 7))
  return utc / 1000 - CHINA_OFFSET_S
}
