import { alipayOrderState, refundState, SOURCE_TYPES, TRADE_TYPES, wxpayOrderState, type SourceType, type TradeType } from '@yima/shared'
import type { DepositRow, DepositUnfreezeRow } from '../modules/deposits/deposits.schema'
import type { OrderRow, RefundRow } from '../modules/payments/payment.schema'
import type { MerchantRow, ServiceProviderRow, StoreRow } from '../modules/tenancy/tenancy.schema'

/*
 * Cloud Pay's response structures (cloudpay-api.md §6–§7, §11) built from yima's rows: pure
 * functions, so the trade-complete callbacks and the /cpay/* facade describe an order alike.
 * Field names are Cloud Pay's own; amounts are integer fen; times are unix seconds, as
 * `time_expire` is documented (assumed for the other time fields, which the docs leave untyped).
 */

/** The rows an order is described from. Only the columns used are required. */
export interface OrderContentRows {
  order: Pick<OrderRow, 'id' | 'payPlatform' | 'outTradeNo' | 'channelTxnId' | 'tradeType' | 'sourceType' | 'status' | 'amountFen'
    | 'discountFen' | 'refundedFen' | 'description' | 'remark' | 'goodsTag' | 'payerId' | 'callbackUrl' | 'channelRaw' | 'deviceId'
    | 'staffId' | 'expiresAt' | 'paidAt' | 'createdAt' | 'updatedAt'>
  sp: Pick<ServiceProviderRow, 'outMchId' | 'oaAuthorizerAppId' | 'wxOaAppId'>
  merchant: Pick<MerchantRow, 'outSubMchId'>
  store: Pick<StoreRow, 'outShopId'> | null
}

export type RefundContentRows = Pick<OrderContentRows, 'order'> & {
  refund: Pick<RefundRow, 'outRefundNo' | 'channelRefundId' | 'amountFen' | 'status' | 'reason' | 'refundedAt' | 'createdAt' | 'updatedAt'>
}

type Json = Record<string, unknown>

export const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000)

/** PayMchKey: 1/100 WeChat, 2/200 Alipay; the ids are Cloud Pay's 20-character public ones. */
export function payMchKey ({ order, sp, merchant, store }: Omit<OrderContentRows, 'order'> & { order: Pick<OrderRow, 'payPlatform' | 'payerId'> }): Json {
  const wechat = order.payPlatform === 'wechat_pay'
  // The payer is known under the SP's official account (sp_openid) for WeChat, as a buyer id for Alipay.
  const appId = sp.oaAuthorizerAppId ?? sp.wxOaAppId
  return {
    pay_platform: wechat ? 1 : 2,
    sub_pay_platform: wechat ? 100 : 200,
    out_mch_id: sp.outMchId,
    out_sub_mch_id: merchant.outSubMchId,
    ...(store === null ? {} : { out_shop_id: store.outShopId }),
    ...(order.payerId === null
      ? {}
      : wechat
        ? { wxpay_pay_mch_key_ext: { ...(appId === null ? {} : { app_id: appId }), open_id: order.payerId } }
        : { alipay_pay_mch_key_ext: { user_id: order.payerId } }),
  }
}

/** OrderClient: the device and clerk an order came through, when known. */
export function orderClient ({ order }: Pick<OrderContentRows, 'order'>): Json {
  return {
    ...(order.deviceId === null ? {} : { device_id: order.deviceId }),
    ...(order.staffId === null ? {} : { staff_id: order.staffId }),
  }
}

/**
 * OrderContent with exactly one platform extension. The order's real state is
 * `*_order_content_ext.current_trade_state` (§7), from the shared state tables.
 */
export function orderContent ({ order, deposit }: Pick<OrderContentRows, 'order'> & { deposit?: DepositRow | null }): Json {
  const tradeType = TRADE_TYPES[order.tradeType as TradeType] as number | undefined
  const sourceType = SOURCE_TYPES[order.sourceType as SourceType] as number | undefined
  const view = { status: order.status, tradeType: order.tradeType as TradeType, refundedFen: order.refundedFen, amountFen: order.amountFen }
  const cashFee = order.amountFen - order.discountFen
  return {
    out_trade_no: order.outTradeNo,
    ...(order.channelTxnId === null ? {} : { transaction_id: order.channelTxnId }),
    ...(tradeType === undefined ? {} : { trade_type: tradeType }),
    ...(sourceType === undefined ? {} : { source_type: sourceType }),
    time_expire: unixSeconds(order.expiresAt),
    ...(order.paidAt === null ? {} : { time_end: unixSeconds(order.paidAt) }),
    create_time: unixSeconds(order.createdAt),
    last_update_time: unixSeconds(order.updatedAt),
    is_transforming: false,
    total_fee: order.amountFen,
    fee_type: 'CNY',
    cash_fee: cashFee,
    cash_fee_type: 'CNY',
    body: order.description,
    ...(order.remark === null ? {} : { remark: order.remark }),
    ...(order.callbackUrl === null ? {} : { caller_notify_url: order.callbackUrl }),
    ...(deposit == null ? {} : depositFields(deposit, order)),
    ...(order.payPlatform === 'wechat_pay'
      ? {
          wxpay_order_content_ext: {
            // 14: a deposit's consumption that succeeded (and is not refunded).
            current_trade_state: deposit != null && order.status === 'succeeded' && order.refundedFen === 0 ? 14 : wxpayOrderState(view),
            ...(order.goodsTag === null ? {} : { goods_tag: order.goodsTag }),
            ...(order.discountFen > 0 ? { coupon_fee: order.discountFen } : {}),
            ...bankType(order.channelRaw),
          },
        }
      : { alipay_order_content_ext: { current_trade_state: alipayOrderState(view) } }),
  }
}

