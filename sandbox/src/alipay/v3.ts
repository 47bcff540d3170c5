import { randomUUID } from 'node:crypto'
import Router from '@koa/router'
import type { Context } from 'koa'
import { hex } from '../core/ids'
import { METHODS, runMethod } from './dispatch'
import { hangUp } from './http'
import { str } from './methods/common'
import { fail, v3Body, v3Status, type MethodResult } from './result'
import { rsaSign, rsaVerify, wrongSignature } from './sign'
import type { AlipaySim } from './sim'

/** v3 paths (https://opendocs.alipay.com/open-v3) onto the v2 methods; one ledger serves both. */
const V3_PATHS: Record<string, string> = {
  '/v3/alipay/trade/create': 'alipay.trade.create',
  '/v3/alipay/trade/pay': 'alipay.trade.pay',
  '/v3/alipay/trade/precreate': 'alipay.trade.precreate',
  '/v3/alipay/trade/query': 'alipay.trade.query',
  '/v3/alipay/trade/refund': 'alipay.trade.refund',
  '/v3/alipay/trade/fastpay/refund/query': 'alipay.trade.fastpay.refund.query',
  '/v3/alipay/trade/close': 'alipay.trade.close',
  '/v3/alipay/trade/cancel': 'alipay.trade.cancel',
}

/** A request older or newer than this (or its own `expired_seconds`) is refused. */
const DEFAULT_EXPIRED_SECONDS = 600

export interface V3Authorization {
  /** Everything before `,sign=`: the exact text the client signed. */
  authString: string
  fields: Record<string, string>
  sign: string
}

/** `ALIPAY-SHA256withRSA app_id=…,nonce=…,timestamp=…,sign=…`, pairs in any order. */
export function parseV3Authorization (header: string | undefined): V3Authorization | undefined {
  const prefix = 'ALIPAY-SHA256withRSA '
  if (header?.startsWith(prefix) !== true) return undefined
  const rest = header.slice(prefix.length)
  const at = rest.lastIndexOf(',sign=')
  if (at < 0) return undefined
  const authString = rest.slice(0, at)
  const fields: Record<string, string> = {}
  for (const pair of authString.split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return { authString, fields, sign: rest.slice(at + ',sign='.length) }
}

/**
 * `POST /v3/alipay/trade/*` for alipay-sdk `curl()`: verifies the ALIPAY-SHA256withRSA header over
 * `${authString}\n${METHOD}\n${path+query}\n${body}\n` (+ `${appAuthToken}\n`), runs the method,
 * and signs the answer with `alipay-timestamp`/`alipay-nonce`/`alipay-signature`.
 */
export function v3Routes (sim: AlipaySim): Router {
  const router = new Router()
  for (const [path, method] of Object.entries(V3_PATHS)) {
    const handler = METHODS[method]
    if (handler === undefined) continue
    router.post(path, async (ctx) => {
      const rawBody = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : ''
      const token = ctx.get('alipay-app-auth-token')
      const refused = verify(sim, ctx, rawBody, token)
      if (refused !== undefined) { respond(ctx, sim, refused, undefined); return }

      const fault = sim.world.faults.take(`alipay:POST ${path}`)
      if (fault === '5xx') { respond(ctx, sim, fail(20000, 'aop.unknow-error', '系统繁忙'), fault); return }
      const biz = ctx.request.body
      const result: MethodResult = typeof biz === 'object' && biz !== null && !Array.isArray(biz)
        ? runMethod(sim, handler, { appId: sim.keys.appId, params: publicParams(biz as Record<string, unknown>), biz: biz as Record<string, unknown> }, token)
        : fail(40002, 'isv.invalid-parameter', '请求体不是合法的 JSON 对象')
      if (fault === 'TIMEOUT') { await hangUp(ctx); return }
      respond(ctx, sim, result, fault)
    })
  }
  return router
}

/** v3 carries notify_url and return_url in the JSON body. */
const publicParams = (biz: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(['notify_url', 'return_url'].flatMap((k) => { const v = str(biz, k); return v === undefined ? [] : [[k, v]] }))

function verify (sim: AlipaySim, ctx: Context, rawBody: string, token: string): MethodResult | undefined {
  const auth = parseV3Authorization(ctx.get('authorization'))
  if (auth === undefined) return fail(20001, 'isv.missing-signature', '缺少签名参数')
  if (auth.fields.app_id !== sim.keys.appId) return fail(20001, 'isv.invalid-app-id', '无效的AppID参数')
  // Compared with the real clock: the SDK stamps Date.now(), not the simulated business time.
  const ts = Number(auth.fields.timestamp)
  const window = Number(auth.fields.expired_seconds ?? DEFAULT_EXPIRED_SECONDS) * 1000
  if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > window) return fail(20001, 'isv.invalid-timestamp', '非法的时间戳参数')
  const content = `${auth.authString}\n${ctx.method}\n${ctx.url}\n${rawBody}\n${token === '' ? '' : `${token}\n`}`
  if (!rsaVerify(content, auth.sign, sim.keys.app.publicKeyPem)) {
    return fail(20001, 'isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`)
  }
  return undefined
}

/** Every answer, errors included, is signed over `${ts}\n${nonce}\n${body}\n` with the Alipay key. */
function respond (ctx: Context, sim: AlipaySim, r: MethodResult, fault: string | undefined): void {
  const body = JSON.stringify(v3Body(r))
  // STALE_TIMESTAMP: correctly signed, but ten minutes old. alipay-sdk does not check freshness.
  const ts = String(Date.now() - (fault === 'STALE_TIMESTAMP' ? 600_000 : 0))
  const nonce = randomUUID()
  const content = `${ts}\n${nonce}\n${body}\n`
  const key = sim.keys.alipay.privateKeyPem
  ctx.status = v3Status(r)
  ctx.set('alipay-timestamp', ts)
  ctx.set('alipay-nonce', nonce)
  ctx.set('alipay-signature', fault === 'SIGN_BAD' ? wrongSignature(content, key) : rsaSign(content, key))
  ctx.set('alipay-trace-id', hex(16))
  ctx.type = 'application/json; charset=utf-8'
  ctx.body = body
}
