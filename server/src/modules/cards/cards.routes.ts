import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import {
  AdjustBalanceBody, BalanceLedgerQuery, CardSubMerchantBody, ImportMembersBody, LedgerQuery, MemberCardBody, MemberCardPatch, MemberSearchQuery, RefundCardPaymentBody,
} from '@yima/shared'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import { idempotent } from '../../http/idempotency'
import type { Clock } from '../../clock'
import type { AppContext, AppState } from '../../http/context'
import { mobileSession, mobileSessionKey, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import { callerOf, type TenancyServices } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { scopeOfStaff } from '../tenancy/scope'
import type { StaffRow } from '../tenancy/tenancy.schema'
import type { CardAdminService } from './card-admin.service'
import { memberDto } from './dto'
import { memberManager, type MembersService } from './members.service'

export interface CardRouteDeps { db: Db, clock: Clock, tokens: ScanTokens, tenancy: TenancyServices, admin: CardAdminService, members: MembersService }

/** The merchant's card in the console (M1, M2) and its members on the staff phones (M4). */
export function cardRoutes (d: CardRouteDeps, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '会员卡')
  const id = (ctx: AppContext, name: string): string => String(ctx.params[name] ?? '')

  const base = '/v1/merchants/:merchantId/member-card'
  doc('get', base, '子商户的会员卡：卡券权限、卡券子商户及审核状态、会员卡（审核中时会向微信查询）')
  router.get(base, guard, async (ctx) => { ctx.body = await d.admin.get(callerOf(ctx), id(ctx, 'merchantId')) })
  doc('put', `${base}/sub-merchant`, '配置卡券子商户ID（不是微信支付子商户号），立即向微信同步其审核状态', { body: CardSubMerchantBody })
  router.put(`${base}/sub-merchant`, guard, async (ctx) => {
    ctx.body = await d.admin.setSubMerchant(callerOf(ctx), id(ctx, 'merchantId'), CardSubMerchantBody.parse(ctx.request.body).cardSubMerchantId)
  })
  doc('post', `${base}/sync`, '向微信同步卡券子商户和会员卡的审核状态')
  router.post(`${base}/sync`, guard, async (ctx) => { ctx.body = await d.admin.sync(callerOf(ctx), id(ctx, 'merchantId')) })
  doc('post', base, '创建会员卡（卡券子商户审核通过后）：卡面、充值模式（固定金额含赠送 / 任意金额）、余额上限', { body: MemberCardBody, responses: { 201: '已提交微信审核' } })
  router.post(base, guard, async (ctx) => {
    ctx.status = 201
    ctx.body = await d.admin.create(callerOf(ctx), id(ctx, 'merchantId'), MemberCardBody.parse(ctx.request.body))
  })
  doc('patch', base, '修改会员卡；改卡面会重新提交微信审核', { body: MemberCardPatch })
  router.patch(base, guard, async (ctx) => { ctx.body = await d.admin.update(callerOf(ctx), id(ctx, 'merchantId'), MemberCardPatch.parse(ctx.request.body)) })
  doc('delete', base, '删除会员卡：所有会员余额为 0 时才可删除', { responses: { 204: '已删除' } })
  router.delete(base, guard, async (ctx) => {
    await d.admin.delete(callerOf(ctx), id(ctx, 'merchantId'))
    ctx.status = 204
  })

  // ── Staff phones ──
  const mobile = mobileSession(d)
  const once = idempotent(d, { scope: (ctx) => `mobile:${mobileSessionKey(ctx)}` })
  /** The merchant named in the path, through the caller's roles (404 outside them), and who may act on its members. */
  const acting = async (ctx: AppContext, o: { adminOnly?: boolean } = {}): Promise<{ merchantId: string, operator: StaffRow }> => {
    const roles = rolesOf(ctx)
    // Anyone working for the merchant finds it (a clerk is then refused with 403, not 404).
    const own = scopeOfStaff(roles)
    const scope = { ...own, merchantIds: [...own.merchantIds, ...roles.map((r) => r.merchantId).filter((x): x is string => x !== null)] }
    const m = await d.tenancy.merchants.row(scope, id(ctx, 'merchantId'))
    return { merchantId: m.id, operator: memberManager(roles, m, o) }
  }
  const mbase = '/v1/mobile/merchants/:merchantId'
  doc('get', `${mbase}/member-card`, '商户的会员卡（商户管理员、店长）', { mobile: true })
  router.get(`${mbase}/member-card`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    ctx.body = await d.admin.dto(await d.members.card(merchantId))
  })
  doc('get', `${mbase}/members`, '会员信息：按手机号（前缀）或姓名查询', { mobile: true })
  router.get(`${mbase}/members`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    ctx.body = await d.members.search(merchantId, MemberSearchQuery.parse(ctx.query).q)
  })
  doc('get', `${mbase}/members/:memberId`, '会员详情', { mobile: true })
  router.get(`${mbase}/members/:memberId`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    ctx.body = memberDto(await d.members.member(merchantId, id(ctx, 'memberId')))
  })
  doc('get', `${mbase}/members/:memberId/ledger`, '会员流水：时间倒序，分页（cursor）', { mobile: true })
  router.get(`${mbase}/members/:memberId/ledger`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    ctx.body = await d.members.ledger(await d.members.member(merchantId, id(ctx, 'memberId')), LedgerQuery.parse(ctx.query))
  })
  doc('get', `${mbase}/member-ledger`, '会员卡余额流水：按手机号查询', { mobile: true })
  router.get(`${mbase}/member-ledger`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    const q = BalanceLedgerQuery.parse(ctx.query)
    ctx.body = await d.members.ledger(await d.members.byPhone(merchantId, q.phone), q)
  })
  doc('post', `${mbase}/members/:memberId/adjustments`, '修改余额（增加或减少本金/赠送金），记录原因和操作人', { mobile: true, body: AdjustBalanceBody, responses: { 201: '已调整' } })
  router.post(`${mbase}/members/:memberId/adjustments`, mobile, once, async (ctx) => {
    const { merchantId, operator } = await acting(ctx)
    ctx.status = 201
    ctx.body = await d.members.adjust(merchantId, id(ctx, 'memberId'), AdjustBalanceBody.parse(ctx.request.body), operator)
  })
  doc('post', `${mbase}/members/import`, '导入旧会员卡余额（CSV：手机号,姓名,本金,赠送金）；有不合格的行时全部不导入，error.details.rejected 列出原因（商户管理员）', { mobile: true, body: ImportMembersBody, responses: { 201: '已导入' } })
  router.post(`${mbase}/members/import`, mobile, once, async (ctx) => {
    const { merchantId, operator } = await acting(ctx, { adminOnly: true })
    ctx.status = 201
    ctx.body = await d.members.import(merchantId, ImportMembersBody.parse(ctx.request.body).csv, operator)
  })
  doc('get', `${mbase}/card-payments/:paymentId`, '会员卡余额付款详情', { mobile: true })
  router.get(`${mbase}/card-payments/:paymentId`, mobile, async (ctx) => {
    const { merchantId } = await acting(ctx)
    ctx.body = await d.members.payment(merchantId, id(ctx, 'paymentId'))
  })
  doc('post', `${mbase}/card-payments/:paymentId/refunds`, '退还会员卡余额付款：按原付款的本金、赠送金比例退回', { mobile: true, body: RefundCardPaymentBody, responses: { 201: '已退回' } })
  router.post(`${mbase}/card-payments/:paymentId/refunds`, mobile, once, async (ctx) => {
    const { merchantId, operator } = await acting(ctx)
    ctx.status = 201
    ctx.body = await d.members.refundPayment(merchantId, id(ctx, 'paymentId'), RefundCardPaymentBody.parse(ctx.request.body), operator)
  })
  return router
}
