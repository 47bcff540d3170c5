/**
 * Alipay's v2 gateway as it is on the wire (channels.md §3): request biz_content, answers and the
 * trade_status_sync form, with Alipay's own field names. The SDK runs with `camelcase: false`, so
 * answers arrive with exactly these names. Answer fields are optional: an error answer carries
 * little beyond code/msg/sub_code/sub_msg, and nothing here is trusted until the adapter checks it.
 */

export type TradeMethod =
  | 'alipay.trade.create'
  | 'alipay.trade.precreate'
  | 'alipay.trade.pay'
  | 'alipay.trade.query'
  | 'alipay.trade.close'
  | 'alipay.trade.cancel'
  | 'alipay.trade.refund'
  | 'alipay.trade.fastpay.refund.query'

/** 资金授权 (预授权), the deposits of deposit.ts. */
export type FundAuthMethod =
  | 'alipay.fund.auth.order.freeze'
  | 'alipay.fund.auth.order.voucher.create'
  | 'alipay.fund.auth.operation.detail.query'
  | 'alipay.fund.auth.order.unfreeze'
  | 'alipay.fund.auth.operation.cancel'

export type GatewayMethod = TradeMethod | FundAuthMethod

/** Built locally and signed by the SDK, never sent by us (the browser or the Alipay app does). */
export type PageMethod = 'alipay.trade.wap.pay' | 'alipay.trade.app.pay'

/** The public gateway codes (https://opendocs.alipay.com/common/02km9f). */
export type GatewayCode = '10000' | '10003' | '20000' | '20001' | '40001' | '40002' | '40004'

export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED'

/** refund.query: REFUND_SUCCESS, or absent while processing, after a failure, or when there is no such refund. */
export type RefundStatus = 'REFUND_SUCCESS'

/** alipay.trade.cancel: what the cancel did; absent when no trade was found. */
export type CancelAction = 'close' | 'refund'

/** Every answer's envelope, inside `<method>_response`. */
export interface CommonResponse {
  code: string
  msg: string
  sub_code?: string
  sub_msg?: string
}

// ---- biz_content ----

interface OrderBiz {
  out_trade_no: string
  /** Yuan, two decimals: "0.01". */
  total_amount: string
  subject: string
  /** China time, yyyy-MM-dd HH:mm:ss. */
  time_expire: string
  product_code: string
}

export interface TradeCreateBiz extends OrderBiz {
  product_code: 'FACE_TO_FACE_PAYMENT'
  buyer_id?: string
  buyer_open_id?: string
}

export interface TradePrecreateBiz extends OrderBiz { product_code: 'FACE_TO_FACE_PAYMENT' }

export interface TradePayBiz extends OrderBiz {
  product_code: 'FACE_TO_FACE_PAYMENT'
  scene: 'bar_code'
  auth_code: string
}

export interface TradeWapPayBiz extends OrderBiz {
  product_code: 'QUICK_WAP_WAY'
  quit_url?: string
}

export interface TradeAppPayBiz extends OrderBiz { product_code: 'QUICK_MSECURITY_PAY' }

/** query, close and cancel name the trade by our number only. */
export interface TradeRefBiz { out_trade_no: string }

export interface TradeRefundBiz {
  out_trade_no: string
  refund_amount: string
  /** Makes the refund idempotent and allows several partial refunds; defaults to out_trade_no when absent. */
  out_request_no: string
  refund_reason?: string
}

export interface RefundQueryBiz {
  out_trade_no: string
  out_request_no: string
  query_options?: Array<'gmt_refund_pay'>
}

// ---- answers ----

export interface TradeCreateResponse extends CommonResponse {
  out_trade_no?: string
  trade_no?: string
}

export interface TradePrecreateResponse extends CommonResponse {
  out_trade_no?: string
  qr_code?: string
}

export interface TradePayResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
  buyer_logon_id?: string
  buyer_user_id?: string
  buyer_open_id?: string
  total_amount?: string
  receipt_amount?: string
  buyer_pay_amount?: string
  gmt_payment?: string
}

export interface TradeQueryResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
  trade_status?: string
  total_amount?: string
  receipt_amount?: string
  buyer_pay_amount?: string
  buyer_logon_id?: string
  buyer_user_id?: string
  buyer_open_id?: string
  /** When the trade was paid. */
  send_pay_date?: string
}

export interface TradeCloseResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
}

export interface TradeCancelResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
  /** Y: the cancel did not complete and must be retried. Also present on errors. */
  retry_flag?: 'Y' | 'N'
  action?: string
  gmt_refund_pay?: string
}

export interface TradeRefundResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
  /** Y: money moved in this call. N: it did not (typically a repeat of a refund already done). Not "success". */
  fund_change?: string
  /** The trade's cumulative refunded amount, not this refund's. */
  refund_fee?: string
  gmt_refund_pay?: string
}

