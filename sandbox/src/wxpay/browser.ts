import Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { bridgeScript, cashierPage } from './cashier'
import { checkPaySign } from './paysign'
import type { WxpayState } from './state'

const PayRequest = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.string(),
  paySign: z.string(),
})

/** The customer's side of WeChat: the cashier page, the JS bridge shim and its paySign check. */
export function browserRoutes (wx: WxpayState): Router {
  const router = new Router({ prefix: '/__sim' })

  router.get('/cashier/wx', (ctx) => {
    const prepayId = typeof ctx.query.prepay_id === 'string' ? ctx.query.prepay_id : ''
    const order = wx.ledger.byPrepayId(prepayId)
    ctx.type = 'html'
    if (order === undefined) {
      ctx.status = 404
      ctx.body = cashierPage({ prepayId, merchantName: '微信支付', description: '', total: 0, blocked: '订单不存在' })
      return
    }
    const state = wx.ledger.tradeState(order)
    const expired = wx.world.clock.nowMs() > order.expiresAt.getTime()
    const blocked = state !== 'NOTPAY' ? `订单状态：${state}` : expired ? '订单已过期' : undefined
    ctx.body = cashierPage({
      prepayId,
      merchantName: wx.merchants.subMerchant(order.subMchId)?.name ?? order.subMchId,
      description: order.description,
      total: order.total,
      ...(blocked === undefined ? {} : { blocked }),
    })
  })

  router.get('/bridge/weixin.js', (ctx) => {
    ctx.type = 'application/javascript'
    ctx.set('Cache-Control', 'no-store')
    // Koa 3's ctx.origin is the Origin request header; the script needs the host it was loaded from.
    // The card wallet lives on the wxmp port: reached by the same host name (a phone on the LAN
    // uses the machine's address, not the 127.0.0.1 the sandbox records).
    const wxmpPort = new URL(wx.world.urls.wxmp).port
    const wxmpOrigin = ctx.hostname === '' ? wx.world.urls.wxmp : `${ctx.protocol}://${ctx.hostname}${wxmpPort === '' ? '' : `:${wxmpPort}`}`
    ctx.body = bridgeScript(`${ctx.protocol}://${ctx.host}`, wxmpOrigin)
  })

  /** Called by the bridge: 200 either way, `{ok:false, reason}` when WeChat would refuse to show the cashier. */
  router.post('/wxpay/jsapi/verify', (ctx) => {
    const check = checkPaySign(wx, parseControl(PayRequest, ctx.request.body))
    ctx.body = check.ok ? { ok: true, prepay_id: check.order.prepayId } : { ok: false, reason: check.reason }
  })

  return router
}
