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
  limits: { minFen: number, maxFen: number, maxQuantity: number, remarkMaxLength: number }
  platform: PayerPlatform
  /**
   * False until the payer's identity (WeChat openid under the SP's official account, Alipay
   * buyer id) is in the payer cookie; the page then navigates to `authUrl`, which comes back.
   */
  payerKnown: boolean
  authUrl: string
  /**
   * Where to load the JS bridge from when the app does not inject one: set only when yima is
   * configured against the sandbox (PAY_BRIDGE_BASE_URL), never in production.
   */
  bridgeScriptUrl?: string
}

/** `POST /v1/public/pay/orders`: an amount for store and staff codes, a quantity for fixed-amount ones. */
export const CreatePayOrderBody = z.object({
  code: z.string().min(1).max(64),
  amountFen: zPositiveFen.refine((n) => n <= MAX_PAY_FEN, { message: `单笔金额不能超过 ${MAX_PAY_FEN / 100} 元` }).optional(),
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
}
