import Router from '@koa/router'
import type { DefaultContext } from 'koa'
import type { z } from 'zod'
import { ActivateCardBody, AppError, CardPayBody, ClaimCardBody, CustomerLedgerQuery, RechargeBody } from '@yima/shared'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import { idempotent } from '../../http/idempotency'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import type { Db } from '../../db/client'
import type { Clock } from '../../clock'
import { payerKey, platformOfRequest, readPayer, writePayer, type Payer } from '../payments/payer-session'
import type { TenancyServices } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { ALL_SCOPE } from '../tenancy/scope'
import { ScanProblemError } from '../tenancy/staff.service'
import type { CustomerCardService } from './customer.service'

export interface CustomerRouteDeps { db: Db, clock: Clock, tokens: ScanTokens, tenancy: TenancyServices, cards: CustomerCardService, publicUrl: string, simulate: boolean }

const AUTH_PURPOSE = 'card_auth'
const STATE_TTL_SEC = 10 * 60
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= 2000 ? v : undefined)

/** The card page of the H5 app, with what the customer came for. */
export const cardPage = (q: { card: string, code?: string | undefined, recharge?: boolean }): string =>
  `/#/pages/card/index?${new URLSearchParams({ card: q.card, ...(q.code === undefined ? {} : { code: q.code }), ...(q.recharge === true ? { recharge: '1' } : {}) }).toString()}`
const problemPage = (problem: string): string => `/#/pages/scan/result/index?${new URLSearchParams({ problem }).toString()}`

/**
 * The customer's membership card (M3). `/card/:id` is the claim link, the recharge QR
 * (`?recharge=1`) and the wallet's entries: it identifies the WeChat user by OAuth on the SP's
 * official account (the account that made the card) and lands on the H5 card page. The JSON
 * routes act for the payer cookie's openid, as the one-code pay page does.
 */
