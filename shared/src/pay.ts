/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'
import { zPositiveFen } from './zod'
import type { OrderStatus, RefundStatus } from './orders'

/**
 * The customer's side of one-code pay (P1) and the staff side of micropay and refunds (P2, P5):
 * request bodies and DTOs shared by the server and the pages.
 */

/** The most one payment may be: 50 000 yuan (the channels' JSAPI cap for most merchants). */
export const MAX_PAY_FEN = 5_000_000
/** The most units a fixed-amount code sells in one payment. */
export const MAX_PAY_QUANTITY = 99
export const MAX_REMARK_LENGTH = 40

/** Which app the customer scanned in: decided from the user agent, never trusted for money. */
export type PayerPlatform = 'wechat' | 'alipay' | 'other'

/** `GET /v1/public/pay/:code`: what the pay page shows, and whether the payer is known yet. */
export interface PayPageDto {
  code: string
  kind: 'store' | 'staff' | 'fixed_amount'
  store: { name: string, branchName: string | null }
  merchant: { name: string, shortName: string, logoUrl: string | null }
  serviceProvider: { shortName: string, logoUrl: string | null }
  /** Staff codes: the clerk's name, shown as 收款人. */
  staffName?: string
  /** Fixed-amount codes: the price of one unit; the page picks a quantity. */
  unitPriceFen?: number
  /** Fixed-amount codes: what one unit is (the code's name, e.g. 拿铁咖啡), when it has one. */
  itemName?: string
  limits: { minFen: number, maxFen: number, maxQuantity: number, remarkMaxLength: number }
  platform: PayerPlatform
  /**
   * False until the payer's identity (WeChat openid under the SP's official account, Alipay
   * buyer id) is in the payer cookie; the page then navigates to `authUrl`, which comes back.
   */
  payerKnown: boolean
  /**
   * `GET /pay/auth?code=…`: a full-page navigation (not a fetch). It runs WeChat OAuth (snsapi_base)
   * or Alipay auth_base, sets the httpOnly payer cookie and 302s back to the pay page with the same
   * code; a failure lands on the scan result page (`SCAN_PROBLEMS` key in `problem`). Outside WeChat
   * and Alipay it lands on `problem=unsupported_app`.
   */
  authUrl: string
  /**
   * Where to load the JS bridge from when the app does not inject one: set only when yima is
   * configured against the sandbox (PAY_BRIDGE_BASE_URL), never in production.
   */
  bridgeScriptUrl?: string
  /**
   * Against the sandbox only: the page may offer a desktop browser to act as WeChat or Alipay
   * (the `sim_app` cookie, see SIM_APP_COOKIE), since the app cannot be told from a real phone.
   */
  simulator?: boolean
  /**
   * The merchant's membership card (M3), when it is approved and this store has not disabled it:
   * the page offers 会员卡余额充值 / 会员卡余额付款 in WeChat, and says it is WeChat-only in Alipay.
   * `balanceFen` is the payer's balance when they hold the card (null otherwise).
   */
  memberCard?: { id: string, title: string, balanceFen: number | null, active: boolean }
}

/** The sandbox's stand-in for "which app scanned": honoured only when PAY_BRIDGE_BASE_URL is set. */
export const SIM_APP_COOKIE = 'sim_app'

/**
 * `POST /v1/public/pay/orders`: an amount for store and staff codes, a quantity for fixed-amount
 * ones, never both. The amount's range (1..MAX_PAY_FEN, and unit × quantity ≤ MAX_PAY_FEN) is the
 * server's rule, answered as `amount_out_of_range` (param amountFen or quantity), so the page gets
 * one code for every amount it may not charge. Other answers: 401 `payer_unknown` (no payer cookie:
 * go to authUrl), 409 `qr_code_*` / `store_closed`, 503 `channel_unavailable`, 429 `rate_limited`.
 */
export const CreatePayOrderBody = z.object({
  code: z.string().min(1).max(64),
  amountFen: z.number().int().optional(),
  quantity: z.number().int().min(1).max(MAX_PAY_QUANTITY).optional(),
  remark: z.string().trim().max(MAX_REMARK_LENGTH).optional(),
}).strict()
export type CreatePayOrderBody = z.input<typeof CreatePayOrderBody>

/** What the page needs to open the app's cashier. */
export type PayBridgeParams =
  | { type: 'wechat_jsapi', appId: string, timeStamp: string, nonceStr: string, package: string, signType: 'RSA', paySign: string }
  | { type: 'alipay_jsapi', tradeNo: string }

export interface CreatedPayOrderDto {
  orderId: string
  outTradeNo: string
  amountFen: number
  bridge: PayBridgeParams
}

export interface PayAd { owner: 'service_provider' | 'merchant', imageUrl: string, linkUrl: string | null }

