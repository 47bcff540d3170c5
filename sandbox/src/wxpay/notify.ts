import { WECHAT_RETRY_MS } from '../core/notifier'
import { rfc3339China } from '../core/ids'
import { encryptResource, tamper } from './crypto'
import { notificationId } from './identifiers'
import { wechatpayHeaders } from './sign'
import type { WxpayState } from './state'

export type EventType = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED' | 'COUPON.USE'

const SUMMARY: Record<EventType, string> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
  'COUPON.USE': '代金券核销通知',
}

/**
 * POSTs a v3 notification (channels.md §2.5): the envelope is fixed once, each delivery attempt is
 * signed afresh (new timestamp and nonce), any 2xx acknowledges, and un-acknowledged deliveries
 * are retried on WeChat's schedule in simulated time. `wxpay:notify` faults spoil one attempt each.
 * `apiV3Key` is the receiver's: the SP's for its orders, a merchant's own for callbacks it set itself.
 */
export function sendNotification (wx: WxpayState, o: { url: string, apiV3Key: string, eventType: EventType, originalType: 'transaction' | 'refund' | 'coupon', plaintext: unknown }): void {
  const createdAt = wx.world.clock.now()
  const resource = encryptResource(JSON.stringify(o.plaintext), o.apiV3Key, o.originalType)
  const envelope = {
    id: notificationId(createdAt),
    create_time: rfc3339China(createdAt),
    resource_type: 'encrypt-resource',
    event_type: o.eventType,
    summary: SUMMARY[o.eventType],
    resource: { original_type: o.originalType, ...resource },
  }
  wx.world.notifier.send({
    channel: 'wxpay',
    kind: o.eventType,
    url: o.url,
    retryMs: WECHAT_RETRY_MS,
    acknowledged: (status) => status >= 200 && status < 300,
    build: () => {
      const fault = wx.world.faults.take('wxpay:notify')
      const sent = fault === 'GCM_TAMPER' ? { ...envelope, resource: { original_type: o.originalType, ...tamper(resource) } } : envelope
      const body = JSON.stringify(sent)
      return {
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/4.0', ...wechatpayHeaders(wx.signer(), body, fault) },
        body,
      }
    },
  })
}
