import { randomBytes } from 'node:crypto'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import {
  AppError, fen, MAX_REWARD_BATCHES, MAX_VOUCHER_DAYS, scenarioOf, VOUCHER_SCENARIOS, type IdGenerator, type ImportVoucherBatchBody, type MerchantPayCredentialsBody,
  type MerchantPayCredentialsDto, type UpdateVoucherBatchBody, type VoucherBatchDto, type VoucherSetupDto,
} from '@yima/shared'
import type { AuditLog } from '../audit'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { SecretBox } from '../../secrets'
import { auditedBy, type Caller } from '../tenancy/caller'
import type { TenancyServices } from '../tenancy/routes'
import { inScope } from '../tenancy/scope'
import { checkPrivateKey } from '../tenancy/validate'
import type { MerchantRow } from '../tenancy/tenancy.schema'
import { credentialsContext, voucherApiFailure, type VoucherSigners } from './signers'
import { merchantPayCredentials, voucherBatches, voucherGrants, voucherPages, voucherStorePauses, type VoucherBatchRow } from './vouchers.schema'

export interface BatchDeps { db: Db, clock: Clock, newId: IdGenerator, audit: AuditLog, box: SecretBox, publicUrl: string, tenancy: TenancyServices, signers: VoucherSigners }

const DAY_MS = 86_400_000

/**
 * C1 in the console: the merchant's own issuing credentials, the batches imported by stock id
 * with the rules WeChat holds for them, how each is handed out, and pausing (a batch, or a store).
 */
export class VoucherBatchService {
  constructor (private readonly d: BatchDeps) {}

  async setup (caller: Caller, merchantId: string): Promise<VoucherSetupDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const batches = await this.d.db.select().from(voucherBatches).where(and(eq(voucherBatches.merchantId, m.id), isNull(voucherBatches.deletedAt)))
    return { credentials: await this.#credentialsDto(m.id), batches: await this.dtos(batches), pageUrl: `${this.d.publicUrl}/v/${await this.pageCode(m.id)}` }
  }

