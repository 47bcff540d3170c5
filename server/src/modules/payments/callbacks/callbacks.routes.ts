import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import { errorResponses, type OpenAPIRegistry } from '../../../docs/openapi'
import type { AppContext, AppState } from '../../../http/context'
import { callerOf } from '../../tenancy/routes'
import type { CallbackService } from './callbacks.service'

/** The console's view of trade-complete callbacks (P6): the log per order, and manual resend. */
export function paymentCallbackRoutes (callbacks: CallbackService, guard: Middleware<AppState>, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = (method: 'get' | 'post', path: string, summary: string): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: ['交易完成回调'],
      summary,
      security: [{ bearer: [] }],
      responses: { ...errorResponses, 200: { description: 'OK' } },
    })
  }
  const id = (ctx: AppContext): string => String((ctx as unknown as { params: Record<string, string> }).params.id)

  doc('get', '/v1/orders/:id/callbacks', '订单的交易完成回调及每次发送记录（服务商回调地址与订单回调地址）')
  router.get('/v1/orders/:id/callbacks', guard, async (ctx) => { ctx.body = await callbacks.list(callerOf(ctx), id(ctx)) })
  doc('post', '/v1/payment-callbacks/:id/resend', '重新发送已送达或已失败的回调（发送一次；服务商回调使用当前回调地址）')
  router.post('/v1/payment-callbacks/:id/resend', guard, async (ctx) => { ctx.body = await callbacks.resend(callerOf(ctx), id(ctx)) })
  return router
}
