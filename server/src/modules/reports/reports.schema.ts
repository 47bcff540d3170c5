import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

const fen = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0)

/**
 * The summary counters (R1) per hour and per attribution: merchant, store, clerk, device, QR
 * code and channel. Maintained in the transaction that changes an order or a refund
 * (rollup.ts), so a summary over whole hours reads this table and never disagrees with the
 * orders; partial hours at a range's ends are read from the orders themselves (summary.repo.ts).
 * China keeps UTC+8 all year, so UTC hours are China hours.
 *
 * A missing attribution is '' (not null) so it can be part of the key.
 */
export const reportHourly = pgTable('report_hourly', {
  hour: timestamp('hour', { withTimezone: true }).notNull(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id').notNull(),
  staffId: text('staff_id').notNull(),
  deviceId: text('device_id').notNull(),
  qrCodeId: text('qr_code_id').notNull(),
  payPlatform: text('pay_platform').notNull(),
  tradeCount: integer('trade_count').notNull().default(0),
  tradeFen: fen('trade_fen'),
  discountFen: fen('discount_fen'),
  settlementFen: fen('settlement_fen'),
  refundCount: integer('refund_count').notNull().default(0),
  refundFen: fen('refund_fen'),
  refundSettlementFen: fen('refund_settlement_fen'),
}, (t) => [
  primaryKey({ name: 'report_hourly_pk', columns: [t.merchantId, t.storeId, t.hour, t.staffId, t.deviceId, t.qrCodeId, t.payPlatform] }),
  index('report_hourly_store_hour').on(t.storeId, t.hour),
  index('report_hourly_sp_hour').on(t.spId, t.hour),
])
