import { and, eq } from 'drizzle-orm'
import { AppError, fen, type Fen, type IdGenerator, type SourceType, type TradeType } from '@yima/shared'
import type { Outbox } from '../../outbox'
import type { Clock } from '../../clock'
import type { Db, Executor, Tx } from '../../db/client'
import type { SecretBox } from '../../secrets'
import type { Metrics } from '../../metrics'
import type { ChannelRegistry } from '../../channels/registry'
import { ChannelSignatureError, type ChannelCredentials, type ChannelName, type ChannelNotification, type ChannelOutcome, type ClientPayParams, type PayMethod, type RawRequest, type RefundOutcome } from '../../channels/types'
import { merchantSecretContext } from '../tenancy/merchants.service'
import { spSecretContext } from '../tenancy/service-providers.service'
import { merchants, serviceProviders, stores, type MerchantRow, type ServiceProviderRow } from '../tenancy/tenancy.schema'
import { orders, paymentIncidents, refunds, type OrderRow, type RefundRow } from './payment.schema'
import { rollupPayment } from '../reports/rollup'
import { findOrderByOutTradeNo, insertOrder, transitionOrder, transitionRefund } from './payment.repo'
import { MICROPAY_DEADLINE_MS, scheduleFollowUps } from './reconcile.jobs'

/**
 * What else must happen when money moves, written in the same transaction as the state change
 * (outbox jobs: trade-complete callbacks, clerk messages, printing). Called once per real change,
 * never for a duplicate.
 */
export interface PaymentEvents {
  /** `vouchers`: the coupons the channel applied to this payment (WeChat promotion_detail). */
  paid: (tx: Tx, order: OrderRow, vouchers: readonly PaymentVoucher[]) => Promise<void>
  refunded: (tx: Tx, refund: RefundRow, order: OrderRow) => Promise<void>
}

export interface PaymentVoucher { couponId: string, stockId: string, amountFen: number, noCash: boolean }

export const NO_PAYMENT_EVENTS: PaymentEvents = { paid: async () => {}, refunded: async () => {} }

/** `metrics` observes the notification lag (O3); absent, nothing is measured. */
export interface PaymentDeps { db: Db, clock: Clock, newId: IdGenerator, box: SecretBox, channels: ChannelRegistry, publicUrl: string, events?: PaymentEvents, outbox: Outbox, metrics?: Pick<Metrics, 'notificationLag'> }

/** How long a customer has to pay a one-code order before it is closed. */
export const ORDER_TTL_MS = 15 * 60_000

export interface CreateOrderInput {
  merchantId: string
  storeId?: string
  staffId?: string
  qrCodeId?: string
  sourceType: SourceType
  tradeType: TradeType
  method: PayMethod
  amountFen: Fen
  /** Fixed-amount codes (S4): the units bought; amountFen is already unit × quantity. */
  quantity?: number
  /** The per-order trade-complete callback URL (Cloud Pay `caller_notify_url`). */
  callbackUrl?: string
  description: string
  remark?: string
  payerId?: string
  goodsTag?: string
  clientIp?: string
  /** The cashier device (micropay), as the device reported it. */
  deviceId?: string
  /** Micropay: the customer's payment code. Never stored. */
  authCode?: string
  /**
   * A number the caller chose (Cloud Pay clients send their own, with the merchant's prefix);
   * otherwise prefix + the order id's random part. A number already taken is a 409 conflict.
   */
  outTradeNo?: string
  /** Hash of the request's business fields, for "same number, different content" (cloudpay-api.md §12). */
  contentHash?: string
  /**
   * Runs in the transaction that inserts the order, before the channel is asked: what the order is
   * for (a card recharge holding room under the card's cap). Throwing writes no order and asks no channel.
   */
  reserve?: (tx: Tx, order: OrderRow) => Promise<void>
}

const channelOf = (method: PayMethod): ChannelName => method.startsWith('wechat_') ? 'wechat_pay' : 'alipay'

/**
 * Orders against the channels (mission P1–P4): create, and apply what the channel says. Channel
 * calls happen outside transactions; each state change is a compare-and-set in its own.
 */
export class PaymentService {
  readonly #events: PaymentEvents
  constructor (private readonly deps: PaymentDeps) {
    this.#events = deps.events ?? NO_PAYMENT_EVENTS
  }

