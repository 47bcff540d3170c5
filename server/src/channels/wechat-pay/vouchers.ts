import { fen, type Fen } from '@yima/shared'
import type { ChannelCredentials } from '../types'
import type { WechatPayCredentials } from './partner'
import { createV3Transport, isRecord, spSigner, type V3Answer, type V3TransportOptions } from './transport'
import type * as W from './wire'

// WeChat Pay vouchers (代金券, /v3/marketing/favor): read a batch and send one of its vouchers to a
// payer. The same calls serve a service provider (普通服务商) and a merchant calling as itself
// (普通商户, seed 002 微信API证书配置): only who signs differs, and both verify answers with the
// same WeChat Pay platform certificate or public key.
// https://pay.weixin.qq.com/doc/v3/partner/4012463807 (send), …/partner/4012463811 (query a batch)

/**
 * Who signs a voucher call: mchid, the API certificate's serial and private key, and the WeChat
 * Pay platform certificate and/or public key (+ `PUB_KEY_ID_…`) answers are verified with. The
 * SP's (see `spVoucherSigner`) or a merchant's own; the merchant's APIv3 key is not needed here
 * (no call decrypts anything).
 */
export type VoucherSigner = WechatPayCredentials

type WechatChannelCredentials = Extract<ChannelCredentials, { channel: 'wechat_pay' }>

/** A merchant's own signer, or the service provider's channel credentials as they are. */
export type VoucherCredentials = VoucherSigner | WechatChannelCredentials

/** The service provider signs with its own mchid (sp_mchid), certificate and key. */
export const spVoucherSigner: (c: WechatChannelCredentials) => VoucherSigner = spSigner

const signerOf = (c: VoucherCredentials): VoucherSigner => ('channel' in c ? spVoucherSigner(c) : c)

/** A batch's `status`: 未激活, 审核中, 运行中, 已停止, 暂停发放 (WeChat spells "stoped"). */
export type StockStatus = 'unactivated' | 'audit' | 'running' | 'stoped' | 'paused'

/** A fixed-amount voucher batch (stock_type NORMAL, 满减) as yima keeps it. */
export interface StockView {
  stockId: string
  creatorMchId: string
  name: string
  status: StockStatus
  /** 面额 and 门槛 (the order must reach it). */
  amountFen: Fen
  thresholdFen: Fen
  maxCoupons: number
  maxPerUser: number
  /** Vouchers sent so far. */
  distributed: number
  /** 免充值 (true: the merchant bears the discount) or 预充值 (false: paid from the batch's budget). */
  noCash: boolean
  /** 订单优惠标记: an order's goods_tag must be one of these for the voucher to apply ([] = any order). */
  goodsTags: string[]
  availableBegin: Date
  availableEnd: Date
}

export interface GetStockInput { stockId: string, creatorMchId: string }

export interface SendCouponInput {
  /** The payer's openid under `appId`. */
  openid: string
  stockId: string
  /** 制券商户号 (stock_creator_mchid). */
  creatorMchId: string
  /** The official account or mini program the openid belongs to; it must be linked to the signer's mchid. */
  appId: string
  /** 商户单据号: WeChat sends once per value, so a retry must reuse it. */
  outRequestNo: string
}

/**
 * Why a voucher call did not succeed. WeChat's refusals keep their code; `REFUSED` is any other
 * 4xx (see `wechatCode`); `UNAVAILABLE` is a 5xx, SYSTEM_ERROR, a timeout, no answer or an answer
 * that failed verification; `INVALID_ANSWER` a verified answer yima cannot read.
 */
