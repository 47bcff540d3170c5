import { randomInt } from 'node:crypto'
import { digits, rfc3339China } from '../core/ids'
import { invalidRequest, resourceNotExists, WxError } from './errors'
import type { Order } from './ledger'
import type { PromotionDetail } from './wire'

export type StockStatus = 'unactivated' | 'running' | 'paused' | 'stoped'
export type CouponStatus = 'SENDED' | 'USED' | 'EXPIRED'

/** A 代金券 batch (stock_type NORMAL: a fixed amount off above a minimum). */
export interface Stock {
  stockId: string
  /** belong_merchant: the merchant that owns and funds the batch. */
  creatorMchId: string
  /** Who created it: the calling service provider's mchid, or the merchant's own when it called as itself. */
  spMchId: string
  name: string
  comment?: string
  status: StockStatus
  createdAt: Date
  startedAt?: Date
  availableBegin: Date
  availableEnd: Date
  maxCoupons: number
  maxAmount: number
  maxCouponsPerUser: number
  couponAmount: number
  transactionMinimum: number
  /** Orders must carry one of these goods_tag values; empty = any order. */
  goodsTags: string[]
  /** sub_mchids where the coupon can be used; empty = the creator's own orders and its sub-merchants'. */
  availableMerchants: string[]
  noCash: boolean
  outRequestNo: string
  distributed: number
}

export interface Coupon {
  couponId: string
  stock: Stock
  openid: string
  appid: string
  outRequestNo: string
  used?: { at: Date, mchid: string, transactionId: string }
  createdAt: Date
}

export class Vouchers {
  readonly #stocks = new Map<string, Stock>()
  readonly #coupons = new Map<string, Coupon>()
  /**
   * mchid → where COUPON.USE goes (POST /v3/marketing/favor/callbacks), encrypted under the APIv3
   * key of whoever set it: the SP, or the merchant calling with its own certificate.
   */
  readonly callbacks = new Map<string, { url: string, apiV3Key: string }>()

