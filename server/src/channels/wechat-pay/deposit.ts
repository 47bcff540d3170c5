import { createHash } from 'node:crypto'
import { fen, type Fen } from '@yima/shared'
import { Hash, Wechatpay } from 'wechatpay-axios-plugin'
import type { ConsumeInput, DepositAdapter, FreezeOutcome, UnfreezeInput, UnfreezeOutcome } from '../deposits'
import type { ChannelCredentials, ChannelOutcome, RefundInput, RefundOutcome } from '../types'
import { verificationKeys } from './sign'
import { isRecord } from './transport'

/**
 * WeChat Pay 押金 (deposit) through the v2 API (`/deposit/*`): XML, signed both ways with
 * HMAC-SHA256 under the SP's API v2 key, through the real `wechatpay-axios-plugin` v2 client.
 * The SDK verifies the sign of SUCCESS answers only; `result_code FAIL` answers are verified here
 * before they may decide anything. `return_code FAIL` answers are unsigned by WeChat's design
 * (it could not attribute or verify the request): they end a mutation (nothing was done) but
 * settle no query. Field lists: pay.weixin.qq.com/doc/v2/partner/4011986623 (micropay),
 * …/4011986679 (orderquery), …/4011986801 (consume), …/4011987251 (refund).
 *
 * Consume, reverse and refund are certificate APIs: they go over mutual TLS with the SP's
 * 商户 API 证书 (`merchantCertificate`) and are refused here without one. The sandbox speaks plain
 * HTTP, so the SDK's https agent (and the certificate) only come into play against WeChat.
 */

export interface WechatDepositAdapterOptions {
  /** `https://api.mch.weixin.qq.com/` or the sandbox root. */
  baseUrl: string
  /** Whole-call deadline (10 s): a vendor that has not answered by then is `unknown`. */
  timeoutMs?: number
}

type WechatCredentials = Extract<ChannelCredentials, { channel: 'wechat_pay' }>
type Fields = Record<string, string>

/** What one v2 call came to, before any operation reads it. */
type V2Answer =
  /** return_code and result_code SUCCESS, sign verified by the SDK. */
  | { kind: 'ok', data: Fields }
  /** result_code FAIL with an err_code, sign verified here. */
  | { kind: 'refused', code: string, message: string, data: Fields }
  /** return_code FAIL: WeChat did not take the request (unsigned). */
  | { kind: 'rejected', message: string, data: Fields }
  | { kind: 'unknown', reason: string, raw?: unknown }

/** err_codes that say "try again / ask", not "no" (WeChat: 查询订单或按相同参数重试). */
const UNCERTAIN_CODES = new Set(['SYSTEMERROR', 'BANKERROR'])
/** A deposit WeChat took from the customer: held, or consumed (the rest returned). */
const TAKEN_STATES = new Set(['SUCCESS', 'CONSUMED', 'REFUND', 'SETTLING'])
const MEMO_LIMIT = 1000

type Unknown = { kind: 'unknown', reason: string, raw?: unknown }
const unknown = (reason: string, raw?: unknown): Unknown => ({ kind: 'unknown', reason, ...(raw === undefined ? {} : { raw }) })

/** What a query (orderquery, refundquery) came to: WeChat's fields, or what the answer already settles. */
type QueryAnswer = { kind: 'ok', data: Fields } | { kind: 'failed', code: string, message: string, raw: Fields } | Unknown

/**
 * A query's answer as the operations that only read take it: only "no such order / refund"
 * (`notExist`: ORDERNOTEXIST, REFUNDNOTEXIST) settles anything; other refusals, a return_code FAIL
 * and no answer say nothing about the deposit.
 */
function readQueryAnswer (a: V2Answer, notExist: string, query: string): QueryAnswer {
  switch (a.kind) {
    case 'ok': return a
    case 'refused': return a.code === notExist ? { kind: 'failed', code: a.code, message: a.message, raw: a.data } : unknown(`${query} refused: ${a.code} ${a.message}`, a.data)
    case 'rejected': return unknown(`${query} not taken: ${a.message}`, a.data)
    case 'unknown': return a
  }
}

