import Router from '@koa/router'
import { z } from 'zod'
import type { DefaultContext } from 'koa'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import { ErrorBodySchema, errorResponses, type OpenAPIRegistry } from '../../docs/openapi'
import { requireAccount } from '../../http/auth'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import { normaliseLogin, type IdentityService } from './identity.service'
import { PASSWORD_MAX } from './password'

const LoginBody = z.object({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(PASSWORD_MAX),
}).meta({ id: 'LoginBody' })
const RefreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).meta({ id: 'RefreshBody' })
const Account = z.object({ id: z.string(), login: z.string(), displayName: z.string() }).meta({ id: 'Account' })
const SessionTokens = z.object({
  accessToken: z.string().meta({ description: '15 分钟有效，放在 Authorization: Bearer 中' }),
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string().meta({ description: '换取新的令牌对；每次使用后即失效' }),
  account: Account,
}).meta({ id: 'SessionTokens' })

const MINUTE = 60_000
const bodyLogin = (ctx: AppContext): string | undefined => {
  const login = (ctx.request.body as { login?: unknown } | undefined)?.login
  return typeof login === 'string' ? normaliseLogin(login) : undefined
}

/** Console sign-in: login, refresh, logout, me. Login and refresh are rate-limited per IP and per login. */
export function identityRoutes (identity: IdentityService, deps: { db: Db, clock: Clock }, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const signedIn = requireAccount(identity)
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } })
  const tokens = {
    ...errorResponses,
    200: { description: '登录成功', ...json(SessionTokens) },
    401: { description: '账号或密码错误，或令牌无效', ...json(ErrorBodySchema) },
    429: { description: '请求过于频繁（见 Retry-After）', ...json(ErrorBodySchema) },
  }

  openapi.registerPath({ method: 'post', path: '/v1/auth/login', tags: ['登录'], summary: '账号密码登录', request: { body: json(LoginBody) }, responses: tokens })
  router.post('/v1/auth/login',
    rateLimit(deps,
      { name: 'login:ip', limit: 30, windowMs: 5 * MINUTE, key: (ctx) => ctx.ip },
      { name: 'login:account', limit: 10, windowMs: 15 * MINUTE, key: bodyLogin }),
    async (ctx) => {
      const body = LoginBody.parse(ctx.request.body)
      ctx.body = await identity.login({ ...body, userAgent: ctx.get('user-agent'), ip: ctx.ip })
    })

  openapi.registerPath({ method: 'post', path: '/v1/auth/refresh', tags: ['登录'], summary: '用刷新令牌换取新的令牌对', request: { body: json(RefreshBody) }, responses: tokens })
  router.post('/v1/auth/refresh',
    rateLimit(deps, { name: 'refresh:ip', limit: 120, windowMs: 5 * MINUTE, key: (ctx) => ctx.ip }),
    async (ctx) => {
      ctx.body = await identity.refresh(RefreshBody.parse(ctx.request.body).refreshToken)
    })

  openapi.registerPath({ method: 'post', path: '/v1/auth/logout', tags: ['登录'], summary: '退出当前会话', responses: { 204: { description: '已退出' } } })
  router.post('/v1/auth/logout', signedIn, async (ctx) => {
    if (ctx.state.actor !== undefined) await identity.logout(ctx.state.actor.sessionId)
    ctx.status = 204
  })

  openapi.registerPath({ method: 'get', path: '/v1/auth/me', tags: ['登录'], summary: '当前登录的账号', responses: { 200: { description: '账号', ...json(Account) } } })
  router.get('/v1/auth/me', signedIn, (ctx) => {
    ctx.body = ctx.state.actor?.account
  })
  return router
}
