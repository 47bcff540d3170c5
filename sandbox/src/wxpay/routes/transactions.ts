import type Router from '@koa/router'
import type { z } from 'zod'
import { invalidRequest, orderNotExist, paramError, WxError } from '../errors'
import { v3Route, type V3Answer } from '../http'
import { codeUrl, prepayId } from '../identifiers'
import type { Order } from '../ledger'
import type { ServiceProvider } from '../merchants'
import { completePayment } from '../payments'
import { AppBody, canonical, CloseBody, H5Body, JsapiBody, NativeBody, OrderQuery, parseWire } from '../schemas'
import type { WxpayState } from '../state'
import { toTransaction } from '../views'
import type { TradeType } from '../wire'

const PREFIX = '/v3/pay/partner/transactions'
/** WeChat's default validity of an unpaid prepay_id / code_url. */
const DEFAULT_EXPIRY_MS = 2 * 3600_000

type Kind = 'jsapi' | 'native' | 'h5' | 'app'
const KINDS: Record<Kind, { schema: z.ZodType<z.infer<typeof NativeBody> & { payer?: { sp_openid?: string, sub_openid?: string } }>, tradeType: TradeType }> = {
  jsapi: { schema: JsapiBody, tradeType: 'JSAPI' },
  native: { schema: NativeBody, tradeType: 'NATIVE' },
  h5: { schema: H5Body, tradeType: 'MWEB' },
  app: { schema: AppBody, tradeType: 'APP' },
}

/** sp_appid must be the caller's, sub_mchid one of its sub-merchants, sub_appid (if given) the one registered for it. */
export function checkAppIds (wx: WxpayState, sp: ServiceProvider, b: { sp_appid: string, sub_mchid: string, sub_appid?: string | undefined }): void {
  if (b.sp_appid !== sp.spAppId) throw new WxError(400, 'APPID_MCHID_NOT_MATCH', 'sp_appid与sp_mchid不匹配')
  const sub = wx.merchants.requireSub(sp, b.sub_mchid)
  if (b.sub_appid !== undefined && sub.subAppId !== undefined && b.sub_appid !== sub.subAppId) {
    throw new WxError(400, 'APPID_MCHID_NOT_MATCH', 'sub_appid与sub_mchid不匹配')
  }
}

/** Who an order is for and which it is, from a create request (JSAPI/Native/H5/App and codepay alike). */
export function orderIdentity (sp: ServiceProvider, b: { sp_appid: string, sub_mchid: string, sub_appid?: string | undefined, out_trade_no: string }): Pick<Order, 'spMchId' | 'spAppId' | 'subMchId' | 'subAppId' | 'outTradeNo'> {
  return {
    spMchId: sp.spMchId,
    spAppId: b.sp_appid,
    subMchId: b.sub_mchid,
    ...(b.sub_appid === undefined ? {} : { subAppId: b.sub_appid }),
    outTradeNo: b.out_trade_no,
  }
}

function prepayAnswer (order: Order): V3Answer {
  if (order.codeUrl !== undefined) return { status: 200, body: { code_url: order.codeUrl } }
  if (order.h5Url !== undefined) return { status: 200, body: { h5_url: order.h5Url } }
  return { status: 200, body: { prepay_id: order.prepayId } }
}