function wechat (c: ChannelCredentials): WechatCredentials {
  if (c.channel !== 'wechat_pay') throw new TypeError(`the wechat_pay deposit adapter was given ${c.channel} credentials`)
  return c
}

/** v2 amounts are integer fen as decimal strings; anything else is a malformed answer, not money. */
function amountOf (s: string | undefined): Fen | undefined {
  return s !== undefined && /^\d{1,15}$/.test(s) ? fen(Number(s)) : undefined
}

/** `20240318123456` or `2024-03-18 12:34:56`, both Beijing time → Date. */
function chinaTime (s: string | undefined): Date | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(s ?? '')
  if (m === null) return undefined
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number]
  const at = new Date(Date.UTC(y, mo - 1, d, h - 8, mi, se))
  return Number.isNaN(at.getTime()) ? undefined : at
}

/** The SP's API v2 key; WeChat's keys are 32 characters, and the SDK signs nothing with any other. */
function keyOf (c: WechatCredentials): string | undefined {
  return c.apiV2Key !== undefined && c.apiV2Key.length === 32 ? c.apiV2Key : undefined
}

const keyMissing = { kind: 'failed', code: 'API_V2_KEY_MISSING', message: '未配置32位API v2密钥（押金接口以HMAC-SHA256签名）', raw: null } as const

