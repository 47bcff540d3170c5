import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { AppError, authCodeChannel, fen, type MicropayBody } from '@yima/shared'
import type { Db } from '../../db/client'
import { scopeWhere, type Scope } from '../tenancy/scope'
import { merchants, stores, type MerchantRow, type StoreRow } from '../tenancy/tenancy.schema'
import type { OrderRow } from './payment.schema'
import type { PaymentService } from './payment.service'
import { isOpen, type PaymentReconciler } from './reconcile.jobs'

export interface MicropayDeps { db: Db, payments: PaymentService, reconciler: PaymentReconciler }

export interface MicropayResult {
  order: OrderRow
  /** False while the customer may still be paying: the device polls the order (the poll job settles it). */
  final: boolean
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * 刷卡支付 (P2): a cashier or device scanned the customer's payment code. The channel comes from
 * the code's prefix. A quick answer (success, refusal, or a password typed within a few seconds)
 * is returned at once; otherwise the order stays pending and the micropay poll job, written with
 * the order, keeps asking and reverses it at the deadline.
 */
export class MicropayService {
  /**
   * How long the request waits for a customer still typing the password, asking every `everyMs`.
   * Real time, not the business clock: it is about how long a cashier's device waits for an
   * answer. Tests shorten it.
   */
  inlineWait = { totalMs: 10_000, everyMs: 2_000 }

  constructor (private readonly deps: MicropayDeps) {}

  /** The store the payment is for, if the caller's scope reaches it (404 otherwise). */
  async store (scope: Scope, storeId: string): Promise<StoreRow> {
    const [row] = await this.deps.db.select().from(stores)
      .where(and(eq(stores.id, storeId), scopeWhere(scope, { sp: stores.spId, ssp: stores.sspId, merchant: stores.merchantId, store: stores.id })))
    if (row === undefined) throw new AppError('not_found', 'store_not_found', undefined, { param: 'storeId' })
    return row
  }

  /**
   * `requestKey`: the request's idempotency key (with its scope). The order number is derived
   * from it, so a retry after the first request died mid-way (its key taken over once its lease
   * lapsed) finds the order that request made, already charged, instead of charging again.
   */
  async charge (store: StoreRow, body: MicropayBody, staffId: string | null, o: { requestKey?: string } = {}): Promise<MicropayResult> {
    const channel = authCodeChannel(body.authCode)
    if (channel === undefined) throw new AppError('invalid_request', 'auth_code_invalid', undefined, { param: 'authCode' })
    if (store.status !== 'open' || store.deletedAt !== null) throw new AppError('conflict', 'store_closed')
    if (!store.paymentTypes.includes(channel)) throw new AppError('conflict', 'payment_type_not_accepted')
    const [merchant] = await this.deps.db.select().from(merchants).where(eq(merchants.id, store.merchantId))
    if (merchant === undefined) throw new AppError('not_found', 'merchant_not_found')
    // Without the merchant's authorization an Alipay payment would be the SP's own money.
    if (channel === 'alipay' && merchant.alipayAppAuthTokenSealed === null) throw new AppError('conflict', 'alipay_not_enabled')

    // ≤ 32 characters with the merchant's prefix; 'K' keeps it apart from the numbers of our ids.
    const keyed = o.requestKey === undefined
      ? undefined
      : {
          outTradeNo: `${merchant.orderPrefix}K${createHash('sha256').update(o.requestKey).digest('hex')}`.slice(0, 32),
          contentHash: createHash('sha256').update(JSON.stringify([store.id, staffId, body])).digest('hex'),
        }
    if (keyed !== undefined) {
      const earlier = await this.deps.payments.byOutTradeNo(keyed.outTradeNo)
      if (earlier !== undefined) return await this.#replay(earlier, store, keyed.contentHash)
    }
    let created: OrderRow
    try {
      created = await this.#create(store, merchant, body, staffId, channel, keyed)
    } catch (err) {
      // Two retries raced for the key's number: the loser answers the winner's order.
      const earlier = keyed === undefined || !(err instanceof AppError) || err.code !== 'order_state_conflict' ? undefined : await this.deps.payments.byOutTradeNo(keyed.outTradeNo)
      if (earlier === undefined || keyed === undefined) throw err
      return await this.#replay(earlier, store, keyed.contentHash)
    }
    return await this.#waitBriefly(created)
  }

  /** The order an earlier request with this key made, as it now stands; another request under the same key is refused. */
  async #replay (order: OrderRow, store: StoreRow, contentHash: string): Promise<MicropayResult> {
    if (order.merchantId !== store.merchantId || order.contentHash !== contentHash) throw new AppError('idempotency', 'idempotency_key_reused', undefined, { param: 'Idempotency-Key' })
    const current = isOpen(order) ? await this.deps.reconciler.checkMicropay(order.id) ?? order : order
    return { order: current, final: !isOpen(current) }
  }

  async #create (store: StoreRow, merchant: MerchantRow, body: MicropayBody, staffId: string | null, channel: 'wechat_pay' | 'alipay', keyed: { outTradeNo: string, contentHash: string } | undefined): Promise<OrderRow> {
    const { order } = await this.deps.payments.create({
      merchantId: store.merchantId,
      storeId: store.id,
      ...(staffId === null ? {} : { staffId }),
      ...(body.deviceId === undefined ? {} : { deviceId: body.deviceId }),
      // Cloud Pay's source_type names the store entry point the money came through; a cashier
      // scanning at the counter is the store's own (one_code), neither a special QR nor a card.
      // trade_type micropay is what tells it apart from a customer-scanned store code.
      sourceType: 'one_code',
      tradeType: 'micropay',
      method: channel === 'wechat_pay' ? 'wechat_micropay' : 'alipay_micropay',
      amountFen: fen(body.amountFen),
      description: body.description ?? `${merchant.shortName}-${store.name}`.slice(0, 127),
      ...(body.remark === undefined ? {} : { remark: body.remark }),
      authCode: body.authCode,
      ...(store.goodsTag === null ? {} : { goodsTag: store.goodsTag }),
      ...(keyed ?? {}),
    })
    return order
  }

  async #waitBriefly (order: OrderRow): Promise<MicropayResult> {
    let current = order
    const started = Date.now()
    while (isOpen(current) && Date.now() - started + this.inlineWait.everyMs <= this.inlineWait.totalMs) {
      await sleep(this.inlineWait.everyMs)
      current = await this.deps.reconciler.checkMicropay(current.id) ?? current
    }
    return { order: current, final: !isOpen(current) }
  }
}
