import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { z } from 'zod'
import {
  AddStaffBody, AddStoreStaffBody, AppError, CreateMerchantBody, CreateServiceProviderBody, CreateSubServiceProviderBody,
  SwitchWechatChannelBody, UpdateMerchantBody, UpdateServiceProviderBody, UpdateSubServiceProviderBody,
} from '@yima/shared'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import type { AppContext, AppState } from '../../http/context'
import type { MiniProgramSignIn } from './mini-program'
import type { Caller } from './caller'
import type { MaidanService } from './maidan.service'
import type { MerchantService } from './merchants.service'
import type { OfficialAccountService } from './official-account.service'
import type { ServiceProviderService } from './service-providers.service'
import type { Entity, EntityKind, StaffService } from './staff.service'
import type { StoreService } from './stores.service'
import type { SubServiceProviderService } from './sub-service-providers.service'
import type { Scope } from './scope'

export interface TenancyServices {
  sps: ServiceProviderService
  ssps: SubServiceProviderService
  merchants: MerchantService
  stores: StoreService
  staff: StaffService
  officialAccounts: OfficialAccountService
  maidan: MaidanService
  miniProgram: MiniProgramSignIn
  publicUrl: string
}

const ListFilter = z.object({ serviceProviderId: z.string().max(64).optional(), subServiceProviderId: z.string().max(64).optional() })

export const callerOf = (ctx: AppContext): Caller => {
  const caller = ctx.state.caller
  if (caller === undefined) throw new AppError('authentication', 'unauthenticated')
  return caller
}

/** The entity a staff route is about, loaded through the caller's scope (404 outside it). */
export async function entityOf (s: TenancyServices, scope: Scope, kind: EntityKind, id: string): Promise<Entity> {
  switch (kind) {
    case 'sp': {
      const r = await s.sps.row(scope, id)
      return { kind, id: r.id, name: r.name, spId: r.id }
    }
    case 'ssp': {
      const r = await s.ssps.row(scope, id)
      return { kind, id: r.id, name: r.name, spId: r.spId, sspId: r.id }
    }
    case 'merchant': {
      const r = await s.merchants.row(scope, id)
      return { kind, id: r.id, name: r.name, spId: r.spId, sspId: r.sspId, merchantId: r.id }
    }
    case 'store': {
      const r = await s.merchants.store(scope, id)
      return { kind, id: r.id, name: r.name, spId: r.spId, sspId: r.sspId, merchantId: r.merchantId, storeId: r.id }
    }
  }
}

export const managementUrl = (publicUrl: string, kind: EntityKind, id: string): string => `${publicUrl}/scan/manage?kind=${kind}&id=${encodeURIComponent(id)}`

/**
 * The console API for service providers, sub-SPs, merchants, stores and their admins. `guard`
 * signs the caller in, insists on a bound WeChat identity (T1) and sets the caller's scope; every
 * service call below filters by that scope.
 */
