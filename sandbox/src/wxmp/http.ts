import type { IncomingMessage } from 'node:http'
import type { Context } from 'koa'
import type { z } from 'zod'
import type { SimWorld } from '../core/world'
import { WxError } from './errors'

export type ApiHandler = (ctx: Context) => Promise<object> | object

/**
 * Wraps a WeChat API handler the way the real hosts answer:
 * - refusals are HTTP 200 `{errcode, errmsg}`;
 * - `/sns/*` answers with `Content-Type: text/plain` (a real quirk: clients that trust the content
 *   type get a string), everything else with `application/json; encoding=utf-8`;
 * - a fault armed for `fault` (default `wxmp:<METHOD> <path>`) answers `-1 system error` (`5xx`)
 *   or never answers (`TIMEOUT`).
 */
export function api (world: SimWorld, handler: ApiHandler, fault?: string) {
  return async (ctx: Context): Promise<void> => {
    const mode = world.faults.take(fault ?? `wxmp:${ctx.method} ${ctx.path}`)
    if (mode === 'TIMEOUT') {
      // Hold the request until the client gives up (or the sandbox stops), then write nothing.
      await new Promise<void>((resolve) => { ctx.res.once('close', () => { resolve() }) })
      ctx.respond = false
      return
    }
    let body: object
    if (mode === '5xx') {
      body = new WxError(-1).toBody()
    } else {
      try {
        body = await handler(ctx)
      } catch (err) {
        if (!(err instanceof WxError)) throw err
        body = err.toBody()
      }
    }
    ctx.status = 200
    ctx.body = JSON.stringify(body)
    ctx.set('Content-Type', ctx.path.startsWith('/sns/') ? 'text/plain' : 'application/json; encoding=utf-8')
  }
}

/** One query parameter; repeated parameters count as their first value, as WeChat's CGI does. */
export function param (ctx: Context, name: string): string | undefined {
  const v = ctx.query[name]
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined || s === '' ? undefined : s
}

async function readStream (req: IncomingMessage): Promise<string> {
  if (req.readableEnded) return ''
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The JSON body of a POST. WeChat reads the body whatever the Content-Type says (many clients send
 * none), so an unparsed stream is read here; the app's parser keeps the raw text of typed bodies.
 */
export async function readJson (ctx: Context): Promise<Record<string, unknown>> {
  const kept = (ctx.request as { rawBody?: unknown }).rawBody
  const raw = typeof kept === 'string' ? kept : await readStream(ctx.req)
  if (raw.trim() === '') throw new WxError(44002)
  let parsed: unknown
  try { parsed = JSON.parse(raw) } catch { throw new WxError(47001) }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new WxError(47001)
  return parsed as Record<string, unknown>
}

function valueAt (data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/**
 * Validates a request body: an absent required field is `missingCode` (41011 unless the API has a
 * narrower code), any other mismatch is 47001 data format error, as WeChat answers.
 */
export function parseBody<T> (schema: z.ZodType<T>, body: unknown, missingCode = 41011): T {
  const r = schema.safeParse(body)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const missing = issue !== undefined && valueAt(body, issue.path) === undefined
  throw new WxError(missing ? missingCode : 47001, issue?.path.join('.'))
}
