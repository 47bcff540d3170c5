import { PassThrough } from 'node:stream'
import Router from '@koa/router'
import { inArray } from 'drizzle-orm'
import type { DefaultContext, Middleware } from 'koa'
import {
  AppError, EXPORT_ROW_COUNT_HEADER, fen, fenToYuanString, ORDER_CSV_FIELDS, ORDER_STATUS_LABELS, OrderExportQuery, OrderSearchQuery,
  PrintSummaryBody, SummaryQuery, type CloudPrintDto, type List, type OrderCsvField, type OrderDto,
} from '@yima/shared'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { cashierDevices } from '../devices/devices.schema'
import { orderDto } from '../payments/orders.routes'
import type { OrderRow } from '../payments/payment.schema'
import { onDuty } from '../payments/refund.policy'
import { qrCodes } from '../qr-codes/qr-codes.schema'
import { chinaTime } from '../shifts/handover'
import { storeInScope } from '../shifts/shifts.repo'
import { mobileSession, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff, type Scope } from '../tenancy/scope'
import { staff, stores, type StaffRow } from '../tenancy/tenancy.schema'
import { allOrders, countOrders, searchOrders } from './details.repo'
import type { ReportsService } from './reports.service'

export interface ReportRouteDeps { db: Db, tokens: ScanTokens, reports: ReportsService }

const PAY_PLATFORM_LABELS = { wechat_pay: '微信支付', alipay: '支付宝' } as const
const SOURCE_LABELS: Record<string, string> = {
  one_code: '门店码', staff_outdoor_qr: '店员码', bound_qr: '空码', fixed_amount_qr: '定额码', card_recharge: '会员充值', temporary_qr: '临时码', card_one_code: '会员卡支付',
}

/**
 * On the phone, reports cover what the caller's roles cover — except that a clerk sees their
 * store's figures only while on duty (seed 000: 当班店员可以看到门店交易明细，下班后自动取消查看权限).
 */
async function reportScope (db: Db, roles: readonly StaffRow[]): Promise<Scope> {
  const admins = scopeOfStaff(roles.filter((r) => r.role !== 'clerk'))
  const onDutyClerks = await Promise.all(roles.filter((r) => r.role === 'clerk' && r.storeId !== null)
    .map(async (r) => (await onDuty(db, r.id, r.storeId ?? '')) ? r.storeId : null))
  return { ...admins, storeIds: [...new Set([...admins.storeIds, ...onDutyClerks.filter((s): s is string => s !== null)])] }
}

/** A phone asking about one store: 404 outside the roles, 403 for a clerk off duty. */
async function mobileStoreScope (db: Db, ctx: AppContext, storeId: string | undefined): Promise<Scope> {
  const roles = rolesOf(ctx)
  const scope = await reportScope(db, roles)
  if (storeId !== undefined) {
    const store = await storeInScope(db, scopeOfStaff(roles), storeId)
    if (!(await storeInScope(db, scope, store.id).then(() => true, () => false))) {
      throw new AppError('permission', 'not_on_duty', '不在班：上班打卡后才能查看本店交易')
    }
  }
  return scope
}

/**
 * Reports (R1, R2): summaries with their groups, printed summary slips, the details search and
 * its CSV export, for the console (scoped to the account's tenants) and the staff phones.
 */
