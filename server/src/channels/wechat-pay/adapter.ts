import { createPrivateKey } from 'node:crypto'
import { Aes, Formatter, type Wechatpay } from 'wechatpay-axios-plugin'
import {
  ChannelSignatureError,
  type ChannelAdapter, type ChannelCredentials, type ChannelNotification, type ChannelOutcome, type ClientPayParams,
  type CreatePaymentInput, type PayMethod, type RawRequest, type RefundInput, type RefundOutcome,
} from '../types'
import { clientSign, verifySignature } from './sign'
import { paymentOutcome, refundOutcome } from './status-map'
import { createV3Transport, isRecord, memoBySigner, parseJson, spSigner as signerOf, unknownAnswer as unknown, type V3Answer as Answer, type V3TransportOptions } from './transport'
import type * as W from './wire'

/** `baseUrl` is config `WXPAY_BASE_URL`; `timeoutMs` (10 s) bounds every call; `now` is injectable for the ±300 s window. */
export type WechatPayAdapterOptions = V3TransportOptions

/** A notification that verified and decrypted but is not a payment or refund event (e.g. COUPON.USE sent to a payment hook). */
export class UnsupportedNotificationError extends Error {
  override readonly name = 'UnsupportedNotificationError'
  constructor (readonly eventType: string) { super(`unsupported WeChat Pay notification event_type ${eventType}`) }
}

type WechatCredentials = Extract<ChannelCredentials, { channel: 'wechat_pay' }>

const TRANSACTIONS = 'v3/pay/partner/transactions'
const REFUNDS = 'v3/refund/domestic/refunds'
const METHODS: ReadonlySet<PayMethod> = new Set(['wechat_jsapi', 'wechat_mini', 'wechat_native', 'wechat_h5', 'wechat_app', 'wechat_micropay'])
/** The only answers to a query that settle the question: WeChat has no such order / refund. */
const NOT_FOUND_CODES = new Set(['ORDER_NOT_EXIST', 'RESOURCE_NOT_EXISTS'])

function wechat (c: ChannelCredentials): WechatCredentials {
  if (c.channel !== 'wechat_pay') throw new TypeError(`the wechat_pay adapter was given ${c.channel} credentials`)
  return c
}