  async setCredentials (caller: Caller, merchantId: string, body: MerchantPayCredentialsBody): Promise<MerchantPayCredentialsDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    checkPrivateKey(body.privateKey, 'privateKey')
    const now = this.d.clock.now()
    const values = {
      merchantId: m.id,
      spId: m.spId,
      mchIds: body.mchIds,
      certificateSerial: body.certificateSerial.toUpperCase(),
      privateKeySealed: this.d.box.seal(body.privateKey, credentialsContext(m.id, 'private_key')),
      apiV3KeySealed: this.d.box.seal(body.apiV3Key, credentialsContext(m.id, 'api_v3_key')),
      updatedAt: now,
    }
    await this.d.db.transaction(async (tx) => {
      await tx.insert(merchantPayCredentials).values(values).onConflictDoUpdate({ target: merchantPayCredentials.merchantId, set: values })
      await this.d.audit.record(tx, {
        ...auditedBy(caller),
        action: 'merchant.pay_credentials_set',
        target: { type: 'merchant', id: m.id },
        tenantId: m.spId,
        after: { mchIds: body.mchIds, certificateSerial: values.certificateSerial, privateKey: '***', apiV3Key: '***' },
        secretFields: ['privateKey', 'apiV3Key'],
      })
    })
    const dto = await this.#credentialsDto(m.id)
    if (dto === null) throw new Error('credentials vanished')
    return dto
  }

  async deleteCredentials (caller: Caller, merchantId: string): Promise<void> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    await this.d.db.transaction(async (tx) => {
      await tx.delete(merchantPayCredentials).where(eq(merchantPayCredentials.merchantId, m.id))
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'merchant.pay_credentials_deleted', target: { type: 'merchant', id: m.id }, tenantId: m.spId })
    })
  }

  /**
   * Imports a batch WeChat holds: it must be running, valid for at most 90 days, and carry exactly
   * one of the six goods_tag scenarios (seed 002), else its vouchers would redeem where nobody meant.
   */
  async import (caller: Caller, merchantId: string, body: ImportVoucherBatchBody): Promise<VoucherBatchDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const stock = await this.#stock(m, body.stockId, body.creatorMchId)
    const now = this.d.clock.now()
    const id = this.d.newId('vbt')
    const row = await this.d.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(voucherBatches).values({
        id, spId: m.spId, sspId: m.sspId, merchantId: m.id, ...stock, uses: [], paused: false, syncedAt: now, createdAt: now, updatedAt: now,
      }).onConflictDoNothing().returning()
      if (inserted === undefined) throw new AppError('conflict', 'voucher_batch_exists', undefined, { param: 'stockId' })
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'voucher_batch.imported', target: { type: 'voucher_batch', id }, tenantId: m.spId, after: inserted })
      return inserted
    })
    return await this.dto(row)
  }

  async update (caller: Caller, batchId: string, body: UpdateVoucherBatchBody): Promise<VoucherBatchDto> {
    const before = await this.row(caller, batchId)
    if (body.uses !== undefined) await this.#checkRecommendations(before, body.uses)
    const patch = {
      ...(body.uses === undefined ? {} : { uses: body.uses }),
      ...(body.spendGiftMinFen === undefined ? {} : { spendGiftMinFen: body.spendGiftMinFen === null ? null : fen(body.spendGiftMinFen) }),
      ...(body.paused === undefined ? {} : { paused: body.paused }),
    }
    return await this.#write(caller, before, patch, 'voucher_batch.updated')
  }

  /** C3: one main voucher per merchant and at most MAX_REWARD_BATCHES reward batches. */
  async #checkRecommendations (batch: VoucherBatchRow, uses: readonly string[]): Promise<void> {
    const others = (await this.d.db.select({ id: voucherBatches.id, uses: voucherBatches.uses }).from(voucherBatches)
      .where(and(eq(voucherBatches.merchantId, batch.merchantId), isNull(voucherBatches.deletedAt)))).filter((b) => b.id !== batch.id)
    if (uses.includes('main') && others.some((b) => b.uses.includes('main'))) {
      throw new AppError('conflict', 'voucher_not_offered', '每个商户只能有一个主券批次：请先取消另一个批次的主券用途', { param: 'uses' })
    }
    if (uses.includes('reward') && others.filter((b) => b.uses.includes('reward')).length >= MAX_REWARD_BATCHES) {
      throw new AppError('conflict', 'voucher_not_offered', `奖励券最多 ${MAX_REWARD_BATCHES} 个批次`, { param: 'uses' })
    }
  }

  /** WeChat's status, stock and counts again (a batch paused or used up there stops here too). */
  async sync (caller: Caller, batchId: string): Promise<VoucherBatchDto> {
    const before = await this.row(caller, batchId)
    const m = await this.d.tenancy.merchants.row(caller.scope, before.merchantId)
    const stock = await this.d.signers.api.getStock(await this.d.signers.forBatch(before), { stockId: before.stockId, creatorMchId: before.creatorMchId }).catch(voucherApiFailure)
    return await this.#write(caller, before, { wechatStatus: stock.status, distributed: stock.distributed, syncedAt: this.d.clock.now(), name: stock.name }, 'voucher_batch.synced', m)
  }

  async pauseStore (caller: Caller, batchId: string, storeId: string, paused: boolean): Promise<VoucherBatchDto> {
    const batch = await this.row(caller, batchId)
    const store = await this.d.tenancy.stores.row(caller.scope, storeId)
    if (store.merchantId !== batch.merchantId) throw new AppError('not_found', 'store_not_found', undefined, { param: 'storeId' })
    await this.d.db.transaction(async (tx) => {
      if (paused) await tx.insert(voucherStorePauses).values({ batchId, storeId, createdAt: this.d.clock.now() }).onConflictDoNothing()
      else await tx.delete(voucherStorePauses).where(and(eq(voucherStorePauses.batchId, batchId), eq(voucherStorePauses.storeId, storeId)))
      await this.d.audit.record(tx, { ...auditedBy(caller), action: paused ? 'voucher_batch.store_paused' : 'voucher_batch.store_resumed', target: { type: 'voucher_batch', id: batchId }, tenantId: batch.spId, after: { storeId } })
    })
    return await this.dto(batch)
  }

  /** yima stops handing the batch out; vouchers already in wallets stay valid at WeChat. */
  async delete (caller: Caller, batchId: string): Promise<void> {
    const before = await this.row(caller, batchId)
    await this.#write(caller, before, { deletedAt: this.d.clock.now() }, 'voucher_batch.deleted')
  }

  /** A live batch the caller may see; 404 otherwise. */
  async row (caller: Caller, batchId: string): Promise<VoucherBatchRow> {
    const [row] = await this.d.db.select().from(voucherBatches).where(and(eq(voucherBatches.id, batchId), isNull(voucherBatches.deletedAt)))
    if (row === undefined || !inScope(caller.scope, row)) throw new AppError('not_found', 'voucher_batch_not_found', undefined, { param: 'id' })
    return row
  }

  /** The merchant's voucher page code, made on first use. */
  async pageCode (merchantId: string): Promise<string> {
    await this.d.db.insert(voucherPages).values({ merchantId, code: randomBytes(12).toString('base64url'), createdAt: this.d.clock.now() }).onConflictDoNothing()
    const [page] = await this.d.db.select().from(voucherPages).where(eq(voucherPages.merchantId, merchantId))
    if (page === undefined) throw new Error('voucher page vanished')
    return page.code
  }

  async dto (row: VoucherBatchRow): Promise<VoucherBatchDto> {
    const [dto] = await this.dtos([row])
    if (dto === undefined) throw new Error('no dto')
    return dto
  }

  async dtos (rows: readonly VoucherBatchRow[]): Promise<VoucherBatchDto[]> {
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const pauses = await this.d.db.select().from(voucherStorePauses).where(inArray(voucherStorePauses.batchId, ids))
    const counts = await this.d.db.select({
      batchId: voucherGrants.batchId,
      issued: sql<string>`count(*) filter (where ${voucherGrants.status} in ('sent', 'redeemed'))`,
      redeemed: sql<string>`count(*) filter (where ${voucherGrants.status} = 'redeemed')`,
    }).from(voucherGrants).where(inArray(voucherGrants.batchId, ids)).groupBy(voucherGrants.batchId)
    return rows.map((r) => {
      const c = counts.find((x) => x.batchId === r.id)
      return {
        id: r.id,
        merchantId: r.merchantId,
        stockId: r.stockId,
        creatorMchId: r.creatorMchId,
        name: r.name,
        amountFen: r.amountFen,
        thresholdFen: r.thresholdFen,
        noCash: r.noCash,
        availableFrom: r.availableFrom.toISOString(),
        availableTo: r.availableTo.toISOString(),
        maxPerUser: r.maxPerUser,
        maxCoupons: r.maxCoupons,
        distributed: r.distributed,
        wechatStatus: r.wechatStatus,
        scenario: r.scenario,
        goodsTags: r.goodsTags,
        uses: r.uses,
        spendGiftMinFen: r.spendGiftMinFen,
        paused: r.paused,
        pausedStoreIds: pauses.filter((p) => p.batchId === r.id).map((p) => p.storeId),
        issued: Number(c?.issued ?? 0),
        redeemed: Number(c?.redeemed ?? 0),
        syncedAt: r.syncedAt.toISOString(),
      }
    })
  }

  async #write (caller: Caller, before: VoucherBatchRow, patch: Partial<typeof voucherBatches.$inferInsert>, action: string, m?: MerchantRow): Promise<VoucherBatchDto> {
    const row = await this.d.db.transaction(async (tx) => {
      const [after] = await tx.update(voucherBatches).set({ ...patch, updatedAt: this.d.clock.now() })
        .where(and(eq(voucherBatches.id, before.id), eq(voucherBatches.updatedAt, before.updatedAt))).returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.d.audit.record(tx, { ...auditedBy(caller), action, target: { type: 'voucher_batch', id: before.id }, tenantId: m?.spId ?? before.spId, before, after })
      return after
    })
    return await this.dto(row)
  }

  async #stock (m: MerchantRow, stockId: string, creatorMchId: string): Promise<Omit<typeof voucherBatches.$inferInsert, 'id' | 'spId' | 'sspId' | 'merchantId' | 'uses' | 'syncedAt' | 'createdAt' | 'updatedAt'>> {
    const signer = await this.d.signers.forMerchant(m.id, creatorMchId)
    const s = await this.d.signers.api.getStock(signer, { stockId, creatorMchId }).catch(voucherApiFailure)
    const unusable = (message: string): AppError => new AppError('invalid_request', 'voucher_batch_unusable', message, { param: 'stockId' })
    if (s.status !== 'running') throw unusable(`批次状态为 ${s.status}：请先在微信支付商户平台激活批次`)
    const days = (s.availableEnd.getTime() - s.availableBegin.getTime()) / DAY_MS
    if (days > MAX_VOUCHER_DAYS) throw unusable(`批次可用时间为 ${Math.ceil(days)} 天，超过了 ${MAX_VOUCHER_DAYS} 天`)
    const scenario = scenarioOf(s.goodsTags)
    if (scenario === undefined) {
      throw unusable(`批次的订单优惠标记（${s.goodsTags.join('、') || '无'}）不是六种核销场景之一：${Object.values(VOUCHER_SCENARIOS).map((v) => v.tags.join('+')).join('，')}`)
    }
    return {
      stockId,
      creatorMchId,
      name: s.name,
      amountFen: fen(s.amountFen),
      thresholdFen: fen(s.thresholdFen),
      noCash: s.noCash,
      availableFrom: s.availableBegin,
      availableTo: s.availableEnd,
      maxPerUser: s.maxPerUser,
      maxCoupons: s.maxCoupons,
      distributed: s.distributed,
      wechatStatus: s.status,
      goodsTags: s.goodsTags,
      scenario,
    }
  }

  async #credentialsDto (merchantId: string): Promise<MerchantPayCredentialsDto | null> {
    const [c] = await this.d.db.select().from(merchantPayCredentials).where(eq(merchantPayCredentials.merchantId, merchantId))
    return c === undefined ? null : { mchIds: c.mchIds, certificateSerial: c.certificateSerial, secrets: { privateKey: true, apiV3Key: true }, updatedAt: c.updatedAt.toISOString() }
  }
}

export async function liveBatches (exec: Executor, merchantId: string): Promise<VoucherBatchRow[]> {
  return await exec.select().from(voucherBatches).where(and(eq(voucherBatches.merchantId, merchantId), isNull(voucherBatches.deletedAt), eq(voucherBatches.paused, false)))
}
