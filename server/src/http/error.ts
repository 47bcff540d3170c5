import type { Middleware } from 'koa'
import { ZodError } from 'zod'
import { AppError, firstIssueMessage, firstIssuePath } from '@yima/shared'
import type { AppState } from './context'

interface HttpLikeError { status?: unknown, statusCode?: unknown, type?: unknown, expose?: unknown }

/** Errors raised by body parsing (raw-body, co-body, koa's ctx.throw) carry a status; map the ones we expect. */
function fromHttpError (err: HttpLikeError): AppError | undefined {
  const status = typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : undefined
  if (status === undefined || status >= 500) return undefined
  if (status === 413) return new AppError('invalid_request', 'payload_too_large', undefined, { status: 413 })
  if (status === 415) return new AppError('invalid_request', 'unsupported_media_type', undefined, { status: 415 })
  if (status === 400) return new AppError('invalid_request', err.type === 'entity.parse.failed' || err.type === undefined ? 'invalid_json' : 'validation_failed')
  if (status === 404) return new AppError('not_found', 'route_not_found')
  if (status === 401) return new AppError('authentication', 'unauthenticated')
  if (status === 403) return new AppError('permission', 'forbidden')
  return new AppError('invalid_request', 'validation_failed', undefined, { status })
}

export function toAppError (err: unknown): AppError | undefined {
  if (err instanceof AppError) return err
  if (err instanceof ZodError) {
    const param = firstIssuePath(err)
    return new AppError('invalid_request', 'validation_failed', firstIssueMessage(err), param === undefined ? {} : { param })
  }
  if (typeof err === 'object' && err !== null) return fromHttpError(err as HttpLikeError)
  return undefined
}

/**
 * The one place errors become responses: `{ error: { type, code, message, param?, requestId } }`.
 * Anything that is not a known error is logged in full and answered as a bare `internal`, so no
 * stack, SQL or vendor text reaches a client. An unmatched route becomes `route_not_found`.
 */
export function errorHandler (): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next()
      if (ctx.status === 404 && ctx.body == null) throw new AppError('not_found', 'route_not_found')
    } catch (err) {
      let appError = toAppError(err)
      if (appError === undefined) {
        ctx.state.logger.error({ err }, 'unhandled error')
        appError = new AppError('internal', 'internal_error')
      } else if (appError.status >= 500) {
        ctx.state.logger.error({ err }, appError.message)
      }
      ctx.status = appError.status
      ctx.body = appError.toBody(ctx.state.requestId)
    }
  }
}