export type VoucherErrorCode =
  /** The payer reached the batch's per-user limit (领取次数已达上限). */
  | 'RULE_LIMIT'
  /** The batch's budget or coupon count is spent (批次预算不足). */
  | 'NOT_ENOUGH'
  /** The batch cannot send now: not activated, paused, stopped, outside its time; or out_request_no reused for another payer. */
  | 'INVALID_REQUEST'
  | 'PARAM_ERROR'
  /** No such batch for this creator mchid. */
  | 'RESOURCE_NOT_EXISTS'
  /** The signer may not use this creator's batches. */
  | 'NO_AUTH'
  /** The appid is not linked to the signer's mchid. */
  | 'APPID_MCHID_NOT_MATCH'
  /** The payer's account may not receive vouchers. */
  | 'USER_ACCOUNT_ABNORMAL'
  | 'REQUEST_BLOCKED'
  /** WeChat refused our signature: wrong serial, key or mchid in the configured credentials. */
  | 'SIGN_ERROR'
  /** Rate-limited: retryable later. */
  | 'FREQUENCY_LIMITED'
  | 'REFUSED'
  | 'UNAVAILABLE'
  | 'INVALID_ANSWER'

const NAMED_REFUSALS: ReadonlySet<string> = new Set<VoucherErrorCode>([
  'RULE_LIMIT', 'NOT_ENOUGH', 'INVALID_REQUEST', 'PARAM_ERROR', 'RESOURCE_NOT_EXISTS', 'NO_AUTH', 'APPID_MCHID_NOT_MATCH',
  'USER_ACCOUNT_ABNORMAL', 'REQUEST_BLOCKED', 'SIGN_ERROR', 'FREQUENCY_LIMITED',
])

/**
 * A voucher call that did not succeed. `retryable`: nothing definitive happened, so the same call
 * (for sendCoupon, with the same outRequestNo) may be repeated later; false means WeChat said no
 * and will say it again.
 */
export class VoucherApiError extends Error {
  override readonly name = 'VoucherApiError'
  constructor (
    readonly code: VoucherErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly extra: { status?: number, wechatCode?: string, raw?: unknown } = {},
  ) { super(message) }
}

/** A refused or unknown answer as the typed error. */
export function voucherError (a: Exclude<V3Answer, { kind: 'ok' }>): VoucherApiError {
  if (a.kind === 'unknown') return new VoucherApiError('UNAVAILABLE', a.reason, true, { raw: a.raw })
  const { code, message } = a.error
  const named = NAMED_REFUSALS.has(code) ? code as VoucherErrorCode : 'REFUSED'
  return new VoucherApiError(named, `${code}: ${message}`, named === 'FREQUENCY_LIMITED', { status: a.status, wechatCode: code, raw: a.error })
}

const STOCK_STATUSES: ReadonlySet<string> = new Set<StockStatus>(['unactivated', 'audit', 'running', 'stoped', 'paused'])

const count = (n: unknown): number | undefined => (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined)