export function reportRoutes (d: ReportRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '交易报表')
  const mobile = mobileSession(d)

  doc('get', '/v1/reports/summary', '交易汇总：时间范围（最长 90 天，精确到秒）内的交易、结算、实收、优惠、退款金额与笔数，可按门店、店员、设备、二维码、天或小时分组')
  router.get('/v1/reports/summary', guard, async (ctx) => { ctx.body = await d.reports.summary(callerOf(ctx).scope, SummaryQuery.parse(ctx.query)) })
  doc('get', '/v1/mobile/reports/summary', '交易汇总（商户管理员、店长；店员仅在班时看本店）', { mobile: true })
  router.get('/v1/mobile/reports/summary', mobile, async (ctx) => {
    const q = SummaryQuery.parse(ctx.query)
    ctx.body = await d.reports.summary(await mobileStoreScope(d.db, ctx, q.storeId), q)
  })

  const printed = (ctx: AppContext, data: CloudPrintDto[]): void => {
    ctx.status = 202
    ctx.body = { object: 'list', data, hasMore: false } satisfies List<CloudPrintDto>
  }
  doc('post', '/v1/reports/summary/print', '在门店的云打印机上打印交易汇总（可附店员汇总）', { body: PrintSummaryBody, responses: { 202: '已排队打印' } })
  router.post('/v1/reports/summary/print', guard, async (ctx) => {
    const body = PrintSummaryBody.parse(ctx.request.body ?? {})
    const scope = callerOf(ctx).scope
    printed(ctx, await d.reports.print(await storeInScope(d.db, scope, body.storeId), scope, body))
  })
  doc('post', '/v1/mobile/reports/summary/print', '在门店的云打印机上打印交易汇总（手机）', { mobile: true, body: PrintSummaryBody, responses: { 202: '已排队打印' } })
  router.post('/v1/mobile/reports/summary/print', mobile, async (ctx) => {
    const body = PrintSummaryBody.parse(ctx.request.body ?? {})
    const scope = await mobileStoreScope(d.db, ctx, body.storeId)
    printed(ctx, await d.reports.print(await storeInScope(d.db, scope, body.storeId), scope, body))
  })

  const page = async (scope: Scope, ctx: AppContext): Promise<List<OrderDto>> => {
    const { rows, hasMore } = await searchOrders(d.db, scope, OrderSearchQuery.parse(ctx.query))
    return { object: 'list', data: rows.map(orderDto), hasMore }
  }
  doc('get', '/v1/reports/orders', '交易明细：按创建时间倒序，键集分页（startingAfter），可按门店、店员、设备、二维码、渠道、状态、来源、金额范围、订单号筛选')
  router.get('/v1/reports/orders', guard, async (ctx) => { ctx.body = await page(callerOf(ctx).scope, ctx) })
  doc('get', '/v1/mobile/reports/orders', '交易明细（手机；店员仅在班时看本店）', { mobile: true })
  router.get('/v1/mobile/reports/orders', mobile, async (ctx) => {
    const storeId = typeof ctx.query.storeId === 'string' ? ctx.query.storeId : undefined
    ctx.body = await page(await mobileStoreScope(d.db, ctx, storeId), ctx)
  })

  doc('get', '/v1/reports/orders.csv', `导出交易明细 CSV（流式；响应头 ${EXPORT_ROW_COUNT_HEADER} 为总行数，便于显示进度）；fields 选择导出字段，逗号分隔`)
  router.get('/v1/reports/orders.csv', guard, async (ctx) => {
    const filters = OrderSearchQuery.parse(ctx.query)
    const { fields } = OrderExportQuery.parse(ctx.query)
    const scope = callerOf(ctx).scope
    const total = await countOrders(d.db, scope, filters)
    const out = new PassThrough()
    ctx.set(EXPORT_ROW_COUNT_HEADER, String(total))
    ctx.set('Content-Disposition', `attachment; filename="orders-${chinaTime(filters.from).slice(0, 10)}.csv"`)
    ctx.type = 'text/csv; charset=utf-8'
    ctx.body = out
    // Written after the answer starts, a batch at a time as the client reads: a large export never sits in memory.
    const write = async (): Promise<void> => {
      out.write(`\uFEFF${fields.map((f) => ORDER_CSV_FIELDS[f]).join(',')}\r\n`)
      for await (const batch of allOrders(d.db, scope, filters)) {
        const names = await namesOf(d.db, batch)
        if (!out.write(batch.map((o) => csvRow(o, fields, names)).join(''))) await new Promise((resolve) => out.once('drain', resolve))
      }
      out.end()
    }
    write().catch((err: unknown) => { out.destroy(err instanceof Error ? err : new Error(String(err))) })
  })
  return router
}

interface Names { store: Map<string, string>, staff: Map<string, string>, device: Map<string, string>, qr: Map<string, string> }

/** The names a batch of orders refers to, one query per kind. */
async function namesOf (db: Db, batch: OrderRow[]): Promise<Names> {
  const ids = (pick: (o: OrderRow) => string | null): string[] => [...new Set(batch.map(pick).filter((x): x is string => x !== null))]
  const map = (rows: Array<{ id: string, name: string | null }>): Map<string, string> => new Map(rows.map((r) => [r.id, r.name ?? '']))
  const [storeIds, staffIds, deviceIds, qrIds] = [ids((o) => o.storeId), ids((o) => o.staffId), ids((o) => o.deviceId), ids((o) => o.qrCodeId)]
  const [s, p, dv, q] = await Promise.all([
    storeIds.length === 0 ? [] : db.select({ id: stores.id, name: stores.name }).from(stores).where(inArray(stores.id, storeIds)),
    staffIds.length === 0 ? [] : db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, staffIds)),
    deviceIds.length === 0 ? [] : db.select({ id: cashierDevices.id, name: cashierDevices.sn }).from(cashierDevices).where(inArray(cashierDevices.id, deviceIds)),
    qrIds.length === 0 ? [] : db.select({ id: qrCodes.id, name: qrCodes.name }).from(qrCodes).where(inArray(qrCodes.id, qrIds)),
  ])
  return { store: map(s), staff: map(p), device: map(dv), qr: map(q) }
}

/** RFC 4180: quote a field with a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvCell (value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function csvRow (o: OrderRow, fields: readonly OrderCsvField[], names: Names): string {
  const yuan = (n: number): string => fenToYuanString(fen(n))
  const at = (d: Date | null): string => d === null ? '' : chinaTime(d)
  const value: Record<OrderCsvField, () => string> = {
    outTradeNo: () => o.outTradeNo,
    channelTxnId: () => o.channelTxnId ?? '',
    createdAt: () => at(o.createdAt),
    paidAt: () => at(o.paidAt),
    status: () => ORDER_STATUS_LABELS[o.status],
    payPlatform: () => PAY_PLATFORM_LABELS[o.payPlatform],
    sourceType: () => SOURCE_LABELS[o.sourceType] ?? o.sourceType,
    storeName: () => o.storeId === null ? '' : names.store.get(o.storeId) ?? '',
    staffName: () => o.staffId === null ? '' : names.staff.get(o.staffId) ?? '',
    deviceSn: () => o.deviceId === null ? '' : names.device.get(o.deviceId) ?? '',
    qrCodeName: () => o.qrCodeId === null ? '' : names.qr.get(o.qrCodeId) ?? '',
    amount: () => yuan(o.amountFen),
    discount: () => yuan(o.discountFen),
    settlement: () => yuan(o.amountFen - o.noCashDiscountFen),
    refunded: () => yuan(o.refundedFen),
    remark: () => o.remark ?? '',
  }
  return `${fields.map((f) => csvCell(value[f]())).join(',')}\r\n`
}
