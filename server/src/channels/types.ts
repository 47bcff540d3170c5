import type { Fen } from '@yima/shared'

/**
 * The contract every payment channel adapter keeps (style.md §6). Adapters talk to one vendor,
 * verify everything it says, and translate; they touch no database and apply no business rule.
 * Failures of the vendor are data (an outcome), not exceptions; only a programming error throws.
 */

/** How the customer pays. */
export type PayMethod =
  | 'wechat_jsapi' // official-account page (一码付 in WeChat)
  | 'wechat_mini' // mini program
  | 'wechat_native' // QR shown to the customer (Cloud Pay scan_code_pay)
  | 'wechat_h5' // mobile browser outside WeChat
  | 'wechat_app'
  | 'wechat_micropay' // cashier scans the customer's code (付款码 / codepay)
  | 'alipay_jsapi' // inside the Alipay app (alipay.trade.create with buyer id)
  | 'alipay_qr' // precreate
  | 'alipay_wap' // mobile browser
  | 'alipay_app'
  | 'alipay_micropay' // alipay.trade.pay, scene bar_code

export type ChannelName = 'wechat_pay' | 'alipay'

/**
 * A voucher the channel applied to a payment (WeChat `promotion_detail`). `noCash` is 免充值
 * (NOCASH: the merchant bears the discount, it is not settled to it); false is 预充值 (CASH:
 * paid from the batch's funds, the merchant is settled the full amount).
 */
export interface ChannelDiscount { couponId: string, stockId: string, amountFen: Fen, noCash: boolean }

export type ChannelOutcome =
  /**
   * Paid. `amountFen` is the order total (what the integrity check compares), not what the payer
   * paid; `discounts` lists the vouchers that made up the difference (WeChat only; absent when none).
   */
  | { kind: 'succeeded', channelTxnId: string, amountFen: Fen, paidAt: Date, raw: unknown, discounts?: ChannelDiscount[] }
  /** The customer is still paying (or the order awaits payment): poll or wait for the notification. */
  | { kind: 'pending', channelTxnId?: string, raw: unknown }
  /** Definitive: the vendor says it did not and will not happen (closed, reversed, refused). */
  | { kind: 'failed', code: string, message: string, raw: unknown }
  /** Timeout, 5xx, unverifiable answer: nobody knows yet; the reconciliation job asks again. */
  | { kind: 'unknown', reason: string, raw?: unknown }

export type RefundOutcome =
  | { kind: 'succeeded', channelRefundId: string, amountFen: Fen, refundedAt: Date, raw: unknown }
  | { kind: 'pending', channelRefundId?: string, raw: unknown }
  | { kind: 'failed', code: string, message: string, raw: unknown }
  | { kind: 'unknown', reason: string, raw?: unknown }

/** Who is selling, in service-provider (partner / ISV) mode. Secrets are already opened. */
export type ChannelCredentials =
  | {
    channel: 'wechat_pay'
    spMchId: string
    subMchId: string
    /** The SP's official account or mini program (sp_appid) and, if any, the sub-merchant's (sub_appid). */
    spAppId: string
    subAppId?: string
    certificateSerial: string
    privateKey: string
    apiV3Key: string
    /** The API v2 key (API密钥): only the v2 deposit API signs with it; absent when not configured. */
    apiV2Key?: string
    /** 商户 API 证书 (PEM): the v2 deposit API's mutual TLS; absent when not uploaded. */
    merchantCertificate?: string | null
    platformCertificate?: string | null
    publicKey?: string | null
    publicKeyId?: string | null
  }
  | {
    channel: 'alipay'
    appId: string
    privateKey: string
    alipayPublicKey: string
    /** The merchant's app_auth_token (代调用); absent when the ISV sells for itself. */
    appAuthToken?: string
    /** The merchant's PID (seller_id), checked on every result. */
    sellerId?: string
  }

export interface CreatePaymentInput {
  method: PayMethod
  /** Our out_trade_no: the merchant's prefix + the attempt's own id, ≤ 32 characters. */
  outTradeNo: string
  amountFen: Fen
  description: string
  notifyUrl: string
  expiresAt: Date
  /** JSAPI: the payer's openid under spAppId (WeChat) or buyer id / open id (Alipay). */
  payerId?: string
  /** Micropay: the customer's payment code. */
  authCode?: string
  /** WAP / H5 return page. */
  returnUrl?: string
  goodsTag?: string
  clientIp?: string
  attach?: string
}

/** What the page or device needs to start paying: JSAPI paySign parameters, a QR URL, a wap URL. */
export type ClientPayParams =
  | { type: 'wechat_jsapi', appId: string, timeStamp: string, nonceStr: string, package: string, signType: 'RSA', paySign: string }
  | { type: 'wechat_native', codeUrl: string }
  | { type: 'wechat_h5', h5Url: string }
  | { type: 'wechat_app', params: Record<string, string> }
  | { type: 'alipay_jsapi', tradeNo: string }
  | { type: 'alipay_qr', qrCode: string }
  | { type: 'alipay_wap', url: string }
  | { type: 'alipay_app', orderString: string }

export interface RefundInput {
  outTradeNo: string
  outRefundNo: string
  refundFen: Fen
  totalFen: Fen
  reason?: string
  notifyUrl?: string
}

/** An incoming request exactly as received: the raw body is what signatures cover. */
export interface RawRequest {
  headers: Record<string, string | string[] | undefined>
  rawBody: string
  /** Parsed form fields (Alipay posts application/x-www-form-urlencoded). */
  form?: Record<string, string>
}

export type ChannelNotification =
  | { type: 'payment', outTradeNo: string, outcome: ChannelOutcome, subMchId?: string, sellerId?: string }
  | { type: 'refund', outTradeNo: string, outRefundNo: string, outcome: RefundOutcome }

/** Thrown by parseNotification when a notification cannot be verified: nothing may act on it. */
export class ChannelSignatureError extends Error {
  override readonly name = 'ChannelSignatureError'
}

export interface ChannelAdapter {
  readonly channel: ChannelName
  supports: (method: PayMethod) => boolean
  createPayment: (i: CreatePaymentInput, c: ChannelCredentials) => Promise<{ outcome: ChannelOutcome, clientParams?: ClientPayParams }>
  queryPayment: (outTradeNo: string, c: ChannelCredentials) => Promise<ChannelOutcome>
  /** Close an unpaid order (one-code pay, native, wap). */
  closePayment: (outTradeNo: string, c: ChannelCredentials) => Promise<ChannelOutcome>
  /** Reverse a micropay (撤销): refunds it if it was paid after all. */
  reversePayment: (outTradeNo: string, c: ChannelCredentials) => Promise<ChannelOutcome>
  refund: (i: RefundInput, c: ChannelCredentials) => Promise<RefundOutcome>
  queryRefund: (outTradeNo: string, outRefundNo: string, c: ChannelCredentials) => Promise<RefundOutcome>
  /** Verify signature and timestamp window, decrypt, normalise. Throws ChannelSignatureError; never returns unverified data. */
  parseNotification: (req: RawRequest, c: ChannelCredentials) => Promise<ChannelNotification>
  /** The acknowledgement the vendor expects: WeChat v3 any 2xx (204), Alipay the literal `success`. */
  ack: (ok: boolean) => { status: number, body?: string, contentType?: string }
}
