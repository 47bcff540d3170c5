import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { AddCashierDeviceBody, CashierDeviceListQuery, type DeviceConfigQrDTO } from '@yima/shared'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import type { Caller } from '../tenancy/caller'
import { mobileCaller, mobileSession, requireStoreManager, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import { platePng } from '../qr-codes/plates/plates'
import { CashierDeviceService, type CashierDeviceDeps } from './cashier-devices.service'

const CONFIG_QR = '设备配置二维码：POS 扫码后得到云支付接口地址、out_mch_id、out_sub_mch_id、cloud_cashier_id、out_shop_id 和设备 ID（不含认证密钥）'

/**
 * 收银设备 (S5) for the console (`guard`, scoped) and on the phone for the merchant admin and the
 * store's manager (mobile.ts); clerks only use the devices. The configuration QR comes as JSON (the
 * payload and the exact QR text) and as a PNG.
 */
export function cashierDeviceRoutes (deps: CashierDeviceDeps & { tokens: ScanTokens }, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const devices = new CashierDeviceService(deps)
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '收银设备')
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)
  const mobile = mobileSession({ db: deps.db, tokens: deps.tokens })

  const configQr = async (caller: Caller, deviceId: string, pngPath: string): Promise<DeviceConfigQrDTO> => {
    const payload = await devices.configPayload(caller, deviceId)
    return { payload, content: JSON.stringify(payload), pngPath }
  }
  const png = async (ctx: AppContext, caller: Caller): Promise<void> => {
    const payload = await devices.configPayload(caller, id(ctx))
    ctx.type = 'image/png'
    ctx.set('Cache-Control', 'no-store')
    ctx.set('Content-Disposition', `inline; filename="device-${payload.device_id}.png"`)
    ctx.body = await platePng(JSON.stringify(payload))
  }
  /** The device, if the phone's user manages its store (the merchant admin or that store's manager). */
  const mobileDevice = async (ctx: AppContext): Promise<Caller> => {
    const roles = rolesOf(ctx)
    const device = await devices.row(scopeOfStaff(roles), id(ctx))
    return mobileCaller(ctx, requireStoreManager(roles, { id: device.storeId, spId: device.spId, sspId: device.sspId, merchantId: device.merchantId }))
  }
  const mobileStore = async (ctx: AppContext): Promise<{ caller: Caller, storeId: string }> => {
    const roles = rolesOf(ctx)
    const store = await deps.tenancy.stores.row(scopeOfStaff(roles), id(ctx))
    return { caller: mobileCaller(ctx, requireStoreManager(roles, store)), storeId: store.id }
  }

  doc('get', '/v1/stores/:id/cashier-devices', '门店的收银设备（includeUnbound=true 时含已解绑的）')
  router.get('/v1/stores/:id/cashier-devices', guard, async (ctx) => {
    ctx.body = await devices.list(callerOf(ctx), id(ctx), CashierDeviceListQuery.parse(ctx.query))
  })
  doc('post', '/v1/stores/:id/cashier-devices', '添加收银设备：设备类型、SN、名称；SN 已绑定时返回 409 device_already_bound（设备已被绑定）', { body: AddCashierDeviceBody, responses: { 201: '已绑定' } })
  router.post('/v1/stores/:id/cashier-devices', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await devices.add(callerOf(ctx), id(ctx), AddCashierDeviceBody.parse(ctx.request.body))
  })
  doc('get', '/v1/cashier-devices/:id', '收银设备详情')
  router.get('/v1/cashier-devices/:id', guard, async (ctx) => { ctx.body = await devices.get(callerOf(ctx), id(ctx)) })
  doc('post', '/v1/cashier-devices/:id/unbind', '解绑收银设备：SN 可再次绑定')
  router.post('/v1/cashier-devices/:id/unbind', guard, async (ctx) => { ctx.body = await devices.unbind(callerOf(ctx), id(ctx)) })
  doc('get', '/v1/cashier-devices/:id/config-qr', CONFIG_QR)
  router.get('/v1/cashier-devices/:id/config-qr', guard, async (ctx) => {
    ctx.body = await configQr(callerOf(ctx), id(ctx), `/v1/cashier-devices/${id(ctx)}/config-qr.png`)
  })
  doc('get', '/v1/cashier-devices/:id/config-qr.png', `${CONFIG_QR}（PNG）`)
  router.get('/v1/cashier-devices/:id/config-qr.png', guard, async (ctx) => { await png(ctx, callerOf(ctx)) })

  doc('get', '/v1/mobile/stores/:id/cashier-devices', '门店的收银设备（商户管理员、本店店长）', { mobile: true })
  router.get('/v1/mobile/stores/:id/cashier-devices', mobile, async (ctx) => {
    const { caller, storeId } = await mobileStore(ctx)
    ctx.body = await devices.list(caller, storeId, CashierDeviceListQuery.parse(ctx.query))
  })
  doc('post', '/v1/mobile/stores/:id/cashier-devices', '添加收银设备（商户管理员、本店店长）', { mobile: true, body: AddCashierDeviceBody, responses: { 201: '已绑定' } })
  router.post('/v1/mobile/stores/:id/cashier-devices', mobile, async (ctx) => {
    const { caller, storeId } = await mobileStore(ctx)
    const body = AddCashierDeviceBody.parse(ctx.request.body)
    ctx.status = 201
    ctx.body = await devices.add(caller, storeId, body)
  })
  doc('post', '/v1/mobile/cashier-devices/:id/unbind', '解绑收银设备（商户管理员、本店店长）', { mobile: true })
  router.post('/v1/mobile/cashier-devices/:id/unbind', mobile, async (ctx) => { ctx.body = await devices.unbind(await mobileDevice(ctx), id(ctx)) })
  doc('get', '/v1/mobile/cashier-devices/:id/config-qr', CONFIG_QR, { mobile: true })
  router.get('/v1/mobile/cashier-devices/:id/config-qr', mobile, async (ctx) => {
    ctx.body = await configQr(await mobileDevice(ctx), id(ctx), `/v1/mobile/cashier-devices/${id(ctx)}/config-qr.png`)
  })
  doc('get', '/v1/mobile/cashier-devices/:id/config-qr.png', `${CONFIG_QR}（PNG）`, { mobile: true })
  router.get('/v1/mobile/cashier-devices/:id/config-qr.png', mobile, async (ctx) => { await png(ctx, await mobileDevice(ctx)) })
  return router
}
