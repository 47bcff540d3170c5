import Router from '@koa/router'
import { eq } from 'drizzle-orm'
import type { DefaultContext, Middleware } from 'koa'
import { z } from 'zod'
import { AppError, ClaimVoucherBody, ImportVoucherBatchBody, MerchantPayCredentialsBody, StorePauseBody, UpdateVoucherBatchBody } from '@yima/shared'
import type { AuditLog } from '../audit'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import { idempotent } from '../../http/idempotency'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import { payerKey, platformOfRequest, readPayer, writePayer, type Payer } from '../payments/payer-session'
import { mobileCaller, mobileSession, requireMerchantAdmin, requireStoreManager, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf, type TenancyServices } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { ALL_SCOPE, scopeOfStaff } from '../tenancy/scope'
import { ScanProblemError } from '../tenancy/staff.service'
import { merchants } from '../tenancy/tenancy.schema'
import type { VoucherBatchService } from './batches.service'
import type { VoucherGrantService } from './grants.service'
import { voucherPages } from './vouchers.schema'

export interface VoucherRouteDeps {
  db: Db
  clock: Clock
  tokens: ScanTokens
  audit: AuditLog
  tenancy: TenancyServices
  batches: VoucherBatchService
  grants: VoucherGrantService
  publicUrl: string
  simulate: boolean
}

const url = z.url('请填写以 http(s):// 开头的地址').max(1024).nullable()
/** C4 on the phone: the merchant's pay-complete ad (image and link); null clears. */
const MerchantAdBody = z.object({ adImageUrl: url, adUrl: url })

const AUTH_PURPOSE = 'voucher_auth'
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= 2000 ? v : undefined)
const problemPage = (problem: string): string => `/#/pages/scan/result/index?${new URLSearchParams({ problem }).toString()}`
const voucherPage = (code: string): string => `/#/pages/vouchers/index?${new URLSearchParams({ code }).toString()}`

