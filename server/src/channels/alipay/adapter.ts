import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { AlipaySdk } from 'alipay-sdk'
import { fenToYuanString, yuanStringToFen, type Fen } from '@yima/shared'
import {
  ChannelSignatureError,
  type ChannelAdapter,
  type ChannelCredentials,
  type ChannelNotification,
  type ChannelOutcome,
  type CreatePaymentInput,
  type PayMethod,
  type RawRequest,
  type RefundOutcome,
} from '../types'
import { alipaySdk } from './app-auth'
import { cancelEffect, gatewayVerdict, refundStateOf, tradeStateOf, type GatewayVerdict } from './status-map'
import {
  fromChinaTime,
  toChinaTime,
  type CommonResponse,
  type GatewayMethod,
  type RefundQueryBiz,
  type RefundQueryResponse,
  type TradeAppPayBiz,
  type TradeCancelResponse,
  type TradeCloseResponse,
  type TradeCreateBiz,
  type TradeCreateResponse,
  type TradeMethod,
  type TradePayBiz,
  type TradePayResponse,
  type TradePrecreateBiz,
  type TradePrecreateResponse,
  type TradeQueryResponse,
  type TradeRefBiz,
  type TradeRefundBiz,
  type TradeRefundResponse,
  type TradeStatusSync,
  type TradeWapPayBiz,
} from './wire'

export interface AlipayAdapterOptions {
  /** The v2 gateway: https://openapi.alipay.com/gateway.do, or the sandbox's. Credentials do not carry it. */
  gateway: string
  /** Per call. A later answer is `unknown`: the call may still have acted, so only a query can tell. */
  timeoutMs?: number
}

/** Alipay's own answers well within this; a slower one is left to the reconcile job. */
const DEFAULT_TIMEOUT_MS = 5000

export type AlipayCredentials = Extract<ChannelCredentials, { channel: 'alipay' }>
type Unknown = Extract<ChannelOutcome, { kind: 'unknown' }>
export type Answer<T> = { kind: 'answer', verdict: GatewayVerdict, body: T } | Unknown

const ALIPAY_METHODS: ReadonlySet<PayMethod> = new Set<PayMethod>(['alipay_jsapi', 'alipay_qr', 'alipay_wap', 'alipay_app', 'alipay_micropay'])

/** An Alipay user id (2088 + 12 digits); anything else a JSAPI payer id can be is an open_id. */
const USER_ID = /^2088\d{12}$/

/**
 * Alipay in ISV mode (代调用, channels.md §3) through alipay-sdk's v2 gateway (`exec`, every answer
 * signature-checked). v3 `curl()` is not used, so the v3 timestamp-freshness gap does not arise.
 * Every call acts for the merchant whose app_auth_token the credentials carry.
 */
