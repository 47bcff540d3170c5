import Router from '@koa/router'
import { eq } from 'drizzle-orm'
import type { DefaultContext } from 'koa'
import { AppError, type ConsoleMeDTO } from '@yima/shared'
import type { Db } from '../../db/client'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import { requireAccount } from '../../http/auth'
import type { AppContext, AppState } from '../../http/context'
import type { IdentityService } from './identity.service'
import { accounts } from './identity.schema'
import type { WechatBindingService } from './wechat-binding.service'

/** T1: who am I, and the WeChat binding QR that must be scanned before anything else. */
export function consoleIdentityRoutes (identity: IdentityService, bindings: WechatBindingService, db: Db, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const signedIn = requireAccount(identity)
  const accountId = (ctx: AppContext): string => {
    if (ctx.state.actor === undefined) throw new AppError('authentication', 'unauthenticated')
    return ctx.state.actor.id
  }
  const doc = (method: 'get' | 'post' | 'delete', path: string, summary: string): void => {
    openapi.registerPath({ method, path: path.replace(/:(\w+)/g, '{$1}'), tags: ['登录'], summary, responses: { ...errorResponses, 200: { description: 'OK' } } })
  }

  doc('get', '/v1/console/me', '当前账号与微信绑定状态')
  router.get('/v1/console/me', signedIn, async (ctx) => {
    const id = accountId(ctx)
    const [row] = await db.select().from(accounts).where(eq(accounts.id, id))
    if (row === undefined) throw new AppError('authentication', 'unauthenticated')
    const me: ConsoleMeDTO = { id: row.id, login: row.login, displayName: row.displayName, isOperator: row.isOperator, wechatBound: await bindings.isBound(id) }
    ctx.body = me
  })
  doc('post', '/v1/console/wechat-bindings', '生成绑定微信号二维码（约 5 分钟有效）')
  router.post('/v1/console/wechat-bindings', signedIn, async (ctx) => {
    ctx.status = 201
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await bindings.start(accountId(ctx))
  })
  doc('get', '/v1/console/wechat-bindings/:id', '绑定二维码状态：pending / bound / expired')
  router.get('/v1/console/wechat-bindings/:id', signedIn, async (ctx) => {
    ctx.body = await bindings.status(accountId(ctx), ctx.params.id ?? '')
  })
  doc('get', '/v1/console/wechat-identities', '已绑定的微信号')
  router.get('/v1/console/wechat-identities', signedIn, async (ctx) => { ctx.body = await bindings.identities(accountId(ctx)) })
  doc('delete', '/v1/console/wechat-identities/:id', '解绑微信号（至少保留一个）')
  router.delete('/v1/console/wechat-identities/:id', signedIn, async (ctx) => {
    await bindings.remove(accountId(ctx), ctx.params.id ?? '')
    ctx.status = 204
  })
  return router
}
