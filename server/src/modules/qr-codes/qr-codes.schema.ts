import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Fen } from '@yima/shared'
import { serviceProviders } from '../tenancy/tenancy.schema'

export const QR_KINDS = ['store', 'staff', 'blank', 'fixed_amount'] as const
export type QrKind = typeof QR_KINDS[number]
export const QR_STATUSES = ['active', 'disabled'] as const
export type QrStatus = typeof QR_STATUSES[number]

const at = (name: string) => timestamp(name, { withTimezone: true })

/** A batch of blank codes (空码, S3) the SP generated for printing with its branding. */
export const qrBatches = pgTable('qr_batches', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  count: integer('count').notNull(),
  /** Printed above every code of the batch; the SP's short name unless it chose another. */
  title: text('title').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull(),
}, (t) => [
  index('qr_batches_sp').on(t.spId, t.createdAt),
  check('qr_batches_count', sql`${t.count} between 1 and 1000`),
])

/**
 * Every QR code a customer can scan to pay (S1, S3, S4). `code` is in the printed URL
 * `<PUBLIC_URL>/q/<code>` and never changes; what it points at (store, clerk) may. A blank code
 * belongs to its SP only (no merchant or store) until someone binds it.
 */
export const qrCodes = pgTable('qr_codes', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id'),
  storeId: text('store_id'),
  kind: text('kind', { enum: QR_KINDS }).notNull(),
  name: text('name'),
  /** The clerk a staff code notifies (only them, S3). */
  staffId: text('staff_id'),
  /** 定额二维码: the price of one item; the customer picks the quantity (S4). */
  unitPriceFen: bigint('unit_price_fen', { mode: 'number' }).$type<Fen>(),
  /** Set for codes printed in a blank batch: only those can go back to blank (unbind). */
  batchId: text('batch_id').references(() => qrBatches.id),
  status: text('status', { enum: QR_STATUSES }).notNull().default('active'),
  boundAt: at('bound_at'),
  boundBy: text('bound_by'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('qr_codes_code').on(t.code),
  index('qr_codes_sp').on(t.spId),
  index('qr_codes_merchant').on(t.merchantId),
  index('qr_codes_store').on(t.storeId),
  index('qr_codes_batch').on(t.batchId),
  check('qr_codes_kind', sql`${t.kind} in ('store', 'staff', 'blank', 'fixed_amount')`),
  check('qr_codes_status', sql`${t.status} in ('active', 'disabled')`),
  // The shape of each kind, so a half-bound code cannot exist whatever the code does.
  check('qr_codes_blank', sql`(${t.kind} = 'blank') = (${t.storeId} is null) and (${t.storeId} is null) = (${t.merchantId} is null)`),
  check('qr_codes_blank_batch', sql`${t.kind} <> 'blank' or ${t.batchId} is not null`),
  check('qr_codes_staff', sql`(${t.kind} = 'staff') = (${t.staffId} is not null)`),
  check('qr_codes_fixed', sql`(${t.kind} = 'fixed_amount') = (${t.unitPriceFen} is not null) and (${t.unitPriceFen} is null or ${t.unitPriceFen} > 0)`),
])

export type QrCodeRow = typeof qrCodes.$inferSelect
export type QrBatchRow = typeof qrBatches.$inferSelect
