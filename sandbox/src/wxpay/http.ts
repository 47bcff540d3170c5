import type Router from '@koa/router'
import type { RouterContext } from '@koa/router'
import type { FaultMode } from '../core/faults'
import { signError, systemError, WxError } from './errors'
import { requestId } from './identifiers'
import type { ServiceProvider, V3Caller } from './merchants'
import { verifyRequest, wechatpayHeaders } from './sign'
import type { WxpayState } from './state'

export interface V3Request {
  /** The service provider the verified caller is, or (a merchant calling as itself) belongs to. */
  sp: ServiceProvider
  /** Who signed: the Authorization mchid. Only routes registered with `merchants: true` see a merchant. */
  caller: V3Caller
  body: unknown
  query: Record<string, string>
  params: Record<string, string>
  /** The fault armed for this call, for handlers that act on one (LATE_SUCCESS_AFTER_CLOSE, GCM_TAMPER). */
  fault?: FaultMode
}

export type V3Answer =
  | { status: 200 | 202, body: unknown }
  | { status: 204 }
  /** Bill files: raw bytes, not signed (the SDK skips verification for download paths). */
  | { status: 200, file: Buffer, contentType: string }

export type V3Handler = (req: V3Request) => V3Answer | Promise<V3Answer>

function firstValues (query: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(query)) {
    const first = Array.isArray(v) ? v[0] : v
    if (first !== undefined) out[k] = first
  }
  return out
}

/** The TIMEOUT fault: accept the request and never answer, until the client gives up. */
async function hangUp (ctx: RouterContext): Promise<void> {
  ctx.respond = false
  const socket = ctx.req.socket
  if (socket.destroyed) return
  await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
}

/** Requests name the service provider again in the body or query; it must be the signer. */
function checkSpMchId (caller: V3Caller, body: unknown, query: Record<string, string>): void {
  const fromBody = typeof body === 'object' && body !== null && 'sp_mchid' in body ? (body as { sp_mchid: unknown }).sp_mchid : undefined
  for (const named of [fromBody, query.sp_mchid]) {
    if (named !== undefined && named !== caller.mchId) throw signError('Http头Authorization中的mchid与请求中的sp_mchid不一致')
  }
}

export interface V3RouteOptions {
  /** Also accept merchants signing with their own API certificate (直连), e.g. the voucher APIs. */
  merchants?: boolean
}

/**
 * Registers one `/v3/...` route with WeChat's envelope around it: faults for
 * `wxpay:<METHOD> <pattern>`, request signature verification, WeChat error bodies, and a
 * platform signature on every answer (errors and 204s included; the SDK checks 2xx only).
 */
export function v3Route (wx: WxpayState, router: Router, method: 'GET' | 'POST', pattern: string, handler: V3Handler, o: V3RouteOptions = {}): void {
  const faultKey = `wxpay:${method} ${pattern}`
  const middleware = async (ctx: RouterContext): Promise<void> => {
    const fault = wx.world.faults.take(faultKey)
    if (fault === 'TIMEOUT') { await hangUp(ctx); return }

    let answer: V3Answer | { status: number, body: unknown }
    try {
      if (fault === '5xx') throw systemError()
      const rawBody = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : ''
      const authorization = ctx.get('Authorization')
      const caller = verifyRequest({ method, url: ctx.originalUrl, body: rawBody, authorization: authorization === '' ? undefined : authorization }, wx.merchants)
      const query = firstValues(ctx.query)
      checkSpMchId(caller, ctx.request.body, query)
      // The partner (服务商) APIs are for service providers; a merchant's own certificate opens only its own APIs.
      if (caller.kind === 'merchant' && o.merchants !== true) throw new WxError(403, 'NO_AUTH', '商户号无服务商权限，不能调用服务商模式接口')
      answer = await handler({ sp: caller.sp, caller, body: ctx.request.body, query, params: ctx.params, ...(fault === undefined ? {} : { fault }) })
    } catch (err) {
      if (!(err instanceof WxError)) throw err
      answer = { status: err.status, body: err.toBody() }
    }

    ctx.set('Request-ID', requestId())
    ctx.status = answer.status
    if ('file' in answer) {
      ctx.type = answer.contentType
      ctx.body = answer.file
      return
    }
    const text = 'body' in answer ? JSON.stringify(answer.body) : ''
    const headers = wechatpayHeaders(wx.signer(), text, fault) // only the signing faults change anything here
    for (const [k, v] of Object.entries(headers)) ctx.set(k, v)
    if ('body' in answer) {
      // The signature covers these exact bytes, so the body goes out as a string, not an object.
      ctx.type = 'application/json'
      ctx.body = text
    }
  }
  if (method === 'GET') router.get(pattern, middleware)
  else router.post(pattern, middleware)
}
