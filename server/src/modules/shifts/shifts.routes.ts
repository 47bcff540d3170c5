import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { z } from 'zod'
import { AppError, HandoverQuery, zListQuery, type CloudPrintDto, type HandoverSummaryDto, type IdGenerator, type List, type OrderDto } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import { orderDto } from '../payments/orders.routes'
import { readPayer } from '../payments/payer-session'
import { onDuty } from '../payments/refund.policy'
import { QrResolver } from '../qr-codes/resolve'
import { adminOver, managerOf, mobileSession, rolesOf } from '../tenancy/mobile'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import type { StaffRow, StoreRow } from '../tenancy/tenancy.schema'
import type { PrinterService } from '../devices/printers.service'
import { summaryText } from './handover'
import { handoverSummaryDto, onDutyDto } from './dto'
import { shiftStaffOf, storeInScope, storeOrder, storeOrdersPage } from './shifts.repo'
import { ShiftsService } from './shifts.service'

export interface ShiftRouteDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  tokens: ScanTokens
  publicUrl: string
  /** Prints a handover summary on the store's own printers (H2: 交接班汇总可打印). */
  printers: Pick<PrinterService, 'printText'>
}

/** Where a WeChat user stands at a store: sees everything (admins above it, its manager), or is one of its clerks. */
interface Standing { seesAll: boolean, clerk?: StaffRow, worker?: StaffRow }

function standingAt (roles: readonly StaffRow[], store: StoreRow): Standing {
  const clerk = roles.find((r) => r.role === 'clerk' && r.storeId === store.id)
  const manager = managerOf(roles, store.id)
  // The row that clocks in: a person who is both clerk and manager here works as the clerk.
  const worker = clerk ?? manager
  return {
    seesAll: manager !== undefined || adminOver(roles, { spId: store.spId, sspId: store.sspId, merchantId: store.merchantId }) !== undefined,
    ...(clerk === undefined ? {} : { clerk }),
    ...(worker === undefined ? {} : { worker }),
  }
}

const PrintHandoverBody = z.object({ shiftId: z.string().min(1).max(64) }).strict()

const HandoverQueryDoc = z.object({
  from: z.string().meta({ description: '开始时间（含），ISO 8601 带时区，如 2026-01-05T00:00:00+08:00' }),
  to: z.string().meta({ description: '结束时间（不含）；不超过开始时间后 31 天' }),
})
const OrdersQueryDoc = z.object({
  limit: z.string().optional().meta({ description: '每页条数 1–100，默认 20' }),
  startingAfter: z.string().optional().meta({ description: '上一页最后一笔订单的 id' }),
})

/**
 * Shifts (H1–H3): clocking in and out from the staff pages (`yima_wx` session) and from the pay
 * page of the store's code (the payer cookie: the same official-account openid the staff member
 * was activated with), the handover summaries for staff and the console, and the store's orders
 * for clerks while on duty.
 */
