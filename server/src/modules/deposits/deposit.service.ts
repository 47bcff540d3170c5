import { and, eq, sql } from 'drizzle-orm'
import { AppError, fen, type Fen, type IdGenerator } from '@yima/shared'
import type { DepositAdapter, FreezeOutcome, UnfreezeOutcome } from '../../channels/deposits'
import type { DepositRegistry } from '../../channels/registry'
import type { ChannelCredentials, ChannelName, ChannelOutcome } from '../../channels/types'
import type { Clock } from '../../clock'
import type { Db, Executor, Tx } from '../../db/client'
import type { JobHandler, Outbox } from '../../outbox'
import { ORDER_TTL_MS, type PaymentEvents, type PaymentService } from '../payments/payment.service'
import { insertOrder, transitionOrder } from '../payments/payment.repo'
import { orders, paymentIncidents, type OrderRow } from '../payments/payment.schema'
import { isOpen, NotSettledYet } from '../payments/reconcile.jobs'
import type { RefundOperator } from '../payments/refund.service'
import type { MerchantRow, StoreRow } from '../tenancy/tenancy.schema'
import { depositUnfreezes, deposits, type DepositRow, type DepositStatus, type DepositUnfreezeRow } from './deposits.schema'

export const DEPOSIT_SYNC_TOPIC = 'deposits.sync'
export type DepositSyncPayload = { kind: 'freeze', depositId: string } | { kind: 'consume', orderId: string } | { kind: 'unfreeze', unfreezeId: string }

/** 刷卡押金: like a micropay, the customer has this long to confirm before the freeze is cancelled. */
export const MICRO_FREEZE_DEADLINE_MS = 45_000
/** 扫码押金: how long the QR can be scanned. */
export const SCAN_FREEZE_TTL_MS = 15 * 60_000
/** The first look at anything a channel has not settled, and the spacing of the next ones. */
const SYNC_EVERY_MS = 5_000

const OPEN_DEPOSIT: ReadonlySet<DepositStatus> = new Set(['created', 'pending'])
export const depositIsOpen = (d: Pick<DepositRow, 'status'>): boolean => OPEN_DEPOSIT.has(d.status)
export const depositRest = (d: Pick<DepositRow, 'amountFen' | 'consumedFen' | 'unfrozenFen'>): Fen => fen(d.amountFen - d.consumedFen - d.unfrozenFen)
export const depositMethod = (platform: ChannelName): string => `${platform === 'wechat_pay' ? 'wechat' : 'alipay'}_deposit`

export interface DepositDeps { db: Db, clock: Clock, newId: IdGenerator, outbox: Outbox, payments: PaymentService, adapters: DepositRegistry }

export interface FreezeInput {
  merchant: MerchantRow
  store: StoreRow
  platform: ChannelName
  kind: 'micro' | 'scan'
  outFreezeNo: string
  amountFen: Fen
  description: string
  remark?: string
  authCode?: string
  staffId?: string
  deviceId?: string
  clientIp?: string
  contentHash?: string
}

export interface ConsumeInput {
  deposit: DepositRow
  outTradeNo: string
  amountFen: Fen
  /** is_confirm_unfreeze: release what stays frozen once this consumption is paid. */
  complete: boolean
  description: string
  remark?: string
  staffId?: string
  deviceId?: string
  callbackUrl?: string
  contentHash?: string
}

export interface UnfreezeInput {
  deposit: DepositRow
  outUnfreezeNo: string
  amountFen: Fen
  remark?: string
  operator: RefundOperator
  contentHash?: string
}

/**
 * Deposits (押金, P8): freeze, consume, unfreeze, over the channels' deposit APIs. Every amount
 * moves under the deposit's row lock and is reserved before a channel is asked; what a channel
 * says is applied by compare-and-set; anything unsettled has an outbox job that asks again (and
 * cancels a freeze nobody confirmed), so nothing is left frozen by a lost answer.
 */
export class DepositService {
  /** How long a micro freeze's request waits for a customer confirming on the phone (real time, as MicropayService's; tests shorten it). */
  inlineWait = { totalMs: 10_000, everyMs: 2_000 }

  constructor (private readonly d: DepositDeps) {}