export function createAlipayAdapter (o: AlipayAdapterOptions): ChannelAdapter {
  const sdkFor = (c: AlipayCredentials): AlipaySdk => alipayClient(c, o)

  return {
    channel: 'alipay',

    supports: (method) => ALIPAY_METHODS.has(method),

    async createPayment (i, creds) {
      const c = alipayCredentials(creds)
      const sdk = sdkFor(c)
      const order = {
        out_trade_no: i.outTradeNo,
        total_amount: fenToYuanString(i.amountFen),
        subject: i.description,
        // Alipay closes the trade itself at this time, so an abandoned QR code cannot be paid later.
        time_expire: toChinaTime(i.expiresAt),
      }
      switch (i.method) {
        case 'alipay_jsapi': {
          const payer = required(i.payerId, 'payerId', i.method)
          // 当面付 in the Alipay app (the one-code page): FACE_TO_FACE_PAYMENT. JSAPI_PAY is the mini-program
          // product and needs op_app_id, which the credentials do not carry.
          const biz: TradeCreateBiz = { ...order, product_code: 'FACE_TO_FACE_PAYMENT', ...(USER_ID.test(payer) ? { buyer_id: payer } : { buyer_open_id: payer }) }
          const a = await call<TradeCreateResponse>(sdk, c, 'alipay.trade.create', biz, { notifyUrl: i.notifyUrl })
          if (a.kind === 'unknown') return { outcome: a }
          if (a.verdict.kind !== 'ok') return { outcome: refusedCreate('alipay.trade.create', a.verdict, a.body) }
          const tradeNo = a.body.trade_no
          if (!nonEmpty(tradeNo)) return { outcome: unknown('alipay.trade.create: 10000 without trade_no', a.body) }
          const foreign = otherTrade('alipay.trade.create', a.body, i.outTradeNo)
          if (foreign !== undefined) return { outcome: foreign }
          return { outcome: { kind: 'pending', channelTxnId: tradeNo, raw: a.body }, clientParams: { type: 'alipay_jsapi', tradeNo } }
        }
        case 'alipay_qr': {
          const biz: TradePrecreateBiz = { ...order, product_code: 'FACE_TO_FACE_PAYMENT' }
          const a = await call<TradePrecreateResponse>(sdk, c, 'alipay.trade.precreate', biz, { notifyUrl: i.notifyUrl })
          if (a.kind === 'unknown') return { outcome: a }
          if (a.verdict.kind !== 'ok') return { outcome: refusedCreate('alipay.trade.precreate', a.verdict, a.body) }
          const qrCode = a.body.qr_code
          if (!nonEmpty(qrCode)) return { outcome: unknown('alipay.trade.precreate: 10000 without qr_code', a.body) }
          const foreign = otherTrade('alipay.trade.precreate', a.body, i.outTradeNo)
          if (foreign !== undefined) return { outcome: foreign }
          // No trade_no yet: Alipay creates the trade when a customer scans.
          return { outcome: { kind: 'pending', raw: a.body }, clientParams: { type: 'alipay_qr', qrCode } }
        }
        case 'alipay_wap': {
          const biz: TradeWapPayBiz = { ...order, product_code: 'QUICK_WAP_WAY', ...(i.returnUrl === undefined ? {} : { quit_url: i.returnUrl }) }
          // Signed here, sent by the customer's browser: nothing reaches Alipay until the page opens.
          const url = sdk.pageExecute('alipay.trade.wap.pay', 'GET', {
            ...authToken(c),
            notifyUrl: i.notifyUrl,
            ...(i.returnUrl === undefined ? {} : { returnUrl: i.returnUrl }),
            bizContent: { ...biz },
          })
          // raw is stored on the attempt: keep what was ordered, not the URL with the merchant's app_auth_token.
          return { outcome: { kind: 'pending', raw: { method: 'alipay.trade.wap.pay', biz_content: biz } }, clientParams: { type: 'alipay_wap', url } }
        }
        case 'alipay_app': {
          const biz: TradeAppPayBiz = { ...order, product_code: 'QUICK_MSECURITY_PAY' }
          const orderString = sdk.sdkExecute('alipay.trade.app.pay', { ...authToken(c), notifyUrl: i.notifyUrl, bizContent: { ...biz } })
          return { outcome: { kind: 'pending', raw: { method: 'alipay.trade.app.pay', biz_content: biz } }, clientParams: { type: 'alipay_app', orderString } }
        }
        case 'alipay_micropay': {
          const biz: TradePayBiz = { ...order, product_code: 'FACE_TO_FACE_PAYMENT', scene: 'bar_code', auth_code: required(i.authCode, 'authCode', i.method) }
          const a = await call<TradePayResponse>(sdk, c, 'alipay.trade.pay', biz, { notifyUrl: i.notifyUrl })
          if (a.kind === 'unknown') return { outcome: a }
          const foreign = otherTrade('alipay.trade.pay', a.body, i.outTradeNo)
          if (foreign !== undefined) return { outcome: foreign }
          switch (a.verdict.kind) {
            case 'ok': return { outcome: succeeded('alipay.trade.pay', a.body.trade_no, a.body.total_amount, a.body.gmt_payment, a.body) }
            // 10003: the customer confirms on the phone; poll with queryPayment, reverse if it never comes.
            case 'waiting': return { outcome: { kind: 'pending', ...(nonEmpty(a.body.trade_no) ? { channelTxnId: a.body.trade_no } : {}), raw: a.body } }
            default: return { outcome: refusedCreate('alipay.trade.pay', a.verdict, a.body) }
          }
        }
        case 'wechat_jsapi':
        case 'wechat_mini':
        case 'wechat_native':
        case 'wechat_h5':
        case 'wechat_app':
        case 'wechat_micropay':
          throw new TypeError(`alipay: ${i.method} is not an Alipay method`)
        default: return unreachable(i.method)
      }
    },

    async queryPayment (outTradeNo, creds) {
      const c = alipayCredentials(creds)
      return await queryTrade(sdkFor(c), c, outTradeNo)
    },

    async closePayment (outTradeNo, creds) {
      const c = alipayCredentials(creds)
      const sdk = sdkFor(c)
      const a = await call<TradeCloseResponse>(sdk, c, 'alipay.trade.close', { out_trade_no: outTradeNo } satisfies TradeRefBiz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok': return otherTrade('alipay.trade.close', a.body, outTradeNo) ?? { kind: 'failed', code: 'TRADE_CLOSED', message: 'closed unpaid', raw: a.body }
        case 'refused':
          // A QR code nobody scanned (or a wap page nobody opened) is not a trade yet, and close cannot
          // reach it; cancel can, and afterwards the out_trade_no can never be paid.
          if (a.verdict.code === 'ACQ.TRADE_NOT_EXIST') return await cancelTrade(sdk, c, outTradeNo)
          // Typically ACQ.TRADE_STATUS_ERROR: paid or already closed. Say which.
          return await queryTrade(sdk, c, outTradeNo)
        default: return notAnswered('alipay.trade.close', a.verdict, a.body)
      }
    },

    async reversePayment (outTradeNo, creds) {
      const c = alipayCredentials(creds)
      return await cancelTrade(sdkFor(c), c, outTradeNo)
    },

    async refund (i, creds) {
      const c = alipayCredentials(creds)
      const sdk = sdkFor(c)
      const biz: TradeRefundBiz = {
        out_trade_no: i.outTradeNo,
        refund_amount: fenToYuanString(i.refundFen),
        out_request_no: i.outRefundNo,
        ...(i.reason === undefined ? {} : { refund_reason: i.reason }),
      }
      // No notify_url here: v2 refunds are reported on the payment's notify_url (trade_status_sync).
      const a = await call<TradeRefundResponse>(sdk, c, 'alipay.trade.refund', biz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok': {
          const foreign = otherTrade('alipay.trade.refund', a.body, i.outTradeNo)
          if (foreign !== undefined) return foreign
          // fund_change N is not a failure: no money moved in *this* call, which is what a repeated
          // out_request_no answers. Only refund.query says whether the refund exists.
          if (a.body.fund_change !== 'Y') return await queryRefund(sdk, c, i.outTradeNo, i.outRefundNo)
          // refund_fee is the trade's cumulative refund, so it can only be checked to cover this one.
          const cumulative = toFen(a.body.refund_fee)
          if (!nonEmpty(a.body.trade_no) || cumulative === undefined || cumulative < i.refundFen) {
            return unknown('alipay.trade.refund: fund_change Y but trade_no or refund_fee does not account for this refund', a.body)
          }
          return { kind: 'succeeded', channelRefundId: a.body.trade_no, amountFen: i.refundFen, refundedAt: fromChinaTime(a.body.gmt_refund_pay) ?? new Date(), raw: a.body }
        }
        // The request was refused as a whole (amount, trade status, token): no money moved.
        case 'refused': return { kind: 'failed', code: a.verdict.code, message: a.verdict.message, raw: a.body }
        default: return notAnswered('alipay.trade.refund', a.verdict, a.body)
      }
    },

    async queryRefund (outTradeNo, outRefundNo, creds) {
      const c = alipayCredentials(creds)
      return await queryRefund(sdkFor(c), c, outTradeNo, outRefundNo)
    },

    async parseNotification (req, creds) {
      const c = alipayCredentials(creds)
      // Alipay leaves empty values out of what it signs, and the SDK's filter drops only empty keys.
      const fields = stripEmpty(formFields(req))
      if (fields.sign === undefined) throw new ChannelSignatureError('alipay notification without sign')
      if (fields.sign_type !== undefined && fields.sign_type !== 'RSA2') throw new ChannelSignatureError(`alipay notification signed ${fields.sign_type}, not RSA2`)
      const sdk = sdkFor(c)
      // V2 verifies the values as posted; checkNotifySign would decode them again and throw on a '%'.
      let verified = false
      try { verified = sdk.checkNotifySignV2(fields) } catch { verified = false }
      if (!verified) throw new ChannelSignatureError('alipay notification signature does not verify')

      const n = fields as Partial<TradeStatusSync>
      if (n.app_id !== c.appId) throw new ChannelSignatureError(`alipay notification is for app ${String(n.app_id)}, not ${c.appId}`)
      const outTradeNo = n.out_trade_no
      if (outTradeNo === undefined) throw new ChannelSignatureError('alipay notification without out_trade_no')

      // A refund arrives as TRADE_SUCCESS (partial) or TRADE_CLOSED (full) with the *cumulative*
      // refund_fee. This refund's own amount is only in refund.query, so ask it: the outcome then
      // carries a verified amount, and a full refund is never mistaken for a failed payment.
      if (n.gmt_refund !== undefined || n.out_biz_no !== undefined) {
        const outRefundNo = n.out_biz_no ?? outTradeNo // Alipay's default out_request_no
        return { type: 'refund', outTradeNo, outRefundNo, outcome: await queryRefund(sdk, c, outTradeNo, outRefundNo) } satisfies ChannelNotification
      }
      return {
        type: 'payment',
        outTradeNo,
        outcome: tradeOutcome('trade_status_sync', n, n.gmt_payment, fields),
        ...(n.seller_id === undefined ? {} : { sellerId: n.seller_id }),
      } satisfies ChannelNotification
    },

    // Alipay reads only the body: anything but `success` is retried (8 times in ~25 h).
    ack: (ok) => ({ status: 200, body: ok ? 'success' : 'fail', contentType: 'text/plain' }),
  }
}

