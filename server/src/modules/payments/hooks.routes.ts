import Router from '@koa/router'
import type { DefaultContext } from 'koa'
import type { ChannelRegistry } from '../../channels/registry'
import type { ChannelName } from '../../channels/types'
import type { AppState } from '../../http/context'
import type { PaymentService } from './payment.service'

const CHANNELS = new Set<ChannelName>(['wechat_pay', 'alipay'])

/**
 * Where WeChat Pay and Alipay notify: `/hooks/:channel/:orderId`. The raw body goes to the
 * adapter, which verifies it; the answer is in the channel's own format (WeChat: 2xx, Alipay:
 * `success`), and anything unverified is refused so the channel tries again.
 */
export function hooksRoutes (payments: PaymentService, channels: ChannelRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  router.post('/hooks/:channel/:orderId', async (ctx) => {
    const channel = ctx.params.channel as ChannelName
    if (!CHANNELS.has(channel)) { ctx.status = 404; return }
    const body = ctx.request.body
    const { ok } = await payments.applyNotification(channel, ctx.params.orderId ?? '', {
      headers: ctx.headers,
      rawBody: typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : '',
      ...(typeof body === 'object' && body !== null && ctx.is('urlencoded') !== false ? { form: body as Record<string, string> } : {}),
    })
    const ack = channels[channel].ack(ok)
    ctx.status = ack.status
    if (ack.contentType !== undefined) ctx.type = ack.contentType
    if (ack.body !== undefined) ctx.body = ack.body
  })
  return router
}
