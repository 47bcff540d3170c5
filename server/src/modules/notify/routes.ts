import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import type { z } from 'zod'
import { AppError, StaffNotificationsBody, StaffNotificationsQuery, type DeliveryDto, type List } from '@yima/shared'
import type { Db } from '../../db/client'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { findOrderInScope } from '../payments/payment.repo'
import type { OrderRow } from '../payments/payment.schema'
import { adminOver, managerOf, mobileSession, rolesOf } from '../tenancy/mobile'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import { deliveriesOfOrder } from './deliveries.query'
import type { NotificationSettings } from './messages.settings'

export interface NotifyRouteDeps { db: Db, tokens: ScanTokens, settings: NotificationSettings }

/**
 * The delivery ledger's read side (N2) for the console and the merchant's phone, and a staff
 * member's own payment-message switches (N1, S2) on their phone (`yima_wx` session).
 */
export function notifyRoutes (d: NotifyRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'patch', path: string, summary: string, o: { body?: z.ZodType, query?: z.ZodObject, mobile?: boolean, tag?: string } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [o.tag ?? '通知记录'],
      summary,
      ...(o.mobile === true ? {} : { security: [{ bearer: [] }] }),
      request: {
        ...(o.body === undefined ? {} : { body: { content: { 'application/json': { schema: o.body } } } }),
        ...(o.query === undefined ? {} : { query: o.query }),
      },
      responses: { ...errorResponses, 200: { description: 'OK' } },
    })
  }
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const list = (data: DeliveryDto[]): List<DeliveryDto> => ({ object: 'list', data, hasMore: false })
  const mobile = mobileSession(d)
  const origin = (ctx: AppContext) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent'), requestId: ctx.state.requestId })

  doc('get', '/v1/orders/:id/deliveries', '订单的通知记录：通知了谁、用什么方式（公众号消息、短信、打印、播报）、结果')
  router.get('/v1/orders/:id/deliveries', guard, async (ctx) => {
    const order = await findOrderInScope(d.db, callerOf(ctx).scope, id(ctx))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    ctx.body = list(await deliveriesOfOrder(d.db, order.id))
  })

  doc('get', '/v1/mobile/orders/:id/deliveries', '订单的通知记录（手机）：商户管理员和本店店长可见', { mobile: true })
  router.get('/v1/mobile/orders/:id/deliveries', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const order: OrderRow | undefined = await findOrderInScope(d.db, scopeOfStaff(roles), id(ctx))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    const allowed = adminOver(roles, order) ?? (order.storeId === null ? undefined : managerOf(roles, order.storeId))
    if (allowed === undefined) throw new AppError('permission', 'forbidden', '只有商户管理员和本店店长可以查看通知记录')
    ctx.body = list(await deliveriesOfOrder(d.db, order.id))
  })

  doc('get', '/v1/mobile/staff/me/notifications', '我在该门店的收款消息设置', { mobile: true, query: StaffNotificationsQuery, tag: '收款消息' })
  router.get('/v1/mobile/staff/me/notifications', mobile, async (ctx) => {
    const { storeId } = StaffNotificationsQuery.parse(ctx.query)
    ctx.body = d.settings.get(rolesOf(ctx), storeId)
  })

  doc('patch', '/v1/mobile/staff/me/notifications', '设置是否接收收款消息（店员、店长）；店长可设置下班后也接收', { mobile: true, body: StaffNotificationsBody, tag: '收款消息' })
  router.patch('/v1/mobile/staff/me/notifications', mobile, async (ctx) => {
    const body = StaffNotificationsBody.parse(ctx.request.body)
    ctx.body = await d.settings.update(rolesOf(ctx), body, origin(ctx))
  })
  return router
}
