import type { Fen } from '@yima/shared'
import type { ChannelCredentials, ChannelName, ChannelOutcome, RefundInput, RefundOutcome } from './types'

/**
 * Deposits (押金, mission P8) as each channel does them, behind one contract:
 * - WeChat Pay 押金 (v2 `/deposit/*`, XML, HMAC-SHA256 with the SP's API v2 key): the deposit is
 *   taken from the customer when frozen; one consumption settles part of it and WeChat returns the
 *   rest on its own; an unconsumed deposit can only be returned whole (撤销). Refunds of the
 *   consumption go through `/deposit/refund`.
 * - Alipay 资金授权 (`alipay.fund.auth.*`): the amount is authorised (frozen) on the customer's
 *   account; any part can be released (unfreeze) any number of times, and consumed through
 *   `alipay.trade.pay` with `auth_no` (a normal trade, refunded as one).
 * Like ChannelAdapter: no database, no business rule; vendor failures are outcomes.
 */

export type FreezeOutcome =
  /** The amount is held. `channelFreezeId` is WeChat's transaction_id / Alipay's auth_no. */
  | { kind: 'frozen', channelFreezeId: string, amountFen: Fen, frozenAt: Date, payerId?: string, raw: unknown }
  /** The customer is still confirming (USERPAYING / INIT), or a scan-code freeze awaits its scan. */
  | { kind: 'pending', channelFreezeId?: string, raw: unknown }
  /** Definitive: refused, cancelled, closed, or never happened. */
  | { kind: 'failed', code: string, message: string, raw: unknown }
  | { kind: 'unknown', reason: string, raw?: unknown }

export type UnfreezeOutcome =
  | { kind: 'succeeded', channelUnfreezeId?: string, amountFen: Fen, unfrozenAt: Date, raw: unknown }
  | { kind: 'pending', raw: unknown }
  | { kind: 'failed', code: string, message: string, raw: unknown }
  | { kind: 'unknown', reason: string, raw?: unknown }

export interface MicroFreezeInput {
  /** Ours, with the merchant's prefix; WeChat's out_trade_no, Alipay's out_order_no and out_request_no. */
  outFreezeNo: string
  amountFen: Fen
  description: string
  /** The customer's payment code. */
  authCode: string
  clientIp?: string
}

export interface ScanFreezeInput {
  outFreezeNo: string
  amountFen: Fen
  description: string
  expiresAt: Date
}

export interface ConsumeInput {
  outFreezeNo: string
  channelFreezeId: string
  /** The whole deposit (WeChat's total_fee). */
  freezeFen: Fen
  /** Our order number for the consumption (Alipay's trade out_trade_no; WeChat has none of its own). */
  outTradeNo: string
  amountFen: Fen
  description: string
  /** The payer (Alipay buyer_id) when the freeze named one. */
  payerId?: string
  /**
   * true: what stays frozen after this consumption is released (Alipay auth_confirm_mode COMPLETE).
   * WeChat always releases the rest, so the engine only consumes WeChat deposits with true.
   */
  complete: boolean
}

export interface UnfreezeInput {
  outFreezeNo: string
  channelFreezeId: string
  outUnfreezeNo: string
  amountFen: Fen
  /** The whole deposit; WeChat can only unfreeze it whole (amountFen = freezeFen, nothing consumed). */
  freezeFen: Fen
  remark?: string
}

/** A refund of a consumption: `totalFen` is the consumption's amount, `freezeFen` the whole deposit (WeChat's 订单金额). */
export type DepositRefundInput = RefundInput & { channelFreezeId: string, freezeFen: Fen }

export interface DepositAdapter {
  readonly channel: ChannelName
  /** 刷卡押金冻结. */
  microFreeze: (i: MicroFreezeInput, c: ChannelCredentials) => Promise<FreezeOutcome>
  /** 扫码押金冻结 (Alipay only: null on WeChat): a QR to show; the freeze happens when the customer scans and confirms. */
  scanFreeze: ((i: ScanFreezeInput, c: ChannelCredentials) => Promise<{ outcome: FreezeOutcome, qrCode?: string }>) | null
  queryFreeze: (outFreezeNo: string, c: ChannelCredentials) => Promise<FreezeOutcome>
  /**
   * 撤销: undo a freeze whose result is pending or unknown, so it cannot complete later. On
   * success the outcome is `failed` with code `CANCELLED`.
   */
  cancelFreeze: (outFreezeNo: string, c: ChannelCredentials) => Promise<FreezeOutcome>
  /** 押金消费: a payment of `amountFen` out of the frozen amount. */
  consume: (i: ConsumeInput, c: ChannelCredentials) => Promise<ChannelOutcome>
  /**
   * Where a consumption whose answer was lost stands: `succeeded` once the channel shows it
   * (WeChat: orderquery's consume_fee; Alipay: the trade), `pending` while the deposit shows no
   * such consumption yet (the engine then sends the same consume again: WeChat consumes a deposit
   * at most once, Alipay's out_trade_no is idempotent), `failed` when it cannot happen any more.
   */
  queryConsume: (i: ConsumeInput, c: ChannelCredentials) => Promise<ChannelOutcome>
  /** 押金解冻 (WeChat: 撤销 of the whole deposit). */
  unfreeze: (i: UnfreezeInput, c: ChannelCredentials) => Promise<UnfreezeOutcome>
  queryUnfreeze: (i: UnfreezeInput, c: ChannelCredentials) => Promise<UnfreezeOutcome>
  /** A refund of a consumption (WeChat `/deposit/refund`; Alipay a normal trade refund). */
  refund: (i: DepositRefundInput, c: ChannelCredentials) => Promise<RefundOutcome>
  queryRefund: (i: DepositRefundInput, c: ChannelCredentials) => Promise<RefundOutcome>
}