/** RefundOrderContent: WeChat calls the state `state`, Alipay `refund_status`; same numbers (§11). */
export function refundOrderContent ({ order, refund }: RefundContentRows): Json {
  const tradeType = TRADE_TYPES[order.tradeType as TradeType] as number | undefined
  const state = refundState(refund.status)
  return {
    out_refund_no: refund.outRefundNo,
    ...(refund.channelRefundId === null ? {} : { refund_id: refund.channelRefundId }),
    out_trade_no: order.outTradeNo,
    ...(tradeType === undefined ? {} : { trade_type: tradeType }),
    create_time: unixSeconds(refund.createdAt),
    last_update_time: unixSeconds(refund.updatedAt),
    is_transforming: false,
    total_fee: order.amountFen,
    refund_fee: refund.amountFen,
    refund_fee_type: 'CNY',
    ...(refund.reason === null ? {} : { refund_reason: refund.reason }),
    ...(refund.refundedAt === null ? {} : { refund_success_time: unixSeconds(refund.refundedAt) }),
    ...(order.payPlatform === 'wechat_pay'
      ? { wxpay_refund_order_content_ext: { state } }
      : { alipay_refund_order_content_ext: { refund_status: state } }),
  }
}

/** WeChat names the payer's bank (`bank_type`) in the transaction it sent; Cloud Pay passes it on. */
function bankType (raw: unknown): Json {
  if (typeof raw !== 'object' || raw === null) return {}
  const v = (raw as Record<string, unknown>).bank_type
  return typeof v === 'string' ? { bank_type: v } : {}
}

/** The deposit fields of OrderContent (§7) on a consumption. */
function depositFields (deposit: DepositRow, order: Pick<OrderRow, 'id'>): Json {
  return {
    is_deposit_mode: true,
    out_freeze_no: deposit.outFreezeNo,
    freeze_fee: deposit.amountFen,
    ...(deposit.channelFreezeId === null ? {} : { freeze_id: deposit.channelFreezeId }),
    is_confirm_unfreeze: deposit.completingOrderId === order.id || (deposit.status === 'finished' && deposit.payPlatform === 'wechat_pay'),
  }
}

/** WxpayFreezeOrderState / AlipayFreezeOrderState (§11). */
const WX_FREEZE_STATE: Record<DepositRow['status'], number> = { created: 1, pending: 3, frozen: 2, finished: 5, cancelled: 4, failed: 6 }
const ALI_FREEZE_STATE: Record<DepositRow['status'], number> = { created: 1, pending: 1, frozen: 2, finished: 3, cancelled: 3, failed: 4 }
/** Wxpay/AlipayUnfreezeOrderState: 1 init, 2 success, 3 failed. */
const UNFREEZE_STATE: Record<DepositUnfreezeRow['status'], number> = { processing: 1, succeeded: 2, failed: 3 }

/** FreezeOrderContent: the deposit, what is consumed and released, and its state in the platform's extension. */
export function freezeOrderContent (deposit: DepositRow): Json {
  const state = { current_trade_state: (deposit.payPlatform === 'wechat_pay' ? WX_FREEZE_STATE : ALI_FREEZE_STATE)[deposit.status] }
  return {
    out_freeze_no: deposit.outFreezeNo,
    ...(deposit.channelFreezeId === null ? {} : { freeze_id: deposit.channelFreezeId, transaction_id: deposit.channelFreezeId }),
    trade_type: 1,
    freeze_fee: deposit.amountFen,
    fee_type: 'CNY',
    consume_fee: deposit.consumedFen,
    unfreeze_fee: deposit.unfrozenFen,
    rest_fee: deposit.amountFen - deposit.consumedFen - deposit.unfrozenFen,
    body: deposit.description,
    ...(deposit.remark === null ? {} : { remark: deposit.remark }),
    ...(deposit.qrCode === null ? {} : { code_url: deposit.qrCode }),
    time_expire: unixSeconds(deposit.expiresAt),
    ...(deposit.frozenAt === null ? {} : { time_end: unixSeconds(deposit.frozenAt) }),
    create_time: unixSeconds(deposit.createdAt),
    last_update_time: unixSeconds(deposit.updatedAt),
    is_deposit_mode: true,
    ...(deposit.payPlatform === 'wechat_pay' ? { wxpay_freeze_order_content_ext: state } : { alipay_freeze_order_content_ext: state }),
  }
}

/** UnfreezeOrderContent. */
export function unfreezeOrderContent (deposit: DepositRow, row: DepositUnfreezeRow): Json {
  const state = { state: UNFREEZE_STATE[row.status] }
  return {
    out_freeze_no: deposit.outFreezeNo,
    out_unfreeze_no: row.outUnfreezeNo,
    ...(row.channelUnfreezeId === null ? {} : { unfreeze_id: row.channelUnfreezeId }),
    freeze_fee: deposit.amountFen,
    unfreeze_fee: row.amountFen,
    fee_type: 'CNY',
    ...(row.remark === null ? {} : { remark: row.remark }),
    create_time: unixSeconds(row.createdAt),
    last_update_time: unixSeconds(row.updatedAt),
    ...(row.unfrozenAt === null ? {} : { unfreeze_success_time: unixSeconds(row.unfrozenAt) }),
    ...(deposit.payPlatform === 'wechat_pay' ? { wxpay_unfreeze_order_content_ext: state } : { alipay_unfreeze_order_content_ext: state }),
  }
}
