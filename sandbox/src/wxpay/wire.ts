// WeChat Pay v3 partner wire shapes, field names verbatim (snake_case), as the simulator answers them.

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'
export type TradeType = 'JSAPI' | 'NATIVE' | 'MWEB' | 'APP' | 'MICROPAY'
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

/** `trade_state_desc` as WeChat writes it for each state. */
export const TRADE_STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '订单已撤销',
  USERPAYING: '需要用户输入支付密码',
  PAYERROR: '支付失败，请撤销订单',
}

export interface Payer {
  sp_openid?: string
  sub_openid?: string
}

/** One voucher applied to a payment (`promotion_detail[]`). */
export interface PromotionDetail {
  coupon_id: string
  name: string
  /** GLOBAL = 全场券, SINGLE = 单品券. */
  scope: 'GLOBAL' | 'SINGLE'
  /** CASH = 预充值 (funded up front), NOCASH = 免充值. */
  type: 'CASH' | 'NOCASH'
  amount: number
  stock_id: string
  wechatpay_contribute: number
  merchant_contribute: number
  other_contribute: number
  currency: 'CNY'
}

/** The query answer, the codepay answer and the TRANSACTION.SUCCESS plaintext. */
export interface TransactionWire {
  sp_appid: string
  sp_mchid: string
  sub_appid?: string
  sub_mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: TradeType
  trade_state: TradeState
  trade_state_desc: string
  bank_type?: string
  attach?: string
  success_time?: string
  payer?: Payer
  amount: { total: number, payer_total?: number, currency: 'CNY', payer_currency: 'CNY' }
  scene_info?: { device_id: string }
  promotion_detail?: PromotionDetail[]
}

export interface RefundWire {
  refund_id: string
  out_refund_no: string
  transaction_id: string
  out_trade_no: string
  channel: 'ORIGINAL'
  user_received_account: string
  success_time?: string
  create_time: string
  status: RefundStatus
  funds_account: 'AVAILABLE'
  amount: {
    total: number
    refund: number
    from: []
    payer_total: number
    payer_refund: number
    settlement_refund: number
    settlement_total: number
    discount_refund: number
    currency: 'CNY'
    refund_fee: number
  }
  promotion_detail: []
}

/** REFUND.* notification plaintext (partner). */
export interface RefundNotifyWire {
  sp_mchid: string
  sub_mchid: string
  transaction_id: string
  out_trade_no: string
  refund_id: string
  out_refund_no: string
  refund_status: RefundStatus
  success_time?: string
  user_received_account: string
  amount: { total: number, refund: number, payer_total: number, payer_refund: number }
}
