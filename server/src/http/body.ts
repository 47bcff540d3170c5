import { bodyParser } from '@koa/bodyparser'
import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { AppState } from './context'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Parses JSON, form and XML (WeChat's pushes) bodies up to `limitBytes`, keeping the exact text in
 * `ctx.request.rawBody` for signatures and idempotency hashes. A body of any other type is
 * refused with 415 rather than silently ignored.
 */
export function parseBody (limitBytes: number, o: { skip?: (path: string) => boolean } = {}): Middleware<AppState> {
  const parse = bodyParser({
    enableTypes: ['json', 'form', 'xml'],
    xmlLimit: limitBytes,
    encoding: 'utf-8',
    jsonLimit: limitBytes,
    formLimit: limitBytes,
    jsonStrict: true,
    parsedMethods: [...BODY_METHODS],
  })
  return async (ctx, next) => {
    // PostgreSQL text cannot hold NUL: refused here as bad input rather than failing in a query.
    if (ctx.url.includes('\u0000') || /%00/i.test(ctx.url)) throw new AppError('invalid_request', 'validation_failed', '请求地址含有非法字符（NUL）')
    // Routes that read their own bodies (the Cloud Pay facade answers everything in its envelope).
    if (o.skip?.(ctx.path) === true) { await next(); return }
    if (BODY_METHODS.has(ctx.method) && hasBody(ctx.req.headers) && ctx.is('json', 'urlencoded', 'xml', 'text/xml') === false) {
      throw new AppError('invalid_request', 'unsupported_media_type', '请求体须为 application/json', { status: 415 })
    }
    const declared = Number(ctx.get('content-length'))
    if (Number.isFinite(declared) && declared > limitBytes) {
      throw new AppError('invalid_request', 'payload_too_large', `请求体不能超过 ${limitBytes} 字节`, { status: 413 })
    }
    await parse(ctx, async () => {
      if (hasNul(ctx.request.body)) throw new AppError('invalid_request', 'validation_failed', '请求体含有非法字符（NUL）')
      await next()
    })
  }
}

/** A NUL anywhere in a parsed body's strings or keys (bounded depth: parsed JSON is a tree). */
export function hasNul (v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000')
  if (depth > 64 || typeof v !== 'object' || v === null) return false
  if (Array.isArray(v)) return v.some((x) => hasNul(x, depth + 1))
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x, depth + 1))
}

function hasBody (headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
}