/** `GET /v1/public/pay/orders/:id`: polled by the page; only the payer who created it may read it. */
export interface PayOrderDto {
  orderId: string
  outTradeNo: string
  status: OrderStatus
  amountFen: number
  /** What vouchers took off (C2); the customer paid amountFen − discountFen. */
  discountFen: number
  quantity: number | null
  remark: string | null
  paidAt: string | null
  store: { name: string, branchName: string | null }
  merchant: { shortName: string, logoUrl: string | null }
  /** Shown on the pay-complete page: the SP's and the merchant's ad, when set. */
  ads: PayAd[]
  /** The SP's pay-complete URL: the page offers it, then goes there after a few seconds. */
  payCompleteUrl: string | null
}

/** `POST /v1/.../micropay`: a cashier or device scanned the customer's payment code (P2). */
export const MicropayBody = z.object({
  storeId: z.string().min(1),
  authCode: z.string().regex(/^\d{16,24}$/, '付款码应为 16–24 位数字'),
  amountFen: zPositiveFen.refine((n) => n <= MAX_PAY_FEN, { message: `单笔金额不能超过 ${MAX_PAY_FEN / 100} 元` }),
  description: z.string().trim().min(1).max(127).optional(),
  deviceId: z.string().min(1).max(64).optional(),
  remark: z.string().trim().max(MAX_REMARK_LENGTH).optional(),
}).strict()
export type MicropayBody = z.input<typeof MicropayBody>

/** `POST /v1/orders/:id/refunds` (console) and `/v1/mobile/orders/:id/refunds` (staff). */
export const RefundBody = z.object({
  amountFen: zPositiveFen,
  reason: z.string().trim().min(1).max(80).optional(),
  /** Idempotency: the same number refunds once; the server makes one when absent. */
  outRefundNo: z.string().regex(/^[A-Za-z0-9_\-|*@]{1,64}$/).optional(),
}).strict()
export type RefundBody = z.input<typeof RefundBody>

export interface RefundDto {
  id: string
  orderId: string
  outRefundNo: string
  amountFen: number
  status: RefundStatus
  reason: string | null
  operator: { kind: string, id: string }
  refundedAt: string | null
  createdAt: string
}

export interface OrderDto {
  id: string
  outTradeNo: string
  merchantId: string
  storeId: string | null
  staffId: string | null
  deviceId: string | null
  qrCodeId: string | null
  payPlatform: 'wechat_pay' | 'alipay'
  method: string
  sourceType: string
  tradeType: string
  status: OrderStatus
  amountFen: number
  discountFen: number
  refundedFen: number
  quantity: number | null
  description: string
  remark: string | null
  goodsTag: string | null
  channelTxnId: string | null
  failureCode: string | null
  /** Why it failed, in words a cashier can say to the customer (payFailureMessage); null unless failed. */
  failureMessage?: string | null
  paidAt: string | null
  closedAt: string | null
  createdAt: string
}

export interface PaymentCallbackDto {
  id: string
  orderId: string
  refundId: string | null
  event: 'paid' | 'refunded'
  target: 'service_provider' | 'order'
  url: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastHttpStatus: number | null
  lastError: string | null
  lastAttemptAt: string | null
  deliveredAt: string | null
  /** When the next retry is due, while pending. */
  nextAttemptAt: string | null
  /** Every attempt so far, oldest first (a manual resend adds attempts; numbers keep counting). */
  deliveries: PaymentCallbackAttemptDto[]
}

/** One attempt to deliver a trade-complete callback. */
export interface PaymentCallbackAttemptDto {
  attempt: number
  /** When the attempt finished. */
  at: string
  /** `succeeded`: the receiver answered status 0. */
  outcome: 'succeeded' | 'failed'
  /** The receiver's HTTP status; null when no answer came (refused address, connection error, timeout). */
  httpStatus: number | null
  error: string | null
  durationMs: number
}

/**
 * Payment-code prefixes (channels.md §2.6): WeChat 18 digits starting 10–15, Alipay 16–24 digits
 * starting 25–30. Anything else is no payment code either channel would take.
 */
export function authCodeChannel (authCode: string): 'wechat_pay' | 'alipay' | undefined {
  if (/^1[0-5]\d{16}$/.test(authCode)) return 'wechat_pay'
  if (/^(2[5-9]|30)\d{14,22}$/.test(authCode)) return 'alipay'
  return undefined
}

/**
 * What the cashier tells the customer when a payment failed, by the channel's failure code. The
 * channel's own text stays on the order for support: it is not written for the customer.
 */
export function payFailureMessage (code: string | null): string {
  switch (code) {
    case 'TRADE_ERROR':
    case 'PAYERROR':
      return '支付失败：请让顾客确认付款方式后重新付款'
    case 'NOT_ENOUGH':
    case 'ACQ.BUYER_BALANCE_NOT_ENOUGH':
    case 'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH':
      return '顾客余额不足，请让顾客更换付款方式'
    case 'AUTH_CODE_INVALID':
    case 'AUTHCODEEXPIRE':
    case 'ACQ.PAYMENT_AUTH_CODE_INVALID':
      return '付款码无效或已过期，请让顾客刷新付款码'
    case 'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR':
    case 'ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR':
      return '顾客付款额度已达上限，请让顾客更换付款方式'
    default:
      return code === null ? '支付失败' : `支付失败（${code}）`
  }
}