  /** The channel credentials an order is paid under: the SP's keys, the merchant's sub-account. */
  async credentials (exec: Executor, merchantId: string, channel: ChannelName, o: { wxSubMchId?: string | null } = {}): Promise<ChannelCredentials> {
    const [row] = await exec.select({ m: merchants, sp: serviceProviders }).from(merchants)
      .innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId)).where(eq(merchants.id, merchantId))
    if (row === undefined) throw new AppError('not_found', 'merchant_not_found')
    return channel === 'wechat_pay' ? this.#wechat(row.sp, row.m, o.wxSubMchId ?? null) : this.#alipay(row.sp, row.m)
  }

  /**
   * The credentials an order was paid under: for WeChat Pay the sub-merchant it recorded (a store's
   * override, S1), so queries, refunds and notification checks follow the money even if the store's
   * setting changes later; orders from before the column existed use the merchant's.
   */
  async credentialsOf (order: Pick<OrderRow, 'merchantId' | 'payPlatform' | 'wxSubMchId'>): Promise<ChannelCredentials> {
    return await this.credentials(this.deps.db, order.merchantId, order.payPlatform, { wxSubMchId: order.wxSubMchId })
  }

  /**
   * Writes the order, asks the channel, and records what it said. A channel that does not answer
   * leaves the order pending for the reconciliation job; it is never guessed. The follow-up jobs
   * (reconciliation, expiry; the micropay poll) are written in the transaction of the insert.
   */
  async create (input: CreateOrderInput): Promise<{ order: OrderRow, clientParams?: ClientPayParams }> {
    const channel = channelOf(input.method)
    const [merchant] = await this.deps.db.select().from(merchants).where(eq(merchants.id, input.merchantId))
    if (merchant === undefined) throw new AppError('not_found', 'merchant_not_found')
    // A store may sell as its own WeChat Pay sub-merchant (S1); the order records which one.
    const [store] = input.storeId === undefined ? [] : await this.deps.db.select({ wxSubMchId: stores.wxSubMchId }).from(stores).where(eq(stores.id, input.storeId))
    const creds = await this.credentials(this.deps.db, merchant.id, channel, { wxSubMchId: store?.wxSubMchId ?? null })
    const now = this.deps.clock.now()
    const id = this.deps.newId('ord')
    // Unless the caller brought one (Cloud Pay, prefix checked there): the merchant's prefix and our id's random part, ≤ 32 characters.
    const outTradeNo = input.outTradeNo ?? `${merchant.orderPrefix}${id.slice(4)}`
    const micropay = input.method === 'wechat_micropay' || input.method === 'alipay_micropay'
    const order = await this.deps.db.transaction(async (tx) => {
      const inserted = await insertOrder(tx, {
        id,
        spId: merchant.spId,
        sspId: merchant.sspId,
        merchantId: merchant.id,
        wxSubMchId: creds.channel === 'wechat_pay' ? creds.subMchId : null,
        storeId: input.storeId ?? null,
        staffId: input.staffId ?? null,
        deviceId: input.deviceId ?? null,
        qrCodeId: input.qrCodeId ?? null,
        sourceType: input.sourceType,
        tradeType: input.tradeType,
        payPlatform: channel,
        method: input.method,
        outTradeNo,
        contentHash: input.contentHash ?? null,
        amountFen: input.amountFen,
        status: 'created',
        description: input.description,
        remark: input.remark ?? null,
        quantity: input.quantity ?? null,
        callbackUrl: input.callbackUrl ?? null,
        goodsTag: input.goodsTag ?? null,
        payerId: input.payerId ?? null,
        // A micropay's customer has until the reversal deadline to confirm on the phone.
        expiresAt: new Date(now.getTime() + (micropay ? MICROPAY_DEADLINE_MS : ORDER_TTL_MS)),
        createdAt: now,
        updatedAt: now,
      })
      if (inserted === undefined) throw new AppError('conflict', 'order_state_conflict', '订单号重复')
      if (input.reserve !== undefined) await input.reserve(tx, inserted)
      await scheduleFollowUps(this.deps.outbox, tx, inserted)
      return inserted
    })
    const { outcome, clientParams } = await this.deps.channels[channel].createPayment({
      method: input.method,
      outTradeNo,
      amountFen: input.amountFen,
      description: input.description,
      notifyUrl: `${this.deps.publicUrl}/hooks/${channel}/${order.id}`,
      expiresAt: order.expiresAt,
      ...(input.payerId === undefined ? {} : { payerId: input.payerId }),
      ...(input.goodsTag === undefined ? {} : { goodsTag: input.goodsTag }),
      ...(input.clientIp === undefined ? {} : { clientIp: input.clientIp }),
      ...(input.authCode === undefined ? {} : { authCode: input.authCode }),
    }, creds)
    const applied = await this.#applyOutcome(order, outcome)
    return { order: applied, ...(clientParams === undefined ? {} : { clientParams }) }
  }

  /**
   * A notification for `orderId`: verified by the adapter, checked against the order (number,
   * sub-merchant, amount), then applied by compare-and-set. Duplicates change nothing; a success
   * for an order already closed is recorded as an incident.
   */
  async applyNotification (channel: ChannelName, orderId: string, req: RawRequest): Promise<{ ok: boolean }> {
    const [order] = await this.deps.db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.payPlatform, channel)))
    if (order === undefined) return { ok: false }
    const creds = await this.credentialsOf(order)
    let note: ChannelNotification
    try {
      note = await this.deps.channels[channel].parseNotification(req, creds)
    } catch (err) {
      if (err instanceof ChannelSignatureError) {
        await this.#incident(order.id, 'unverified_notification', { channel, reason: err.message })
        return { ok: false }
      }
      throw err
    }
    if (note.outTradeNo !== order.outTradeNo) {
      await this.#incident(order.id, 'notification_for_other_order', { channel, outTradeNo: note.outTradeNo })
      return { ok: false }
    }
    if (note.type === 'refund') {
      const [refund] = await this.deps.db.select().from(refunds).where(and(eq(refunds.outRefundNo, note.outRefundNo), eq(refunds.orderId, order.id)))
      if (refund === undefined) return { ok: false }
      const o = note.outcome
      if (o.kind === 'succeeded' || o.kind === 'failed') {
        await this.deps.db.transaction(async (tx) => {
          const moved = await transitionRefund(tx, refund.id, o.kind, o.kind === 'succeeded'
            ? { channelRefundId: o.channelRefundId, refundedAt: o.refundedAt, channelRaw: o.raw as object }
            : { failureCode: o.code, channelRaw: o.raw as object }, this.deps.clock.now())
          if (moved.changed && o.kind === 'succeeded') await this.#events.refunded(tx, moved.row, order)
        })
      }
      return { ok: true }
    }
    if (channel === 'wechat_pay' && note.subMchId !== undefined && creds.channel === 'wechat_pay' && note.subMchId !== creds.subMchId) {
      await this.#incident(order.id, 'notification_merchant_mismatch', { subMchId: note.subMchId })
      return { ok: false }
    }
    if (channel === 'alipay' && note.sellerId !== undefined && creds.channel === 'alipay' && creds.sellerId !== undefined && note.sellerId !== creds.sellerId) {
      await this.#incident(order.id, 'notification_merchant_mismatch', { sellerId: note.sellerId })
      return { ok: false }
    }
    if (note.outcome.kind === 'succeeded') {
      // Clocks differ by a little: a notification "before" it was paid counts as no lag.
      const lag = (this.deps.clock.now().getTime() - note.outcome.paidAt.getTime()) / 1000
      if (Number.isFinite(lag)) this.deps.metrics?.notificationLag.observe({ channel }, Math.max(0, lag))
    }
    await this.#applyOutcome(order, note.outcome)
    return { ok: true }
  }

  async byOutTradeNo (outTradeNo: string): Promise<OrderRow | undefined> {
    return await findOrderByOutTradeNo(this.deps.db, outTradeNo)
  }

  /**
   * What a query (or a refused close / reverse) said about an order, applied exactly as a
   * notification would be: amount-checked, compare-and-set, a success after the end = incident.
   */
  async applyOutcome (order: OrderRow, outcome: ChannelOutcome): Promise<OrderRow> {
    return await this.#applyOutcome(order, outcome)
  }

  /**
   * The channel confirmed the order can no longer be paid (closed, reversed, never existed):
   * follow it. A reversal may end a paid micropay (the channel hands the money back). If the order
   * was paid in between (a notification won the race), the channel contradicted itself: incident.
   */
  async endOrder (order: OrderRow, to: 'closed' | 'reversed', outcome: Extract<ChannelOutcome, { kind: 'failed' }>): Promise<OrderRow> {
    const now = this.deps.clock.now()
    try {
      return (await transitionOrder(this.deps.db, order.id, to, { closedAt: now, failureCode: outcome.code, channelRaw: outcome.raw as object }, now)).row
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'order_state_conflict') throw err
      const [current] = await this.deps.db.select().from(orders).where(eq(orders.id, order.id))
      if (current === undefined) throw err
      await this.#incident(order.id, 'late_success', { status: current.status, channelSaid: outcome.code, wanted: to })
      return current
    }
  }

  /**
   * What the channel said about a refund (its answer, a query, a retry), applied: a final state
   * by compare-and-set, the `refunded` event in the same transaction, once. A success for another
   * amount, or a final state contradicting the one recorded, is an incident, never a quiet change.
   */
  async applyRefundOutcome (refund: RefundRow, outcome: RefundOutcome): Promise<RefundRow> {
    if (outcome.kind !== 'succeeded' && outcome.kind !== 'failed') return refund
    if (outcome.kind === 'succeeded' && outcome.amountFen !== refund.amountFen) {
      await this.#incident(refund.orderId, 'refund_amount_mismatch', { refundId: refund.id, expected: refund.amountFen, reported: outcome.amountFen })
      return refund
    }
    const now = this.deps.clock.now()
    try {
      return await this.deps.db.transaction(async (tx) => {
        const moved = await transitionRefund(tx, refund.id, outcome.kind, outcome.kind === 'succeeded'
          ? { channelRefundId: outcome.channelRefundId, refundedAt: outcome.refundedAt, channelRaw: outcome.raw as object }
          : { failureCode: outcome.code, channelRaw: outcome.raw as object }, now)
        if (moved.changed && outcome.kind === 'succeeded') {
          const [order] = await tx.select().from(orders).where(eq(orders.id, refund.orderId))
          if (order === undefined) throw new AppError('not_found', 'order_not_found')
          await this.#events.refunded(tx, moved.row, order)
        }
        return moved.row
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'order_state_conflict') throw err
      const [current] = await this.deps.db.select().from(refunds).where(eq(refunds.id, refund.id))
      await this.#incident(refund.orderId, 'refund_state_conflict', { refundId: refund.id, recorded: current?.status, reported: outcome.kind })
      return current ?? refund
    }
  }

  /** What a channel said about an order, applied: the amount is checked before anything moves. */
  async #applyOutcome (order: OrderRow, outcome: ChannelOutcome): Promise<OrderRow> {
    const now = this.deps.clock.now()
    switch (outcome.kind) {
      case 'succeeded': {
        if (outcome.amountFen !== order.amountFen) {
          await this.#incident(order.id, 'amount_mismatch', { expected: order.amountFen, reported: outcome.amountFen, channelTxnId: outcome.channelTxnId })
          return order
        }
        if (order.status === 'closed' || order.status === 'failed' || order.status === 'reversed') {
          // Money arrived for an order we consider over: a person must refund or reopen it.
          await this.#incident(order.id, 'late_success', { status: order.status, channelTxnId: outcome.channelTxnId })
          return order
        }
        // Vouchers (C2): the discount is what the payer did not pay; the no-charge part is the merchant's to bear.
        const vouchers = outcome.discounts ?? []
        const discount = { discountFen: fen(vouchers.reduce((s, v) => s + v.amountFen, 0)), noCashDiscountFen: fen(vouchers.reduce((s, v) => s + (v.noCash ? v.amountFen : 0), 0)) }
        return await this.deps.db.transaction(async (tx) => {
          const moved = await transitionOrder(tx, order.id, 'succeeded', { channelTxnId: outcome.channelTxnId, paidAt: outcome.paidAt, channelRaw: outcome.raw as object, ...discount }, now, { countedByCaller: true })
          if (moved.changed) {
            await this.#events.paid(tx, moved.row, vouchers)
            // Counted last: the hour's rollup row is shared by every payment at the same store, QR
            // code and clerk, and its row lock is held until commit. Taken before the follow-ups
            // were written, it made that store's payments wait on each other's whole transaction.
            await rollupPayment(tx, moved.row, 1)
          }
          return moved.row
        })
      }
      case 'pending':
        if (order.status !== 'created') return order
        return (await transitionOrder(this.deps.db, order.id, 'pending', outcome.channelTxnId === undefined ? {} : { channelTxnId: outcome.channelTxnId }, now)).row
      case 'failed':
        if (order.status !== 'created' && order.status !== 'pending') return order
        return (await transitionOrder(this.deps.db, order.id, 'failed', { failureCode: outcome.code, channelRaw: outcome.raw as object }, now)).row
      case 'unknown':
        // Nobody knows yet: keep it open for the reconciliation job.
        if (order.status !== 'created') return order
        return (await transitionOrder(this.deps.db, order.id, 'pending', {}, now)).row
    }
  }

  async #incident (orderId: string | null, kind: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.db.insert(paymentIncidents).values({ id: this.deps.newId('inc'), orderId, kind, detail, createdAt: this.deps.clock.now() })
  }

  #wechat (sp: ServiceProviderRow, m: MerchantRow, subMchId: string | null): ChannelCredentials {
    const open = (v: string | null, column: string): string => {
      if (v === null) throw new AppError('conflict', 'wechat_pay_not_configured')
      return this.deps.box.open(v, spSecretContext(sp.id, column)).reveal()
    }
    const spAppId = sp.oaAuthorizerAppId ?? sp.wxOaAppId
    if (sp.wxMchId === null || sp.wxCertificateSerial === null || spAppId === null) throw new AppError('conflict', 'wechat_pay_not_configured')
    return {
      channel: 'wechat_pay',
      spMchId: sp.wxMchId,
      subMchId: subMchId ?? m.wxSubMchId,
      spAppId,
      certificateSerial: sp.wxCertificateSerial,
      privateKey: open(sp.wxPrivateKeySealed, 'wx_private_key'),
      apiV3Key: open(sp.wxApiV3KeySealed, 'wx_api_v3_key'),
      // Only the v2 deposit API (P8) signs with it.
      ...(sp.wxApiV2KeySealed === null ? {} : { apiV2Key: open(sp.wxApiV2KeySealed, 'wx_api_v2_key') }),
      merchantCertificate: sp.wxCertificate,
      platformCertificate: sp.wxPlatformCertificate,
      publicKey: sp.wxPublicKey,
      publicKeyId: sp.wxPublicKeyId,
    }
  }

  #alipay (sp: ServiceProviderRow, m: MerchantRow): ChannelCredentials {
    if (sp.alipayAppId === null || sp.alipayPrivateKeySealed === null || sp.alipayPublicKeySealed === null) throw new AppError('conflict', 'alipay_not_configured')
    return {
      channel: 'alipay',
      appId: sp.alipayAppId,
      privateKey: this.deps.box.open(sp.alipayPrivateKeySealed, spSecretContext(sp.id, 'alipay_private_key')).reveal(),
      alipayPublicKey: this.deps.box.open(sp.alipayPublicKeySealed, spSecretContext(sp.id, 'alipay_public_key')).reveal(),
      ...(m.alipayAppAuthTokenSealed === null ? {} : { appAuthToken: this.deps.box.open(m.alipayAppAuthTokenSealed, merchantSecretContext(m.id, 'alipay_app_auth_token')).reveal() }),
      ...(m.alipayUserId === null ? {} : { sellerId: m.alipayUserId }),
    }
  }

  /**
   * Asks the channel where an unfinished order stands and applies the answer, as a notification
   * would be (the pay page's poll; reconciliation). A finished order comes back as it is. A query
   * that changes nothing still moves updated_at, which therefore says when the order was last
   * looked at: pollers space their queries by it, and the reconciliation queue (oldest first)
   * leaves it for later.
   */
  async refresh (orderId: string): Promise<OrderRow> {
    const [order] = await this.deps.db.select().from(orders).where(eq(orders.id, orderId))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    if (order.status !== 'created' && order.status !== 'pending') return order
    // A deposit's consumption is not a trade the channel's order query knows (WeChat): the deposits module settles it.
    if (order.depositId !== null) return order
    const channel = order.payPlatform
    const creds = await this.credentialsOf(order)
    let outcome = await this.deps.channels[channel].queryPayment(order.outTradeNo, creds)
    const now = this.deps.clock.now()
    // Alipay creates QR and wap trades only when the customer acts: until the order expires, "no
    // such trade" means "not yet" (channels/alipay/README.md).
    if (outcome.kind === 'failed' && outcome.code === 'ACQ.TRADE_NOT_EXIST' && (order.method === 'alipay_qr' || order.method === 'alipay_wap') && now < order.expiresAt) {
      outcome = { kind: 'pending', raw: outcome.raw }
    }
    const applied = await this.#applyOutcome(order, outcome)
    if (applied.status !== order.status) return applied
    const [touched] = await this.deps.db.update(orders).set({ updatedAt: now })
      .where(and(eq(orders.id, order.id), eq(orders.status, order.status))).returning()
    if (touched !== undefined) return touched
    // A notification moved it meanwhile: answer with what it is now.
    const [current] = await this.deps.db.select().from(orders).where(eq(orders.id, order.id))
    return current ?? applied
  }
}
