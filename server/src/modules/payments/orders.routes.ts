import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import type { z } from 'zod'
import { AppError, MicropayBody, payFailureMessage, RefundBody, type List, type OrderDto, type RefundDto } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { idempotent } from '../../http/idempotency'
import { mobileSession, mobileSessionKey, rolesOf as mobileRolesOf } from '../tenancy/mobile'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import type { StaffRow } from '../tenancy/tenancy.schema'
import type { MicropayService } from './micropay.service'
import type { OrderRow } from './payment.schema'
import { findOrderInScope } from './payment.repo'
import { cashierAt, mayViewOrder, refundAuthorizer, scopeOfRoles } from './refund.policy'
import { refundDto, type RefundService } from './refund.service'

export interface OrderRouteDeps { db: Db, clock: Clock, tokens: ScanTokens, micropay: MicropayService, refunds: RefundService }

export const orderDto = (o: OrderRow): OrderDto => ({
  id: o.id,
  outTradeNo: o.outTradeNo,
  merchantId: o.merchantId,
  storeId: o.storeId,
  staffId: o.staffId,
  deviceId: o.deviceId,
  qrCodeId: o.qrCodeId,
  payPlatform: o.payPlatform,
  method: o.method,
  sourceType: o.sourceType,
  tradeType: o.tradeType,
  status: o.status,
  amountFen: o.amountFen,
  discountFen: o.discountFen,
  refundedFen: o.refundedFen,
  quantity: o.quantity,
  description: o.description,
  remark: o.remark,
  goodsTag: o.goodsTag,
  channelTxnId: o.channelTxnId,
  failureCode: o.failureCode,
  failureMessage: o.status === 'failed' ? payFailureMessage(o.failureCode) : null,
  paidAt: o.paidAt?.toISOString() ?? null,
  closedAt: o.closedAt?.toISOString() ?? null,
  createdAt: o.createdAt.toISOString(),
})

/**
 * Orders for the people who take and refund them (P2, P5): the console (SP operators, scoped by
 * the guard) and staff phones (the `yima_wx` session a management code set). Micropay answers 200
 * when the payment is settled and 202 while the customer may still be paying; devices then poll
 * the order. Refunds answer the refund as it stands: `processing` until the channel settles it.
 */
