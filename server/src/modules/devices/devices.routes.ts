import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import {
  AddCloudPrinterBody, AddCloudSpeakerBody, AppError, PrintOrderBody, UpdateCloudPrinterBody, UpdateCloudSpeakerBody,
} from '@yima/shared'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import { findOrderInScope } from '../payments/payment.repo'
import { mayViewOrder } from '../payments/refund.policy'
import type { Caller } from '../tenancy/caller'
import { mobileCaller, mobileSession, requireStoreManager, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import { cloudPrinterDto, type PrinterService } from './printers.service'
import { cloudSpeakerDto, type SpeakerService } from './speakers.service'

export interface DeviceRouteDeps { db: Db, tokens: ScanTokens, printers: PrinterService, speakers: SpeakerService }

/** Who acts on a store, a printer or a speaker: found through the caller's scope (404 outside it). */
interface Surface {
  prefix: '/v1' | '/v1/mobile'
  auth: Middleware<AppState>
  mobile: boolean
  forStore: (ctx: AppContext, storeId: string) => Promise<{ caller: Caller, storeId: string }>
  forPrinter: (ctx: AppContext, id: string) => Promise<Caller>
  forSpeaker: (ctx: AppContext, id: string) => Promise<Caller>
}

/**
 * Cloud printers (S6) and speakers (S7) of a store, for the console (`guard`, scoped to the
 * caller's tenants) and for staff phones (the `yima_wx` session): there the merchant's admin or the
 * store's manager configures them (seed 000: 门店详情中配置云打印机 / 云喇叭). And printing an order's
 * details or a refund receipt on request. The vendor key is write-only: no answer carries it.
 */
export function deviceRoutes (d: DeviceRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '云打印机与云喇叭')
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)

  const desk: Surface = {
    prefix: '/v1',
    auth: guard,
    mobile: false,
    forStore: async (ctx, storeId) => ({ caller: callerOf(ctx), storeId }),
    forPrinter: async (ctx) => callerOf(ctx),
    forSpeaker: async (ctx) => callerOf(ctx),
  }
  // On the phone, seeing the store is not enough to change its devices: the role that may is audited.
  const phone: Surface = {
    prefix: '/v1/mobile',
    auth: mobileSession(d),
    mobile: true,
    forStore: async (ctx, storeId) => {
      const roles = rolesOf(ctx)
      const store = await d.printers.store(scopeOfStaff(roles), storeId)
      return { caller: mobileCaller(ctx, requireStoreManager(roles, store)), storeId: store.id }
    },
    forPrinter: async (ctx, printerId) => {
      const roles = rolesOf(ctx)
      const p = await d.printers.row(scopeOfStaff(roles), printerId)
      return mobileCaller(ctx, requireStoreManager(roles, { ...p, id: p.storeId }))
    },
    forSpeaker: async (ctx, speakerId) => {
      const roles = rolesOf(ctx)
      const s = await d.speakers.row(scopeOfStaff(roles), speakerId)
      return mobileCaller(ctx, requireStoreManager(roles, { ...s, id: s.storeId }))
    },
  }

  for (const s of [desk, phone]) {
    const m = { mobile: s.mobile }
    const p = s.prefix

    doc('get', `${p}/stores/:id/printers`, '门店的云打印机（含绑定到本店二维码的）', m)
    router.get(`${p}/stores/:id/printers`, s.auth, async (ctx) => {
      const { caller, storeId } = await s.forStore(ctx, id(ctx))
      ctx.body = await d.printers.list(caller, storeId)
    })
    doc('post', `${p}/stores/:id/printers`, '添加云打印机：在厂商处用设备编号和密钥添加，编号已被使用时返回“设备已被绑定”（device_already_bound）；智联博众未公开接口，不能添加', { ...m, body: AddCloudPrinterBody, responses: { 201: '已添加' } })
    router.post(`${p}/stores/:id/printers`, s.auth, async (ctx) => {
      const body = AddCloudPrinterBody.parse(ctx.request.body)
      const { caller, storeId } = await s.forStore(ctx, id(ctx))
      ctx.status = 201
      ctx.body = await d.printers.add(caller, storeId, body)
    })
    doc('get', `${p}/printers/:id`, '云打印机详情（不含密钥）', m)
    router.get(`${p}/printers/:id`, s.auth, async (ctx) => {
      const caller = await s.forPrinter(ctx, id(ctx))
      ctx.body = cloudPrinterDto(await d.printers.row(caller.scope, id(ctx)))
    })
    doc('patch', `${p}/printers/:id`, '修改云打印机：名称、打印份数（1–9）、启用/停用、绑定到本店的某个二维码或改回门店（qrCodeId: null）', { ...m, body: UpdateCloudPrinterBody })
    router.patch(`${p}/printers/:id`, s.auth, async (ctx) => {
      const body = UpdateCloudPrinterBody.parse(ctx.request.body)
      ctx.body = await d.printers.update(await s.forPrinter(ctx, id(ctx)), id(ctx), body)
    })
    doc('delete', `${p}/printers/:id`, '删除云打印机（并在厂商处删除，vendorUnbound 表示是否成功）', m)
    router.delete(`${p}/printers/:id`, s.auth, async (ctx) => {
      ctx.body = await d.printers.remove(await s.forPrinter(ctx, id(ctx)), id(ctx))
    })
    doc('post', `${p}/printers/:id/check`, '查询云打印机状态（在线、离线、缺纸）并记录', m)
    router.post(`${p}/printers/:id/check`, s.auth, async (ctx) => {
      ctx.body = await d.printers.check(await s.forPrinter(ctx, id(ctx)), id(ctx))
    })

    doc('get', `${p}/stores/:id/speakers`, '门店的云喇叭（含绑定到本店二维码的）', m)
    router.get(`${p}/stores/:id/speakers`, s.auth, async (ctx) => {
      const { caller, storeId } = await s.forStore(ctx, id(ctx))
      ctx.body = await d.speakers.list(caller, storeId)
    })
    doc('post', `${p}/stores/:id/speakers`, '添加云喇叭（博瑞皓科）：在厂商处绑定到本商户；编号已被使用时返回“设备已被绑定”', { ...m, body: AddCloudSpeakerBody, responses: { 201: '已添加' } })
    router.post(`${p}/stores/:id/speakers`, s.auth, async (ctx) => {
      const body = AddCloudSpeakerBody.parse(ctx.request.body)
      const { caller, storeId } = await s.forStore(ctx, id(ctx))
      ctx.status = 201
      ctx.body = await d.speakers.add(caller, storeId, body)
    })
    doc('get', `${p}/speakers/:id`, '云喇叭详情', m)
    router.get(`${p}/speakers/:id`, s.auth, async (ctx) => {
      const caller = await s.forSpeaker(ctx, id(ctx))
      ctx.body = cloudSpeakerDto(await d.speakers.row(caller.scope, id(ctx)))
    })
    doc('patch', `${p}/speakers/:id`, '修改云喇叭：名称、音量（0–100，下一次播报生效）、启用/停用、绑定的二维码', { ...m, body: UpdateCloudSpeakerBody })
    router.patch(`${p}/speakers/:id`, s.auth, async (ctx) => {
      const body = UpdateCloudSpeakerBody.parse(ctx.request.body)
      ctx.body = await d.speakers.update(await s.forSpeaker(ctx, id(ctx)), id(ctx), body)
    })
    doc('delete', `${p}/speakers/:id`, '删除云喇叭（并在厂商处解绑）', m)
    router.delete(`${p}/speakers/:id`, s.auth, async (ctx) => {
      ctx.body = await d.speakers.remove(await s.forSpeaker(ctx, id(ctx)), id(ctx))
    })
  }

  const printResponses = { 202: '已加入打印队列：每台门店打印机一条投递记录' }
  doc('post', '/v1/orders/:id/print', '在门店的云打印机（不含绑定到二维码的）打印订单详情，或带 refundId 打印退款小票；再次请求即补打', { body: PrintOrderBody, responses: printResponses })
  router.post('/v1/orders/:id/print', guard, async (ctx) => {
    const body = PrintOrderBody.parse(ctx.request.body ?? {})
    ctx.status = 202
    ctx.body = await d.printers.printOrder(callerOf(ctx).scope, id(ctx), body.refundId)
  })
  doc('post', '/v1/mobile/orders/:id/print', '打印订单详情或退款小票：能查看该订单的人（店员需在班）', { mobile: true, body: PrintOrderBody, responses: printResponses })
  router.post('/v1/mobile/orders/:id/print', phone.auth, async (ctx) => {
    const body = PrintOrderBody.parse(ctx.request.body ?? {})
    const roles = rolesOf(ctx)
    const scope = scopeOfStaff(roles)
    const order = await findOrderInScope(d.db, scope, id(ctx))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    if (!await mayViewOrder(d.db, roles, order)) throw new AppError('permission', 'forbidden', '不在班：上班打卡后才能打印本店交易')
    ctx.status = 202
    ctx.body = await d.printers.printOrder(scope, order.id, body.refundId)
  })
  return router
}