export function tenancyRoutes (s: TenancyServices, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post' | 'patch' | 'delete', path: string, tag: string, summary: string, body?: z.ZodType): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [tag],
      summary,
      security: [{ bearer: [] }],
      ...(body === undefined ? {} : { request: { body: { content: { 'application/json': { schema: body } } } } }),
      responses: { ...errorResponses, 200: { description: 'OK' } },
    })
  }
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)

  doc('get', '/v1/service-providers', '服务商', '服务商列表')
  router.get('/v1/service-providers', guard, async (ctx) => { ctx.body = await s.sps.list(callerOf(ctx)) })
  doc('post', '/v1/service-providers', '服务商', '添加服务商', CreateServiceProviderBody)
  router.post('/v1/service-providers', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await s.sps.create(callerOf(ctx), CreateServiceProviderBody.parse(ctx.request.body))
  })
  doc('get', '/v1/service-providers/:id', '服务商', '服务商详情')
  router.get('/v1/service-providers/:id', guard, async (ctx) => { ctx.body = await s.sps.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/service-providers/:id', '服务商', '修改服务商（密钥只写：不传则保留原值）', UpdateServiceProviderBody)
  router.patch('/v1/service-providers/:id', guard, async (ctx) => {
    ctx.body = await s.sps.update(callerOf(ctx), id(ctx), UpdateServiceProviderBody.parse(ctx.request.body))
  })
  doc('post', '/v1/service-providers/:id/official-account/authorization', '服务商', '公众号授权：返回授权页地址')
  router.post('/v1/service-providers/:id/official-account/authorization', guard, async (ctx) => {
    ctx.body = await s.officialAccounts.authorizationUrl(callerOf(ctx), id(ctx))
  })
  doc('post', '/v1/service-providers/:id/maidan/bind', '微信买单', '绑定微信买单服务商助手')
  router.post('/v1/service-providers/:id/maidan/bind', guard, async (ctx) => {
    await s.maidan.bind(callerOf(ctx), id(ctx))
    ctx.body = await s.sps.get(callerOf(ctx), id(ctx))
  })
  doc('post', '/v1/service-providers/:id/maidan/syncs', '微信买单', '同步买单子商户（后台任务）')
  router.post('/v1/service-providers/:id/maidan/syncs', guard, async (ctx) => {
    ctx.status = 202
    ctx.body = await s.maidan.startSync(callerOf(ctx), id(ctx))
  })
  doc('get', '/v1/maidan-syncs/:id', '微信买单', '同步进度')
  router.get('/v1/maidan-syncs/:id', guard, async (ctx) => { ctx.body = await s.maidan.getSync(callerOf(ctx), id(ctx)) })

  doc('get', '/v1/sub-service-providers', '子服务商', '子服务商列表')
  router.get('/v1/sub-service-providers', guard, async (ctx) => {
    const f = ListFilter.parse(ctx.query)
    ctx.body = await s.ssps.list(callerOf(ctx), f.serviceProviderId === undefined ? {} : { serviceProviderId: f.serviceProviderId })
  })
  doc('post', '/v1/sub-service-providers', '子服务商', '添加子服务商', CreateSubServiceProviderBody)
  router.post('/v1/sub-service-providers', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await s.ssps.create(callerOf(ctx), CreateSubServiceProviderBody.parse(ctx.request.body))
  })
  doc('get', '/v1/sub-service-providers/:id', '子服务商', '子服务商详情')
  router.get('/v1/sub-service-providers/:id', guard, async (ctx) => { ctx.body = await s.ssps.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/sub-service-providers/:id', '子服务商', '修改子服务商', UpdateSubServiceProviderBody)
  router.patch('/v1/sub-service-providers/:id', guard, async (ctx) => {
    ctx.body = await s.ssps.update(callerOf(ctx), id(ctx), UpdateSubServiceProviderBody.parse(ctx.request.body))
  })

  doc('get', '/v1/merchants', '子商户', '子商户列表')
  router.get('/v1/merchants', guard, async (ctx) => {
    const f = ListFilter.parse(ctx.query)
    ctx.body = await s.merchants.list(callerOf(ctx), {
      ...(f.serviceProviderId === undefined ? {} : { serviceProviderId: f.serviceProviderId }),
      ...(f.subServiceProviderId === undefined ? {} : { subServiceProviderId: f.subServiceProviderId }),
    })
  })
  doc('post', '/v1/merchants', '子商户', '添加子商户：返回只展示一次的认证密钥与签名私钥', CreateMerchantBody)
  router.post('/v1/merchants', guard, async (ctx) => {
    ctx.status = 201
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await s.merchants.create(callerOf(ctx), CreateMerchantBody.parse(ctx.request.body))
  })
  doc('get', '/v1/merchants/:id', '子商户', '子商户详情')
  router.get('/v1/merchants/:id', guard, async (ctx) => { ctx.body = await s.merchants.get(callerOf(ctx), id(ctx)) })
  doc('patch', '/v1/merchants/:id', '子商户', '修改子商户；alipayUserId: null 删除支付宝授权', UpdateMerchantBody)
  router.patch('/v1/merchants/:id', guard, async (ctx) => {
    ctx.body = await s.merchants.update(callerOf(ctx), id(ctx), UpdateMerchantBody.parse(ctx.request.body))
  })
  doc('post', '/v1/merchants/:id/credentials', '子商户', '重置认证密钥与签名密钥（只展示一次）')
  router.post('/v1/merchants/:id/credentials', guard, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await s.merchants.resetCredentials(callerOf(ctx), id(ctx))
  })
  doc('post', '/v1/merchants/:id/wechat-channel', '子商户', '切换微信支付接入渠道（官方直连 / 微信买单）', SwitchWechatChannelBody)
  router.post('/v1/merchants/:id/wechat-channel', guard, async (ctx) => {
    ctx.body = await s.merchants.switchWechatChannel(callerOf(ctx), id(ctx), SwitchWechatChannelBody.parse(ctx.request.body).channel)
  })
  doc('get', '/v1/merchants/:id/alipay-authorization', '子商户', '支付宝授权二维码地址')
  router.get('/v1/merchants/:id/alipay-authorization', guard, async (ctx) => {
    ctx.body = await s.merchants.alipayAuthorizationUrl(callerOf(ctx), id(ctx))
  })
  doc('post', '/v1/merchants/:id/alipay-authorization/check', '子商户', '向支付宝检查应用授权令牌是否有效')
  router.post('/v1/merchants/:id/alipay-authorization/check', guard, async (ctx) => {
    ctx.body = await s.merchants.checkAlipayAuthorization(callerOf(ctx), id(ctx))
  })
  // Stores: stores.routes.ts. Store staff beyond list/add/remove: staff.routes.ts.

  // People of each entity: list, add, management QR. The role follows from the entity.
  const kinds: Array<{ kind: EntityKind, base: string, label: string }> = [
    { kind: 'sp', base: '/v1/service-providers', label: '服务商' },
    { kind: 'ssp', base: '/v1/sub-service-providers', label: '子服务商' },
    { kind: 'merchant', base: '/v1/merchants', label: '子商户' },
    { kind: 'store', base: '/v1/stores', label: '门店' },
  ]
  const adminRole = { sp: 'sp_admin', ssp: 'ssp_admin', merchant: 'merchant_admin' } as const
  for (const { kind, base, label } of kinds) {
    doc('get', `${base}/:id/staff`, label, `${label}管理员列表`)
    router.get(`${base}/:id/staff`, guard, async (ctx) => {
      const caller = callerOf(ctx)
      ctx.body = await s.staff.list(caller, await entityOf(s, caller.scope, kind, id(ctx)))
    })
    doc('post', `${base}/:id/staff`, label, `添加${label}管理员`, kind === 'store' ? AddStoreStaffBody : AddStaffBody)
    router.post(`${base}/:id/staff`, guard, async (ctx) => {
      const caller = callerOf(ctx)
      const entity = await entityOf(s, caller.scope, kind, id(ctx))
      ctx.status = 201
      if (kind === 'store') {
        const body = AddStoreStaffBody.parse(ctx.request.body)
        ctx.body = await s.staff.add(caller, entity, body.role, body)
      } else {
        ctx.body = await s.staff.add(caller, entity, adminRole[kind], AddStaffBody.parse(ctx.request.body))
      }
    })
    doc('get', `${base}/:id/management-qr`, label, `${label}管理二维码`)
    router.get(`${base}/:id/management-qr`, guard, async (ctx) => {
      const entity = await entityOf(s, callerOf(ctx).scope, kind, id(ctx))
      ctx.body = { url: managementUrl(s.publicUrl, kind, entity.id), expiresAt: null }
    })
  }
  doc('get', '/v1/staff/:id/activation-qr', '管理员', '管理员身份激活二维码（未过期则返回同一个）')
  router.get('/v1/staff/:id/activation-qr', guard, async (ctx) => { ctx.body = await s.staff.activationQr(callerOf(ctx), id(ctx)) })
  doc('delete', '/v1/staff/:id', '管理员', '删除管理员（最后一个管理员、最后一个有退款权限的管理员不可删除）')
  router.delete('/v1/staff/:id', guard, async (ctx) => {
    await s.staff.remove(callerOf(ctx), id(ctx))
    ctx.status = 204
  })
  return router
}
