import type Router from '@koa/router'
import { invalidRequest, orderNotExist, WxError } from '../errors'
import { v3Route, type V3Answer } from '../http'
import { transactionId } from '../identifiers'
import type { Order } from '../ledger'
import { completePayment } from '../payments'
import { canonical, CodepayBody, parseWire, ReverseBody } from '../schemas'
import type { CodepayScript, WxpayState } from '../state'
import { toTransaction } from '../views'
import { checkAppIds, orderIdentity } from './transactions'

const PREFIX = '/v3/pay/partner/transactions'
const DEFAULT_SCRIPT: CodepayScript = { result: 'SUCCESS', userpayingStatus: 202, finishAfterSeconds: 10 }

/** What a codepay call answers for an order in its current state (also for a repeated call). */
function codepayAnswer (wx: WxpayState, order: Order): V3Answer {
  switch (order.state) {
    case 'SUCCESS':
      return { status: 200, body: toTransaction(order, wx.ledger) }
    case 'USERPAYING':
      // v3 answers only the state while the customer types a password (channels.md §2.6).
      return { status: order.userpayingStatus ?? 202, body: { trade_state: 'USERPAYING' } }
    case 'PAYERROR':
      throw new WxError(403, 'TRADE_ERROR', '交易错误，请撤销订单后重新下单')
    case 'REVOKED':
      throw new WxError(400, 'ORDER_REVOKED', '订单已撤销')
    case 'NOTPAY':
    case 'CLOSED':
      throw invalidRequest('201 商户订单号重复')
  }
}

/**
 * 付款码 payment and its reversal. The outcome of each new codepay order comes from the script
 * (`POST /__sim/wxpay/codepay/next`), SUCCESS when none is queued. Codepay never notifies.
 */
export function codepayRoutes (wx: WxpayState, router: Router): void {
  v3Route(wx, router, 'POST', `${PREFIX}/codepay`, ({ sp, body }) => {
    const b = parseWire(CodepayBody, body)
    checkAppIds(wx, sp, b)
    const fingerprint = canonical({ kind: 'codepay', raw: body })
    const existing = wx.ledger.order(b.sub_mchid, b.out_trade_no)
    if (existing !== undefined) {
      // Retrying with identical parameters is how WeChat asks merchants to recover from SYSTEM_ERROR.
      if (existing.fingerprint !== fingerprint) throw invalidRequest('201 商户订单号重复')
      return codepayAnswer(wx, existing)
    }

    const script = wx.codepayScript.shift() ?? DEFAULT_SCRIPT
    const now = wx.world.clock.now()
    const order: Order = {
      ...orderIdentity(sp, b),
      tradeType: 'MICROPAY',
      state: 'USERPAYING',
      description: b.description,
      ...(b.attach === undefined ? {} : { attach: b.attach }),
      ...(b.goods_tag === undefined ? {} : { goodsTag: b.goods_tag }),
      total: b.amount.total,
      payer: {},
      ...(b.scene_info.device_id === undefined ? {} : { deviceId: b.scene_info.device_id }),
      fingerprint,
      createdAt: now,
      expiresAt: now,
      transactionId: transactionId(now),
      promotions: [],
      userpayingStatus: script.userpayingStatus,
    }
    wx.ledger.addOrder(order)
    const payAs = script.openid === undefined ? {} : { openid: script.openid }

    switch (script.result) {
      case 'SUCCESS':
        completePayment(wx, order, payAs)
        break
      case 'USERPAYING_THEN_SUCCESS':
        wx.world.scheduler.after(script.finishAfterSeconds * 1000, () => {
          if (order.state === 'USERPAYING') completePayment(wx, order, payAs)
        })
        break
      case 'USERPAYING_TIMEOUT':
        break // the customer never confirms; only a reverse ends it
      case 'PAYERROR':
        wx.ledger.transition(order, 'PAYERROR')
        break
    }
    return codepayAnswer(wx, order)
  })

  v3Route(wx, router, 'POST', `${PREFIX}/out-trade-no/:out_trade_no/reverse`, ({ sp, body, params }) => {
    const b = parseWire(ReverseBody, body)
    checkAppIds(wx, sp, b)
    const order = wx.ledger.order(b.sub_mchid, params.out_trade_no ?? '')
    if (order === undefined) throw orderNotExist()
    if (order.tradeType !== 'MICROPAY') throw invalidRequest('非付款码支付订单不能撤销，请调用关闭订单')
    if (order.state === 'REVOKED') return { status: 204 }
    if (wx.ledger.refundsOf(order).length > 0) throw invalidRequest('订单已发生退款，不能撤销')
    // Unpaid: closed for good. Paid: the money goes back to the customer.
    wx.ledger.transition(order, 'REVOKED')
    return { status: 204 }
  })
}
