import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true })

export const CASHIER_DEVICE_TYPES = ['cloud_cashier', 'smart_pos', 'mobile_terminal', 'other'] as const
export type CashierDeviceType = typeof CASHIER_DEVICE_TYPES[number]

/**
 * Cashier devices of a store (S5): an SN is bound to one store at a time ("设备已被绑定"); unbinding
 * keeps the row (orders name the device) and frees the SN.
 */
export const cashierDevices = pgTable('cashier_devices', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id').notNull(),
  type: text('type', { enum: CASHIER_DEVICE_TYPES }).notNull(),
  sn: text('sn').notNull(),
  name: text('name'),
  boundAt: at('bound_at').notNull(),
  unboundAt: at('unbound_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('cashier_devices_bound_sn').on(t.sn).where(sql`${t.unboundAt} is null`),
  index('cashier_devices_store').on(t.storeId),
  check('cashier_devices_type', sql`${t.type} in ('cloud_cashier', 'smart_pos', 'mobile_terminal', 'other')`),
])

export const PRINTER_BRANDS = ['feie', 'yly', 'zlbz'] as const
export type PrinterBrand = typeof PRINTER_BRANDS[number]
export const SPEAKER_BRANDS = ['brhk', 'zlbz'] as const
export type SpeakerBrand = typeof SPEAKER_BRANDS[number]

/**
 * Cloud printers (S6). Bound to a store (qr_code_id null: every one-code payment of the store
 * prints) or to one QR code (only that code's payments). The vendor key is sealed.
 */
export const cloudPrinters = pgTable('cloud_printers', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id').notNull(),
  qrCodeId: text('qr_code_id'),
  brand: text('brand', { enum: PRINTER_BRANDS }).notNull(),
  sn: text('sn').notNull(),
  keySealed: text('key_sealed'),
  name: text('name'),
  copies: integer('copies').notNull().default(1),
  enabled: boolean('enabled').notNull().default(true),
  /** What the vendor last said about the device: online, offline, paper_out, unknown. */
  state: text('state').notNull().default('unknown'),
  stateCheckedAt: at('state_checked_at'),
  deletedAt: at('deleted_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('cloud_printers_device').on(t.brand, t.sn).where(sql`${t.deletedAt} is null`),
  index('cloud_printers_store').on(t.storeId),
  check('cloud_printers_brand', sql`${t.brand} in ('feie', 'yly', 'zlbz')`),
  check('cloud_printers_copies', sql`${t.copies} between 1 and 9`),
])

/** Cloud speakers (S7): per store or per QR code, with a volume; announce every one-code payment. */
export const cloudSpeakers = pgTable('cloud_speakers', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id').notNull(),
  qrCodeId: text('qr_code_id'),
  brand: text('brand', { enum: SPEAKER_BRANDS }).notNull(),
  sn: text('sn').notNull(),
  name: text('name'),
  volume: integer('volume').notNull().default(60),
  enabled: boolean('enabled').notNull().default(true),
  deletedAt: at('deleted_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('cloud_speakers_device').on(t.brand, t.sn).where(sql`${t.deletedAt} is null`),
  index('cloud_speakers_store').on(t.storeId),
  check('cloud_speakers_brand', sql`${t.brand} in ('brhk', 'zlbz')`),
  check('cloud_speakers_volume', sql`${t.volume} between 0 and 100`),
])

export type CashierDeviceRow = typeof cashierDevices.$inferSelect
export type CloudPrinterRow = typeof cloudPrinters.$inferSelect
export type CloudSpeakerRow = typeof cloudSpeakers.$inferSelect
