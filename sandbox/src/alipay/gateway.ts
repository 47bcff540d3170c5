import Router from '@koa/router'
import type { Context } from 'koa'
import { hex } from '../core/ids'
import { badBizContent, METHODS, PAGE_METHODS, parseBizContent, runMethod, verifyV2Request } from './dispatch'
import { hangUp, mergeParams } from './http'
import { renderPagePay } from './pages'
import { fail, v2Payload, type MethodResult } from './result'
import { rsaSign, wrongSignature, type SignType } from './sign'
import type { AlipaySim } from './sim'

/**
 * `GET|POST /gateway.do`, the v2 RPC gateway (openapi.alipay.com/gateway.do): public parameters in
 * the query, biz_content in the form body (alipay-sdk `formatUrl`), dispatched on `method`.
 */
export function gatewayRoutes (sim: AlipaySim): Router {
  const router = new Router()
  const handle = async (ctx: Context): Promise<void> => {
    const params = mergeParams(ctx.query, ctx.request.body)
    const method = params.method
    if (method === undefined || method === '') {
      respond(ctx, sim, 'error_response', fail(40001, 'isv.missing-method', '缺少方法名参数'), 'RSA2', false)
      return
    }
    if (PAGE_METHODS.has(method)) {
      renderPagePay(ctx, sim, method, params)
      return
    }
    const key = `${method.replaceAll('.', '_')}_response`
    const signType = verifyV2Request(sim, params)
    if (typeof signType !== 'string') { respond(ctx, sim, key, signType, 'RSA2', false); return }

    const fault = sim.world.faults.take(`alipay:${method}`)
    if (fault === '5xx') {
      respond(ctx, sim, key, fail(20000, 'aop.unknow-error', '系统繁忙'), signType, false)
      return
    }
    const handler = METHODS[method]
    const biz = parseBizContent(params.biz_content)
    const result: MethodResult = handler === undefined
      ? fail(40002, 'isv.invalid-method', '不存在的方法名')
      : biz === undefined ? badBizContent() : runMethod(sim, handler, { appId: params.app_id ?? '', params, biz }, params.app_auth_token)
    // TIMEOUT after the method ran: the money may have moved, and only a query can tell.
    if (fault === 'TIMEOUT') { await hangUp(ctx); return }
    respond(ctx, sim, key, result, signType, fault === 'SIGN_BAD')
  }
  router.get('/gateway.do', handle)
  router.post('/gateway.do', handle)
  return router
}

/**
 * `{"<key>":<payload>,"sign":"…"}`: the payload is serialized once and signed as those exact bytes,
 * which is what alipay-sdk's `getSignStr` cuts out. Slashes are escaped (`https:\/\/`) as Alipay's
 * JSON writer does; a JSON parser reads them back unchanged.
 */
function respond (ctx: Context, sim: AlipaySim, key: string, r: MethodResult, signType: SignType, signBad: boolean): void {
  const json = JSON.stringify(v2Payload(r)).replaceAll('/', '\\/')
  const privateKey = sim.keys.alipay.privateKeyPem
  const sign = signBad ? wrongSignature(json, privateKey, signType) : rsaSign(json, privateKey, signType)
  ctx.status = 200
  ctx.set('trace_id', hex(16))
  // The real gateway labels its JSON text/html.
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = `{${JSON.stringify(key)}:${json},"sign":${JSON.stringify(sign)}}`
}