/** Vouchers in the console (C1), on the staff phones (pauses, the merchant's ad: C4) and for customers (C3). */
export function voucherRoutes (d: VoucherRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '代金券与营销')
  const id = (ctx: AppContext, name: string): string => String(ctx.params[name] ?? '')

  doc('get', '/v1/merchants/:merchantId/vouchers', '子商户的代金券：发券证书（仅是否已配置）、已导入的批次及规则、商户代金券页地址')
  router.get('/v1/merchants/:merchantId/vouchers', guard, async (ctx) => { ctx.body = await d.batches.setup(callerOf(ctx), id(ctx, 'merchantId')) })
  doc('put', '/v1/merchants/:merchantId/pay-credentials', '配置子商户自己的微信支付 API 证书（多个商户号、私钥、证书序列号、APIv3 密钥），用于跨商户号发券', { body: MerchantPayCredentialsBody })
  router.put('/v1/merchants/:merchantId/pay-credentials', guard, async (ctx) => {
    ctx.body = await d.batches.setCredentials(callerOf(ctx), id(ctx, 'merchantId'), MerchantPayCredentialsBody.parse(ctx.request.body))
  })
  doc('delete', '/v1/merchants/:merchantId/pay-credentials', '删除子商户的发券证书', { responses: { 204: '已删除' } })
  router.delete('/v1/merchants/:merchantId/pay-credentials', guard, async (ctx) => {
    await d.batches.deleteCredentials(callerOf(ctx), id(ctx, 'merchantId'))
    ctx.status = 204
  })
  doc('post', '/v1/merchants/:merchantId/voucher-batches', '按批次号导入微信支付代金券批次（须已激活、可用时间不超过 90 天、订单优惠标记为六种核销场景之一）', { body: ImportVoucherBatchBody, responses: { 201: '已导入' } })
  router.post('/v1/merchants/:merchantId/voucher-batches', guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await d.batches.import(callerOf(ctx), id(ctx, 'merchantId'), ImportVoucherBatchBody.parse(ctx.request.body))
  })
  doc('patch', '/v1/voucher-batches/:id', '设置批次用途（开卡有礼、消费有礼及最低消费、支付完成页主券/奖励券）或下架/上架', { body: UpdateVoucherBatchBody })
  router.patch('/v1/voucher-batches/:id', guard, async (ctx) => { ctx.body = await d.batches.update(callerOf(ctx), id(ctx, 'id'), UpdateVoucherBatchBody.parse(ctx.request.body)) })
  doc('post', '/v1/voucher-batches/:id/sync', '向微信支付同步批次状态和发放数量')
  router.post('/v1/voucher-batches/:id/sync', guard, async (ctx) => { ctx.body = await d.batches.sync(callerOf(ctx), id(ctx, 'id')) })
  doc('put', '/v1/voucher-batches/:id/stores/:storeId', '暂停或恢复某门店发放该批次', { body: StorePauseBody })
  router.put('/v1/voucher-batches/:id/stores/:storeId', guard, async (ctx) => {
    ctx.body = await d.batches.pauseStore(callerOf(ctx), id(ctx, 'id'), id(ctx, 'storeId'), StorePauseBody.parse(ctx.request.body).paused)
  })
  doc('delete', '/v1/voucher-batches/:id', '移除批次：不再发放（已发出的券仍可使用）', { responses: { 204: '已移除' } })
  router.delete('/v1/voucher-batches/:id', guard, async (ctx) => {
    await d.batches.delete(callerOf(ctx), id(ctx, 'id'))
    ctx.status = 204
  })

  // ── Staff phones ──
  const mobile = mobileSession(d)
  /** The merchant in the path, found through any role of the caller there (404 outside them). */
  const merchantOf = async (ctx: AppContext) => {
    const roles = rolesOf(ctx)
    const own = scopeOfStaff(roles)
    return await d.tenancy.merchants.row({ ...own, merchantIds: [...own.merchantIds, ...roles.flatMap((r) => r.merchantId === null ? [] : [r.merchantId])] }, id(ctx, 'merchantId'))
  }
  doc('get', '/v1/mobile/merchants/:merchantId/vouchers', '代金券批次（商户管理员、店长）', { mobile: true })
  router.get('/v1/mobile/merchants/:merchantId/vouchers', mobile, async (ctx) => {
    const m = await merchantOf(ctx)
    if (!rolesOf(ctx).some((r) => r.role !== 'clerk' && (r.merchantId === m.id || r.role === 'sp_admin' || r.role === 'ssp_admin'))) throw new AppError('permission', 'forbidden', '只有商户管理员和店长可以查看代金券')
    ctx.body = await d.batches.setup({ ...mobileCaller(ctx), scope: ALL_SCOPE }, m.id)
  })
  doc('patch', '/v1/mobile/voucher-batches/:id', '下架/上架代金券批次（商户管理员）', { mobile: true, body: z.object({ paused: z.boolean() }) })
  router.patch('/v1/mobile/voucher-batches/:id', mobile, async (ctx) => {
    const batch = await d.batches.row({ ...mobileCaller(ctx), scope: scopeOfStaff(rolesOf(ctx)) }, id(ctx, 'id'))
    const admin = requireMerchantAdmin(rolesOf(ctx), batch)
    ctx.body = await d.batches.update(mobileCaller(ctx, admin), batch.id, { paused: z.object({ paused: z.boolean() }).parse(ctx.request.body).paused })
  })
  doc('put', '/v1/mobile/voucher-batches/:id/stores/:storeId', '暂停或恢复本门店发放该批次（商户管理员、本店店长）', { mobile: true, body: StorePauseBody })
  router.put('/v1/mobile/voucher-batches/:id/stores/:storeId', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const store = await d.tenancy.stores.row(scopeOfStaff(roles), id(ctx, 'storeId'))
    const allowed = requireStoreManager(roles, store)
    const caller = { ...mobileCaller(ctx, allowed), scope: ALL_SCOPE }
    const batch = await d.batches.row(caller, id(ctx, 'id'))
    if (batch.merchantId !== store.merchantId) throw new AppError('not_found', 'voucher_batch_not_found', undefined, { param: 'id' })
    ctx.body = await d.batches.pauseStore(caller, batch.id, store.id, StorePauseBody.parse(ctx.request.body).paused)
  })
  doc('get', '/v1/mobile/merchants/:merchantId/ad', '支付完成页广告（商户管理员）', { mobile: true })
  router.get('/v1/mobile/merchants/:merchantId/ad', mobile, async (ctx) => {
    const m = await merchantOf(ctx)
    requireMerchantAdmin(rolesOf(ctx), { spId: m.spId, sspId: m.sspId, merchantId: m.id })
    ctx.body = { adImageUrl: m.adImageUrl, adUrl: m.adUrl }
  })
  doc('patch', '/v1/mobile/merchants/:merchantId/ad', '支付完成页广告（图片和链接，null 清除；商户管理员）', { mobile: true, body: MerchantAdBody })
  router.patch('/v1/mobile/merchants/:merchantId/ad', mobile, async (ctx) => {
    const m = await merchantOf(ctx)
    const admin = requireMerchantAdmin(rolesOf(ctx), { spId: m.spId, sspId: m.sspId, merchantId: m.id })
    const body = MerchantAdBody.parse(ctx.request.body)
    await d.db.transaction(async (tx) => {
      await tx.update(merchants).set({ adImageUrl: body.adImageUrl, adUrl: body.adUrl, updatedAt: d.clock.now() }).where(eq(merchants.id, m.id))
      await d.audit.record(tx, { actor: { id: admin.id, kind: 'staff' }, action: 'merchant.ad_updated', target: { type: 'merchant', id: m.id }, tenantId: m.spId, before: { adImageUrl: m.adImageUrl, adUrl: m.adUrl }, after: body })
    })
    ctx.body = body
  })

  // ── Customers ──
  const perIp = (name: string, limit: number) => rateLimit(d, { name, limit, windowMs: 60_000, key: (ctx) => ctx.ip })
  const payerOf = (ctx: AppContext): Payer => {
    const payer = readPayer(ctx, d.tokens)
    if (payer === undefined) throw new AppError('authentication', 'payer_unknown')
    return payer
  }
  doc('get', '/v1/public/pay/orders/:id/vouchers', '支付完成页推荐的代金券：主券和随机一个奖励券（仅该订单的付款人；支付宝为空）')
  router.get('/v1/public/pay/orders/:id/vouchers', perIp('voucher-offers:ip', 120), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await d.grants.payCompleteOffers(payerOf(ctx), id(ctx, 'id'))
  })
  doc('post', '/v1/public/vouchers/claims', '领取代金券（支付完成页或商户代金券页；每人限领、下架、门店暂停时拒绝）', { body: ClaimVoucherBody, responses: { 201: '已领取' } })
  router.post('/v1/public/vouchers/claims', perIp('voucher-claim:ip', 60),
    idempotent(d, { scope: (ctx) => `payer:${payerKey(payerOf(ctx))}` }),
    async (ctx) => {
      ctx.status = 201
      ctx.body = await d.grants.claim(payerOf(ctx), ClaimVoucherBody.parse(ctx.request.body))
    })

  /** The merchant's voucher page: OAuth on the SP's account (the one vouchers are sent under). */
  const target = async (code: string) => {
    const [page] = await d.db.select().from(voucherPages).where(eq(voucherPages.code, code))
    if (page === undefined) throw new ScanProblemError('qr_unknown')
    const m = await d.tenancy.merchants.row(ALL_SCOPE, page.merchantId)
    return d.tenancy.officialAccounts.target(await d.tenancy.sps.row(ALL_SCOPE, m.spId))
  }
  doc('get', '/v/:code', '商户代金券页（商户二维码）：微信网页授权后进入', { responses: { 302: '跳转' } })
  router.get('/v/:code', perIp('voucher-auth:ip', 60), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const code = id(ctx, 'code')
    try {
      const t = await target(code)
      const payer = readPayer(ctx, d.tokens)
      if (platformOfRequest(ctx, d.simulate) !== 'wechat' || (payer?.platform === 'wechat' && payer.appId === t.appId)) { ctx.redirect(voucherPage(code)); return }
      ctx.redirect(d.tenancy.officialAccounts.authorizeUrl(t, `${d.publicUrl}/v/oauth/wechat/callback`, d.tokens.sign({ purpose: AUTH_PURPOSE, code }, 600)))
    } catch (err) {
      if (err instanceof ScanProblemError) { ctx.redirect(problemPage(err.problem)); return }
      throw err
    }
  })
  doc('get', '/v/oauth/wechat/callback', '商户代金券页的微信网页授权回调', { responses: { 302: '跳转' } })
  router.get('/v/oauth/wechat/callback', perIp('voucher-auth:ip', 60), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const claims = d.tokens.verify<{ code?: unknown }>(str(ctx.query.state) ?? '', AUTH_PURPOSE)
    const authCode = str(ctx.query.code)
    if (claims === undefined || typeof claims.code !== 'string' || authCode === undefined) { ctx.redirect(problemPage('openid_failed')); return }
    try {
      const t = await target(claims.code)
      const { openid } = await d.tenancy.officialAccounts.exchange(t, authCode)
      writePayer(ctx, d.tokens, { platform: 'wechat', appId: t.appId, payerId: openid })
    } catch (err) {
      // A code spent by an earlier load of the same redirect: that load's cookie already knows the customer.
      if (!(err instanceof ScanProblemError) || readPayer(ctx, d.tokens)?.platform !== 'wechat') { ctx.redirect(problemPage(err instanceof ScanProblemError ? err.problem : 'openid_failed')); return }
    }
    ctx.redirect(voucherPage(claims.code))
  })
  doc('get', '/v1/public/voucher-pages/:code', '商户代金券页：商户和可领取的代金券')
  router.get('/v1/public/voucher-pages/:code', perIp('voucher-page:ip', 120), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const code = id(ctx, 'code')
    ctx.body = await d.grants.page(code, { platform: platformOfRequest(ctx, d.simulate), payer: readPayer(ctx, d.tokens), authUrl: `${d.publicUrl}/v/${encodeURIComponent(code)}` })
  })
  return router
}
