import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { CreateStoreBody, UpdateStoreBody } from '@yima/shared'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { mobileCaller, mobileSession, requireMerchantAdmin, rolesOf } from './mobile'
import { documenter } from './route-doc'
import { callerOf, type TenancyServices } from './routes'
import type { ScanTokens } from './scan-tokens'
import { scopeOfStaff } from './scope'

const DELETE_SUMMARY = '删除门店：近一个月内有交易（或仍有未完成的订单、退款）时拒绝（store_has_recent_transactions）；删除后门店二维码显示“门店已停止收款”，店员一并移除，收银设备解绑。交易记录永不删除'

/**
 * 门店 (S1) for the console (`guard`, scoped to the caller's tenants) and for merchant admins on
 * their phones (seed 003: 扫商户管理二维码 → 配置门店). On the phone anyone with a role in the store
 * may read it; adding, editing, closing and deleting are for the merchant's admin (mobile.ts).
 */
export function storeRoutes (s: TenancyServices, d: { db: Db, tokens: ScanTokens }, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '门店')
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const mobile = mobileSession(d)

  doc('get', '/v1/merchants/:id/stores', '门店列表（已删除的门店不列出）')
  router.get('/v1/merchants/:id/stores', guard, async (ctx) => { ctx.body = await s.stores.list(callerOf(ctx), id(ctx)) })
  doc('post', '/v1/merchants/:id/stores', '添加门店', { body: CreateStoreBody, responses: { 201: '已添加' } })
  router.post('/v1/merchants/:id/stores', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await s.stores.create(callerOf(ctx), id(ctx), CreateStoreBody.parse(ctx.request.body))
  })
  doc('get', '/v1/stores/:id', '门店详情')
  router.get('/v1/stores/:id', guard, async (ctx) => { ctx.body = await s.stores.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/stores/:id', '修改门店（含收款类型、订单优惠标记、门店微信/支付宝商户号、买单门店、会员卡开关、停止/恢复收款）；空字符串清除', { body: UpdateStoreBody })
  router.patch('/v1/stores/:id', guard, async (ctx) => {
    ctx.body = await s.stores.update(callerOf(ctx), id(ctx), UpdateStoreBody.parse(ctx.request.body))
  })
  doc('delete', '/v1/stores/:id', DELETE_SUMMARY, { responses: { 204: '已删除' } })
  router.delete('/v1/stores/:id', guard, async (ctx) => {
    await s.stores.remove(callerOf(ctx), id(ctx))
    ctx.status = 204
  })

  doc('get', '/v1/mobile/merchants/:id/stores', '商户的门店列表', { mobile: true })
  router.get('/v1/mobile/merchants/:id/stores', mobile, async (ctx) => { ctx.body = await s.stores.list(mobileCaller(ctx), id(ctx)) })
  doc('post', '/v1/mobile/merchants/:id/stores', '商户管理员添加门店', { mobile: true, body: CreateStoreBody, responses: { 201: '已添加' } })
  router.post('/v1/mobile/merchants/:id/stores', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const m = await s.merchants.row(scopeOfStaff(roles), id(ctx))
    const admin = requireMerchantAdmin(roles, { spId: m.spId, sspId: m.sspId, merchantId: m.id })
    const body = CreateStoreBody.parse(ctx.request.body)
    ctx.status = 201
    ctx.body = await s.stores.create(mobileCaller(ctx, admin), m.id, body)
  })
  doc('get', '/v1/mobile/stores/:id', '门店详情（本店店长、店员和商户管理员可见）', { mobile: true })
  router.get('/v1/mobile/stores/:id', mobile, async (ctx) => { ctx.body = await s.stores.get(mobileCaller(ctx), id(ctx)) })
  doc('patch', '/v1/mobile/stores/:id', '商户管理员修改门店', { mobile: true, body: UpdateStoreBody })
  router.patch('/v1/mobile/stores/:id', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await s.stores.row(scopeOfStaff(roles), id(ctx))
    const admin = requireMerchantAdmin(roles, store)
    ctx.body = await s.stores.update(mobileCaller(ctx, admin), store.id, UpdateStoreBody.parse(ctx.request.body))
  })
  doc('delete', '/v1/mobile/stores/:id', `商户管理员${DELETE_SUMMARY}`, { mobile: true, responses: { 204: '已删除' } })
  router.delete('/v1/mobile/stores/:id', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await s.stores.row(scopeOfStaff(roles), id(ctx))
    await s.stores.remove(mobileCaller(ctx, requireMerchantAdmin(roles, store)), store.id)
    ctx.status = 204
  })
  return router
}
