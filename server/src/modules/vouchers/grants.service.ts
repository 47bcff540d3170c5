import { randomInt } from 'node:crypto'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import {
  AppError, type ClaimedVoucherDto, type ClaimVoucherBody, type IdGenerator, type MerchantVoucherPageDto, type PayCompleteOffersDto, type PayerPlatform,
  type VoucherOfferDto,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db, Executor, Tx } from '../../db/client'
import { PermanentJobError, type JobHandler, type Outbox } from '../../outbox'
import type { Payer } from '../payments/payer-session'
import { orders, type OrderRow } from '../payments/payment.schema'
import type { PaymentEvents, PaymentVoucher } from '../payments/payment.service'
import { ALL_SCOPE } from '../tenancy/scope'
import type { TenancyServices } from '../tenancy/routes'
import { serviceProviders } from '../tenancy/tenancy.schema'
import { voucherApiFailure, type VoucherSigners } from './signers'
import { voucherBatches, voucherGrants, voucherPages, voucherStorePauses, type GrantReason, type VoucherBatchRow, type VoucherGrantRow } from './vouchers.schema'

export const VOUCHER_SEND_TOPIC = 'vouchers.send'
/** A claim answered at once still gets a job, in case its answer is lost: it finds the voucher sent and stops. */
const SAFETY_NET_MS = 60_000
const HELD: VoucherGrantRow['status'][] = ['pending', 'sent', 'redeemed']
/** Clocks differ a little: a batch starting within this much is already offered (WeChat decides at sending). */
const CLOCK_SKEW_MS = 5 * 60_000

const available = (b: VoucherBatchRow, now: Date): boolean => b.availableFrom.getTime() <= now.getTime() + CLOCK_SKEW_MS && now < b.availableTo

export interface GrantDeps { db: Db, clock: Clock, newId: IdGenerator, outbox: Outbox, signers: VoucherSigners, tenancy: TenancyServices }

/** Who gets a voucher and why; `outRequestNo` makes WeChat send it once however often it is asked. */
interface Grant { openid: string, appId: string, reason: GrantReason, storeId: string | null, orderId: string | null, outRequestNo: string }

/**
 * Handing vouchers out (C1, C3): gifts written in the transaction of the payment or card
 * activation that earned them and sent by an outbox job; claims on the pay-complete page and the
 * merchant's page sent while the customer waits. Every voucher is a grant row first, so nothing
 * is sent twice and nothing sent is forgotten; payments that used one mark it redeemed.
 */
export class VoucherGrantService {
  constructor (private readonly d: GrantDeps) {}

  /** What follows a payment: its vouchers marked redeemed, and the 消费有礼 it earned. */
  readonly events: PaymentEvents = {
    paid: async (tx, order, vouchers) => {
      await this.#redeemed(tx, order, vouchers)
      await this.#spendGifts(tx, order)
    },
    refunded: async () => {},
  }

  /** 开卡有礼: a card's first activation earns the merchant's card-gift vouchers. */
  async cardActivated (tx: Tx, o: { merchantId: string, openid: string, appId: string, memberId: string }): Promise<void> {
    for (const batch of await this.#usable(tx, o.merchantId, 'card_gift', null)) {
      await this.#queue(tx, batch, { openid: o.openid, appId: o.appId, reason: 'card_gift', storeId: null, orderId: null, outRequestNo: `cg${o.memberId}${batch.id}` })
    }
  }

