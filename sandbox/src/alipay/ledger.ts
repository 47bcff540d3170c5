import { fen, type Fen } from '@yima/shared'
import { chinaDate, digits } from '../core/ids'
import type { SimWorld } from '../core/world'
import type { Buyer } from './auth'

export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED'
/** The API (or page) that created the trade; it decides product_code and when the trade becomes visible. */
export type TradeOrigin = 'create' | 'pay' | 'precreate' | 'wap' | 'page'

export interface Refund { outRequestNo: string, amount: Fen, reason?: string, at: Date }

export interface Trade {
  /** 28 digits: China date + 20 digits, like 2026112222001404810500012345. */
  tradeNo: string
  outTradeNo: string
  /** The ISV app that created it (`app_id` of the request). */
  appId: string
  /** The merchant's authorized app when created with an app_auth_token; the ISV's own app otherwise. */
  authAppId: string
  /** Who gets the money: the merchant's PID, or the ISV's own PID without a token. Trades are scoped to it. */
  sellerId: string
  origin: TradeOrigin
  productCode: string
  total: Fen
  subject: string
  body?: string
  passbackParams?: string
  storeId?: string
  terminalId?: string
  operatorId?: string
  status: TradeStatus
  /**
   * Alipay creates precreate (QR) and page-pay trades only when the customer scans or pays: until
   * then query, close and refund answer ACQ.TRADE_NOT_EXIST. Everything else is visible at once.
   */
  visible: boolean
  buyer?: Buyer
  buyerOpenId?: string
  notifyUrl?: string
  returnUrl?: string
  quitUrl?: string
  qrCode?: string
  createdAt: Date
  paidAt?: Date
  closedAt?: Date
  expiresAt: number
  refunds: Refund[]
  refunded: Fen
  /** What alipay.trade.cancel did, so a repeated cancel answers the same action. */
  cancelAction?: 'close' | 'refund'
}

export type TradeChange =
  | { kind: 'paid' }
  | { kind: 'closed' }
  | { kind: 'refunded', refund: Refund }
  | { kind: 'finished' }

export type NewTrade = Pick<Trade, 'outTradeNo' | 'appId' | 'authAppId' | 'sellerId' | 'origin' | 'productCode' | 'total' | 'subject' | 'expiresAt'>
  & Partial<Pick<Trade, 'body' | 'passbackParams' | 'storeId' | 'terminalId' | 'operatorId' | 'buyer' | 'buyerOpenId' | 'notifyUrl' | 'returnUrl' | 'quitUrl' | 'qrCode'>>

/** A paid trade can be refunded for 12 months (the default refund window); then it is TRADE_FINISHED. */
const REFUND_WINDOW_MS = 365 * 24 * 3600_000

/**
 * The trades and refunds of every merchant, with the status transitions Alipay makes. Every change
 * is reported to `onChange`, which sends the trade_status_sync notification.
 */
export class TradeLedger {
  readonly #trades = new Map<string, Trade>()
  readonly #byOut = new Map<string, Trade>()

  constructor (private readonly world: SimWorld, private readonly onChange: (t: Trade, c: TradeChange) => void) {}

  create (n: NewTrade): Trade {
    const now = this.world.clock.now()
    const trade: Trade = {
      ...n,
      tradeNo: `${chinaDate(now)}${digits(20)}`,
      status: 'WAIT_BUYER_PAY',
      visible: n.origin !== 'precreate' && n.origin !== 'wap' && n.origin !== 'page',
      createdAt: now,
      refunds: [],
      refunded: fen(0),
    }
    this.#trades.set(trade.tradeNo, trade)
    this.#byOut.set(key(trade.sellerId, trade.outTradeNo), trade)
    // Unpaid trades close when timeout_express / time_expire runs out.
    this.world.scheduler.at(trade.expiresAt, () => { if (trade.status === 'WAIT_BUYER_PAY') this.close(trade) })
    return trade
  }

  /** A trade of this seller by trade_no (preferred, as Alipay does) or out_trade_no, visible or not. */
  find (sellerId: string, ref: { tradeNo?: string, outTradeNo?: string }): Trade | undefined {
    const t = ref.tradeNo !== undefined ? this.#trades.get(ref.tradeNo) : this.#byOut.get(key(sellerId, ref.outTradeNo ?? ''))
    return t?.sellerId === sellerId ? t : undefined
  }

  byTradeNo (tradeNo: string): Trade | undefined { return this.#trades.get(tradeNo) }

  all (): Trade[] { return [...this.#trades.values()] }

  /** The customer opened the trade (scanned the QR code, reached the cashier): it now exists for queries. */
  reveal (trade: Trade): void { trade.visible = true }

  markPaid (trade: Trade, buyer: Buyer, buyerOpenId: string): boolean {
    if (trade.status !== 'WAIT_BUYER_PAY') return false
    const now = this.world.clock.now()
    trade.status = 'TRADE_SUCCESS'
    trade.visible = true
    trade.buyer = buyer
    trade.buyerOpenId = buyerOpenId
    trade.paidAt = now
    this.world.scheduler.at(now.getTime() + REFUND_WINDOW_MS, () => {
      if (trade.status !== 'TRADE_SUCCESS') return
      trade.status = 'TRADE_FINISHED'
      this.onChange(trade, { kind: 'finished' })
    })
    this.onChange(trade, { kind: 'paid' })
    return true
  }

  close (trade: Trade): boolean {
    if (trade.status !== 'WAIT_BUYER_PAY') return false
    trade.status = 'TRADE_CLOSED'
    trade.closedAt = this.world.clock.now()
    this.onChange(trade, { kind: 'closed' })
    return true
  }

  /** Moves money back at once (fund_change Y); a full refund closes the trade, as Alipay does. */
  refund (trade: Trade, outRequestNo: string, amount: Fen, reason?: string): Refund {
    const refund: Refund = { outRequestNo, amount, at: this.world.clock.now(), ...(reason === undefined ? {} : { reason }) }
    trade.refunds.push(refund)
    trade.refunded = fen(trade.refunded + amount)
    if (trade.refunded === trade.total) {
      trade.status = 'TRADE_CLOSED'
      trade.closedAt = refund.at
    }
    this.onChange(trade, { kind: 'refunded', refund })
    return refund
  }

  reset (): void {
    this.#trades.clear()
    this.#byOut.clear()
  }
}

const key = (sellerId: string, outTradeNo: string): string => `${sellerId}|${outTradeNo}`
