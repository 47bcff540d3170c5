import { and, eq, isNull, or, type AnyColumn, type SQL } from 'drizzle-orm'
import { AppError, type IdGenerator } from '@yima/shared'
import type { DeviceOutcome, DeviceVendorRegistry } from '../../channels/devices'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { Outbox } from '../../outbox'
import type { SecretBox } from '../../secrets'
import type { AuditLog } from '../audit'
import type { DeliveryLedger } from '../notify/ledger'
import type { OrderRow } from '../payments/payment.schema'
import { qrCodes } from '../qr-codes/qr-codes.schema'
import { inScope, scopeWhere, type Scope } from '../tenancy/scope'
import { stores, type StoreRow } from '../tenancy/tenancy.schema'

/** What the printer and speaker services share (cloud devices, S6/S7). */
export interface CloudDeviceDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  box: SecretBox
  audit: AuditLog
  outbox: Outbox
  ledger: DeliveryLedger
  vendors: DeviceVendorRegistry
}

const storeCols = { sp: stores.spId, ssp: stores.sspId, merchant: stores.merchantId, store: stores.id }

/** A store the caller may see and that is not deleted; 404 otherwise. */
export async function storeInScope (db: Db, scope: Scope, id: string): Promise<StoreRow> {
  const [row] = await db.select().from(stores).where(and(eq(stores.id, id), isNull(stores.deletedAt), scopeWhere(scope, storeCols)))
  if (row === undefined || !inScope(scope, { spId: row.spId, sspId: row.sspId, merchantId: row.merchantId, storeId: row.id })) {
    throw new AppError('not_found', 'store_not_found', undefined, { param: 'id' })
  }
  return row
}

/**
 * Checks a device's QR code target: undefined = unchanged, null = the whole store, an id = one of
 * this store's codes (a code of another store, or none, is refused: it would never print).
 */
export async function qrCodeOfStore (exec: Executor, storeId: string, qrCodeId: string | null | undefined): Promise<string | null | undefined> {
  if (qrCodeId === undefined || qrCodeId === null) return qrCodeId
  const [code] = await exec.select({ id: qrCodes.id }).from(qrCodes).where(and(eq(qrCodes.id, qrCodeId), eq(qrCodes.storeId, storeId)))
  if (code === undefined) throw new AppError('invalid_request', 'qr_code_not_found', '该二维码不属于本门店', { param: 'qrCodeId' })
  return code.id
}

/**
 * Which devices serve a one-code payment: those of its store bound to no code (the whole store,
 * seed 000: 门店所有收款都会打印小票) and the one bound to the payment's own code.
 */
export function servesOrder (c: { storeId: AnyColumn, qrCodeId: AnyColumn }, order: Pick<OrderRow, 'storeId' | 'qrCodeId'>): SQL {
  const storeId = order.storeId ?? ''
  return and(eq(c.storeId, storeId), order.qrCodeId === null ? isNull(c.qrCodeId) : or(isNull(c.qrCodeId), eq(c.qrCodeId, order.qrCodeId))) as SQL
}

/** A vendor's refusal or silence, for the person adding or checking a device. */
export function vendorError (o: Exclude<DeviceOutcome<unknown>, { kind: 'ok' }>): AppError {
  if (o.kind === 'retryable') return new AppError('unavailable', 'device_vendor_unavailable')
  switch (o.code) {
    case 'already_bound': return new AppError('conflict', 'device_already_bound', `设备已被绑定（${o.message}）`, { param: 'sn' })
    case 'auth': return new AppError('unavailable', 'device_vendor_not_configured', '平台的设备厂商账号配置有误，请联系平台运营')
    case 'bad_key': return new AppError('invalid_request', 'device_rejected', o.message, { param: 'key' })
    case 'not_found': case 'not_ours': case 'invalid': return new AppError('invalid_request', 'device_rejected', o.message, { param: 'sn' })
  }
}

/** How a device appears in the delivery ledger: its name (or brand) and SN. */
export const deviceTarget = (label: string, d: { name: string | null, sn: string }): string => `${d.name ?? label} ${d.sn}`