export function createWechatDepositAdapter (o: WechatDepositAdapterOptions): DepositAdapter {
  const timeoutMs = o.timeoutMs ?? 10_000
  const clients = new Map<string, Wechatpay>()

  /** One SDK client per signer and key (RSA parsing costs more than a call); bounded, oldest out. */
  function client (c: WechatCredentials, key: string): Wechatpay {
    const id = createHash('sha256').update(JSON.stringify([c.spMchId, c.certificateSerial, c.privateKey, c.platformCertificate ?? null, c.publicKey ?? null, c.publicKeyId ?? null, c.merchantCertificate ?? null, key])).digest('base64')
    let wx = clients.get(id)
    if (wx === undefined) {
      wx = new Wechatpay({
        mchid: c.spMchId,
        serial: c.certificateSerial,
        privateKey: c.privateKey,
        certs: verificationKeys(c),
        secret: key,
        baseURL: o.baseUrl,
        // The merchant's certificate and key authenticate the TLS connection of the certificate APIs.
        ...(c.merchantCertificate == null ? {} : { merchant: { cert: c.merchantCertificate, key: c.privateKey } }),
      })
      if (clients.size >= MEMO_LIMIT) clients.delete(clients.keys().next().value as string)
      clients.set(id, wx)
    }
    return wx
  }

  /** The fields every deposit call opens with; WeChat checks the appid / mchid pairs. */
  const head = (c: WechatCredentials): Record<string, string> => ({
    appid: c.spAppId,
    mch_id: c.spMchId,
    ...(c.subAppId === undefined ? {} : { sub_appid: c.subAppId }),
    sub_mch_id: c.subMchId,
    sign_type: 'HMAC-SHA256',
  })

  /** An answer about another merchant is no evidence about this one. */
  function mismatch (d: Fields, c: WechatCredentials): string | undefined {
    if (d.mch_id !== undefined && d.mch_id !== c.spMchId) return `answer names mch_id ${d.mch_id}, not ${c.spMchId}`
    if (d.sub_mch_id !== undefined && d.sub_mch_id !== c.subMchId) return `answer names sub_mch_id ${d.sub_mch_id}, not ${c.subMchId}`
    return undefined
  }

  /** A refusal as the SDK hands it over (unverified), read as carefully as a success. */
  function refusal (d: Fields, c: WechatCredentials, key: string): V2Answer {
    if (d.return_code !== 'SUCCESS') return { kind: 'rejected', message: d.return_msg ?? '', data: d }
    if (!Hash.equals(Hash.sign('HMAC-SHA256', d, key), d.sign)) return unknown(`result_code FAIL ${d.err_code ?? ''} answer failed signature verification`)
    const other = mismatch(d, c)
    if (other !== undefined) return unknown(other, d)
    const code = d.err_code ?? 'FAIL'
    if (UNCERTAIN_CODES.has(code)) return unknown(`${code}: ${d.err_code_des ?? ''}`, d)
    return { kind: 'refused', code, message: d.err_code_des ?? '', data: d }
  }

  async function send (c: WechatCredentials, key: string, name: string, data: Record<string, string | number>, security = false): Promise<V2Answer> {
    // WeChat refuses a certificate API without the client certificate at the TLS handshake: say why before trying.
    if (security && c.merchantCertificate == null) return { kind: 'refused', code: 'MERCHANT_CERTIFICATE_MISSING', message: '未上传商户 API 证书：押金消费、撤销和退款须以商户证书双向认证', data: {} }
    let res: { data: unknown }
    try {
      res = await client(c, key).chain(`v2/deposit/${name}`).post({ ...head(c), ...data }, {
        // Consume, reverse and refund are certificate APIs; the SDK attaches `merchant` over https only.
        security,
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      const e = err as { isAxiosError?: unknown, code?: unknown, message?: unknown, response?: { status: number, data?: unknown } }
      // The SDK's XML transform throws on a body that is not XML (a proxy's error page): no usable answer.
      if (!isRecord(err) || e.isAxiosError !== true) return unknown(`answer could not be read: ${err instanceof Error ? err.message : String(err)}`)
      if (e.code === 'EV2_RES_SIGNATURE_NOT_EQUAL') return unknown('answer failed the SDK\'s signature verification (EV2_RES_SIGNATURE_NOT_EQUAL)')
      if (e.code === 'EV2_RES_STATUS_CODE_NOT_SUCESS' && isRecord(e.response?.data)) return refusal(e.response.data as Fields, c, key)
      if (e.response === undefined) return unknown(`no answer: ${String(e.code ?? 'transport error')} ${String(e.message)}`)
      return unknown(`HTTP ${e.response.status}`)
    }
    if (!isRecord(res.data)) return unknown('answer is not a v2 XML document', res.data)
    const d = res.data as Fields
    const other = mismatch(d, c)
    return other === undefined ? { kind: 'ok', data: d } : unknown(other, d)
  }

  /** A deposit WeChat holds: money is never booked without a transaction id, an integer total and a time. */
  function frozen (d: Fields, outFreezeNo: string): FreezeOutcome {
    if (d.out_trade_no !== outFreezeNo) return unknown(`answer names out_trade_no ${String(d.out_trade_no)}, not ${outFreezeNo}`, d)
    const amountFen = amountOf(d.total_fee)
    const frozenAt = chinaTime(d.time_end)
    if (d.transaction_id === undefined || d.transaction_id === '' || amountFen === undefined || frozenAt === undefined) {
      return unknown('deposit answer without transaction_id, integer total_fee or time_end', d)
    }
    return { kind: 'frozen', channelFreezeId: d.transaction_id, amountFen, frozenAt, ...(d.openid === undefined ? {} : { payerId: d.openid }), raw: d }
  }

  /** orderquery for the freeze: by transaction_id when we have it, else out_trade_no. */
  async function orderquery (c: WechatCredentials, key: string, by: { outFreezeNo: string, channelFreezeId?: string }): Promise<QueryAnswer> {
    return readQueryAnswer(await send(c, key, 'orderquery', by.channelFreezeId === undefined ? { out_trade_no: by.outFreezeNo } : { transaction_id: by.channelFreezeId }), 'ORDERNOTEXIST', 'query')
  }

  async function queryFreeze (outFreezeNo: string, cred: ChannelCredentials): Promise<FreezeOutcome> {
    const c = wechat(cred)
    const key = keyOf(c)
    if (key === undefined) return keyMissing
    const a = await orderquery(c, key, { outFreezeNo })
    if (a.kind !== 'ok') return a
    const state = a.data.trade_state ?? ''
    // The freeze happened even if the deposit has since been consumed; raw says which.
    if (TAKEN_STATES.has(state)) return frozen(a.data, outFreezeNo)
    switch (state) {
      case 'USERPAYING':
      case 'NOTPAY':
        return { kind: 'pending', ...(a.data.transaction_id === undefined ? {} : { channelFreezeId: a.data.transaction_id }), raw: a.data }
      case 'PAYERROR':
      case 'CLOSED':
      case 'REVOKED':
        return { kind: 'failed', code: state, message: a.data.trade_state_desc ?? state, raw: a.data }
      default:
        // A state this adapter does not know is never guessed.
        return unknown(`unrecognised trade_state "${state}"`, a.data)
    }
  }

  /** 撤销 by transaction_id (or out_trade_no): the whole deposit goes back, if nothing was consumed. */
  async function reverse (c: WechatCredentials, key: string, by: { outFreezeNo: string, channelFreezeId?: string }): Promise<V2Answer> {
    const a = await send(c, key, 'reverse', by.channelFreezeId === undefined ? { out_trade_no: by.outFreezeNo } : { transaction_id: by.channelFreezeId, out_trade_no: by.outFreezeNo }, true)
    // recall=Y: WeChat asks for the reverse to be called again; it has not happened yet.
    if (a.kind === 'ok' && a.data.recall === 'Y') return unknown('reverse answered recall=Y: call it again', a.data)
    return a
  }

  async function queryUnfreeze (i: UnfreezeInput, cred: ChannelCredentials): Promise<UnfreezeOutcome> {
    const c = wechat(cred)
    const key = keyOf(c)
    if (key === undefined) return keyMissing
    const a = await orderquery(c, key, { outFreezeNo: i.outFreezeNo, channelFreezeId: i.channelFreezeId })
    if (a.kind !== 'ok') return a
    const d = a.data
    if (d.transaction_id !== undefined && d.transaction_id !== i.channelFreezeId) return unknown(`answer names transaction_id ${d.transaction_id}, not ${i.channelFreezeId}`, d)
    const state = d.trade_state ?? ''
    switch (state) {
      // The answer carries no reversal time; the moment we learn of it stands in.
      case 'REVOKED': return { kind: 'succeeded', amountFen: i.freezeFen, unfrozenAt: new Date(), raw: d }
      // A reverse is synchronous: a deposit still held after it means the reverse did not happen; calling unfreeze again is safe.
      case 'SUCCESS': return { kind: 'failed', code: 'NOT_UNFROZEN', message: '押金仍冻结，未撤销', raw: d }
      case 'CONSUMED':
      case 'REFUND':
      case 'SETTLING': return { kind: 'failed', code: 'ORDERCONSUMED', message: '押金已消费，不能撤销', raw: d }
      case 'USERPAYING':
      case 'NOTPAY': return { kind: 'pending', raw: d }
      case 'PAYERROR':
      case 'CLOSED': return { kind: 'failed', code: state, message: d.trade_state_desc ?? state, raw: d }
      default: return unknown(`unrecognised trade_state "${state}"`, d)
    }
  }

  /**
   * Where a consumption stands, from orderquery's consume_fee (a deposit is consumed at most once):
   * ours when the amount matches, another one's when it does not, none yet while the deposit is held.
   */
  async function queryConsume (i: ConsumeInput, cred: ChannelCredentials): Promise<ChannelOutcome> {
    const c = wechat(cred)
    const key = keyOf(c)
    if (key === undefined) return keyMissing
    const a = await orderquery(c, key, { outFreezeNo: i.outFreezeNo, channelFreezeId: i.channelFreezeId })
    if (a.kind !== 'ok') return a
    const d = a.data
    if (d.transaction_id !== undefined && d.transaction_id !== i.channelFreezeId) return unknown(`answer names transaction_id ${d.transaction_id}, not ${i.channelFreezeId}`, d)
    const consumed = amountOf(d.consume_fee)
    if (consumed !== undefined && consumed > 0) {
      // The answer carries no consumption time; the moment we learn of it stands in.
      return consumed === i.amountFen
        ? { kind: 'succeeded', channelTxnId: i.channelFreezeId, amountFen: consumed, paidAt: new Date(), raw: d }
        : { kind: 'failed', code: 'ORDERCONSUMED', message: `押金已消费${consumed}分，不是${i.amountFen}分`, raw: d }
    }
    const state = d.trade_state ?? ''
    switch (state) {
      case 'SUCCESS':
      case 'USERPAYING':
      case 'NOTPAY': return { kind: 'pending', raw: d }
      case 'CONSUMED':
      case 'REFUND':
      case 'SETTLING': return unknown(`trade_state ${state} without an integer consume_fee`, d)
      case 'REVOKED':
      case 'PAYERROR':
      case 'CLOSED': return { kind: 'failed', code: state, message: d.trade_state_desc ?? state, raw: d }
      default: return unknown(`unrecognised trade_state "${state}"`, d)
    }
  }

  /** A refund as refundquery lists it (`*_$n` fields), or unknown when the answer does not hold it. */
  function refundFrom (d: Fields, i: RefundInput): RefundOutcome {
    const count = amountOf(d.refund_count) ?? 0
    for (let n = 0; n < count; n++) {
      if (d[`out_refund_no_${n}`] !== i.outRefundNo) continue
      const channelRefundId = d[`refund_id_${n}`]
      const amountFen = amountOf(d[`refund_fee_${n}`])
      if (amountFen !== i.refundFen) return unknown(`refund ${i.outRefundNo} is for ${String(d[`refund_fee_${n}`])} fen, not ${i.refundFen}`, d)
      const status = d[`refund_status_${n}`] ?? ''
      switch (status) {
        case 'SUCCESS': {
          const refundedAt = chinaTime(d[`refund_success_time_${n}`])
          if (channelRefundId === undefined || refundedAt === undefined) return unknown('SUCCESS refund without refund_id or refund_success_time', d)
          return { kind: 'succeeded', channelRefundId, amountFen, refundedAt, raw: d }
        }
        // CHANGE (退款异常) ends as SUCCESS or REFUNDCLOSE once someone acts, so it stays pending.
        case 'PROCESSING':
        case 'CHANGE': return { kind: 'pending', ...(channelRefundId === undefined ? {} : { channelRefundId }), raw: d }
        case 'REFUNDCLOSE': return { kind: 'failed', code: status, message: '退款关闭', raw: d }
        default: return unknown(`unrecognised refund_status "${status}"`, d)
      }
    }
    return unknown(`answer lists no refund ${i.outRefundNo}`, d)
  }

  return {
    channel: 'wechat_pay',

    async microFreeze (i, cred) {
      const c = wechat(cred)
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = await send(c, key, 'micropay', {
        deposit: 'Y',
        body: i.description,
        out_trade_no: i.outFreezeNo,
        total_fee: i.amountFen,
        fee_type: 'CNY',
        // Required by WeChat; the terminal's address when the device reported one.
        spbill_create_ip: i.clientIp ?? '127.0.0.1',
        auth_code: i.authCode,
      })
      switch (a.kind) {
        case 'ok': return frozen(a.data, i.outFreezeNo)
        case 'refused':
          // The customer is typing the password: poll with queryFreeze.
          if (a.code === 'USERPAYING') return { kind: 'pending', raw: a.data }
          // This out_trade_no already exists at WeChat: what became of it is the answer.
          if (a.code === 'ORDERPAID' || a.code === 'OUT_TRADE_NO_USED') return await queryFreeze(i.outFreezeNo, c)
          return { kind: 'failed', code: a.code, message: a.message, raw: a.data }
        case 'rejected': return { kind: 'failed', code: 'RETURN_FAIL', message: a.message, raw: a.data }
        case 'unknown': return a
      }
    },

    scanFreeze: null,

    queryFreeze,

    async cancelFreeze (outFreezeNo, cred) {
      const c = wechat(cred)
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = await reverse(c, key, { outFreezeNo })
      switch (a.kind) {
        case 'ok': return { kind: 'failed', code: 'CANCELLED', message: '押金已撤销', raw: a.data }
        case 'refused':
          if (a.code === 'ORDERNOTEXIST') return { kind: 'failed', code: a.code, message: a.message, raw: a.data }
          // ORDERCONSUMED and the like do not say what the deposit is: ask.
          return await queryFreeze(outFreezeNo, c)
        // Not taken: the freeze may still complete, so nothing is settled.
        case 'rejected': return unknown(`reverse not taken: ${a.message}`, a.data)
        case 'unknown': return a
      }
    },

    async consume (i, cred): Promise<ChannelOutcome> {
      const c = wechat(cred)
      // WeChat always hands the rest back; consuming with "keep the rest frozen" is a caller's bug.
      if (!i.complete) throw new TypeError('WeChat deposits can only be consumed with complete: true')
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = await send(c, key, 'consume', {
        transaction_id: i.channelFreezeId,
        out_trade_no: i.outFreezeNo,
        total_fee: i.freezeFen,
        consume_fee: i.amountFen,
        fee_type: 'CNY',
      }, true)
      switch (a.kind) {
        case 'ok': {
          const consumed = amountOf(a.data.consume_fee)
          if (a.data.transaction_id !== i.channelFreezeId || consumed !== i.amountFen) {
            return unknown(`consume answer names ${String(a.data.transaction_id)} / ${String(a.data.consume_fee)} fen, not ${i.channelFreezeId} / ${i.amountFen}`, a.data)
          }
          // The answer carries no consumption time; the moment of the answer stands in.
          return { kind: 'succeeded', channelTxnId: i.channelFreezeId, amountFen: consumed, paidAt: new Date(), raw: a.data }
        }
        case 'refused': {
          if (a.code !== 'ORDERCONSUMED') return { kind: 'failed', code: a.code, message: a.message, raw: a.data }
          // Consumed already: ours if the amount matches (a retry after a lost answer), else another one.
          const q = await queryConsume(i, c)
          return q.kind === 'pending' ? unknown('consume refused ORDERCONSUMED, yet the order shows no consumption', a.data) : q
        }
        case 'rejected': return { kind: 'failed', code: 'RETURN_FAIL', message: a.message, raw: a.data }
        case 'unknown': return a
      }
    },

    queryConsume,

    async unfreeze (i, cred) {
      const c = wechat(cred)
      if (i.amountFen !== i.freezeFen) {
        return { kind: 'failed', code: 'PARTIAL_UNFREEZE_UNSUPPORTED', message: '微信押金只能整笔撤销，不能部分解冻', raw: null }
      }
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = await reverse(c, key, { outFreezeNo: i.outFreezeNo, channelFreezeId: i.channelFreezeId })
      switch (a.kind) {
        case 'ok': return { kind: 'succeeded', amountFen: i.freezeFen, unfrozenAt: new Date(), raw: a.data }
        case 'refused':
          if (a.code === 'ORDERCONSUMED' || a.code === 'ORDERNOTEXIST') return { kind: 'failed', code: a.code, message: a.message, raw: a.data }
          return await queryUnfreeze(i, c)
        // Not taken: the deposit stays held and asking again is safe.
        case 'rejected': return { kind: 'failed', code: 'RETURN_FAIL', message: a.message, raw: a.data }
        case 'unknown': return a
      }
    },

    queryUnfreeze,

    async refund (i, cred) {
      const c = wechat(cred)
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = await send(c, key, 'refund', {
        transaction_id: i.channelFreezeId,
        out_refund_no: i.outRefundNo,
        // WeChat's 订单金额: the whole deposit, not the consumption.
        total_fee: i.freezeFen,
        refund_fee: i.refundFen,
        refund_fee_type: 'CNY',
        ...(i.reason === undefined ? {} : { refund_desc: i.reason }),
      }, true)
      switch (a.kind) {
        case 'ok': {
          if (a.data.out_refund_no !== i.outRefundNo || amountOf(a.data.refund_fee) !== i.refundFen) {
            return unknown(`refund answer names ${String(a.data.out_refund_no)} / ${String(a.data.refund_fee)} fen, not ${i.outRefundNo} / ${i.refundFen}`, a.data)
          }
          // v2 answers "accepted", not "refunded": refundquery says when the money is back.
          return { kind: 'pending', ...(a.data.refund_id === undefined ? {} : { channelRefundId: a.data.refund_id }), raw: a.data }
        }
        case 'refused': return { kind: 'failed', code: a.code, message: a.message, raw: a.data }
        case 'rejected': return { kind: 'failed', code: 'RETURN_FAIL', message: a.message, raw: a.data }
        case 'unknown': return a
      }
    },

    async queryRefund (i, cred) {
      const c = wechat(cred)
      const key = keyOf(c)
      if (key === undefined) return keyMissing
      const a = readQueryAnswer(await send(c, key, 'refundquery', { transaction_id: i.channelFreezeId, out_refund_no: i.outRefundNo }), 'REFUNDNOTEXIST', 'refund query')
      return a.kind === 'ok' ? refundFrom(a.data, i) : a
    },
  }
}
