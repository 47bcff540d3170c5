import { ALIPAY_RETRY_MS, type OutgoingRequest } from '../core/notifier'
import { alipayTime, hex } from '../core/ids'
import type { Trade, TradeChange } from './ledger'
import { notifySignContent, rsaSign, wrongSignature } from './sign'
import { fundBills, maskLogon, paidAmounts, yuan, type AlipaySim } from './sim'

/** `gmt_refund` carries milliseconds in Alipay's notifications: 2026-11-22 10:00:35.123. */
const refundTime = (at: Date): string => `${alipayTime(at)}.${String(at.getMilliseconds()).padStart(3, '0')}`

/**
 * trade_status_sync for a status change, as Alipay sends it: every change except to
 * WAIT_BUYER_PAY, a partial refund as TRADE_SUCCESS with refund_fee, a full one as TRADE_CLOSED.
 * A trade the customer never opened, or one without notify_url, is not notified.
 */
export function notifyTradeChange (sim: AlipaySim, t: Trade, change: TradeChange): void {
  if (t.notifyUrl === undefined || !t.visible) return
  // The content is fixed now (a later refund must not leak into this notification's retries);
  // notify_id stays the same across retries, notify_time and the signature are per attempt.
  const fields = { ...notificationFields(sim, t, change), notify_id: hex(17) }
  sim.world.notifier.send({
    channel: 'alipay',
    kind: 'trade_status_sync',
    url: t.notifyUrl,
    retryMs: ALIPAY_RETRY_MS,
    build: () => formRequest(signAlipayParams(sim, { notify_time: alipayTime(sim.world.clock.now()), ...fields }, 'alipay:notify')),
    // "程序执行完后必须打印输出 success": anything else, whatever the HTTP status, means retry.
    acknowledged: (_status, body) => body === 'success',
  })
}

function notificationFields (sim: AlipaySim, t: Trade, change: TradeChange): Record<string, string | undefined> {
  const now = sim.world.clock.now()
  const refund = change.kind === 'refunded' ? change.refund : undefined
  return {
    notify_type: 'trade_status_sync',
    app_id: t.appId,
    auth_app_id: t.authAppId,
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    trade_no: t.tradeNo,
    out_trade_no: t.outTradeNo,
    buyer_id: t.buyer?.userId,
    buyer_open_id: t.buyerOpenId,
    buyer_logon_id: t.buyer === undefined ? undefined : maskLogon(t.buyer.logonId),
    seller_id: t.sellerId,
    trade_status: t.status,
    total_amount: yuan(t.total),
    ...paidAmounts(t),
    subject: t.subject,
    body: t.body,
    passback_params: t.passbackParams,
    gmt_create: alipayTime(t.createdAt),
    gmt_payment: t.paidAt === undefined ? undefined : alipayTime(t.paidAt),
    gmt_close: t.status === 'TRADE_CLOSED' || t.status === 'TRADE_FINISHED' ? alipayTime(t.closedAt ?? now) : undefined,
    refund_fee: refund === undefined ? undefined : yuan(t.refunded),
    gmt_refund: refund === undefined ? undefined : refundTime(refund.at),
    out_biz_no: refund?.outRequestNo,
    // In notifications the bill list is a JSON string with camelCase keys, unlike the API responses.
    fund_bill_list: t.paidAt === undefined ? undefined : JSON.stringify(fundBills(t).map((b) => ({ amount: b.amount, fundChannel: b.fund_channel }))),
  }
}

/**
 * Drops absent fields and signs with the Alipay key over the sorted non-empty fields minus sign and
 * sign_type. `faultRoute` may arm EMPTY_FIELD (an empty-valued field, still left out of the
 * signature as Alipay does) or SIGN_BAD.
 */
export function signAlipayParams (sim: AlipaySim, raw: Record<string, string | undefined>, faultRoute: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) params[k] = v
  const fault = sim.world.faults.take(faultRoute)
  if (fault === 'EMPTY_FIELD') params.voucher_detail_list = ''
  const content = notifySignContent(params)
  const key = sim.keys.alipay.privateKeyPem
  params.sign = fault === 'SIGN_BAD' ? wrongSignature(content, key) : rsaSign(content, key)
  return params
}

const formRequest = (params: Record<string, string>): OutgoingRequest => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: new URLSearchParams(params).toString(),
})
