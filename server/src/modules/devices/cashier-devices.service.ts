import { and, desc, eq, isNull } from 'drizzle-orm'
import {
  AppError, CASHIER_DEVICE_TYPE_LABELS, CLOUDPAY_DEVICE_SHIFT_TYPE,
  type AddCashierDeviceBody, type CashierDeviceDTO, type DeviceConfigPayload, type IdGenerator, type List,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { AuditLog } from '../audit'
import { auditedBy, type Caller } from '../tenancy/caller'
import type { TenancyServices } from '../tenancy/routes'
import { ALL_SCOPE, scopeWhere, type Scope } from '../tenancy/scope'
import { merchants, serviceProviders } from '../tenancy/tenancy.schema'
import { cashierDevices, type CashierDeviceRow } from './devices.schema'

export interface CashierDeviceDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  audit: AuditLog
  /** Where the Cloud Pay compatible API is served (`<publicUrl>/cpay`). */
  publicUrl: string
  tenancy: Pick<TenancyServices, 'stores'>
}

const deviceScope = { sp: cashierDevices.spId, ssp: cashierDevices.sspId, merchant: cashierDevices.merchantId, store: cashierDevices.storeId }

const uniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: unknown, cause?: { code?: unknown } }
  return e?.code === '23505' || e?.cause?.code === '23505'
}

/** The audited part of a row: timestamps of the write itself say nothing. */
const snapshot = (r: CashierDeviceRow): Record<string, unknown> => {
  const { createdAt: _c, updatedAt: _u, ...rest } = r
  return { ...rest, boundAt: r.boundAt.toISOString(), unboundAt: r.unboundAt?.toISOString() ?? null }
}

export function cashierDeviceDTO (r: CashierDeviceRow): CashierDeviceDTO {
  return {
    id: r.id,
    merchantId: r.merchantId,
    storeId: r.storeId,
    type: r.type,
    typeLabel: CASHIER_DEVICE_TYPE_LABELS[r.type],
    sn: r.sn,
    name: r.name,
    bound: r.unboundAt === null,
    boundAt: r.boundAt.toISOString(),
    unboundAt: r.unboundAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }
}

/**
 * 收银设备 (S5): a store's POS, cashier software and terminals. An SN is bound to one store at a
 * time, anywhere on the platform (a partial unique index on unbound rows): binding it again says
 * 设备已被绑定. Unbinding keeps the row, since orders name the device, and frees the SN. Every query
 * goes through the caller's scope; who may act on the phone is decided by the routes.
 */
export class CashierDeviceService {
  constructor (private readonly deps: CashierDeviceDeps) {}

  async row (scope: Scope, id: string): Promise<CashierDeviceRow> {
    const [row] = await this.deps.db.select().from(cashierDevices).where(and(eq(cashierDevices.id, id), scopeWhere(scope, deviceScope)))
    if (row === undefined) throw new AppError('not_found', 'cashier_device_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<CashierDeviceDTO> { return cashierDeviceDTO(await this.row(caller.scope, id)) }

  async list (caller: Caller, storeId: string, o: { includeUnbound: boolean }): Promise<List<CashierDeviceDTO>> {
    const store = await this.deps.tenancy.stores.row(caller.scope, storeId)
    const rows = await this.deps.db.select().from(cashierDevices)
      .where(and(eq(cashierDevices.storeId, store.id), o.includeUnbound ? undefined : isNull(cashierDevices.unboundAt), scopeWhere(caller.scope, deviceScope)))
      .orderBy(desc(cashierDevices.boundAt), desc(cashierDevices.id))
    return { object: 'list', data: rows.map(cashierDeviceDTO), hasMore: false }
  }

  /** 添加收银设备. The unique index decides between two people binding one SN at once: one gets 409. */
  async add (caller: Caller, storeId: string, input: AddCashierDeviceBody): Promise<CashierDeviceDTO> {
    const store = await this.deps.tenancy.stores.row(caller.scope, storeId)
    const now = this.deps.clock.now()
    const id = this.deps.newId('dev')
    try {
      const row = await this.deps.db.transaction(async (tx) => {
        const [inserted] = await tx.insert(cashierDevices).values({
          id, spId: store.spId, sspId: store.sspId, merchantId: store.merchantId, storeId: store.id, type: input.type, sn: input.sn, name: input.name || null, boundAt: now, createdAt: now, updatedAt: now,
        }).returning()
        if (inserted === undefined) throw new Error('insert returned nothing')
        await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cashier_device.bound', target: { type: 'cashier_device', id }, tenantId: store.spId, after: snapshot(inserted) })
        return inserted
      })
      return cashierDeviceDTO(row)
    } catch (err) {
      if (uniqueViolation(err)) throw new AppError('conflict', 'device_already_bound', undefined, { param: 'sn' })
      throw err
    }
  }

  /** 解绑: compare-and-set on "still bound"; unbinding twice answers the unbound device. */
  async unbind (caller: Caller, id: string): Promise<CashierDeviceDTO> {
    const before = await this.row(caller.scope, id)
    if (before.unboundAt !== null) return cashierDeviceDTO(before)
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(cashierDevices).set({ unboundAt: now, updatedAt: now })
        .where(and(eq(cashierDevices.id, id), isNull(cashierDevices.unboundAt))).returning()
      if (after === undefined) {
        const [current] = await tx.select().from(cashierDevices).where(eq(cashierDevices.id, id))
        if (current === undefined) throw new AppError('not_found', 'cashier_device_not_found')
        return current
      }
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cashier_device.unbound', target: { type: 'cashier_device', id }, tenantId: before.spId, before: snapshot(before), after: snapshot(after) })
      return after
    })
    return cashierDeviceDTO(row)
  }

  /**
   * What the device-configuration QR carries (DeviceConfigPayload in @yima/shared): the Cloud Pay
   * ids of the SP, merchant and store, the device id and the API address. No key: the 认证密钥 is a
   * secret the merchant enters on the device, and a QR gets photographed.
   */
  async configPayload (caller: Caller, id: string): Promise<DeviceConfigPayload> {
    const device = await this.row(caller.scope, id)
    if (device.unboundAt !== null) throw new AppError('conflict', 'cashier_device_unbound')
    const store = await this.deps.tenancy.stores.row(ALL_SCOPE, device.storeId)
    const [owner] = await this.deps.db.select({ outMchId: serviceProviders.outMchId, outSubMchId: merchants.outSubMchId, orderPrefix: merchants.orderPrefix })
      .from(merchants).innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId)).where(eq(merchants.id, store.merchantId))
    if (owner === undefined) throw new AppError('not_found', 'merchant_not_found')
    return {
      v: 1,
      kind: 'yima_cashier_device',
      api_base_url: `${this.deps.publicUrl}/cpay`,
      out_mch_id: owner.outMchId,
      out_sub_mch_id: owner.outSubMchId,
      cloud_cashier_id: owner.orderPrefix,
      authen_type: 'HMAC-SHA256',
      out_shop_id: store.outShopId,
      shop_name: [store.name, store.branchName].filter((x) => x !== null && x !== '').join(' '),
      device_id: device.id,
      device_name: device.name ?? CASHIER_DEVICE_TYPE_LABELS[device.type],
      device_shift_type: CLOUDPAY_DEVICE_SHIFT_TYPE[device.type],
      sn: device.sn,
    }
  }
}