export function customerCardRoutes (d: CustomerRouteDeps, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post', path: string, summary: string, o: { body?: z.ZodType, status?: number } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: ['会员卡（顾客）'],
      summary,
      ...(o.body === undefined ? {} : { request: { body: { content: { 'application/json': { schema: o.body } } } } }),
      responses: { ...errorResponses, [o.status ?? 200]: { description: o.status === 302 ? '跳转' : 'OK' } },
    })
  }
  const perIp = (name: string, limit: number) => rateLimit(d, { name, limit, windowMs: 60_000, key: (ctx) => ctx.ip })
  const payerOf = (ctx: AppContext): Payer => {
    const payer = readPayer(ctx, d.tokens)
    if (payer === undefined) throw new AppError('authentication', 'payer_unknown')
    return payer
  }
  const once = idempotent(d, { scope: (ctx) => `payer:${payerKey(payerOf(ctx))}` })
  const cardId = (ctx: AppContext): string => String(ctx.params.cardId ?? '')

  /** The SP's OAuth target for the card's account (the one WeChat Pay charges under, too). */
  const target = async (id: string) => {
    const card = await d.cards.cardRow(id)
    const sp = await d.tenancy.sps.row(ALL_SCOPE, card.spId)
    const t = d.tenancy.officialAccounts.target(sp)
    if (t.appId !== card.wxAppId) throw new ScanProblemError('appid_mismatch')
    return { card, t }
  }

  doc('get', '/card/:cardId', '会员卡领取链接 / 充值二维码 / 卡包入口：微信网页授权后进入会员卡页（code=门店码时充值归入该门店，recharge=1 打开充值）', { status: 302 })
  router.get('/card/:cardId', perIp('card-auth:ip', 60), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const back = { card: cardId(ctx), code: str(ctx.query.code), recharge: ctx.query.recharge === '1' }
    try {
      const { card, t } = await target(back.card)
      const payer = readPayer(ctx, d.tokens)
      // Outside WeChat, or already known: straight to the page (which tells Alipay users the card is WeChat-only).
      if (platformOfRequest(ctx, d.simulate) !== 'wechat' || (payer?.platform === 'wechat' && payer.appId === card.wxAppId)) { ctx.redirect(cardPage(back)); return }
      const state = d.tokens.sign({ purpose: AUTH_PURPOSE, ...back }, STATE_TTL_SEC)
      ctx.redirect(d.tenancy.officialAccounts.authorizeUrl(t, `${d.publicUrl}/card/oauth/wechat/callback`, state))
    } catch (err) {
      if (err instanceof ScanProblemError) { ctx.redirect(problemPage(err.problem)); return }
      if (err instanceof AppError && err.code === 'member_card_not_found') { ctx.redirect(problemPage('card_unknown')); return }
      throw err
    }
  })

  doc('get', '/card/oauth/wechat/callback', '微信网页授权回调：写入付款人 Cookie 后进入会员卡页', { status: 302 })
  router.get('/card/oauth/wechat/callback', perIp('card-auth:ip', 60), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const claims = d.tokens.verify<{ card?: unknown, code?: unknown, recharge?: unknown }>(str(ctx.query.state) ?? '', AUTH_PURPOSE)
    const code = str(ctx.query.code)
    if (claims === undefined || typeof claims.card !== 'string' || code === undefined) { ctx.redirect(problemPage('openid_failed')); return }
    const back = { card: claims.card, code: typeof claims.code === 'string' ? claims.code : undefined, recharge: claims.recharge === true }
    try {
      const { t } = await target(back.card)
      const { openid } = await d.tenancy.officialAccounts.exchange(t, code)
      writePayer(ctx, d.tokens, { platform: 'wechat', appId: t.appId, payerId: openid })
    } catch (err) {
      // A code spent by an earlier load of the same redirect: that load's cookie already knows the customer.
      const current = readPayer(ctx, d.tokens)
      if (!(err instanceof ScanProblemError) || current?.platform !== 'wechat') {
        ctx.redirect(problemPage(err instanceof ScanProblemError ? err.problem : 'openid_failed'))
        return
      }
    }
    ctx.redirect(cardPage(back))
  })

  doc('get', '/v1/public/cards/:cardId', '会员卡页：卡面、充值规则、本人的会员信息与余额（需付款人 Cookie 才有会员信息）')
  router.get('/v1/public/cards/:cardId', perIp('card-page:ip', 120), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    const code = str(ctx.query.code)
    const authQuery = new URLSearchParams({ ...(code === undefined ? {} : { code }) }).toString()
    ctx.body = await d.cards.page(cardId(ctx), {
      platform: platformOfRequest(ctx, d.simulate),
      payer: readPayer(ctx, d.tokens),
      ...(code === undefined ? {} : { code }),
      authUrl: `${d.publicUrl}/card/${encodeURIComponent(cardId(ctx))}${authQuery === '' ? '' : `?${authQuery}`}`,
    })
  })
  doc('post', '/v1/public/cards/:cardId/add-card-params', '领取到卡包：wx.addCard（batchAddCard）所需的 cardExt 签名')
  router.post('/v1/public/cards/:cardId/add-card-params', perIp('card-claim:ip', 60), async (ctx) => {
    ctx.body = await d.cards.addCardParams(cardId(ctx), payerOf(ctx))
  })
  doc('post', '/v1/public/cards/:cardId/claims', '领卡完成：提交卡包返回的加密 code', { body: ClaimCardBody, status: 201 })
  router.post('/v1/public/cards/:cardId/claims', perIp('card-claim:ip', 60), async (ctx) => {
    ctx.status = 201
    ctx.body = await d.cards.claim(cardId(ctx), payerOf(ctx), ClaimCardBody.parse(ctx.request.body).encryptCode)
  })
  doc('post', '/v1/public/cards/:cardId/activation', '激活会员卡：姓名、手机号（与导入的旧会员手机号相同时合并其余额）', { body: ActivateCardBody })
  router.post('/v1/public/cards/:cardId/activation', perIp('card-claim:ip', 60), async (ctx) => {
    ctx.body = await d.cards.activate(cardId(ctx), payerOf(ctx), ActivateCardBody.parse(ctx.request.body))
  })
  doc('get', '/v1/public/cards/:cardId/ledger', '本人的会员卡流水：默认当天（中国时间），可指定日期和天数')
  router.get('/v1/public/cards/:cardId/ledger', perIp('card-page:ip', 120), async (ctx) => {
    ctx.body = await d.cards.ledger(cardId(ctx), payerOf(ctx), CustomerLedgerQuery.parse(ctx.query))
  })
  doc('post', '/v1/public/cards/:cardId/recharges', '会员卡余额充值：创建微信支付订单，支付成功后才入账（code=门店码时归入该门店，否则归入线上门店）', { body: RechargeBody, status: 201 })
  router.post('/v1/public/cards/:cardId/recharges', perIp('card-pay:ip', 60), once, async (ctx) => {
    ctx.status = 201
    ctx.body = await d.cards.recharge(cardId(ctx), payerOf(ctx), RechargeBody.parse(ctx.request.body))
  })
  doc('get', '/v1/public/cards/:cardId/recharges/:orderId', '充值结果：未支付时服务端向微信支付查询')
  router.get('/v1/public/cards/:cardId/recharges/:orderId', perIp('card-poll:ip', 300), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await d.cards.rechargeStatus(cardId(ctx), payerOf(ctx), String(ctx.params.orderId ?? ''))
  })
  doc('post', '/v1/public/cards/:cardId/payments', '会员卡余额付款（一码付门店页）', { body: CardPayBody, status: 201 })
  router.post('/v1/public/cards/:cardId/payments', perIp('card-pay:ip', 60), once, async (ctx) => {
    ctx.status = 201
    ctx.body = await d.cards.pay(cardId(ctx), payerOf(ctx), CardPayBody.parse(ctx.request.body))
  })
  return router
}
