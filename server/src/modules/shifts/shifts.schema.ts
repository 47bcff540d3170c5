import { sql } from 'drizzle-orm'
import { index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true })

/**
 * Clock-ins and clock-outs (H1). An open shift (no clock-out) is "on duty": refunds (P5), order
 * visibility (H3) and payment messages (N1) read it. The handover windows (H2) are derived from
 * these rows by `handover.ts`, never stored, so a late clock-out corrects them.
 */
export const staffShifts = pgTable('staff_shifts', {
  id: text('id').primaryKey(),
  staffId: text('staff_id').notNull(),
  storeId: text('store_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  clockInAt: at('clock_in_at').notNull(),
  clockOutAt: at('clock_out_at'),
  createdAt: at('created_at').notNull(),
}, (t) => [
  index('staff_shifts_staff').on(t.staffId, t.clockInAt),
  index('staff_shifts_store').on(t.storeId, t.clockInAt),
  // At most one open shift per clerk: the compare-and-set of clocking in.
  uniqueIndex('staff_shifts_open').on(t.staffId).where(sql`${t.clockOutAt} is null`),
])

export type StaffShiftRow = typeof staffShifts.$inferSelect