  /** A consumption's payment settles the deposit in the payment's own transaction. */
  readonly events: PaymentEvents = {
    paid: async (tx, order) => { if (order.depositId !== null) await this.#settleConsumption(tx, order) },
    refunded: async () => {},
  }

  /** 押金权限, 退款 API 权限, and no 买单 channel (seed 004). */
  checkPermitted (merchant: MerchantRow, platform: ChannelName): void {
    if (!merchant.depositEnabled) throw new AppError('permission', 'deposit_not_enabled', '商户未开通押金权限')
    if (!merchant.refundApiEnabled) throw new AppError('permission', 'refund_api_not_enabled', '商户未开通退款 API 权限，不能使用押金')
    if (platform === 'wechat_pay' && merchant.wxChannel === 'maidan') throw new AppError('conflict', 'deposit_not_on_maidan', '买单渠道暂不支持押金功能')
  }

  async byId (id: string): Promise<DepositRow | null> {
    const [row] = await this.d.db.select().from(deposits).where(eq(deposits.id, id))
    return row ?? null
  }

  async byOutFreezeNo (outFreezeNo: string): Promise<DepositRow | undefined> {
    const [row] = await this.d.db.select().from(deposits).where(eq(deposits.outFreezeNo, outFreezeNo))
    return row
  }

  /** The whole deposit's amount (WeChat refunds of a consumption name it). */
  async freezeFen (depositId: string): Promise<Fen> {
    return (await this.#deposit(depositId)).amountFen
  }

  async unfreezes (depositId: string): Promise<DepositUnfreezeRow[]> {
    return await this.d.db.select().from(depositUnfreezes).where(eq(depositUnfreezes.depositId, depositId)).orderBy(depositUnfreezes.createdAt, depositUnfreezes.id)
  }

  async consumptions (depositId: string): Promise<OrderRow[]> {
    return await this.d.db.select().from(orders).where(eq(orders.depositId, depositId)).orderBy(orders.createdAt, orders.id)
  }

  /**
   * 押金冻结. The deposit row and its sync job are written before the channel is asked; a micro
   * freeze waits a few seconds for a customer confirming on the phone, then the job takes over.
   */
  async freeze (i: FreezeInput): Promise<DepositRow> {
    const inlineWait = this.inlineWait
    this.checkPermitted(i.merchant, i.platform)
    const adapter = this.d.adapters[i.platform]
    if (i.kind === 'scan' && adapter.scanFreeze === null) throw new AppError('conflict', 'scan_freeze_unsupported', '微信支付不支持扫码押金，请使用刷卡押金')
    if (i.kind === 'micro' && i.authCode === undefined) throw new AppError('invalid_request', 'auth_code_invalid', undefined, { param: 'author_code' })
    const creds = await this.d.payments.credentials(this.d.db, i.merchant.id, i.platform, { wxSubMchId: i.store.wxSubMchId })
    const now = this.d.clock.now()
    const id = this.d.newId('dep')
    const deposit = await this.d.db.transaction(async (tx) => {
      const [row] = await tx.insert(deposits).values({
        id,
        spId: i.merchant.spId,
        sspId: i.merchant.sspId,
        merchantId: i.merchant.id,
        storeId: i.store.id,
        staffId: i.staffId ?? null,
        deviceId: i.deviceId ?? null,
        payPlatform: i.platform,
        kind: i.kind,
        wxSubMchId: creds.channel === 'wechat_pay' ? creds.subMchId : null,
        outFreezeNo: i.outFreezeNo,
        amountFen: i.amountFen,
        status: 'created',
        description: i.description,
        remark: i.remark ?? null,
        contentHash: i.contentHash ?? null,
        expiresAt: new Date(now.getTime() + (i.kind === 'micro' ? MICRO_FREEZE_DEADLINE_MS : SCAN_FREEZE_TTL_MS)),
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      if (row === undefined) throw new AppError('conflict', 'deposit_number_taken', '押金单号已被使用')
      await this.#schedule(tx, { kind: 'freeze', depositId: id }, id)
      return row
    })
    if (i.kind === 'scan' && adapter.scanFreeze !== null) {
      const { outcome, qrCode } = await adapter.scanFreeze({ outFreezeNo: i.outFreezeNo, amountFen: i.amountFen, description: i.description, expiresAt: deposit.expiresAt }, creds)
      const withQr = qrCode === undefined ? deposit : await this.#patch(deposit, { qrCode })
      return await this.applyFreeze(withQr, outcome)
    }
    let current = await this.applyFreeze(deposit, await adapter.microFreeze({
      outFreezeNo: i.outFreezeNo, amountFen: i.amountFen, description: i.description, authCode: i.authCode ?? '', ...(i.clientIp === undefined ? {} : { clientIp: i.clientIp }),
    }, creds))
    const started = Date.now()
    while (depositIsOpen(current) && Date.now() - started + inlineWait.everyMs <= inlineWait.totalMs) {
      await new Promise((resolve) => setTimeout(resolve, inlineWait.everyMs))
      current = await this.refreshFreeze(current)
    }
    return current
  }

  /** What a channel said about a freeze, applied by compare-and-set on the status read. */
  async applyFreeze (deposit: DepositRow, outcome: FreezeOutcome): Promise<DepositRow> {
    switch (outcome.kind) {
      case 'frozen':
        if (outcome.amountFen !== deposit.amountFen) {
          await this.#incident('deposit_amount_mismatch', { depositId: deposit.id, expected: deposit.amountFen, reported: outcome.amountFen })
          return deposit
        }
        if (!depositIsOpen(deposit)) {
          if (deposit.status === 'cancelled' || deposit.status === 'failed') await this.#incident('deposit_late_freeze', { depositId: deposit.id, status: deposit.status })
          return deposit
        }
        return await this.#move(deposit, 'frozen', { channelFreezeId: outcome.channelFreezeId, payerId: outcome.payerId ?? null, frozenAt: outcome.frozenAt, channelRaw: outcome.raw as object }, outcome)
      case 'pending':
        if (deposit.status !== 'created') return deposit
        return await this.#move(deposit, 'pending', outcome.channelFreezeId === undefined ? {} : { channelFreezeId: outcome.channelFreezeId }, outcome)
      case 'failed':
        if (!depositIsOpen(deposit)) return deposit
        return await this.#move(deposit, outcome.code === 'CANCELLED' ? 'cancelled' : 'failed', { failureCode: outcome.code, channelRaw: outcome.raw as object }, outcome)
      case 'unknown':
        if (deposit.status !== 'created') return deposit
        return await this.#move(deposit, 'pending', {}, outcome)
    }
  }

  /** Asks the channel about a freeze still open. */
  async refreshFreeze (deposit: DepositRow): Promise<DepositRow> {
    if (!depositIsOpen(deposit)) return deposit
    const creds = await this.#creds(deposit)
    return await this.applyFreeze(deposit, await this.d.adapters[deposit.payPlatform].queryFreeze(deposit.outFreezeNo, creds))
  }

  /**
   * 押金消费: an order paid out of the frozen amount. The amount is reserved on the deposit in
   * the order's insert; a refusal gives it back; the payment's `paid` event settles the deposit.
   */
  async consume (i: ConsumeInput): Promise<OrderRow> {
    const platform = i.deposit.payPlatform
    // WeChat consumes a deposit once and returns the rest itself.
    const complete = platform === 'wechat_pay' ? true : i.complete
    const now = this.d.clock.now()
    const id = this.d.newId('ord')
    const order = await this.d.db.transaction(async (tx) => {
      const deposit = await this.#lock(tx, i.deposit.id)
      this.#checkMovable(deposit)
      if (platform === 'wechat_pay' && (deposit.consumedFen > 0 || deposit.unfrozenFen > 0)) throw new AppError('conflict', 'deposit_consumed', '微信押金只能消费一次')
      if (i.amountFen > depositRest(deposit)) throw new AppError('conflict', 'deposit_insufficient', `押金余额不足：剩余 ${depositRest(deposit)} 分`)
      // What the completing consumption releases must be exactly what is left when it is paid.
      if (complete && await this.#inFlight(tx, deposit.id)) throw new AppError('conflict', 'deposit_busy')
      const inserted = await insertOrder(tx, {
        id,
        spId: deposit.spId,
        sspId: deposit.sspId,
        merchantId: deposit.merchantId,
        storeId: deposit.storeId,
        staffId: i.staffId ?? deposit.staffId,
        deviceId: i.deviceId ?? deposit.deviceId,
        wxSubMchId: deposit.wxSubMchId,
        sourceType: 'one_code',
        tradeType: 'micropay',
        payPlatform: platform,
        method: depositMethod(platform),
        outTradeNo: i.outTradeNo,
        contentHash: i.contentHash ?? null,
        amountFen: i.amountFen,
        status: 'created',
        description: i.description,
        remark: i.remark ?? null,
        callbackUrl: i.callbackUrl ?? null,
        payerId: deposit.payerId,
        depositId: deposit.id,
        expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
        createdAt: now,
        updatedAt: now,
      })
      if (inserted === undefined) throw new AppError('conflict', 'order_state_conflict', '订单号重复')
      await tx.update(deposits).set({
        consumedFen: sql`${deposits.consumedFen} + ${i.amountFen}`,
        completingOrderId: complete ? inserted.id : null,
        updatedAt: now,
      }).where(eq(deposits.id, deposit.id))
      await this.#schedule(tx, { kind: 'consume', orderId: inserted.id }, inserted.id)
      return inserted
    })
    return await this.applyConsume(order, await this.d.adapters[platform].consume(this.#consumeInput(i.deposit, order, complete), await this.#creds(i.deposit)))
  }

  /** What a channel said about a consumption: paid through PaymentService (its events settle the deposit), or refused (the reservation returns). */
  async applyConsume (order: OrderRow, outcome: ChannelOutcome): Promise<OrderRow> {
    switch (outcome.kind) {
      case 'succeeded': return await this.d.payments.applyOutcome(order, outcome)
      case 'failed': {
        if (!isOpen(order)) return order
        const now = this.d.clock.now()
        return await this.d.db.transaction(async (tx) => {
          const moved = await transitionOrder(tx, order.id, 'failed', { failureCode: outcome.code, channelRaw: outcome.raw as object }, now)
          if (moved.changed && order.depositId !== null) {
            const deposit = await this.#lock(tx, order.depositId)
            await tx.update(deposits).set({
              consumedFen: sql`${deposits.consumedFen} - ${order.amountFen}`,
              completingOrderId: deposit.completingOrderId === order.id ? null : deposit.completingOrderId,
              updatedAt: now,
            }).where(eq(deposits.id, deposit.id))
          }
          return moved.row
        })
      }
      case 'pending':
      case 'unknown':
        if (order.status !== 'created') return order
        return (await transitionOrder(this.d.db, order.id, 'pending', {}, this.d.clock.now())).row
    }
  }

  /** 押金解冻: the amount is reserved (unfrozen_fen) before the channel is asked; a refusal gives it back. */
  async unfreeze (i: UnfreezeInput): Promise<DepositUnfreezeRow> {
    const platform = i.deposit.payPlatform
    const now = this.d.clock.now()
    const id = this.d.newId('unf')
    const row = await this.d.db.transaction(async (tx) => {
      const deposit = await this.#lock(tx, i.deposit.id)
      this.#checkMovable(deposit)
      if (platform === 'wechat_pay' && (deposit.consumedFen > 0 || deposit.unfrozenFen > 0 || i.amountFen !== deposit.amountFen)) {
        throw new AppError('conflict', 'deposit_partial_unfreeze', `微信押金只能全额解冻（${deposit.amountFen} 分），且须在消费之前`)
      }
      if (i.amountFen > depositRest(deposit)) throw new AppError('conflict', 'deposit_insufficient', `押金余额不足：剩余 ${depositRest(deposit)} 分`)
      const [inserted] = await tx.insert(depositUnfreezes).values({
        id,
        depositId: deposit.id,
        spId: deposit.spId,
        merchantId: deposit.merchantId,
        outUnfreezeNo: i.outUnfreezeNo,
        amountFen: i.amountFen,
        status: 'processing',
        remark: i.remark ?? null,
        operatorKind: i.operator.kind,
        operatorId: i.operator.id,
        contentHash: i.contentHash ?? null,
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      if (inserted === undefined) throw new AppError('conflict', 'unfreeze_number_taken', '解冻单号已被使用')
      await tx.update(deposits).set({ unfrozenFen: sql`${deposits.unfrozenFen} + ${i.amountFen}`, updatedAt: now }).where(eq(deposits.id, deposit.id))
      await this.#schedule(tx, { kind: 'unfreeze', unfreezeId: id }, id)
      return inserted
    })
    return await this.applyUnfreeze(row, await this.d.adapters[platform].unfreeze(this.#unfreezeInput(i.deposit, row), await this.#creds(i.deposit)))
  }

  async applyUnfreeze (row: DepositUnfreezeRow, outcome: UnfreezeOutcome): Promise<DepositUnfreezeRow> {
    if (outcome.kind !== 'succeeded' && outcome.kind !== 'failed') return row
    if (outcome.kind === 'succeeded' && outcome.amountFen !== row.amountFen) {
      await this.#incident('unfreeze_amount_mismatch', { unfreezeId: row.id, expected: row.amountFen, reported: outcome.amountFen })
      return row
    }
    const now = this.d.clock.now()
    return await this.d.db.transaction(async (tx) => {
      const deposit = await this.#lock(tx, row.depositId)
      const [moved] = await tx.update(depositUnfreezes).set(outcome.kind === 'succeeded'
        ? { status: 'succeeded', channelUnfreezeId: outcome.channelUnfreezeId ?? null, unfrozenAt: outcome.unfrozenAt, channelRaw: outcome.raw as object, updatedAt: now }
        : { status: 'failed', failureCode: outcome.code, channelRaw: outcome.raw as object, updatedAt: now })
        .where(and(eq(depositUnfreezes.id, row.id), eq(depositUnfreezes.status, 'processing'))).returning()
      if (moved === undefined) {
        const [current] = await tx.select().from(depositUnfreezes).where(eq(depositUnfreezes.id, row.id))
        if (current !== undefined && current.status !== outcome.kind) await this.#incident('unfreeze_state_conflict', { unfreezeId: row.id, recorded: current.status, reported: outcome.kind })
        return current ?? row
      }
      if (outcome.kind === 'failed') {
        await tx.update(deposits).set({ unfrozenFen: sql`${deposits.unfrozenFen} - ${row.amountFen}`, updatedAt: now }).where(eq(deposits.id, deposit.id))
      } else {
        await this.#finishIfSpent(tx, deposit.id, now)
      }
      return moved
    })
  }

  /** The outbox's handler: freezes, consumptions and unfreezes still unsettled are asked about again. */
  handler (): JobHandler<DepositSyncPayload> {
    return {
      backoffMs: [0, SYNC_EVERY_MS, SYNC_EVERY_MS, 15_000, 30_000, 60_000, 300_000, 900_000, 3_600_000],
      maxAttempts: 40,
      timeoutMs: 30_000,
      handle: async (p) => await this.sync(p),
    }
  }

  async sync (p: DepositSyncPayload): Promise<Record<string, unknown>> {
    switch (p.kind) {
      case 'freeze': return await this.#syncFreeze(p.depositId)
      case 'consume': return await this.#syncConsume(p.orderId)
      case 'unfreeze': return await this.#syncUnfreeze(p.unfreezeId)
    }
  }

  /** Open: ask; past its deadline, cancel at the channel, and follow only what the channel confirms. */
  async #syncFreeze (depositId: string): Promise<Record<string, unknown>> {
    const [row] = await this.d.db.select().from(deposits).where(eq(deposits.id, depositId))
    if (row === undefined) return { skipped: 'no such deposit' }
    const current = await this.refreshFreeze(row)
    if (!depositIsOpen(current)) return { status: current.status }
    if (this.d.clock.now() < current.expiresAt) throw new NotSettledYet('the customer has not confirmed the freeze yet')
    const cancelled = await this.applyFreeze(current, await this.d.adapters[current.payPlatform].cancelFreeze(current.outFreezeNo, await this.#creds(current)))
    if (depositIsOpen(cancelled)) throw new NotSettledYet('cancel not confirmed by the channel')
    return { status: cancelled.status }
  }

  /** A consumption without an answer: asked about, and sent again while the channel shows none (both channels are idempotent there). */
  async #syncConsume (orderId: string): Promise<Record<string, unknown>> {
    const [order] = await this.d.db.select().from(orders).where(eq(orders.id, orderId))
    if (order === undefined || order.depositId === null) return { skipped: 'no such consumption' }
    if (!isOpen(order)) return { status: order.status }
    const deposit = await this.#deposit(order.depositId)
    const adapter = this.d.adapters[deposit.payPlatform]
    const creds = await this.#creds(deposit)
    const input = this.#consumeInput(deposit, order, deposit.completingOrderId === order.id)
    let outcome = await adapter.queryConsume(input, creds)
    if (outcome.kind === 'pending') outcome = await adapter.consume(input, creds)
    const applied = await this.applyConsume(order, outcome)
    if (isOpen(applied)) throw new NotSettledYet(`consumption still ${outcome.kind}`)
    return { status: applied.status }
  }

  async #syncUnfreeze (unfreezeId: string): Promise<Record<string, unknown>> {
    const [row] = await this.d.db.select().from(depositUnfreezes).where(eq(depositUnfreezes.id, unfreezeId))
    if (row === undefined) return { skipped: 'no such unfreeze' }
    if (row.status !== 'processing') return { status: row.status }
    const deposit = await this.#deposit(row.depositId)
    const adapter = this.d.adapters[deposit.payPlatform]
    const creds = await this.#creds(deposit)
    let outcome = await adapter.queryUnfreeze(this.#unfreezeInput(deposit, row), creds)
    if (outcome.kind === 'pending') outcome = await adapter.unfreeze(this.#unfreezeInput(deposit, row), creds)
    const applied = await this.applyUnfreeze(row, outcome)
    if (applied.status === 'processing') throw new NotSettledYet(`unfreeze still ${outcome.kind}`)
    return { status: applied.status }
  }

  /** Asks about a consumption or unfreeze still unsettled (query_order / query_unfreeze_order), without waiting for the job. */
  async refreshConsume (order: OrderRow): Promise<OrderRow> {
    if (!isOpen(order) || order.depositId === null) return order
    try { await this.#syncConsume(order.id) } catch (err) { if (!(err instanceof NotSettledYet)) throw err }
    const [current] = await this.d.db.select().from(orders).where(eq(orders.id, order.id))
    return current ?? order
  }

  async refreshUnfreeze (row: DepositUnfreezeRow): Promise<DepositUnfreezeRow> {
    if (row.status !== 'processing') return row
    try { await this.#syncUnfreeze(row.id) } catch (err) { if (!(err instanceof NotSettledYet)) throw err }
    const [current] = await this.d.db.select().from(depositUnfreezes).where(eq(depositUnfreezes.id, row.id))
    return current ?? row
  }

  /** In the payment's transaction: a completing consumption releases the rest; a deposit with nothing left is finished. */
  async #settleConsumption (tx: Tx, order: OrderRow): Promise<void> {
    if (order.depositId === null) return
    const deposit = await this.#lock(tx, order.depositId)
    const now = this.d.clock.now()
    if (deposit.completingOrderId === order.id) {
      await tx.update(deposits).set({ unfrozenFen: fen(deposit.amountFen - deposit.consumedFen), completingOrderId: null, status: 'finished', updatedAt: now }).where(eq(deposits.id, deposit.id))
      return
    }
    await this.#finishIfSpent(tx, deposit.id, now)
  }

  /** Finished when everything is consumed or released and nothing is on its way. */
  async #finishIfSpent (tx: Tx, depositId: string, now: Date): Promise<void> {
    const deposit = await this.#lock(tx, depositId)
    if (deposit.status !== 'frozen' || depositRest(deposit) > 0 || deposit.completingOrderId !== null) return
    if (await this.#inFlight(tx, depositId)) return
    await tx.update(deposits).set({ status: 'finished', updatedAt: now }).where(eq(deposits.id, depositId))
  }

  /** A consumption or release of this deposit the channel has not settled yet. */
  async #inFlight (tx: Executor, depositId: string): Promise<boolean> {
    const [unfreezing] = await tx.select({ id: depositUnfreezes.id }).from(depositUnfreezes).where(and(eq(depositUnfreezes.depositId, depositId), eq(depositUnfreezes.status, 'processing'))).limit(1)
    const [consuming] = await tx.select({ id: orders.id }).from(orders).where(and(eq(orders.depositId, depositId), sql`${orders.status} in ('created', 'pending')`)).limit(1)
    return unfreezing !== undefined || consuming !== undefined
  }

  #checkMovable (deposit: DepositRow): void {
    if (deposit.status !== 'frozen') throw new AppError('conflict', 'deposit_not_frozen', deposit.status === 'finished' ? '押金已全部消费或解冻' : '押金未冻结成功')
    if (deposit.completingOrderId !== null) throw new AppError('conflict', 'deposit_completing', '押金正在完成消费，请稍后查询')
  }

  #consumeInput (deposit: DepositRow, order: OrderRow, complete: boolean): Parameters<DepositAdapter['consume']>[0] {
    return {
      outFreezeNo: deposit.outFreezeNo,
      channelFreezeId: deposit.channelFreezeId ?? '',
      freezeFen: deposit.amountFen,
      outTradeNo: order.outTradeNo,
      amountFen: order.amountFen,
      description: order.description,
      ...(deposit.payerId === null ? {} : { payerId: deposit.payerId }),
      complete,
    }
  }

  #unfreezeInput (deposit: DepositRow, row: DepositUnfreezeRow): Parameters<DepositAdapter['unfreeze']>[0] {
    return {
      outFreezeNo: deposit.outFreezeNo,
      channelFreezeId: deposit.channelFreezeId ?? '',
      outUnfreezeNo: row.outUnfreezeNo,
      amountFen: row.amountFen,
      freezeFen: deposit.amountFen,
      ...(row.remark === null ? {} : { remark: row.remark }),
    }
  }

  async #creds (deposit: DepositRow): Promise<ChannelCredentials> {
    return await this.d.payments.credentials(this.d.db, deposit.merchantId, deposit.payPlatform, { wxSubMchId: deposit.wxSubMchId })
  }

  async #deposit (id: string): Promise<DepositRow> {
    const [row] = await this.d.db.select().from(deposits).where(eq(deposits.id, id))
    if (row === undefined) throw new Error(`deposit ${id} does not exist`)
    return row
  }

  async #lock (tx: Executor, id: string): Promise<DepositRow> {
    const [row] = await tx.select().from(deposits).where(eq(deposits.id, id)).for('update')
    if (row === undefined) throw new AppError('not_found', 'deposit_not_found', '押金单不存在')
    return row
  }

  async #schedule (tx: Tx, payload: DepositSyncPayload, key: string): Promise<void> {
    await this.d.outbox.enqueue(tx, { topic: DEPOSIT_SYNC_TOPIC, payload, dedupeKey: `${payload.kind}:${key}`, runAt: new Date(this.d.clock.now().getTime() + SYNC_EVERY_MS) })
  }

  /** Compare-and-set from the status read; when another answer moved it meanwhile, this one is applied to what it is now. */
  async #move (deposit: DepositRow, to: DepositStatus, patch: Partial<typeof deposits.$inferInsert>, outcome: FreezeOutcome): Promise<DepositRow> {
    const now = this.d.clock.now()
    const [moved] = await this.d.db.update(deposits).set({ ...patch, status: to, updatedAt: now })
      .where(and(eq(deposits.id, deposit.id), eq(deposits.status, deposit.status))).returning()
    if (moved !== undefined) return moved
    const current = await this.#deposit(deposit.id)
    return current.status === deposit.status ? current : await this.applyFreeze(current, outcome)
  }

  async #patch (deposit: DepositRow, patch: Partial<typeof deposits.$inferInsert>): Promise<DepositRow> {
    const [row] = await this.d.db.update(deposits).set(patch).where(eq(deposits.id, deposit.id)).returning()
    return row ?? deposit
  }

  async #incident (kind: string, detail: Record<string, unknown>): Promise<void> {
    await this.d.db.insert(paymentIncidents).values({ id: this.d.newId('inc'), orderId: null, kind, detail, createdAt: this.d.clock.now() })
  }
}