  addStock (stock: Omit<Stock, 'stockId' | 'status' | 'distributed'>): Stock {
    const existing = [...this.#stocks.values()].find((s) => s.spMchId === stock.spMchId && s.outRequestNo === stock.outRequestNo)
    if (existing !== undefined) return existing
    const s: Stock = { ...stock, stockId: this.#freshId(8, this.#stocks), status: 'unactivated', distributed: 0 }
    this.#stocks.set(s.stockId, s)
    return s
  }

  stock (stockId: string): Stock | undefined { return this.#stocks.get(stockId) }
  stocks (): Stock[] { return [...this.#stocks.values()] }
  coupon (couponId: string): Coupon | undefined { return this.#coupons.get(couponId) }
  coupons (): Coupon[] { return [...this.#coupons.values()] }

  /** Sends one coupon of a running batch, within the per-user limit and the budget. Idempotent on out_request_no. */
  send (stock: Stock, o: { openid: string, appid: string, outRequestNo: string, now: Date }): Coupon {
    const repeat = this.coupons().find((c) => c.stock === stock && c.outRequestNo === o.outRequestNo)
    if (repeat !== undefined) {
      if (repeat.openid !== o.openid) throw invalidRequest('商户单据号重复，且与之前请求的用户不一致')
      return repeat
    }
    if (stock.status !== 'running') throw invalidRequest('批次未激活或已暂停、停止，不能发券')
    if (o.now < stock.availableBegin || o.now > stock.availableEnd) throw invalidRequest('不在批次的可用时间内')
    const held = this.coupons().filter((c) => c.stock === stock && c.openid === o.openid).length
    if (held >= stock.maxCouponsPerUser) throw new WxError(403, 'RULE_LIMIT', '用户已达到该批次的领券上限')
    if (stock.distributed >= stock.maxCoupons || (stock.distributed + 1) * stock.couponAmount > stock.maxAmount) {
      throw new WxError(403, 'NOT_ENOUGH', '批次预算不足')
    }
    stock.distributed++
    const coupon: Coupon = { couponId: this.#freshId(11, this.#coupons), stock, openid: o.openid, appid: o.appid, outRequestNo: o.outRequestNo, createdAt: o.now }
    this.#coupons.set(coupon.couponId, coupon)
    return coupon
  }

  status (c: Coupon, now: Date): CouponStatus {
    if (c.used !== undefined) return 'USED'
    return now > c.stock.availableEnd ? 'EXPIRED' : 'SENDED'
  }

  /** Why this coupon can't discount this order, or undefined when it can. */
  unusableReason (c: Coupon, order: Order, openid: string, now: Date): string | undefined {
    const s = c.stock
    if (c.openid !== openid) return '代金券不属于该用户'
    if (this.status(c, now) !== 'SENDED') return '代金券已使用或已过期'
    if (s.status !== 'running' || now < s.availableBegin) return '代金券批次不可用'
    if (s.goodsTags.length > 0 && (order.goodsTag === undefined || !s.goodsTags.includes(order.goodsTag))) return '订单优惠标记不匹配'
    const merchants = s.availableMerchants.length > 0 ? s.availableMerchants : [s.creatorMchId, order.subMchId]
    if (!merchants.includes(order.subMchId) && !merchants.includes(order.spMchId)) return '该商户不可使用此代金券'
    // The payer must still pay something: WeChat never discounts an order to zero.
    if (order.total < s.transactionMinimum || order.total <= s.couponAmount) return '订单金额未达到使用门槛'
    return undefined
  }

  /** The most valuable usable coupon this payer holds for the order. */
  best (order: Order, openid: string, now: Date): Coupon | undefined {
    return this.coupons()
      .filter((c) => this.unusableReason(c, order, openid, now) === undefined)
      .sort((a, b) => b.stock.couponAmount - a.stock.couponAmount)[0]
  }

  redeem (c: Coupon, order: Order, transactionId: string, now: Date): PromotionDetail {
    c.used = { at: now, mchid: order.subMchId, transactionId }
    const amount = c.stock.couponAmount
    const ownMoney = c.stock.creatorMchId === order.subMchId
    return {
      coupon_id: c.couponId,
      name: c.stock.name,
      scope: 'GLOBAL',
      type: c.stock.noCash ? 'NOCASH' : 'CASH',
      amount,
      stock_id: c.stock.stockId,
      wechatpay_contribute: 0,
      merchant_contribute: ownMoney ? amount : 0,
      other_contribute: ownMoney ? 0 : amount,
      currency: 'CNY',
    }
  }

  clear (): void {
    this.#stocks.clear()
    this.#coupons.clear()
    this.callbacks.clear()
  }

  #freshId (length: number, taken: Map<string, unknown>): string {
    for (;;) {
      const id = `${randomInt(1, 10)}${digits(length - 1)}`
      if (!taken.has(id)) return id
    }
  }
}

export function toStockWire (s: Stock): Record<string, unknown> {
  return {
    stock_id: s.stockId,
    stock_creator_mchid: s.creatorMchId,
    stock_name: s.name,
    status: s.status,
    create_time: rfc3339China(s.createdAt),
    description: s.comment ?? '',
    stock_use_rule: {
      max_coupons: s.maxCoupons,
      max_amount: s.maxAmount,
      max_amount_by_day: s.maxAmount,
      fixed_normal_coupon: { coupon_amount: s.couponAmount, transaction_minimum: s.transactionMinimum },
      max_coupons_per_user: s.maxCouponsPerUser,
      coupon_type: 'NORMAL',
      goods_tag: s.goodsTags,
      combine_use: false,
    },
    available_begin_time: rfc3339China(s.availableBegin),
    available_end_time: rfc3339China(s.availableEnd),
    distributed_coupons: s.distributed,
    no_cash: s.noCash,
    ...(s.startedAt === undefined ? {} : { start_time: rfc3339China(s.startedAt) }),
    singleitem: false,
    stock_type: 'NORMAL',
  }
}

export function toCouponWire (c: Coupon, status: CouponStatus): Record<string, unknown> {
  return {
    stock_creator_mchid: c.stock.creatorMchId,
    stock_id: c.stock.stockId,
    coupon_id: c.couponId,
    coupon_name: c.stock.name,
    status,
    description: c.stock.comment ?? '',
    create_time: rfc3339China(c.createdAt),
    coupon_type: 'NORMAL',
    no_cash: c.stock.noCash,
    available_begin_time: rfc3339China(c.stock.availableBegin),
    available_end_time: rfc3339China(c.stock.availableEnd),
    singleitem: false,
    normal_coupon_information: { coupon_amount: c.stock.couponAmount, transaction_minimum: c.stock.transactionMinimum },
    ...(c.used === undefined
      ? {}
      : { consume_information: { consume_time: rfc3339China(c.used.at), consume_mchid: c.used.mchid, transaction_id: c.used.transactionId } }),
  }
}

export function requireStock (vouchers: Vouchers, stockId: string, creatorMchId: string | undefined): Stock {
  const s = vouchers.stock(stockId)
  if (s === undefined || (creatorMchId !== undefined && s.creatorMchId !== creatorMchId)) throw resourceNotExists('批次不存在')
  return s
}