  /** C3: the merchant's main voucher and one of its reward batches, picked at random, for the payer of a paid order. */
  async payCompleteOffers (payer: Payer, orderId: string): Promise<PayCompleteOffersDto> {
    const order = await this.#paidOrder(payer, orderId)
    if (order === undefined) return { offers: [] }
    const batches = await this.#usable(this.d.db, order.merchantId, undefined, order.storeId)
    const main = batches.find((b) => b.uses.includes('main'))
    const rewards = batches.filter((b) => b.uses.includes('reward') && b !== main).slice(0, 3)
    const reward = rewards.length === 0 ? undefined : rewards[randomInt(rewards.length)]
    const picked = [...(main === undefined ? [] : [{ batch: main, role: 'main' as const }]), ...(reward === undefined ? [] : [{ batch: reward, role: 'reward' as const }])]
    return { offers: await this.#offers(picked, payer.payerId) }
  }

  /** The merchant's voucher page (商户二维码): every batch it recommends. */
  async page (code: string, o: { platform: PayerPlatform, payer: Payer | undefined, authUrl: string }): Promise<MerchantVoucherPageDto> {
    const [page] = await this.d.db.select().from(voucherPages).where(eq(voucherPages.code, code))
    if (page === undefined) throw new AppError('not_found', 'merchant_not_found', undefined, { param: 'code' })
    const merchant = await this.d.tenancy.merchants.row(ALL_SCOPE, page.merchantId)
    const appId = await this.#payAppId(this.d.db, merchant.spId)
    const known = o.platform === 'wechat' && o.payer?.platform === 'wechat' && o.payer.appId === appId
    const batches = (await this.#usable(this.d.db, merchant.id, undefined, null)).filter((b) => b.uses.includes('main') || b.uses.includes('reward'))
    return {
      merchant: { name: merchant.name, shortName: merchant.shortName, logoUrl: merchant.logoUrl },
      offers: await this.#offers(batches.map((batch) => ({ batch, role: 'page' as const })), known ? o.payer?.payerId ?? null : null),
      platform: o.platform,
      payerKnown: known,
      authUrl: o.authUrl,
    }
  }

  /**
   * A customer claims a recommended voucher. The batch's row lock makes the per-user count and
   * the grant one step, so two taps cannot both pass the limit; WeChat (RULE_LIMIT) checks again.
   */
  async claim (payer: Payer, body: ClaimVoucherBody): Promise<ClaimedVoucherDto> {
    if (payer.platform !== 'wechat') throw new AppError('conflict', 'voucher_wechat_only')
    const [batch] = await this.d.db.select().from(voucherBatches).where(and(eq(voucherBatches.id, body.batchId), isNull(voucherBatches.deletedAt)))
    if (batch === undefined) throw new AppError('not_found', 'voucher_batch_not_found', undefined, { param: 'batchId' })
    if (payer.appId !== await this.#payAppId(this.d.db, batch.spId)) throw new AppError('authentication', 'payer_unknown')
    if (!batch.uses.includes('main') && !batch.uses.includes('reward')) throw new AppError('conflict', 'voucher_not_offered')
    let storeId: string | null = null
    if (body.orderId !== undefined) {
      const order = await this.#paidOrder(payer, body.orderId)
      if (order === undefined || order.merchantId !== batch.merchantId) throw new AppError('not_found', 'order_not_found', undefined, { param: 'orderId' })
      storeId = order.storeId
    }
    const grant = await this.d.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(voucherBatches).where(eq(voucherBatches.id, batch.id)).for('update')
      if (locked === undefined) throw new AppError('not_found', 'voucher_batch_not_found')
      await this.#requireIssuable(tx, locked, storeId)
      if (await this.#held(tx, locked.id, payer.payerId) >= locked.maxPerUser) throw new AppError('conflict', 'voucher_limit_reached')
      const id = this.d.newId('vgr')
      const row = await this.#insert(tx, locked, { openid: payer.payerId, appId: payer.appId, reason: body.orderId === undefined ? 'page' : 'pay_complete', storeId, orderId: body.orderId ?? null, outRequestNo: id }, id)
      await this.d.outbox.enqueue(tx, { topic: VOUCHER_SEND_TOPIC, payload: { grantId: row.id }, runAt: new Date(this.d.clock.now().getTime() + SAFETY_NET_MS) })
      return row
    })
    const sent = await this.#send(grant, batch)
    if (sent.status === 'pending') throw new AppError('unavailable', 'channel_unavailable', '代金券正在发放中，请稍后在微信卡包中查看')
    return { batchId: batch.id, couponId: sent.couponId ?? '', name: batch.name, amountFen: batch.amountFen, thresholdFen: batch.thresholdFen, availableTo: batch.availableTo.toISOString() }
  }

  /** Sends a pending grant (the gift jobs, and the claims' safety net). */
  handler (): JobHandler<{ grantId: string }> {
    return {
      backoffMs: [0, 15_000, 60_000, 300_000, 1_800_000, 7_200_000],
      handle: async ({ grantId }) => {
        const [row] = await this.d.db.select({ g: voucherGrants, b: voucherBatches }).from(voucherGrants)
          .innerJoin(voucherBatches, eq(voucherBatches.id, voucherGrants.batchId)).where(eq(voucherGrants.id, grantId))
        if (row === undefined) throw new PermanentJobError(`no grant ${grantId}`)
        if (row.g.status !== 'pending') return { status: row.g.status }
        // A refusal (limit reached, batch used up) is final: the grant says why; trying again cannot help.
        const after = await this.#send(row.g, row.b).catch((err: unknown) => {
          if (err instanceof AppError) return { status: 'failed' as const, failure: err.message }
          throw err
        })
        // Still pending: WeChat did not answer; the job retries with the same out_request_no.
        if (after.status === 'pending') throw new Error(after.failure ?? 'WeChat did not answer')
        return { status: after.status, ...(after.failure === null ? {} : { failure: after.failure }) }
      },
    }
  }