/** `2018-06-08T10:34:56+08:00`: WeChat wants RFC 3339 and shows Beijing time, so send it in +08:00. */
function rfc3339China (d: Date): string {
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

/**
 * The answer must be about what was asked: a transaction for another out_trade_no or
 * sub-merchant is not evidence about this one.
 */
function asTransaction (body: unknown, outTradeNo: string, c: WechatCredentials): W.Transaction | string {
  if (!isRecord(body) || typeof body.trade_state !== 'string') return 'answer carries no trade_state'
  if (body.out_trade_no !== outTradeNo || body.sub_mchid !== c.subMchId) {
    return `answer names out_trade_no ${String(body.out_trade_no)} / sub_mchid ${String(body.sub_mchid)}, not ${outTradeNo} / ${c.subMchId}`
  }
  return body as unknown as W.Transaction
}

function transactionOutcome (body: unknown, outTradeNo: string, c: WechatCredentials): ChannelOutcome {
  const t = asTransaction(body, outTradeNo, c)
  return typeof t === 'string' ? unknown(t, body) : paymentOutcome(t)
}

function asRefund (body: unknown, outTradeNo: string, outRefundNo: string): W.Refund | string {
  if (!isRecord(body) || typeof body.status !== 'string') return 'answer carries no refund status'
  if (body.out_refund_no !== outRefundNo || body.out_trade_no !== outTradeNo) {
    return `answer names out_refund_no ${String(body.out_refund_no)} of ${String(body.out_trade_no)}, not ${outRefundNo} of ${outTradeNo}`
  }
  return body as unknown as W.Refund
}

function refundAnswerOutcome (body: unknown, outTradeNo: string, outRefundNo: string): RefundOutcome {
  const r = asRefund(body, outTradeNo, outRefundNo)
  return typeof r === 'string' ? unknown(r, body) : refundOutcome(r, r)
}

/**
 * WeChat Pay v3 in partner (服务商) mode through the real `wechatpay-axios-plugin`. Every 2xx is
 * verified by the SDK; signed 4xx answers and notifications are verified here with the same keys.
 * Anything that cannot be verified or did not arrive is `unknown`, for the reconciliation job.
 */
export function createWechatPayAdapter (o: WechatPayAdapterOptions): ChannelAdapter {
  // The SDK client, the verification keys and the signing key are made once per set of credentials (transport.ts).
  const transport = createV3Transport(o)
  const nowSec = transport.nowSec
  const options = transport.options
  const client = (c: WechatCredentials): Wechatpay => transport.client(signerOf(c))
  const keysOf = (c: WechatCredentials): Record<string, string> => transport.keys(signerOf(c))
  const signingKey = memoBySigner((s) => createPrivateKey(s.privateKey))
  const signingKeyOf = (c: WechatCredentials): ReturnType<typeof createPrivateKey> => signingKey(signerOf(c))
  const send = async (c: WechatCredentials, call: () => PromiseLike<{ status: number, data: unknown }>): Promise<Answer> => await transport.send(signerOf(c), call)

  const failed = (error: W.ErrorAnswer): ChannelOutcome => ({ kind: 'failed', code: error.code, message: error.message, raw: error })

  async function queryPayment (outTradeNo: string, cred: ChannelCredentials): Promise<ChannelOutcome> {
    const c = wechat(cred)
    const wx = client(c)
    const a = await send(c, () => wx.chain(`${TRANSACTIONS}/out-trade-no/{out_trade_no}`).get(options({ params: { sp_mchid: c.spMchId, sub_mchid: c.subMchId }, out_trade_no: outTradeNo })))
    switch (a.kind) {
      case 'ok': return transactionOutcome(a.body, outTradeNo, c)
      // Only "no such order" settles anything; PARAM_ERROR, SIGN_ERROR, FREQUENCY_LIMITED… say nothing about the payment.
      case 'refused': return NOT_FOUND_CODES.has(a.error.code) ? failed(a.error) : unknown(`query refused: ${a.error.code} ${a.error.message}`, a.error)
      case 'unknown': return a
    }
  }

  /**
   * Close and reverse: the 204 is WeChat's confirmation. A refusal (ORDERPAID, a micropay order
   * that cannot be closed, …) does not say what became of the payment, so ask.
   */
  async function endPayment (kind: 'close' | 'reverse', outTradeNo: string, cred: ChannelCredentials): Promise<ChannelOutcome> {
    const c = wechat(cred)
    const wx = client(c)
    const path = `${TRANSACTIONS}/out-trade-no/{out_trade_no}/${kind}`
    const body: W.CloseRequest | W.ReverseRequest = kind === 'close'
      ? { sp_mchid: c.spMchId, sub_mchid: c.subMchId }
      : { sp_appid: c.spAppId, sp_mchid: c.spMchId, ...(c.subAppId === undefined ? {} : { sub_appid: c.subAppId }), sub_mchid: c.subMchId }
    const a = await send(c, () => wx.chain(path).post(body, options({ out_trade_no: outTradeNo })))
    switch (a.kind) {
      case 'ok': return kind === 'close'
        ? { kind: 'failed', code: 'CLOSED', message: '订单已关闭', raw: { status: a.status } }
        : { kind: 'failed', code: 'REVOKED', message: '订单已撤销', raw: { status: a.status } }
      case 'refused': return NOT_FOUND_CODES.has(a.error.code) ? failed(a.error) : await queryPayment(outTradeNo, c)
      case 'unknown': return a
    }
  }

  /** The order fields every create request opens with. */
  function head (i: CreatePaymentInput, c: WechatCredentials): Omit<W.PrepayRequest, 'notify_url'> {
    return {
      sp_appid: c.spAppId,
      sp_mchid: c.spMchId,
      ...(c.subAppId === undefined ? {} : { sub_appid: c.subAppId }),
      sub_mchid: c.subMchId,
      description: i.description,
      out_trade_no: i.outTradeNo,
      ...(i.attach === undefined ? {} : { attach: i.attach }),
      ...(i.goodsTag === undefined ? {} : { goods_tag: i.goodsTag }),
      amount: { total: i.amountFen, currency: 'CNY' },
    }
  }

  /** A create refused: definitive, except a paid order (look it up) and micropay's "password pending". */
  async function refusedCreate (error: W.ErrorAnswer, i: CreatePaymentInput, c: WechatCredentials): Promise<ChannelOutcome> {
    if (error.code === 'ORDERPAID') return await queryPayment(i.outTradeNo, c)
    if (error.code === 'USERPAYING') return { kind: 'pending', raw: error }
    return failed(error)
  }

  /** 付款码: synchronous, never notified (channels.md §2.6). */
  async function micropay (i: CreatePaymentInput, c: WechatCredentials): Promise<ChannelOutcome> {
    if (i.authCode === undefined) throw new TypeError('wechat_micropay needs authCode')
    const body: W.CodepayRequest = {
      ...head(i, c),
      payer: { auth_code: i.authCode },
      scene_info: { ...(i.clientIp === undefined ? {} : { device_ip: i.clientIp }) },
    }
    const wx = client(c)
    const a = await send(c, () => wx.chain(`${TRANSACTIONS}/codepay`).post(body, options()))
    switch (a.kind) {
      case 'ok':
        // While the customer types the password v3 answers (202 or 200) with the state alone.
        if (isRecord(a.body) && a.body.trade_state === 'USERPAYING' && a.body.out_trade_no === undefined) return { kind: 'pending', raw: a.body }
        return transactionOutcome(a.body, i.outTradeNo, c)
      case 'refused': return await refusedCreate(a.error, i, c)
      case 'unknown': return a
    }
  }

  /** JSAPI / mini program / Native / H5 / APP: an order that waits for the customer. */
  async function prepay (i: CreatePaymentInput, c: WechatCredentials): Promise<{ outcome: ChannelOutcome, clientParams?: ClientPayParams }> {
    const base: W.PrepayRequest = { ...head(i, c), time_expire: rfc3339China(i.expiresAt), notify_url: i.notifyUrl }
    // Whose openid: the SP's official account (sp_openid under sp_appid), or for the mini program
    // the sub-merchant's app when one is configured (sub_openid under sub_appid, channels.md §4).
    let payerAppId = c.spAppId
    let path: string
    let body: W.PrepayRequest | W.H5PrepayRequest
    switch (i.method) {
      case 'wechat_jsapi':
      case 'wechat_mini': {
        if (i.payerId === undefined) throw new TypeError(`${i.method} needs payerId (the openid)`)
        const miniAppId = i.method === 'wechat_mini' ? c.subAppId : undefined
        if (miniAppId !== undefined) payerAppId = miniAppId
        path = `${TRANSACTIONS}/jsapi`
        body = { ...base, payer: miniAppId === undefined ? { sp_openid: i.payerId } : { sub_openid: i.payerId } }
        break
      }
      case 'wechat_native':
        path = `${TRANSACTIONS}/native`
        body = base
        break
      case 'wechat_h5':
        if (i.clientIp === undefined) throw new TypeError('wechat_h5 needs clientIp (scene_info.payer_client_ip)')
        path = `${TRANSACTIONS}/h5`
        body = { ...base, scene_info: { payer_client_ip: i.clientIp, h5_info: { type: 'Wap' } } }
        break
      case 'wechat_app':
        // The mobile app is the sub-merchant's when it has one registered, else the SP's.
        payerAppId = c.subAppId ?? c.spAppId
        path = `${TRANSACTIONS}/app`
        body = base
        break
      default:
        throw new TypeError(`not a WeChat prepay method: ${i.method}`)
    }

    const wx = client(c)
    const a = await send(c, () => wx.chain(path).post(body, options()))
    if (a.kind === 'unknown') return { outcome: a }
    if (a.kind === 'refused') return { outcome: await refusedCreate(a.error, i, c) }
    const answer = isRecord(a.body) ? a.body : {}
    const pending: ChannelOutcome = { kind: 'pending', raw: a.body }
    const timeStamp = String(nowSec())
    const nonceStr = Formatter.nonce()

    if (i.method === 'wechat_native') {
      if (typeof answer.code_url !== 'string') return { outcome: unknown('native answer without code_url', a.body) }
      return { outcome: pending, clientParams: { type: 'wechat_native', codeUrl: answer.code_url } }
    }
    if (i.method === 'wechat_h5') {
      if (typeof answer.h5_url !== 'string') return { outcome: unknown('h5 answer without h5_url', a.body) }
      // WeChat sends the browser back to redirect_url after the cashier (H5 docs).
      const h5Url = i.returnUrl === undefined ? answer.h5_url : `${answer.h5_url}&redirect_url=${encodeURIComponent(i.returnUrl)}`
      return { outcome: pending, clientParams: { type: 'wechat_h5', h5Url } }
    }
    if (typeof answer.prepay_id !== 'string') return { outcome: unknown(`${i.method} answer without prepay_id`, a.body) }
    if (i.method === 'wechat_app') {
      // partnerid is the SP's mchid in partner mode, as wechatpay-java's partner AppServiceExtension fills it.
      const sign = clientSign(signingKeyOf(c), payerAppId, timeStamp, nonceStr, answer.prepay_id)
      return {
        outcome: pending,
        clientParams: { type: 'wechat_app', params: { appid: payerAppId, partnerid: c.spMchId, prepayid: answer.prepay_id, package: 'Sign=WXPay', noncestr: nonceStr, timestamp: timeStamp, sign } },
      }
    }
    const pkg = `prepay_id=${answer.prepay_id}`
    const paySign = clientSign(signingKeyOf(c), payerAppId, timeStamp, nonceStr, pkg)
    return { outcome: pending, clientParams: { type: 'wechat_jsapi', appId: payerAppId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign } }
  }

  /** Verify (headers, window, serial, signature), then decrypt: never the other way round. */
  function openNotification (req: RawRequest, c: WechatCredentials): { event: W.NotificationEnvelope, resource: Record<string, unknown> } {
    const check = verifySignature(req.headers, req.rawBody, keysOf(c), nowSec())
    if (!check.ok) throw new ChannelSignatureError(check.reason)
    const event = parseJson(req.rawBody)
    if (!isRecord(event) || typeof event.event_type !== 'string' || !isRecord(event.resource)) throw new ChannelSignatureError('notification body is not a v3 event')
    const r = event.resource
    if (r.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string') {
      throw new ChannelSignatureError(`notification resource is not AEAD_AES_256_GCM (${String(r.algorithm)})`)
    }
    let plaintext: string
    try {
      // Key = the APIv3 key's 32 bytes, IV = the nonce's bytes, AAD = associated_data (channels.md §2.5).
      plaintext = Aes.AesGcm.decrypt(r.ciphertext, c.apiV3Key, r.nonce, typeof r.associated_data === 'string' ? r.associated_data : '')
    } catch {
      throw new ChannelSignatureError('notification resource does not decrypt (AEAD_AES_256_GCM tag mismatch)')
    }
    const resource = parseJson(plaintext)
    if (!isRecord(resource)) throw new ChannelSignatureError('notification resource is not a JSON object')
    // Encrypted under this SP's APIv3 key, so it should be about this SP; a mismatch is not ours to act on.
    if (resource.sp_mchid !== c.spMchId) throw new ChannelSignatureError(`notification is for sp_mchid ${String(resource.sp_mchid)}, not ${c.spMchId}`)
    return { event: event as unknown as W.NotificationEnvelope, resource }
  }

  return {
    channel: 'wechat_pay',

    supports: (method) => METHODS.has(method),

    async createPayment (i, cred) {
      const c = wechat(cred)
      if (i.method === 'wechat_micropay') return { outcome: await micropay(i, c) }
      return await prepay(i, c)
    },

    queryPayment,

    closePayment: async (outTradeNo, c) => await endPayment('close', outTradeNo, c),

    reversePayment: async (outTradeNo, c) => await endPayment('reverse', outTradeNo, c),

    async refund (i: RefundInput, cred) {
      const c = wechat(cred)
      const body: W.RefundRequest = {
        sub_mchid: c.subMchId,
        out_trade_no: i.outTradeNo,
        out_refund_no: i.outRefundNo,
        ...(i.reason === undefined ? {} : { reason: i.reason }),
        ...(i.notifyUrl === undefined ? {} : { notify_url: i.notifyUrl }),
        amount: { refund: i.refundFen, total: i.totalFen, currency: 'CNY' },
      }
      const wx = client(c)
      const a = await send(c, () => wx.chain(REFUNDS).post(body, options()))
      switch (a.kind) {
        case 'ok': return refundAnswerOutcome(a.body, i.outTradeNo, i.outRefundNo)
        // NOT_ENOUGH, RESOURCE_NOT_EXISTS, PARAM_ERROR, INVALID_REQUEST…: this refund will not happen.
        case 'refused': return { kind: 'failed', code: a.error.code, message: a.error.message, raw: a.error }
        case 'unknown': return a
      }
    },

    async queryRefund (outTradeNo, outRefundNo, cred) {
      const c = wechat(cred)
      const wx = client(c)
      const a = await send(c, () => wx.chain(`${REFUNDS}/{out_refund_no}`).get(options({ params: { sub_mchid: c.subMchId }, out_refund_no: outRefundNo })))
      switch (a.kind) {
        case 'ok': return refundAnswerOutcome(a.body, outTradeNo, outRefundNo)
        case 'refused': return NOT_FOUND_CODES.has(a.error.code)
          ? { kind: 'failed', code: a.error.code, message: a.error.message, raw: a.error }
          : unknown(`refund query refused: ${a.error.code} ${a.error.message}`, a.error)
        case 'unknown': return a
      }
    },

    async parseNotification (req, cred): Promise<ChannelNotification> {
      const c = wechat(cred)
      const { event, resource } = openNotification(req, c)
      const eventType = event.event_type
      switch (eventType) {
        case 'TRANSACTION.SUCCESS': {
          if (typeof resource.out_trade_no !== 'string' || typeof resource.sub_mchid !== 'string' || typeof resource.trade_state !== 'string') {
            throw new ChannelSignatureError('TRANSACTION.SUCCESS resource lacks out_trade_no, sub_mchid or trade_state')
          }
          const t = resource as unknown as W.Transaction
          return { type: 'payment', outTradeNo: t.out_trade_no, subMchId: t.sub_mchid, outcome: paymentOutcome(t) }
        }
        case 'REFUND.SUCCESS':
        case 'REFUND.ABNORMAL':
        case 'REFUND.CLOSED': {
          if (typeof resource.out_trade_no !== 'string' || typeof resource.out_refund_no !== 'string' || typeof resource.refund_status !== 'string') {
            throw new ChannelSignatureError(`${eventType} resource lacks out_trade_no, out_refund_no or refund_status`)
          }
          const r = resource as unknown as W.RefundNotifyResource
          return { type: 'refund', outTradeNo: r.out_trade_no, outRefundNo: r.out_refund_no, outcome: refundOutcome({ ...r, status: r.refund_status }, r) }
        }
        default:
          throw new UnsupportedNotificationError(eventType)
      }
    },

    // Any 2xx acknowledges (204 has no body); a failure is 4xx/5xx with {code, message} (channels.md §2.5).
    ack: (ok) => ok
      ? { status: 204 }
      : { status: 400, body: JSON.stringify({ code: 'FAIL', message: '失败' }), contentType: 'application/json' },
  }
}
