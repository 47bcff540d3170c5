import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'
import { browserRoutes } from './browser'
import { clientConfigFor, type WxpayClientConfig } from './config'
import { wxpayControlRoutes } from './control'
import { Deposits } from './deposits'
import { billRoutes } from './routes/bills'
import { certificateRoutes } from './routes/certificates'
import { codepayRoutes } from './routes/codepay'
import { depositRoutes } from './routes/deposits'
import { maidanRoutes } from './routes/maidan'
import { refundRoutes } from './routes/refunds'
import { transactionRoutes } from './routes/transactions'
import { voucherRoutes } from './routes/vouchers'
import { WxpayState } from './state'

export type { WxpayClientConfig } from './config'

const DEFAULT_SUB_MERCHANTS = [
  { subMchId: '1900000101', name: '示例咖啡馆' },
  { subMchId: '1900000102', name: '示例便利店' },
  { subMchId: '1900000103', name: '示例面包房' },
]

/**
 * WeChat Pay v3 (partner mode) as `api.mch.weixin.qq.com` answers it: signed requests in, signed
 * answers and encrypted notifications out, so the real wechatpay-axios-plugin runs unmodified.
 * See README.md beside this file for the routes, controls and faults.
 */
export function createWxpay (world: SimWorld): SimChannel<WxpayClientConfig> {
  const wx = new WxpayState(world)
  // 押金 (API v2) keeps its own state beside WxpayState; reset clears both.
  const deposits = new Deposits()
  const sp = wx.merchants.addServiceProvider('yima 沙箱服务商', '1900000100')
  for (const sub of DEFAULT_SUB_MERCHANTS) wx.merchants.addSubMerchant({ spMchId: sp.spMchId, ...sub })

  const router = new Router()
  certificateRoutes(wx, router)
  transactionRoutes(wx, router)
  codepayRoutes(wx, router)
  refundRoutes(wx, router)
  billRoutes(wx, router)
  voucherRoutes(wx, router)
  maidanRoutes(wx, router)
  depositRoutes(wx, deposits, router)
  router.use(wxpayControlRoutes(wx).routes())
  router.use(browserRoutes(wx).routes())

  return {
    name: 'wxpay',
    routes: () => router,
    clientConfig: () => clientConfigFor(wx, sp),
    reset: () => {
      wx.reset()
      deposits.clear()
    },
  }
}