function createOrder (wx: WxpayState, sp: ServiceProvider, kind: Kind, raw: unknown): V3Answer {
  const b = parseWire(KINDS[kind].schema, raw)
  checkAppIds(wx, sp, b)
  if (b.payer?.sub_openid !== undefined && b.sub_appid === undefined) throw paramError('使用sub_openid时须同时填写sub_appid', { location: 'body', field: 'sub_appid' })

  const fingerprint = canonical({ kind, raw })
  const existing = wx.ledger.order(b.sub_mchid, b.out_trade_no)
  if (existing !== undefined) {
    if (existing.fingerprint !== fingerprint) throw invalidRequest('201 商户订单号重复')
    if (existing.state === 'SUCCESS') throw new WxError(400, 'ORDERPAID', '该订单已支付')
    if (existing.state === 'CLOSED') throw new WxError(400, 'ORDER_CLOSED', '该订单已关闭')
    return prepayAnswer(existing) // a retried request gets the same prepay_id back
  }

  const now = wx.world.clock.now()
  const expiresAt = b.time_expire === undefined ? new Date(now.getTime() + DEFAULT_EXPIRY_MS) : new Date(b.time_expire)
  if (expiresAt <= now) throw paramError('time_expire须晚于当前时间', { location: 'body', field: 'time_expire' })
  const prepay = kind === 'native' ? undefined : prepayId(now)
  const order: Order = {
    ...orderIdentity(sp, b),
    tradeType: KINDS[kind].tradeType,
    state: 'NOTPAY',
    description: b.description,
    ...(b.attach === undefined ? {} : { attach: b.attach }),
    notifyUrl: b.notify_url,
    ...(b.goods_tag === undefined ? {} : { goodsTag: b.goods_tag }),
    total: b.amount.total,
    payer: b.payer ?? {},
    ...(prepay === undefined ? {} : { prepayId: prepay }),
    ...(kind === 'native' ? { codeUrl: codeUrl() } : {}),
    // The sandbox's H5 "checkmweb" page is its own cashier.
    ...(kind === 'h5' && prepay !== undefined ? { h5Url: `${wx.world.urls.wxpay}/__sim/cashier/wx?prepay_id=${prepay}` } : {}),
    ...(b.scene_info?.device_id === undefined ? {} : { deviceId: b.scene_info.device_id }),
    fingerprint,
    createdAt: now,
    expiresAt,
    promotions: [],
  }
  wx.ledger.addOrder(order)
  return prepayAnswer(order)
}

function findOrder (wx: WxpayState, sp: ServiceProvider, subMchId: string, outTradeNo: string, location: 'body' | 'query'): Order {
  wx.merchants.requireSub(sp, subMchId, location)
  const order = wx.ledger.order(subMchId, outTradeNo)
  if (order === undefined) throw orderNotExist()
  return order
}

/** Unified-order creation, query (by out_trade_no or transaction_id) and close. */
export function transactionRoutes (wx: WxpayState, router: Router): void {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    v3Route(wx, router, 'POST', `${PREFIX}/${kind}`, ({ sp, body }) => createOrder(wx, sp, kind, body))
  }

  v3Route(wx, router, 'GET', `${PREFIX}/out-trade-no/:out_trade_no`, ({ sp, query, params }) => {
    const q = parseWire(OrderQuery, query, 'query')
    return { status: 200, body: toTransaction(findOrder(wx, sp, q.sub_mchid, params.out_trade_no ?? '', 'query'), wx.ledger) }
  })

  v3Route(wx, router, 'GET', `${PREFIX}/id/:transaction_id`, ({ sp, query, params }) => {
    const q = parseWire(OrderQuery, query, 'query')
    wx.merchants.requireSub(sp, q.sub_mchid, 'query')
    const order = wx.ledger.byTransactionId(params.transaction_id ?? '')
    if (order === undefined || order.subMchId !== q.sub_mchid) throw orderNotExist()
    return { status: 200, body: toTransaction(order, wx.ledger) }
  })

  v3Route(wx, router, 'POST', `${PREFIX}/out-trade-no/:out_trade_no/close`, ({ sp, body, params, fault }) => {
    const b = parseWire(CloseBody, body)
    const order = findOrder(wx, sp, b.sub_mchid, params.out_trade_no ?? '', 'body')
    if (order.tradeType === 'MICROPAY') throw invalidRequest('付款码支付订单不能关闭，请调用撤销订单')
    if (order.state === 'SUCCESS') throw new WxError(400, 'ORDERPAID', '订单已支付，不能关闭')
    if (order.state === 'NOTPAY') {
      if (fault === 'LATE_SUCCESS_AFTER_CLOSE') {
        // The close "succeeds", but the customer's payment was already in flight: it lands right after.
        wx.world.scheduler.after(0, () => { if (order.state === 'NOTPAY') completePayment(wx, order) })
      } else {
        wx.ledger.transition(order, 'CLOSED')
      }
    }
    return { status: 204 }
  })
}