// ---- calls ----

/** The SDK for one merchant's calls: snake_case answers, every one signature-checked. */
export function alipayClient (c: AlipayCredentials, o: AlipayAdapterOptions): AlipaySdk {
  // Without the Alipay public key alipay-sdk skips response verification with only a console warning.
  if (c.alipayPublicKey.trim() === '') throw new TypeError('alipay: alipayPublicKey is required to verify answers')
  const sdk = alipaySdk({ appId: c.appId, privateKey: c.privateKey, alipayPublicKey: c.alipayPublicKey, gateway: o.gateway }, { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, camelcase: false })
  // Unusable keys are a configuration error and throw here, so that whatever exec throws later is
  // the vendor's doing (timeout, HTTP error, bad signature) and can safely become `unknown`.
  createPrivateKey(sdk.config.privateKey)
  createPublicKey(sdk.config.alipayPublicKey)
  return sdk
}

/** One verified gateway call. exec does not throw on business errors; everything it does throw is `unknown`. */
export async function call<T extends CommonResponse> (sdk: AlipaySdk, c: AlipayCredentials, method: GatewayMethod, biz: object, extra: Record<string, string> = {}): Promise<Answer<T>> {
  let body: T
  try {
    body = await sdk.exec(method, { ...authToken(c), ...extra, bizContent: { ...biz } }, { validateSign: true }) as T
  } catch (err) {
    return unknown(`${method}: ${failureOf(err)}`)
  }
  return { kind: 'answer', verdict: gatewayVerdict(body), body }
}