  /** Asks WeChat for the voucher; the grant's state after the answer (pending when there was none). */
  async #send (grant: VoucherGrantRow, batch: VoucherBatchRow): Promise<VoucherGrantRow> {
    const now = (): Date => this.d.clock.now()
    try {
      const signer = await this.d.signers.forBatch(batch)
      const { couponId } = await this.d.signers.api.sendCoupon(signer, { openid: grant.openid, stockId: batch.stockId, creatorMchId: batch.creatorMchId, appId: grant.appId, outRequestNo: grant.outRequestNo })
      const [sent] = await this.d.db.update(voucherGrants).set({ status: 'sent', couponId, failure: null, updatedAt: now() })
        .where(and(eq(voucherGrants.id, grant.id), eq(voucherGrants.status, 'pending'))).returning()
      return sent ?? grant
    } catch (err) {
      let mapped: unknown = err
      try { voucherApiFailure(err) } catch (e) { mapped = e }
      const final = mapped instanceof AppError && mapped.type !== 'unavailable'
      const reason = mapped instanceof Error ? mapped.message.slice(0, 300) : String(mapped)
      const [after] = await this.d.db.update(voucherGrants).set({ ...(final ? { status: 'failed' as const } : {}), failure: reason, updatedAt: now() })
        .where(and(eq(voucherGrants.id, grant.id), eq(voucherGrants.status, 'pending'))).returning()
      if (final) throw mapped
      return after ?? grant
    }
  }

  async #redeemed (tx: Tx, order: OrderRow, vouchers: readonly PaymentVoucher[]): Promise<void> {
    const ids = vouchers.map((v) => v.couponId)
    if (ids.length === 0) return
    await tx.update(voucherGrants).set({ status: 'redeemed', redeemedOrderId: order.id, redeemedAt: order.paidAt ?? this.d.clock.now(), updatedAt: this.d.clock.now() })
      .where(and(inArray(voucherGrants.couponId, ids), eq(voucherGrants.status, 'sent')))
  }

  /** 消费有礼: a WeChat payment of at least the batch's minimum earns its voucher, within the per-user limit. */
  async #spendGifts (tx: Tx, order: OrderRow): Promise<void> {
    if (order.payPlatform !== 'wechat_pay' || order.payerId === null || order.sourceType === 'card_recharge' || order.tradeType === 'micropay') return
    const batches = await this.#usable(tx, order.merchantId, 'spend_gift', order.storeId)
    if (batches.length === 0) return
    const appId = await this.#payAppId(tx, order.spId)
    for (const batch of batches) {
      if (order.amountFen < (batch.spendGiftMinFen ?? 0)) continue
      if (await this.#held(tx, batch.id, order.payerId) >= batch.maxPerUser) continue
      await this.#queue(tx, batch, { openid: order.payerId, appId, reason: 'spend_gift', storeId: order.storeId, orderId: order.id, outRequestNo: `sg${order.id}${batch.id}` })
    }
  }

  async #queue (tx: Tx, batch: VoucherBatchRow, g: Grant): Promise<void> {
    const row = await this.#insert(tx, batch, g, this.d.newId('vgr'))
    await this.d.outbox.enqueue(tx, { topic: VOUCHER_SEND_TOPIC, payload: { grantId: row.id }, dedupeKey: row.id })
  }

  async #insert (tx: Tx, batch: VoucherBatchRow, g: Grant, id: string): Promise<VoucherGrantRow> {
    const now = this.d.clock.now()
    await tx.insert(voucherGrants).values({ id, batchId: batch.id, spId: batch.spId, merchantId: batch.merchantId, ...g, status: 'pending', createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: voucherGrants.outRequestNo })
    const [row] = await tx.select().from(voucherGrants).where(eq(voucherGrants.outRequestNo, g.outRequestNo))
    if (row === undefined) throw new Error('grant vanished')
    return row
  }

  /** The merchant's batches that may hand out vouchers now (for `use`, at `storeId`). */
  async #usable (exec: Executor, merchantId: string, use: VoucherBatchRow['uses'][number] | undefined, storeId: string | null): Promise<VoucherBatchRow[]> {
    const now = this.d.clock.now()
    const rows = await exec.select().from(voucherBatches)
      .where(and(eq(voucherBatches.merchantId, merchantId), isNull(voucherBatches.deletedAt), eq(voucherBatches.paused, false), eq(voucherBatches.wechatStatus, 'running')))
      .orderBy(voucherBatches.createdAt)
    const paused = storeId === null ? [] : (await exec.select({ batchId: voucherStorePauses.batchId }).from(voucherStorePauses).where(eq(voucherStorePauses.storeId, storeId))).map((p) => p.batchId)
    return rows.filter((b) => (use === undefined || b.uses.includes(use)) && !paused.includes(b.id) && available(b, now))
  }

  async #requireIssuable (exec: Executor, batch: VoucherBatchRow, storeId: string | null): Promise<void> {
    if (batch.deletedAt !== null) throw new AppError('not_found', 'voucher_batch_not_found')
    if (batch.paused || batch.wechatStatus !== 'running') throw new AppError('conflict', 'voucher_batch_paused')
    if (!available(batch, this.d.clock.now())) throw new AppError('conflict', 'voucher_not_offered', '该代金券不在可领取时间内')
    if (storeId !== null) {
      const [pause] = await exec.select().from(voucherStorePauses).where(and(eq(voucherStorePauses.batchId, batch.id), eq(voucherStorePauses.storeId, storeId)))
      if (pause !== undefined) throw new AppError('conflict', 'voucher_store_paused')
    }
  }

  async #held (exec: Executor, batchId: string, openid: string): Promise<number> {
    const [r] = await exec.select({ n: sql<string>`count(*)` }).from(voucherGrants)
      .where(and(eq(voucherGrants.batchId, batchId), eq(voucherGrants.openid, openid), inArray(voucherGrants.status, HELD)))
    return Number(r?.n ?? 0)
  }

  async #offers (picked: ReadonlyArray<{ batch: VoucherBatchRow, role: VoucherOfferDto['role'] }>, openid: string | null): Promise<VoucherOfferDto[]> {
    return await Promise.all(picked.map(async ({ batch, role }) => ({
      batchId: batch.id,
      name: batch.name,
      amountFen: batch.amountFen,
      thresholdFen: batch.thresholdFen,
      availableTo: batch.availableTo.toISOString(),
      role,
      claimed: openid === null ? 0 : await this.#held(this.d.db, batch.id, openid),
      maxPerUser: batch.maxPerUser,
    })))
  }

  /** The payer's own paid WeChat order (one-code pay), or undefined. */
  async #paidOrder (payer: Payer, orderId: string): Promise<OrderRow | undefined> {
    const [order] = await this.d.db.select().from(orders).where(eq(orders.id, orderId))
    if (order === undefined || order.payerId !== payer.payerId || order.payPlatform !== 'wechat_pay' || payer.platform !== 'wechat' || order.status !== 'succeeded') return undefined
    return order
  }

  /** The official account WeChat Pay charges under: payers' openids, and so vouchers, belong to it. */
  async #payAppId (exec: Executor, spId: string): Promise<string> {
    const [sp] = await exec.select({ a: serviceProviders.oaAuthorizerAppId, b: serviceProviders.wxOaAppId }).from(serviceProviders).where(eq(serviceProviders.id, spId))
    return sp?.a ?? sp?.b ?? ''
  }
}
