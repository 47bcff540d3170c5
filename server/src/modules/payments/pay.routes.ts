import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import type { z } from 'zod'
import { AppError, CreatePayOrderBody, type ScanProblem } from '@yima/shared'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import { idempotent } from '../../http/idempotency'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import { payPage } from '../qr-codes/routes'
import { ScanProblemError } from '../tenancy/staff.service'
import { PayService, type PayDeps } from './pay.service'
import { payerKey, platformOfRequest, readPayer, writePayer, type Payer } from './payer-session'

const problemPage = (problem: ScanProblem): string => `/#/pages/scan/result/index?${new URLSearchParams({ problem }).toString()}`
const str = (v: unknown): string => typeof v === 'string' && v.length <= 2000 ? v : ''

/**
 * One-code pay for customers (P1). Public by design: the printed code is the key to the page,
 * and the payer cookie (set only by the authorization callbacks) the key to ordering and to the
 * orders it made. The `/pay/*` legs are browser navigations and always end on an H5 page.
 */
export function payRoutes (d: PayDeps, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const pay = new PayService(d)
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post', path: string, summary: string, o: { body?: z.ZodType, status?: number } = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: ['付款'],
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

  // Browser legs: a phone gets a page that says what happened, never a bare error.
  const navigation = (limit: Middleware<AppState>): Middleware<AppState> => async (ctx, next) => {
    try {
      await limit(ctx, next)
    } catch (err) {
      if (err instanceof AppError && err.type === 'rate_limit') { ctx.redirect(problemPage('rate_limited')); return }
      if (err instanceof ScanProblemError) { ctx.redirect(problemPage(err.problem)); return }
      throw err
    }
  }
  const authLimit = navigation(perIp('pay-auth:ip', 60))

  doc('get', '/v1/public/pay/:code', '付款页：门店、商户、金额规则、付款人是否已识别（未绑定、已停用、不存在、门店停止收款时返回错误）')
  router.get('/v1/public/pay/:code', perIp('pay-page:ip', 120), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await pay.page(str(ctx.params.code), platformOfRequest(ctx, d.bridgeScripts !== null), readPayer(ctx, d.tokens))
  })

  doc('get', '/pay/auth', '识别付款人：按 User-Agent 跳转到微信网页授权（snsapi_base，服务商公众号）或支付宝 auth_base 授权，完成后回到付款页', { status: 302 })
  router.get('/pay/auth', authLimit, async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.redirect(await pay.authorizeUrl(str(ctx.query.code), platformOfRequest(ctx, d.bridgeScripts !== null)))
  })

  const completeAuth = (platform: Payer['platform'], codeParam: string) => async (ctx: AppContext): Promise<void> => {
    ctx.set('Cache-Control', 'no-store')
    const done = await pay.completeAuthorization(platform, str(ctx.query.state), str(ctx.query[codeParam]), readPayer(ctx, d.tokens))
    if (done.payer !== undefined) writePayer(ctx, d.tokens, done.payer)
    ctx.redirect(payPage(done.code))
  }
  doc('get', '/pay/oauth/wechat/callback', '微信网页授权回调：写入付款人 Cookie 后回到付款页', { status: 302 })
  router.get('/pay/oauth/wechat/callback', authLimit, completeAuth('wechat', 'code'))
  doc('get', '/pay/oauth/alipay/callback', '支付宝 auth_base 授权回调：写入付款人 Cookie 后回到付款页', { status: 302 })
  router.get('/pay/oauth/alipay/callback', authLimit, completeAuth('alipay', 'auth_code'))

  doc('post', '/v1/public/pay/orders', '下单：门店码、店员码填金额，定额码填数量；返回调起微信/支付宝收银台的参数（需付款人 Cookie）', { body: CreatePayOrderBody, status: 201 })
  router.post('/v1/public/pay/orders',
    // A shop's Wi-Fi puts many customers behind one IP; one customer needs a few tries at most.
    perIp('pay-order:ip', 60),
    async (ctx, next) => { payerOf(ctx); await next() },
    rateLimit(d, { name: 'pay-order:payer', limit: 20, windowMs: 60_000, key: (ctx) => payerKey(payerOf(ctx)) }),
    // A retried tap replays the first answer instead of creating a second order.
    idempotent(d, { scope: (ctx) => `payer:${payerKey(payerOf(ctx))}` }),
    async (ctx) => {
      const body = CreatePayOrderBody.parse(ctx.request.body)
      ctx.status = 201
      ctx.body = await pay.createOrder(payerOf(ctx), body)
    })

  doc('get', '/v1/public/pay/orders/:id', '付款结果：仅创建该订单的付款人可查；未支付时服务端会向支付渠道查询')
  router.get('/v1/public/pay/orders/:id', perIp('pay-poll:ip', 300), async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await pay.order(payerOf(ctx), str(ctx.params.id))
  })
  return router
}
