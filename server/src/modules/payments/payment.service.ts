import { and, eq } from 'drizzle-orm'
import { AppError, type Fen, type IdGenerator, type SourceType, type TradeType } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db, Executor, Tx } from '../../db/client'
import type { SecretBox } from '../../secrets'
import type { ChannelRegistry } from '../../channels/registry'
import { ChannelSignatureError, type ChannelCredentials, type ChannelName, type ChannelNotification, type ChannelOutcome, type ClientPayParams, type PayMethod, type RawRequest } from '../../channels/types'
import { merchantSecretContext } from '../tenancy/merchants.service'
import { spSecretContext } from '../tenancy/service-providers.service'
import { merchants, serviceProviders, type MerchantRow, type ServiceProviderRow } from '../tenancy/tenancy.schema'
import { orders, paymentIncidents, refunds, type OrderRow, type RefundRow } from './payment.schema'
import { findOrderByOutTradeNo, insertOrder, transitionOrder, transitionRefund } from './payment.repo'

/**
 * What else must happen when money moves, written in the same transaction as the state change
 * (outbox jobs: trade-complete callbacks, clerk messages, printing). Called once per real change,
 * never for a duplicate.
 */
export interface PaymentEvents {
  paid: (tx: Tx, order: OrderRow) => Promise<void>
  refunded: (tx: Tx, refund: RefundRow, order: OrderRow) => Promise<void>
}

export const NO_PAYMENT_EVENTS: PaymentEvents = { paid: async () => {}, refunded: async () => {} }

export interface PaymentDeps { db: Db, clock: Clock, newId: IdGenerator, box: SecretBox, channels: ChannelRegistry, publicUrl: string, events?: PaymentEvents }

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
  description: string
  remark?: string
  payerId?: string
  goodsTag?: string
  clientIp?: string
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
  async credentials (exec: Executor, merchantId: string, channel: ChannelName): Promise<ChannelCredentials> {
    const [row] = await exec.select({ m: merchants, sp: serviceProviders }).from(merchants)
      .innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId)).where(eq(merchants.id, merchantId))
    if (row === undefined) throw new AppError('not_found', 'merchant_not_found')
    return channel === 'wechat_pay' ? this.#wechat(row.sp, row.m) : this.#alipay(row.sp, row.m)
  }

  /**
   * Writes the order, asks the channel, and records what it said. A channel that does not answer
   * leaves the order pending for the reconciliation job; it is never guessed.
   */
  async create (input: CreateOrderInput): Promise<{ order: OrderRow, clientParams?: ClientPayParams }> {
    const channel = channelOf(input.method)
    const [merchant] = await this.deps.db.select().from(merchants).where(eq(merchants.id, input.merchantId))
    if (merchant === undefined) throw new AppError('not_found', 'merchant_not_found')
    const creds = await this.credentials(this.deps.db, merchant.id, channel)
    const now = this.deps.clock.now()
    const id = this.deps.newId('ord')
    // The order number is the merchant's prefix and our id's random part: ≤ 32 characters, unique.
    const outTradeNo = `${merchant.orderPrefix}${id.slice(4)}`
    const order = await insertOrder(this.deps.db, {
      id,
      spId: merchant.spId,
      sspId: merchant.sspId,
      merchantId: merchant.id,
      storeId: input.storeId ?? null,
      staffId: input.staffId ?? null,
      qrCodeId: input.qrCodeId ?? null,
      sourceType: input.sourceType,
      tradeType: input.tradeType,
      payPlatform: channel,
      method: input.method,
      outTradeNo,
      amountFen: input.amountFen,
      status: 'created',
      description: input.description,
      remark: input.remark ?? null,
      goodsTag: input.goodsTag ?? null,
      payerId: input.payerId ?? null,
      expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
      createdAt: now,
      updatedAt: now,
    })
    if (order === undefined) throw new AppError('conflict', 'order_state_conflict', '订单号重复')
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
    const creds = await this.credentials(this.deps.db, order.merchantId, channel)
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
    await this.#applyOutcome(order, note.outcome)
    return { ok: true }
  }

  async byOutTradeNo (outTradeNo: string): Promise<OrderRow | undefined> {
    return await findOrderByOutTradeNo(this.deps.db, outTradeNo)
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
        return await this.deps.db.transaction(async (tx) => {
          const moved = await transitionOrder(tx, order.id, 'succeeded', { channelTxnId: outcome.channelTxnId, paidAt: outcome.paidAt, channelRaw: outcome.raw as object }, now)
          if (moved.changed) await this.#events.paid(tx, moved.row)
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

  #wechat (sp: ServiceProviderRow, m: MerchantRow): ChannelCredentials {
    const open = (v: string | null, column: string): string => {
      if (v === null) throw new AppError('conflict', 'wechat_pay_not_configured')
      return this.deps.box.open(v, spSecretContext(sp.id, column)).reveal()
    }
    const spAppId = sp.oaAuthorizerAppId ?? sp.wxOaAppId
    if (sp.wxMchId === null || sp.wxCertificateSerial === null || spAppId === null) throw new AppError('conflict', 'wechat_pay_not_configured')
    return {
      channel: 'wechat_pay',
      spMchId: sp.wxMchId,
      subMchId: m.wxSubMchId,
      spAppId,
      certificateSerial: sp.wxCertificateSerial,
      privateKey: open(sp.wxPrivateKeySealed, 'wx_private_key'),
      apiV3Key: open(sp.wxApiV3KeySealed, 'wx_api_v3_key'),
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
}