export function orderRoutes (d: OrderRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post', path: string, summary: string, o: { body?: z.ZodType, mobile?: boolean, tag?: string, responses?: Record<number, string> } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [o.tag ?? '订单'],
      summary,
      ...(o.mobile === true ? {} : { security: [{ bearer: [] }] }),
      ...(o.body === undefined ? {} : { request: { body: { content: { 'application/json': { schema: o.body } } } } }),
      responses: { ...errorResponses, ...Object.fromEntries(Object.entries(o.responses ?? { 200: 'OK' }).map(([k, v]) => [k, { description: v }])) },
    })
  }
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const keys = idempotent(d)

  const mobile = mobileSession(d)
  const mobileKeys = idempotent(d, { scope: mobileSessionKey })
  const rolesOf = (ctx: AppContext): StaffRow[] => mobileRolesOf(ctx)
  const consoleOrder = async (ctx: AppContext): Promise<OrderRow> => {
    const order = await findOrderInScope(d.db, callerOf(ctx).scope, id(ctx))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    return order
  }
  const staffOrder = async (ctx: AppContext, roles: StaffRow[]): Promise<OrderRow> => {
    const order = await findOrderInScope(d.db, scopeOfRoles(roles), id(ctx))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    return order
  }
  const requestKeyOf = (ctx: AppContext): { requestKey?: string } => {
    const k = ctx.state.idempotency
    return k === undefined ? {} : { requestKey: `${k.scope}\n${k.key}` }
  }
  const micropayAnswer = (ctx: AppContext, r: { order: OrderRow, final: boolean }): void => {
    ctx.status = r.final ? 200 : 202
    ctx.body = orderDto(r.order)
  }
  const refundAnswer = (ctx: AppContext, r: { refund: Parameters<typeof refundDto>[0], created: boolean }): void => {
    ctx.status = r.created ? 201 : 200
    ctx.body = refundDto(r.refund)
  }

  const micropayResponses = { 200: '已有结果（支付成功或失败）', 202: '顾客支付中（输入密码）：轮询订单直到结束' }
  doc('post', '/v1/micropay', '刷卡支付：扫描顾客的微信或支付宝付款码收款（按付款码前缀选择渠道）', { body: MicropayBody, tag: '刷卡支付', responses: micropayResponses })
  router.post('/v1/micropay', guard, keys, async (ctx) => {
    const body = MicropayBody.parse(ctx.request.body)
    const store = await d.micropay.store(callerOf(ctx).scope, body.storeId)
    micropayAnswer(ctx, await d.micropay.charge(store, body, null, requestKeyOf(ctx)))
  })
  doc('post', '/v1/mobile/micropay', '店员刷卡收款（管理二维码的微信会话）：商户管理员、店长或本店店员', { body: MicropayBody, mobile: true, tag: '刷卡支付', responses: micropayResponses })
  router.post('/v1/mobile/micropay', mobile, mobileKeys, async (ctx) => {
    const body = MicropayBody.parse(ctx.request.body)
    const roles = rolesOf(ctx)
    const store = await d.micropay.store(scopeOfRoles(roles), body.storeId)
    micropayAnswer(ctx, await d.micropay.charge(store, body, cashierAt(roles, store).id, requestKeyOf(ctx)))
  })

  doc('get', '/v1/orders/:id', '订单详情（设备据此轮询刷卡支付结果）')
  router.get('/v1/orders/:id', guard, async (ctx) => { ctx.body = orderDto(await consoleOrder(ctx)) })
  doc('get', '/v1/mobile/orders/:id', '订单详情（店员手机）：店员仅在班时或自己收的单可见', { mobile: true })
  router.get('/v1/mobile/orders/:id', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const order = await staffOrder(ctx, roles)
    if (!await mayViewOrder(d.db, roles, order)) throw new AppError('permission', 'forbidden', '不在班：上班打卡后才能查看本店交易')
    ctx.body = orderDto(order)
  })

  doc('get', '/v1/orders/:id/refunds', '订单的退款列表', { tag: '退款' })
  router.get('/v1/orders/:id/refunds', guard, async (ctx) => {
    const order = await consoleOrder(ctx)
    const data = (await d.refunds.list(order)).map(refundDto)
    ctx.body = { object: 'list', data, hasMore: false } satisfies List<RefundDto>
  })
  const refundResponses = { 201: '已受理（processing）或已退款', 200: '同一退款单号的重复请求：返回该退款的当前状态' }
  doc('get', '/v1/mobile/orders/:id/refunds', '订单的退款列表（店员手机）：与订单详情同样的可见范围', { mobile: true, tag: '退款' })
  router.get('/v1/mobile/orders/:id/refunds', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const order = await staffOrder(ctx, roles)
    if (!await mayViewOrder(d.db, roles, order)) throw new AppError('permission', 'forbidden', '不在班：上班打卡后才能查看本店交易')
    const data = (await d.refunds.list(order)).map(refundDto)
    ctx.body = { object: 'list', data, hasMore: false } satisfies List<RefundDto>
  })
  doc('post', '/v1/orders/:id/refunds', '退款（全额或部分）；退款单号相同即同一笔退款', { body: RefundBody, tag: '退款', responses: refundResponses })
  router.post('/v1/orders/:id/refunds', guard, keys, async (ctx) => {
    const body = RefundBody.parse(ctx.request.body)
    const order = await consoleOrder(ctx)
    refundAnswer(ctx, await d.refunds.create({ kind: 'account', id: callerOf(ctx).actor.id }, order, body))
  })
  doc('post', '/v1/mobile/orders/:id/refunds', '店员退款：商户管理员、店长；店员需有退款权限且在班', { body: RefundBody, mobile: true, tag: '退款', responses: refundResponses })
  router.post('/v1/mobile/orders/:id/refunds', mobile, mobileKeys, async (ctx) => {
    const body = RefundBody.parse(ctx.request.body)
    const roles = rolesOf(ctx)
    const order = await staffOrder(ctx, roles)
    const authorizer = await refundAuthorizer(d.db, roles, order)
    refundAnswer(ctx, await d.refunds.create({ kind: 'staff', id: authorizer.id }, order, body))
  })
  return router
}
