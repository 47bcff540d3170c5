import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { Db } from '../db/client'
import type { IdentityService } from '../modules/identity'
import type { WechatBindingService } from '../modules/identity/wechat-binding.service'
import { consoleScope } from '../modules/tenancy/scope'
import { requireAccount } from './auth'
import type { AppState } from './context'

/**
 * Every console route but login and binding: a live session, at least one bound WeChat identity
 * (T1: "nothing else works before binding"), and the caller's tenant scope on `ctx.state.caller`.
 */
export function consoleGuard (deps: { db: Db, identity: IdentityService, bindings: WechatBindingService }): Middleware<AppState> {
  const signedIn = requireAccount(deps.identity)
  return async (ctx, next) => {
    await signedIn(ctx, async () => {
      const actor = ctx.state.actor
      if (actor === undefined) throw new AppError('authentication', 'unauthenticated')
      if (!await deps.bindings.isBound(actor.id)) throw new AppError('permission', 'wechat_binding_required')
      ctx.state.caller = {
        actor: { id: actor.id, kind: 'account' },
        scope: await consoleScope(deps.db, actor.id),
        origin: { ip: ctx.ip, userAgent: ctx.get('user-agent'), requestId: ctx.state.requestId },
      }
      await next()
    })
  }
}