export interface RefundQueryResponse extends CommonResponse {
  trade_no?: string
  out_trade_no?: string
  out_request_no?: string
  /** This refund's amount. */
  refund_amount?: string
  total_amount?: string
  refund_status?: string
  refund_reason?: string
  gmt_refund_pay?: string
}

/**
 * trade_status_sync, posted as a form to notify_url (channels.md §3.3). A refund is notified as
 * TRADE_SUCCESS (partial) or TRADE_CLOSED (full) with refund_fee, gmt_refund and out_biz_no.
 */
export interface TradeStatusSync {
  notify_time: string
  notify_type: string
  notify_id: string
  app_id: string
  auth_app_id?: string
  charset?: string
  version?: string
  sign_type?: string
  sign: string
  trade_no?: string
  out_trade_no?: string
  buyer_id?: string
  buyer_open_id?: string
  buyer_logon_id?: string
  seller_id?: string
  trade_status?: string
  total_amount?: string
  receipt_amount?: string
  buyer_pay_amount?: string
  /** Cumulative, like the refund answer's. */
  refund_fee?: string
  out_biz_no?: string
  gmt_create?: string
  gmt_payment?: string
  gmt_refund?: string
  gmt_close?: string
  subject?: string
  body?: string
  passback_params?: string
  fund_bill_list?: string
}

// ---- fund auth (资金授权) ----

/** A fund auth operation's status: INIT while the customer confirms (or before a QR code is scanned). */
export type FundOperationStatus = 'INIT' | 'SUCCESS' | 'CLOSED'

/** alipay.fund.auth.operation.cancel: what the cancel did. */
export type FundCancelAction = 'close' | 'unfreeze'

interface FundAuthOrderBiz {
  out_order_no: string
  out_request_no: string
  order_title: string
  /** Yuan, two decimals. */
  amount: string
  /** 当面资金授权. */
  product_code: 'PRE_AUTH'
}

export interface FundAuthFreezeBiz extends FundAuthOrderBiz {
  auth_code: string
  auth_code_type: 'bar_code'
}

export interface FundAuthVoucherBiz extends FundAuthOrderBiz {
  /** 1m–15d: the QR code closes after it. */
  timeout_express: string
}

/** detail.query and cancel name the order and the operation by our numbers, or by Alipay's auth_no. */
export interface FundAuthOperationRefBiz {
  auth_no?: string
  out_order_no?: string
  out_request_no: string
  remark?: string
}

export interface FundAuthUnfreezeBiz {
  auth_no: string
  out_request_no: string
  amount: string
  remark: string
}

/** alipay.trade.pay with auth_no (预授权转支付). COMPLETE releases what stays frozen. */
export interface TradePayFromAuthBiz {
  out_trade_no: string
  total_amount: string
  subject: string
  product_code: 'PRE_AUTH'
  auth_no: string
  auth_confirm_mode: 'COMPLETE' | 'NOT_COMPLETE'
  buyer_id?: string
}

export interface FundAuthFreezeResponse extends CommonResponse {
  auth_no?: string
  out_order_no?: string
  operation_id?: string
  out_request_no?: string
  amount?: string
  status?: string
  gmt_trans?: string
  payer_user_id?: string
  payer_logon_id?: string
}

export interface FundAuthVoucherResponse extends CommonResponse {
  out_order_no?: string
  out_request_no?: string
  code_type?: string
  /** The QR code's content. */
  code_value?: string
  code_url?: string
}

export interface FundAuthDetailResponse extends FundAuthFreezeResponse {
  operation_type?: string
  order_status?: string
  /** This operation's amount is `amount`; these are the order's. */
  total_freeze_amount?: string
  rest_amount?: string
  total_pay_amount?: string
  remark?: string
  gmt_create?: string
}

export interface FundAuthUnfreezeResponse extends CommonResponse {
  auth_no?: string
  out_order_no?: string
  operation_id?: string
  out_request_no?: string
  amount?: string
  status?: string
  gmt_trans?: string
}

export interface FundAuthCancelResponse extends CommonResponse {
  auth_no?: string
  out_order_no?: string
  operation_id?: string
  out_request_no?: string
  action?: string
}

// ---- formats ----

const CHINA_OFFSET_MS = 8 * 3600_000

/** Alipay's times are China time without a zone: 2026-11-22 10:00:35. */
export const toChinaTime = (d: Date): string =>
  new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')

/** "2026-11-22 10:00:35" (notifications' gmt_refund adds ".123") → Date; undefined when absent or malformed. */
export function fromChinaTime (s: string | undefined): Date | undefined {
  if (s === undefined || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,3})?$/.test(s)) return undefined
  const ms = Date.parse(`${s.replace(' ', 'T')}+08:00`)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}
