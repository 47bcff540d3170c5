import Router from '@koa/router'
import type { DefaultContext } from 'koa'
import { AppError, MpLinkBody, MpSessionBody } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import type { MiniProgramSignIn } from './mini-program'
import { miniProgramSession, officialAccountSession } from './mobile'
import { documenter } from './route-doc'
import type { ScanTokens } from './scan-tokens'
import { activeRoles } from './scope'

/**
 * The staff mini-program's sign-in (mission roles: 商户管理员、店长、店员 in the mini-program) and
 * the link code that ties its user to the official-account identity their roles were activated on.
 */
export function miniProgramRoutes (signIn: MiniProgramSignIn, d: { db: Db, clock: Clock, tokens: ScanTokens }, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '小程序登录')
  const perIp = rateLimit(d, { name: 'mp:ip', limit: 30, windowMs: 60_000, key: (ctx) => ctx.ip })

  doc('post', '/v1/mp/session', '小程序登录：wx.login 的 code 换取会话（linked=false 时需先关联身份）', { body: MpSessionBody })
  router.post('/v1/mp/session', perIp, async (ctx) => {
    ctx.body = await signIn.signIn(MpSessionBody.parse(ctx.request.body).code)
  })

  doc('post', '/v1/mp/link', '用公众号商户助手页面上的关联码关联身份（小程序会话）', { body: MpLinkBody })
  router.post('/v1/mp/link', perIp, async (ctx) => {
    const mp = miniProgramSession(ctx, d.tokens)
    if (mp === undefined) throw new AppError('authentication', 'unauthenticated', '请重新打开小程序登录')
    const roles = await signIn.link(mp, MpLinkBody.parse(ctx.request.body).linkCode)
    ctx.body = { linked: roles.length > 0, roles: roles.length }
  })

  doc('get', '/v1/mobile/link-code', '小程序关联码（5 分钟内有效，只能用一次）', { mobile: true })
  router.get('/v1/mobile/link-code', async (ctx) => {
    const oa = officialAccountSession(ctx, d.tokens)
    if (oa === undefined) {
      if (miniProgramSession(ctx, d.tokens) !== undefined) throw new AppError('invalid_request', 'link_code_needs_official_account')
      throw new AppError('authentication', 'unauthenticated', '请重新扫描管理二维码')
    }
    // Only someone who acts for an entity has anything to carry over.
    if ((await activeRoles(d.db, oa.appId, oa.openid)).length === 0) throw new AppError('authentication', 'unauthenticated', '请重新扫描管理二维码')
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await signIn.issueLinkCode(oa)
  })
  return router
}
