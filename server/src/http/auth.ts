import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { IdentityService } from '../modules/identity'
import type { AppState } from './context'

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/

/** Lets the request through only with a valid access token of a live session; sets `ctx.state.actor`. */
export function requireAccount (identity: IdentityService): Middleware<AppState> {
  return async (ctx, next) => {
    const m = BEARER.exec(ctx.get('authorization'))
    if (m === null) throw new AppError('authentication', 'unauthenticated')
    ctx.state.actor = await identity.authenticate(m[1] as string)
    await next()
  }
}