export function shiftRoutes (d: ShiftRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const shifts = new ShiftsService(d)
  const resolver = new QrResolver(d)
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post', path: string, summary: string, o: { query?: z.ZodObject, auth?: 'console' | 'mobile' | 'payer', responses?: Record<number, string> } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [o.auth === 'payer' ? '付款' : '上下班与交接班'],
      summary,
      ...(o.auth === 'console' ? { security: [{ bearer: [] }] } : {}),
      ...(o.query === undefined ? {} : { request: { query: o.query } }),
      responses: { ...errorResponses, ...Object.fromEntries(Object.entries(o.responses ?? { 200: 'OK' }).map(([k, v]) => [k, { description: v }])) },
    })
  }
  const param = (ctx: AppContext, name: string): string => {
    const v = (ctx as unknown as { params: Record<string, string | undefined> }).params[name]
    return typeof v === 'string' && v.length <= 200 ? v : ''
  }
  const mobile = mobileSession(d)

  /** The store of the path through the caller's roles (404 outside them), and where the caller stands there. */
  const mobileStore = async (ctx: AppContext): Promise<{ store: StoreRow, standing: Standing }> => {
    const roles = rolesOf(ctx)
    const store = await storeInScope(d.db, scopeOfStaff(roles), param(ctx, 'id'))
    return { store, standing: standingAt(roles, store) }
  }
  const worker = (s: Standing): StaffRow => {
    if (s.worker === undefined) throw new AppError('permission', 'clock_in_not_permitted')
    return s.worker
  }

  doc('post', '/v1/mobile/stores/:id/clock-in', '上班打卡（本店店长、店员）；已在班时 409 already_on_duty', { auth: 'mobile', responses: { 201: '已上班' } })
  router.post('/v1/mobile/stores/:id/clock-in', mobile, async (ctx) => {
    const { store, standing } = await mobileStore(ctx)
    const person = worker(standing)
    ctx.status = 201
    ctx.body = onDutyDto(person, await shifts.clockIn(person, store))
  })
  doc('post', '/v1/mobile/stores/:id/clock-out', '下班打卡：下班后不再接收收款消息、不能查看门店交易；不在班时 409 not_on_duty', { auth: 'mobile' })
  router.post('/v1/mobile/stores/:id/clock-out', mobile, async (ctx) => {
    const { store, standing } = await mobileStore(ctx)
    const person = worker(standing)
    ctx.body = onDutyDto(person, await shifts.clockOut(person, store.id))
  })
  doc('get', '/v1/mobile/stores/:id/shifts/me', '我是否在班（本店店长、店员）', { auth: 'mobile' })
  router.get('/v1/mobile/stores/:id/shifts/me', mobile, async (ctx) => {
    const { standing } = await mobileStore(ctx)
    const person = worker(standing)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = onDutyDto(person, await shifts.openShift(person.id))
  })

  doc('get', '/v1/mobile/stores/:id/handover', '交接班汇总（手机）：商户管理员和店长看全部班次，店员只看自己的', { auth: 'mobile', query: HandoverQueryDoc })
  router.get('/v1/mobile/stores/:id/handover', mobile, async (ctx) => {
    const { store, standing } = await mobileStore(ctx)
    const range = HandoverQuery.parse(ctx.query)
    const mine = standing.seesAll ? undefined : [standing.clerk?.id ?? '']
    const data = (await shifts.summaries(store.id, range, mine === undefined ? {} : { staffIds: mine })).map(handoverSummaryDto)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { object: 'list', data, hasMore: false } satisfies List<HandoverSummaryDto>
  })

  doc('get', '/v1/mobile/stores/:id/orders', '门店交易明细（手机，按创建时间倒序）：商户管理员和店长随时可看；店员仅在班时可看，下班即失去查看权限', { auth: 'mobile', query: OrdersQueryDoc })
  router.get('/v1/mobile/stores/:id/orders', mobile, async (ctx) => {
    const { store, standing } = await mobileStore(ctx)
    // H3: a clerk's right to the store's transactions is their open shift; it lapses at clock-out.
    if (!standing.seesAll && (standing.clerk === undefined || !await onDuty(d.db, standing.clerk.id, store.id))) {
      throw new AppError('permission', 'not_on_duty', '不在班：上班打卡后才能查看本店交易，下班后不能查看')
    }
    const q = zListQuery.parse(ctx.query)
    let after: { createdAt: Date, id: string } | undefined
    if (q.startingAfter !== undefined) {
      after = await storeOrder(d.db, store.id, q.startingAfter)
      if (after === undefined) throw new AppError('invalid_request', 'validation_failed', '分页位置无效：不是本店的订单', { param: 'startingAfter' })
    }
    const page = await storeOrdersPage(d.db, store.id, q.limit, after)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { object: 'list', data: page.rows.map(orderDto), hasMore: page.hasMore } satisfies List<OrderDto>
  })

  /** One shift's summary on the store's printers: 202 with the queued prints, 409 without a printer. */
  const printHandover = async (ctx: AppContext, store: StoreRow, allowed: (shiftStaffId: string) => boolean): Promise<void> => {
    const { shiftId } = PrintHandoverBody.parse(ctx.request.body ?? {})
    const summary = await shifts.summaryOfShift(shiftId)
    if (summary?.shift == null || summary.shift.storeId !== store.id || !allowed(summary.shift.staffId)) {
      throw new AppError('not_found', 'resource_not_found', '班次不存在', { param: 'shiftId' })
    }
    const lines = summaryText(summary, { storeName: store.name, now: d.clock.now() })
    const rows = await d.printers.printText(d.db, store.id, 'handover', shiftId, lines, { title: '交接班汇总' })
    if (rows.length === 0) throw new AppError('conflict', 'no_store_printer')
    ctx.status = 202
    ctx.body = { object: 'list', data: rows.map((r) => ({ deliveryId: r.id, printerId: r.recipientId, target: r.target, status: r.status })), hasMore: false } satisfies List<CloudPrintDto>
  }

  doc('post', '/v1/mobile/stores/:id/handover/print', '在门店云打印机上打印一个班次的交接班汇总（店员只能打印自己的班次）', { auth: 'mobile', responses: { 202: '已排队打印' } })
  router.post('/v1/mobile/stores/:id/handover/print', mobile, async (ctx) => {
    const { store, standing } = await mobileStore(ctx)
    await printHandover(ctx, store, (staffId) => standing.seesAll || standing.clerk?.id === staffId)
  })

  doc('post', '/v1/stores/:id/handover/print', '在门店云打印机上打印一个班次的交接班汇总', { auth: 'console', responses: { 202: '已排队打印' } })
  router.post('/v1/stores/:id/handover/print', guard, async (ctx) => {
    const store = await storeInScope(d.db, callerOf(ctx).scope, param(ctx, 'id'))
    await printHandover(ctx, store, () => true)
  })

  doc('get', '/v1/stores/:id/handover', '交接班汇总：按门店和时间范围列出每个班次的门店码收款与退款（一次最多 31 天）', { auth: 'console', query: HandoverQueryDoc })
  router.get('/v1/stores/:id/handover', guard, async (ctx) => {
    const store = await storeInScope(d.db, callerOf(ctx).scope, param(ctx, 'id'))
    const range = HandoverQuery.parse(ctx.query)
    const data = (await shifts.summaries(store.id, range)).map(handoverSummaryDto)
    ctx.body = { object: 'list', data, hasMore: false } satisfies List<HandoverSummaryDto>
  })

  // Seed 003: a clerk who scans the store's code lands on the pay page, and clocks in or out from
  // there. The payer cookie carries the openid under the SP's official account, which is the
  // identity the clerk was activated with; it is the key here, as it is for paying. The page asks
  // `/staff` for every visitor, hence the pay page's own per-IP allowance (shop Wi-Fi).
  const perIp = rateLimit(d, { name: 'pay-shift:ip', limit: 120, windowMs: 60_000, key: (ctx) => ctx.ip })
  const payerStaff = async (ctx: AppContext): Promise<{ person: StaffRow, store: { id: string, merchantId: string } }> => {
    const payer = readPayer(ctx, d.tokens)
    if (payer === undefined) throw new AppError('authentication', 'payer_unknown')
    const qr = await resolver.resolve(param(ctx, 'code'))
    const person = payer.platform === 'wechat' ? await shiftStaffOf(d.db, payer.appId, payer.payerId, qr.store.id) : undefined
    if (person === undefined) throw new AppError('not_found', 'staff_not_found', '您不是该门店已激活的店长或店员')
    return { person, store: { id: qr.store.id, merchantId: qr.merchant.id } }
  }

  doc('get', '/v1/public/pay/:code/staff', '扫门店码的人是否为本店店长或店员、是否在班（付款人 Cookie）；不是则 404', { auth: 'payer' })
  router.get('/v1/public/pay/:code/staff', perIp, async (ctx) => {
    const { person } = await payerStaff(ctx)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = onDutyDto(person, await shifts.openShift(person.id))
  })
  doc('post', '/v1/public/pay/:code/clock-in', '扫门店码上班打卡（付款人 Cookie，本店店长、店员）', { auth: 'payer', responses: { 201: '已上班' } })
  router.post('/v1/public/pay/:code/clock-in', perIp, async (ctx) => {
    const { person, store } = await payerStaff(ctx)
    ctx.status = 201
    ctx.body = onDutyDto(person, await shifts.clockIn(person, store))
  })
  doc('post', '/v1/public/pay/:code/clock-out', '扫门店码下班打卡（付款人 Cookie）', { auth: 'payer' })
  router.post('/v1/public/pay/:code/clock-out', perIp, async (ctx) => {
    const { person, store } = await payerStaff(ctx)
    ctx.body = onDutyDto(person, await shifts.clockOut(person, store.id))
  })
  return router
}
