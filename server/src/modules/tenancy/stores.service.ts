import { and, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm'
import { AppError, type CreateStoreBody, type List, type StoreDTO, type UpdateStoreBody } from '@yima/shared'
import { isSubMerchantOf } from '../../channels/wechat-pay/partner'
import type { Tx } from '../../db/client'
import { cashierDevices, cloudPrinters, cloudSpeakers } from '../devices/devices.schema'
import { orders, refunds } from '../payments/payment.schema'
import { auditedBy, type Caller } from './caller'
import { channelFailure } from './channel-failure'
import { storeDTO } from './dto'
import { newOutId } from './public-ids'
import { ALL_SCOPE, inScope, scopeWhere, type Scope } from './scope'
import { auditable, type ServiceProviderService, type TenancyDeps } from './service-providers.service'
import { activationCodes, merchants, staff, stores, type MerchantRow, type StoreRow } from './tenancy.schema'

const storeScope = { sp: stores.spId, ssp: stores.sspId, merchant: stores.merchantId, store: stores.id }
const merchantScope = { sp: merchants.spId, ssp: merchants.sspId, merchant: merchants.id }

/**
 * 近一个月内产生过交易的门店不允许删除 (seed 004). 31 days: the longest month, so no reading of
 * "a month" lets a store with a recent transaction go.
 */
export const RECENT_TRANSACTION_WINDOW_MS = 31 * 24 * 3600_000

/** Body text → column: absent stays, '' clears. */
const cleared = (v: string | undefined): string | null | undefined => v === undefined ? undefined : v === '' ? null : v

/**
 * 门店 (S1): add, edit, open/close, delete. Every query goes through the caller's scope, so the
 * console (SP, sub-SP accounts) and the phone (merchant admins, managers) share these methods;
 * who may change what on the phone is decided by the routes (mobile.ts). A deleted store keeps its
 * row (orders point at it) but is gone from every lookup here.
 */
export class StoreService {
  constructor (private readonly deps: TenancyDeps, private readonly sps: ServiceProviderService) {}

  async row (scope: Scope, id: string): Promise<StoreRow> {
    const [row] = await this.deps.db.select().from(stores)
      .where(and(eq(stores.id, id), isNull(stores.deletedAt), scopeWhere(scope, storeScope)))
    if (row === undefined || !inScope(scope, { spId: row.spId, sspId: row.sspId, merchantId: row.merchantId, storeId: row.id })) {
      throw new AppError('not_found', 'store_not_found', undefined, { param: 'id' })
    }
    return row
  }

  async get (caller: Caller, id: string): Promise<StoreDTO> { return storeDTO(await this.row(caller.scope, id)) }

  async list (caller: Caller, merchantId: string): Promise<List<StoreDTO>> {
    const m = await this.#merchant(caller.scope, merchantId)
    const rows = await this.deps.db.select().from(stores)
      .where(and(eq(stores.merchantId, m.id), isNull(stores.deletedAt), scopeWhere(caller.scope, storeScope)))
      .orderBy(desc(stores.createdAt), desc(stores.id))
    return { object: 'list', data: rows.map(storeDTO), hasMore: false }
  }

  async create (caller: Caller, merchantId: string, input: CreateStoreBody): Promise<StoreDTO> {
    const m = await this.#merchant(caller.scope, merchantId)
    await this.#check(m, undefined, input)
    const now = this.deps.clock.now()
    const id = this.deps.newId('sto')
    const row = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(stores).values({
        id,
        spId: m.spId,
        sspId: m.sspId,
        merchantId: m.id,
        outShopId: newOutId(),
        name: input.name,
        branchName: cleared(input.branchName) ?? null,
        address: cleared(input.address) ?? null,
        phone: cleared(input.phone) ?? null,
        ...(input.paymentTypes === undefined ? {} : { paymentTypes: input.paymentTypes }),
        ...(input.currency === undefined ? {} : { currency: input.currency }),
        goodsTag: cleared(input.goodsTag) ?? null,
        wxSubMchId: cleared(input.wechatSubMchId) ?? null,
        alipayUserId: cleared(input.alipayUserId) ?? null,
        maidanStoreId: cleared(input.maidanStoreId) ?? null,
        ...(input.memberCardEnabled === undefined ? {} : { memberCardEnabled: input.memberCardEnabled }),
        ...(input.status === undefined ? {} : { status: input.status }),
        createdAt: now,
        updatedAt: now,
      }).returning()
      if (inserted === undefined) throw new Error('insert returned nothing')
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'store.created', target: { type: 'store', id }, tenantId: m.spId, after: auditable(inserted) })
      return inserted
    })
    return storeDTO(row)
  }

  /** Compare-and-set on updated_at: of two concurrent edits one wins, the other is asked to retry. */
  async update (caller: Caller, id: string, input: UpdateStoreBody): Promise<StoreDTO> {
    const before = await this.row(caller.scope, id)
    const m = await this.#merchant(ALL_SCOPE, before.merchantId)
    await this.#check(m, before, input)
    const patch: Partial<typeof stores.$inferInsert> = {
      name: input.name,
      branchName: cleared(input.branchName),
      address: cleared(input.address),
      phone: cleared(input.phone),
      paymentTypes: input.paymentTypes,
      currency: input.currency,
      goodsTag: cleared(input.goodsTag),
      wxSubMchId: cleared(input.wechatSubMchId),
      alipayUserId: cleared(input.alipayUserId),
      maidanStoreId: cleared(input.maidanStoreId),
      memberCardEnabled: input.memberCardEnabled,
      status: input.status,
    }
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    if (Object.keys(changes).length === 0) return storeDTO(before)
    const row = await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(stores).set({ ...changes, updatedAt: this.deps.clock.now() })
        .where(and(eq(stores.id, id), eq(stores.updatedAt, before.updatedAt), isNull(stores.deletedAt)))
        .returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      const action = input.status !== undefined && input.status !== before.status ? `store.${input.status === 'open' ? 'opened' : 'closed'}` : 'store.updated'
      await this.deps.audit.record(tx, { ...auditedBy(caller), action, target: { type: 'store', id }, tenantId: before.spId, before: auditable(before), after: auditable(after) })
      return after
    })
    return storeDTO(row)
  }

  /**
   * Deletes a store without a transaction in the last month (seed 004); transactions themselves are
   * never deleted. The store row is locked and closed first, so no new payment starts while the
   * orders are counted; an order still open counts (it may yet succeed). Its people and cashier
   * devices go with it in the same transaction: the staff are removed (their activation codes die)
   * and the device SNs are freed to be bound elsewhere. Its QR codes stop resolving (resolve.ts).
   */
  async remove (caller: Caller, id: string): Promise<void> {
    const target = await this.row(caller.scope, id)
    const now = this.deps.clock.now()
    const since = new Date(now.getTime() - RECENT_TRANSACTION_WINDOW_MS)
    await this.deps.db.transaction(async (tx) => {
      const [before] = await tx.select().from(stores).where(and(eq(stores.id, target.id), isNull(stores.deletedAt))).for('update')
      if (before === undefined) throw new AppError('not_found', 'store_not_found', undefined, { param: 'id' })
      if (await this.#recentTransaction(tx, before.id, since)) throw new AppError('conflict', 'store_has_recent_transactions')
      const [after] = await tx.update(stores).set({ deletedAt: now, status: 'closed', updatedAt: now }).where(eq(stores.id, before.id)).returning()
      if (after === undefined) throw new Error('update returned nothing')
      const people = tx.select({ id: staff.id }).from(staff).where(and(eq(staff.storeId, before.id), isNull(staff.deletedAt)))
      await tx.update(activationCodes).set({ expiresAt: now }).where(and(inArray(activationCodes.staffId, people), isNull(activationCodes.usedAt)))
      const removed = await tx.update(staff).set({ deletedAt: now, updatedAt: now }).where(and(eq(staff.storeId, before.id), isNull(staff.deletedAt))).returning({ id: staff.id })
      const unbound = await tx.update(cashierDevices).set({ unboundAt: now, updatedAt: now }).where(and(eq(cashierDevices.storeId, before.id), isNull(cashierDevices.unboundAt))).returning({ id: cashierDevices.id })
      // Its printers and speakers go with it (the vendor bindings are released when an SN is added again).
      const printersGone = await tx.update(cloudPrinters).set({ deletedAt: now, updatedAt: now }).where(and(eq(cloudPrinters.storeId, before.id), isNull(cloudPrinters.deletedAt))).returning({ id: cloudPrinters.id })
      const speakersGone = await tx.update(cloudSpeakers).set({ deletedAt: now, updatedAt: now }).where(and(eq(cloudSpeakers.storeId, before.id), isNull(cloudSpeakers.deletedAt))).returning({ id: cloudSpeakers.id })
      await this.deps.audit.record(tx, {
        ...auditedBy(caller),
        action: 'store.deleted',
        target: { type: 'store', id: before.id },
        tenantId: before.spId,
        before: auditable(before),
        after: {
          ...auditable(after),
          removedStaff: removed.map((r) => r.id),
          unboundCashierDevices: unbound.map((r) => r.id),
          removedPrinters: printersGone.map((r) => r.id),
          removedSpeakers: speakersGone.map((r) => r.id),
        },
      })
    })
  }

  /** A succeeded order paid (or a refund asked for) since `since`, or an order still open. */
  async #recentTransaction (tx: Tx, storeId: string, since: Date): Promise<boolean> {
    const [order] = await tx.select({ id: orders.id }).from(orders).where(and(
      eq(orders.storeId, storeId),
      or(
        and(eq(orders.status, 'succeeded'), gte(sql`coalesce(${orders.paidAt}, ${orders.createdAt})`, since)),
        inArray(orders.status, ['created', 'pending']),
      ),
    )).limit(1)
    if (order !== undefined) return true
    const [refund] = await tx.select({ id: refunds.id }).from(refunds)
      .where(and(eq(refunds.storeId, storeId), or(gte(refunds.createdAt, since), eq(refunds.status, 'processing')))).limit(1)
    return refund !== undefined
  }

  /**
   * The rules a form cannot check on its own: a 买单 store only under the 买单 channel (T8), and a
   * WeChat sub-merchant override that WeChat Pay confirms is this SP's special merchant (as for the
   * merchant itself, T7). Only changed values are checked, so an edit does not call WeChat for
   * nothing.
   */
  async #check (m: MerchantRow, before: StoreRow | undefined, input: UpdateStoreBody): Promise<void> {
    const maidan = cleared(input.maidanStoreId)
    if (maidan != null && maidan !== before?.maidanStoreId && m.wxChannel !== 'maidan') {
      throw new AppError('conflict', 'maidan_store_requires_maidan', undefined, { param: 'maidanStoreId' })
    }
    const sub = cleared(input.wechatSubMchId)
    if (sub != null && sub !== before?.wxSubMchId && sub !== m.wxSubMchId) {
      const sp = await this.sps.row(ALL_SCOPE, m.spId)
      const special = await isSubMerchantOf(this.sps.wechatpay(sp), sp.wxMchId ?? '', sub).catch(channelFailure)
      if (!special) throw new AppError('invalid_request', 'sub_mch_not_special', `子商户号 ${sub} 不是服务商 ${sp.wxMchId ?? ''} 的特约商户，门店不能使用该微信支付商户号`, { param: 'wechatSubMchId' })
    }
  }

  async #merchant (scope: Scope, id: string): Promise<MerchantRow> {
    const [row] = await this.deps.db.select().from(merchants).where(and(eq(merchants.id, id), scopeWhere(scope, merchantScope)))
    if (row === undefined) throw new AppError('not_found', 'merchant_not_found', undefined, { param: 'id' })
    return row
  }
}