function date (s: unknown): Date | undefined {
  if (typeof s !== 'string') return undefined
  const d = new Date(s)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/**
 * The GET stock answer as a `StockView`, or why it cannot be one. It must be the batch asked for
 * (stock id and creator), a fixed-amount batch, with a known status; amounts are integer fen.
 */
export function readStock (body: unknown, q: GetStockInput): StockView | string {
  if (!isRecord(body)) return 'answer is not an object'
  if (body.stock_id !== q.stockId || body.stock_creator_mchid !== q.creatorMchId) {
    return `answer names stock ${String(body.stock_id)} of ${String(body.stock_creator_mchid)}, not ${q.stockId} of ${q.creatorMchId}`
  }
  const status = body.status
  // A status WeChat added after this was written: never guessed into running or paused.
  if (typeof status !== 'string' || !STOCK_STATUSES.has(status)) return `unrecognised stock status ${JSON.stringify(status)}`
  const rule = isRecord(body.stock_use_rule) ? body.stock_use_rule : {}
  const fixed = isRecord(rule.fixed_normal_coupon) ? rule.fixed_normal_coupon : undefined
  if (fixed === undefined) return `stock ${q.stockId} (${String(body.stock_type)}) is not a fixed-amount voucher batch: no fixed_normal_coupon`
  const amountFen = count(fixed.coupon_amount)
  const thresholdFen = count(fixed.transaction_minimum)
  const maxCoupons = count(rule.max_coupons)
  const maxPerUser = count(rule.max_coupons_per_user)
  const distributed = count(body.distributed_coupons) ?? 0
  const goodsTags = rule.goods_tag ?? []
  const availableBegin = date(body.available_begin_time)
  const availableEnd = date(body.available_end_time)
  if (amountFen === undefined || thresholdFen === undefined || maxCoupons === undefined || maxPerUser === undefined) {
    return 'stock_use_rule lacks integer coupon_amount, transaction_minimum, max_coupons or max_coupons_per_user'
  }
  if (!Array.isArray(goodsTags) || !goodsTags.every((t): t is string => typeof t === 'string')) return 'stock_use_rule.goods_tag is not a list of strings'
  if (availableBegin === undefined || availableEnd === undefined) return 'available_begin_time / available_end_time missing or unparseable'
  if (typeof body.stock_name !== 'string' || typeof body.no_cash !== 'boolean') return 'stock_name or no_cash missing'
  return {
    stockId: q.stockId,
    creatorMchId: q.creatorMchId,
    name: body.stock_name,
    status: status as StockStatus,
    amountFen: fen(amountFen),
    thresholdFen: fen(thresholdFen),
    maxCoupons,
    maxPerUser,
    distributed,
    noCash: body.no_cash,
    goodsTags,
    availableBegin,
    availableEnd,
  }
}

/** The voucher calls, with the base URL and deadline bound; each call names who signs it. */
export interface WechatVoucherApi {
  /** 查询批次详情: GET /v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid. Throws VoucherApiError. */
  getStock: (creds: VoucherCredentials, q: GetStockInput, signal?: AbortSignal) => Promise<StockView>
  /**
   * 发放指定批次的代金券: POST /v3/marketing/favor/users/{openid}/coupons. Idempotent on
   * outRequestNo (a repeat answers the same coupon id). Throws VoucherApiError.
   */
  sendCoupon: (creds: VoucherCredentials, i: SendCouponInput, signal?: AbortSignal) => Promise<{ couponId: string }>
}

/** Through the real SDK and the adapter's transport (transport.ts): same client building, same verification. */
export function createWechatVoucherApi (o: V3TransportOptions): WechatVoucherApi {
  const transport = createV3Transport(o)

  return {
    async getStock (creds, q, signal) {
      const signer = signerOf(creds)
      const a = await transport.send(signer, (wx) => wx.chain('v3/marketing/favor/stocks/{stock_id}').get(transport.options({ params: { stock_creator_mchid: q.creatorMchId }, stock_id: q.stockId }, signal)))
      if (a.kind !== 'ok') throw voucherError(a)
      const stock = readStock(a.body, q)
      // Asking again would read the same thing: not retryable.
      if (typeof stock === 'string') throw new VoucherApiError('INVALID_ANSWER', stock, false, { status: a.status, raw: a.body })
      return stock
    },

    async sendCoupon (creds, i, signal) {
      const signer = signerOf(creds)
      const body: W.SendCouponRequest = { stock_id: i.stockId, out_request_no: i.outRequestNo, appid: i.appId, stock_creator_mchid: i.creatorMchId }
      const a = await transport.send(signer, (wx) => wx.chain('v3/marketing/favor/users/{openid}/coupons').post(body, transport.options({ openid: i.openid }, signal)))
      if (a.kind !== 'ok') throw voucherError(a)
      const couponId = isRecord(a.body) ? a.body.coupon_id : undefined
      // The voucher may have been sent; a repeat with the same out_request_no tells.
      if (typeof couponId !== 'string' || couponId === '') throw new VoucherApiError('INVALID_ANSWER', 'send answer without coupon_id', true, { status: a.status, raw: a.body })
      return { couponId }
    },
  }
}
