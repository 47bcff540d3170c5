// WeChat Pay v3 partner (服务商) wire shapes, field names verbatim. The SDK types every answer as
// `any`, so these are the only types the adapter reads vendor JSON through (channels.md §1.1).
// Amounts are integer fen on this wire.
// https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-jsapi-prepay.html

/** `trade_state`. ACCEPT (已接收，等待扣款) comes from deferred-debit products; yima treats it as pending. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT'
export type TradeType = 'JSAPI' | 'NATIVE' | 'MWEB' | 'APP' | 'MICROPAY' | 'FACEPAY'
/** Refund `status` (answers) and `refund_status` (REFUND.* notifications). */
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

export interface AmountIn { total: number, currency: 'CNY' }

/** Fields every partner order-creating request opens with. */
interface OrderHead {
  sp_appid: string
  sp_mchid: string
  sub_appid?: string
  sub_mchid: string
  description: string
  out_trade_no: string
  attach?: string
  goods_tag?: string
  amount: AmountIn
}

/** POST /v3/pay/partner/transactions/{jsapi,native,app} */
export interface PrepayRequest extends OrderHead {
  /** RFC 3339 with an offset, e.g. `2018-06-08T10:34:56+08:00`. */
  time_expire?: string
  notify_url: string
  /** JSAPI / mini program only: exactly one of the two. */
  payer?: { sp_openid: string } | { sub_openid: string }
}

/** POST /v3/pay/partner/transactions/h5 */
export interface H5PrepayRequest extends PrepayRequest {
  scene_info: { payer_client_ip: string, h5_info: { type: 'Wap' | 'iOS' | 'Android' } }
}

/** JSAPI, mini program and APP answer this. */
export interface PrepayIdAnswer { prepay_id: string }
export interface NativeAnswer { code_url: string }
export interface H5Answer { h5_url: string }

/** POST /v3/pay/partner/transactions/codepay */
export interface CodepayRequest extends OrderHead {
  payer: { auth_code: string }
  scene_info: { device_ip?: string, device_id?: string, store_info?: { out_id: string } }
}

/** POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close → 204 */
export interface CloseRequest { sp_mchid: string, sub_mchid: string }

/** POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse → 204 */
export interface ReverseRequest { sp_appid: string, sp_mchid: string, sub_appid?: string, sub_mchid: string }

/** One voucher applied to a payment. */
export interface PromotionDetail {
  coupon_id: string
  name?: string
  scope?: 'GLOBAL' | 'SINGLE'
  type?: 'CASH' | 'NOCASH'
  amount: number
  stock_id?: string
  wechatpay_contribute?: number
  merchant_contribute?: number
  other_contribute?: number
  currency?: string
}

/**
 * The order as the query endpoints, a finished codepay call and the TRANSACTION.SUCCESS plaintext
 * describe it. Unpaid orders carry no transaction_id, success_time or payer_total.
 */
export interface Transaction {
  sp_appid: string
  sp_mchid: string
  sub_appid?: string
  sub_mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: TradeType
  trade_state: TradeState
  trade_state_desc?: string
  bank_type?: string
  attach?: string
  success_time?: string
  payer?: { sp_openid?: string, sub_openid?: string }
  /** `total` is what the order was for; `payer_total` what the customer paid after vouchers. */
  amount: { total: number, payer_total?: number, currency?: string, payer_currency?: string }
  scene_info?: { device_id?: string }
  promotion_detail?: PromotionDetail[]
}

/** What codepay answers (HTTP 202, or 200) while the customer types a password. */
export interface UserPayingAnswer { trade_state: 'USERPAYING' }

/** POST /v3/refund/domestic/refunds */
export interface RefundRequest {
  sub_mchid: string
  out_trade_no: string
  out_refund_no: string
  reason?: string
  notify_url?: string
  amount: { refund: number, total: number, currency: 'CNY' }
}

/** The refund answer and GET /v3/refund/domestic/refunds/{out_refund_no}. */
export interface Refund {
  refund_id: string
  out_refund_no: string
  transaction_id: string
  out_trade_no: string
  channel?: string
  user_received_account?: string
  success_time?: string
  create_time?: string
  status: RefundStatus
  funds_account?: string
  amount: {
    total: number
    refund: number
    payer_total?: number
    payer_refund?: number
    settlement_refund?: number
    settlement_total?: number
    discount_refund?: number
    currency?: string
    refund_fee?: number
  }
}

/** REFUND.* notification plaintext (partner). */
export interface RefundNotifyResource {
  sp_mchid: string
  sub_mchid: string
  transaction_id: string
  out_trade_no: string
  refund_id: string
  out_refund_no: string
  refund_status: RefundStatus
  success_time?: string
  user_received_account?: string
  amount: { total: number, refund: number, payer_total?: number, payer_refund?: number }
}

export type EventType = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'

/** The signed body WeChat POSTs to notify_url; `resource` is AEAD_AES_256_GCM under the APIv3 key. */
export interface NotificationEnvelope {
  id: string
  create_time: string
  event_type: string
  resource_type: string
  summary: string
  resource: {
    original_type: string
    algorithm: string
    /** base64(ciphertext ‖ 16-byte tag) */
    ciphertext: string
    associated_data?: string
    nonce: string
  }
}

/** POST /v3/marketing/favor/users/{openid}/coupons → `{coupon_id}`. */
export interface SendCouponRequest {
  stock_id: string
  /** Idempotency key: WeChat answers the same coupon_id for a repeat. */
  out_request_no: string
  appid: string
  stock_creator_mchid: string
}

/** GET /v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid (the fields yima reads). */
export interface StockAnswer {
  stock_id: string
  stock_creator_mchid: string
  stock_name: string
  status: string
  create_time?: string
  description?: string
  stock_use_rule?: {
    max_coupons?: number
    max_amount?: number
    max_amount_by_day?: number
    fixed_normal_coupon?: { coupon_amount: number, transaction_minimum: number }
    max_coupons_per_user?: number
    coupon_type?: string
    goods_tag?: string[]
    trade_type?: string[]
    combine_use?: boolean
  }
  available_begin_time: string
  available_end_time: string
  distributed_coupons?: number
  no_cash: boolean
  start_time?: string
  stop_time?: string
  singleitem?: boolean
  stock_type?: string
}

/** Every v3 error answer: HTTP 4xx/5xx with this body (channels.md §2.7). */
export interface ErrorAnswer { code: string, message: string, detail?: unknown }

/** The `Wechatpay-*` headers on answers and notifications (channels.md §2.2). */
export const HEADER = {
  timestamp: 'wechatpay-timestamp',
  nonce: 'wechatpay-nonce',
  serial: 'wechatpay-serial',
  signature: 'wechatpay-signature',
} as const
