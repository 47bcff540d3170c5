import type { Middleware } from 'koa'
import type { IdGenerator } from '@yima/shared'
import type { Logger } from '../logger'
import type { AppState } from './context'

const INCOMING_ID = /^[\w.:-]{8,64}$/

/**
 * Gives every request an id (the caller's `X-Request-Id` when it looks like one, else a new
 * `req_…`), a child logger carrying it, and one access-log line. The path is logged without its
 * query string, which may carry tokens.
 */
export function requestContext (deps: { logger: Logger, newId: IdGenerator }): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id')
    const requestId = INCOMING_ID.test(incoming) ? incoming : deps.newId('req')
    ctx.state.requestId = requestId
    ctx.state.logger = deps.logger.child({ requestId })
    ctx.set('X-Request-Id', requestId)
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }
      if (ctx.status >= 500) ctx.state.logger.error(line, 'request')
      else ctx.state.logger.info(line, 'request')
    }
  }
}