async function queryTrade (sdk: AlipaySdk, c: AlipayCredentials, outTradeNo: string): Promise<ChannelOutcome> {
  const a = await call<TradeQueryResponse>(sdk, c, 'alipay.trade.query', { out_trade_no: outTradeNo } satisfies TradeRefBiz)
  if (a.kind === 'unknown') return a
  switch (a.verdict.kind) {
    case 'ok': return otherTrade('alipay.trade.query', a.body, outTradeNo) ?? tradeOutcome('alipay.trade.query', a.body, a.body.send_pay_date, a.body)
    case 'refused':
      // Also what an unscanned precreate or unopened wap order answers: those exist only once the
      // customer acts. The service keeps such an attempt pending until it expires (README).
      if (a.verdict.code === 'ACQ.TRADE_NOT_EXIST') return { kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST', message: a.verdict.message, raw: a.body }
      // Any other refusal (an invalid token, say) says nothing about the payment.
      return unknown(`alipay.trade.query refused: ${a.verdict.code} ${a.verdict.message}`, a.body)
    default: return notAnswered('alipay.trade.query', a.verdict, a.body)
  }
}

/** alipay.trade.cancel (撤销): closes an unpaid trade or refunds a paid one in full. */
async function cancelTrade (sdk: AlipaySdk, c: AlipayCredentials, outTradeNo: string): Promise<ChannelOutcome> {
  const a = await call<TradeCancelResponse>(sdk, c, 'alipay.trade.cancel', { out_trade_no: outTradeNo } satisfies TradeRefBiz)
  if (a.kind === 'unknown') return a
  const foreign = otherTrade('alipay.trade.cancel', a.body, outTradeNo)
  if (foreign !== undefined) return foreign
  if (a.verdict.kind !== 'ok' && a.body.retry_flag === 'Y') return unknown(`alipay.trade.cancel asks to be retried: ${a.body.sub_code ?? a.body.code}`, a.body)
  switch (a.verdict.kind) {
    case 'ok': {
      const effect = cancelEffect(a.body.action)
      if (effect === undefined) return unknown(`alipay.trade.cancel: unrecognised action ${String(a.body.action)}`, a.body)
      return { kind: 'failed', code: effect.code, message: effect.message, raw: a.body }
    }
    case 'refused':
      if (a.verdict.code === 'ACQ.TRADE_NOT_EXIST') return { kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST', message: a.verdict.message, raw: a.body }
      // Not cancellable (paid over a day ago, finished, …): the payment stands as the query says.
      return await queryTrade(sdk, c, outTradeNo)
    default: return notAnswered('alipay.trade.cancel', a.verdict, a.body)
  }
}

async function queryRefund (sdk: AlipaySdk, c: AlipayCredentials, outTradeNo: string, outRefundNo: string): Promise<RefundOutcome> {
  const biz: RefundQueryBiz = { out_trade_no: outTradeNo, out_request_no: outRefundNo, query_options: ['gmt_refund_pay'] }
  const a = await call<RefundQueryResponse>(sdk, c, 'alipay.trade.fastpay.refund.query', biz)
  if (a.kind === 'unknown') return a
  switch (a.verdict.kind) {
    case 'ok': {
      const foreign = otherTrade('alipay.trade.fastpay.refund.query', a.body, outTradeNo)
      if (foreign !== undefined) return foreign
      const state = refundStateOf(a.body.refund_status)
      if (state === undefined) return unknown(`refund.query: unrecognised refund_status ${String(a.body.refund_status)}`, a.body)
      // Not (yet) refunded. Alipay: retry the refund with the same out_request_no; that is the service's call.
      if (state === 'not_succeeded') return { kind: 'pending', raw: a.body }
      const amountFen = toFen(a.body.refund_amount)
      if (a.body.out_request_no !== outRefundNo || !nonEmpty(a.body.trade_no) || amountFen === undefined) {
        return unknown('refund.query: REFUND_SUCCESS without a matching out_request_no, trade_no or refund_amount', a.body)
      }
      return { kind: 'succeeded', channelRefundId: a.body.trade_no, amountFen, refundedAt: fromChinaTime(a.body.gmt_refund_pay) ?? new Date(), raw: a.body }
    }
    case 'refused':
      // No trade, so no refund of it can ever have happened.
      if (a.verdict.code === 'ACQ.TRADE_NOT_EXIST') return { kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST', message: a.verdict.message, raw: a.body }
      return unknown(`refund.query refused: ${a.verdict.code} ${a.verdict.message}`, a.body)
    default: return notAnswered('alipay.trade.fastpay.refund.query', a.verdict, a.body)
  }
}

// ---- outcomes ----

/** A trade's trade_status (query answer or notification) as an outcome. */
function tradeOutcome (source: string, t: Pick<TradeQueryResponse, 'trade_status' | 'trade_no' | 'total_amount'>, paidAt: string | undefined, raw: unknown): ChannelOutcome {
  const state = tradeStateOf(t.trade_status)
  if (state === undefined) return unknown(`${source}: unrecognised trade_status ${String(t.trade_status)}`, raw)
  switch (state) {
    case 'pending': return { kind: 'pending', ...(nonEmpty(t.trade_no) ? { channelTxnId: t.trade_no } : {}), raw }
    case 'succeeded': return succeeded(source, t.trade_no, t.total_amount, paidAt, raw)
    case 'failed': return { kind: 'failed', code: 'TRADE_CLOSED', message: 'closed unpaid, or paid and refunded in full', raw }
  }
}

/** The amount is total_amount (what the order was for), so the service can compare it with the attempt. */
export function succeeded (source: string, tradeNo: string | undefined, totalAmount: string | undefined, paidAt: string | undefined, raw: unknown): ChannelOutcome {
  const amountFen = toFen(totalAmount)
  if (!nonEmpty(tradeNo) || amountFen === undefined) return unknown(`${source}: paid without a usable trade_no or total_amount`, raw)
  return { kind: 'succeeded', channelTxnId: tradeNo, amountFen, paidAt: fromChinaTime(paidAt) ?? new Date(), raw }
}

/** A create-type call (create, precreate, pay) that did not succeed. */
export function refusedCreate (method: TradeMethod, v: GatewayVerdict, raw: unknown): ChannelOutcome {
  if (v.kind !== 'refused') return notAnswered(method, v, raw)
  // The out_trade_no was already paid (a retried create): money moved, and the query knows how much.
  if (v.code === 'ACQ.TRADE_HAS_SUCCESS') return unknown(`${method}: ${v.code}, query for the payment`, raw)
  return { kind: 'failed', code: v.code, message: v.message, raw }
}

/** Verdicts that say nothing definitive (20000, ACQ.SYSTEM_ERROR, an unexpected 10003 or code). */
export function notAnswered (method: GatewayMethod, v: GatewayVerdict, raw: unknown): Unknown {
  switch (v.kind) {
    case 'unavailable': return unknown(`${method}: ${v.code} ${v.message}`, raw)
    case 'unrecognised': return unknown(`${method}: unrecognised code ${v.code}`, raw)
    case 'ok':
    case 'waiting':
    case 'refused': return unknown(`${method}: unexpected ${v.kind} answer`, raw)
  }
}

/** A verified answer about another out_trade_no than asked is not an answer to this question. */
export function otherTrade (method: TradeMethod, body: { out_trade_no?: string }, outTradeNo: string): Unknown | undefined {
  if (body.out_trade_no === undefined || body.out_trade_no === outTradeNo) return undefined
  return unknown(`${method}: answer is about out_trade_no ${body.out_trade_no}, not ${outTradeNo}`, body)
}

export const unknown = (reason: string, raw?: unknown): Unknown => ({ kind: 'unknown', reason, ...(raw === undefined ? {} : { raw }) })

/** What exec threw, shortened: the SDK's signature error quotes the whole answer. */
function failureOf (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const kind = message.includes('验签') || /signature/i.test(message)
    ? 'answer signature does not verify'
    : /timeout/i.test(message) ? 'timeout' : 'no usable answer'
  return `${kind} (${message.slice(0, 200)})`
}

// ---- small helpers ----

export function alipayCredentials (c: ChannelCredentials): AlipayCredentials {
  if (c.channel !== 'alipay') throw new TypeError(`alipay adapter called with ${c.channel} credentials`)
  return c
}

const authToken = (c: AlipayCredentials): { appAuthToken?: string } => (c.appAuthToken === undefined ? {} : { appAuthToken: c.appAuthToken })

function required (v: string | undefined, name: keyof CreatePaymentInput, method: PayMethod): string {
  if (v === undefined || v === '') throw new TypeError(`alipay: ${method} needs ${name}`)
  return v
}

export const nonEmpty = (s: string | undefined): s is string => typeof s === 'string' && s !== ''

export function toFen (yuan: unknown): Fen | undefined {
  if (typeof yuan !== 'string') return undefined
  try { return yuanStringToFen(yuan) } catch { return undefined }
}

/**
 * The posted form, from the raw body when there is one (that is what Alipay signed). A repeated
 * field is refused: verification and reading must see the same single value.
 */
function formFields (req: RawRequest): Record<string, string> {
  if (req.rawBody === '') return Object.fromEntries(Object.entries(req.form ?? {}))
  const fields = new Map<string, string>()
  for (const [k, v] of new URLSearchParams(req.rawBody)) {
    if (fields.has(k)) throw new ChannelSignatureError(`alipay notification repeats ${k}`)
    fields.set(k, v)
  }
  // fromEntries defines own properties, so a `__proto__` field stays a plain field.
  return Object.fromEntries(fields)
}

const stripEmpty = (p: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== ''))

const unreachable = (x: never): never => { throw new TypeError(`alipay: unhandled ${String(x)}`) }
