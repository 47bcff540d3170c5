import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { AddStoreStaffBody, AppError, SetRefundPermissionBody, UpdateStaffBody } from '@yima/shared'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { adminOver, mobileCaller, mobileSession, requireStaffManager, requireStoreManager, rolesOf } from './mobile'
import { documenter } from './route-doc'
import { callerOf, entityOf, type TenancyServices } from './routes'
import type { ScanTokens } from './scan-tokens'
import { scopeOfStaff } from './scope'
import type { StaffRow } from './tenancy.schema'

/**
 * 店长和店员 (S2) beyond what routes.ts does for every entity (list, add, remove, activation QR):
 * edit, refund permission, and the same on the phone. On the phone the merchant admin manages
 * everyone of the merchant's stores and the store manager the clerks of their own store (mobile.ts);
 * a clerk manages no one, so cannot grant themselves refunds. Console accounts act on their scope.
 */
export function staffRoutes (s: TenancyServices, d: { db: Db, tokens: ScanTokens }, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '店员')
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const mobile = mobileSession(d)

  doc('get', '/v1/staff/:id', '管理员、店长或店员详情')
  router.get('/v1/staff/:id', guard, async (ctx) => { ctx.body = await s.staff.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/staff/:id', '修改姓名、手机号（收款消息发送失败时的短信号码）、邮箱；空字符串清除', { body: UpdateStaffBody })
  router.patch('/v1/staff/:id', guard, async (ctx) => { ctx.body = await s.staff.update(callerOf(ctx), id(ctx), UpdateStaffBody.parse(ctx.request.body)) })
  doc('post', '/v1/staff/:id/refund-permission', '设置退款权限（不能取消最后一个有退款权限的管理员的权限）', { body: SetRefundPermissionBody })
  router.post('/v1/staff/:id/refund-permission', guard, async (ctx) => {
    ctx.body = await s.staff.setRefundPermission(callerOf(ctx), id(ctx), SetRefundPermissionBody.parse(ctx.request.body).refundPermission)
  })

  /** The store's person the phone is about, and the role that may manage them (404 / 403). */
  const managed = async (ctx: AppContext): Promise<{ person: StaffRow, by: StaffRow }> => {
    const roles = rolesOf(ctx)
    const person = await s.staff.row(scopeOfStaff(roles), id(ctx))
    return { person, by: requireStaffManager(roles, person) }
  }

  doc('get', '/v1/mobile/stores/:id/staff', '门店的店长和店员（商户管理员、本店店长）', { mobile: true })
  router.get('/v1/mobile/stores/:id/staff', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await entityOf(s, scopeOfStaff(roles), 'store', id(ctx))
    ctx.body = await s.staff.list(mobileCaller(ctx, requireStoreManager(roles, store)), store)
  })
  doc('post', '/v1/mobile/stores/:id/staff', '添加店员（店长只能添加店员；添加店长需商户管理员）', { mobile: true, body: AddStoreStaffBody, responses: { 201: '已添加：再取激活二维码让其扫码激活' } })
  router.post('/v1/mobile/stores/:id/staff', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await entityOf(s, scopeOfStaff(roles), 'store', id(ctx))
    const by = requireStoreManager(roles, store)
    const body = AddStoreStaffBody.parse(ctx.request.body)
    if (body.role === 'store_manager' && adminOver(roles, store) === undefined) throw new AppError('permission', 'staff_not_manageable', '只有商户管理员可以添加店长')
    ctx.status = 201
    ctx.body = await s.staff.add(mobileCaller(ctx, by), store, body.role, body)
  })
  doc('get', '/v1/mobile/staff/:id', '店长或店员详情', { mobile: true })
  router.get('/v1/mobile/staff/:id', mobile, async (ctx) => {
    const { person, by } = await managed(ctx)
    ctx.body = await s.staff.get(mobileCaller(ctx, by), person.id)
  })
  doc('patch', '/v1/mobile/staff/:id', '修改店长或店员的姓名、手机号', { mobile: true, body: UpdateStaffBody })
  router.patch('/v1/mobile/staff/:id', mobile, async (ctx) => {
    const { person, by } = await managed(ctx)
    ctx.body = await s.staff.update(mobileCaller(ctx, by), person.id, UpdateStaffBody.parse(ctx.request.body))
  })
  doc('delete', '/v1/mobile/staff/:id', '删除店长或店员（门店最后一个店长不可删除）', { mobile: true, responses: { 204: '已删除' } })
  router.delete('/v1/mobile/staff/:id', mobile, async (ctx) => {
    const { person, by } = await managed(ctx)
    await s.staff.remove(mobileCaller(ctx, by), person.id)
    ctx.status = 204
  })
  doc('post', '/v1/mobile/staff/:id/refund-permission', '店长或商户管理员设置店员退款权限（店员不能给自己开通）', { mobile: true, body: SetRefundPermissionBody })
  router.post('/v1/mobile/staff/:id/refund-permission', mobile, async (ctx) => {
    const { person, by } = await managed(ctx)
    ctx.body = await s.staff.setRefundPermission(mobileCaller(ctx, by), person.id, SetRefundPermissionBody.parse(ctx.request.body).refundPermission)
  })
  doc('get', '/v1/mobile/staff/:id/activation-qr', '店长或店员的身份激活二维码（未过期则返回同一个）', { mobile: true })
  router.get('/v1/mobile/staff/:id/activation-qr', mobile, async (ctx) => {
    const { person, by } = await managed(ctx)
    ctx.body = await s.staff.activationQr(mobileCaller(ctx, by), person.id)
  })
  return router
}
