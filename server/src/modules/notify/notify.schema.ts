import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true })

export const DELIVERY_CHANNELS = ['template', 'sms', 'print', 'speaker'] as const
export type DeliveryChannel = typeof DELIVERY_CHANNELS[number]
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'fallback'] as const
export type DeliveryStatus = typeof DELIVERY_STATUSES[number]

/**
 * The delivery ledger (N2): one row per recipient and way of telling them — a clerk's template
 * message and its SMS fallback, a printer's receipt, a speaker's announcement — for an event
 * (a payment, a refund, a handover). Each row is carried by an outbox job; the merchant sees
 * who was told and how. `fallback` = this way failed and another row took over (template → SMS).
 */
export const deliveries = pgTable('deliveries', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  /** What happened: payment, refund, handover, summary, order_detail. */
  subject: text('subject').notNull(),
  /** The order, refund or shift the event is about. */
  subjectId: text('subject_id').notNull(),
  channel: text('channel', { enum: DELIVERY_CHANNELS }).notNull(),
  /** staff / printer / speaker, and its id. */
  recipientKind: text('recipient_kind').notNull(),
  recipientId: text('recipient_id').notNull(),
  /** Where it went, masked for display (openid, phone, device SN). */
  target: text('target').notNull(),
  status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
  jobId: text('job_id'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  sentAt: at('sent_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  // A repeated event (a duplicated paid transition) cannot tell anyone twice.
  uniqueIndex('deliveries_once').on(t.subject, t.subjectId, t.channel, t.recipientId),
  index('deliveries_merchant').on(t.merchantId, t.createdAt),
  index('deliveries_subject').on(t.subjectId),
  check('deliveries_channel', sql`${t.channel} in ('template', 'sms', 'print', 'speaker')`),
  check('deliveries_status', sql`${t.status} in ('pending', 'sent', 'failed', 'fallback')`),
])

export type DeliveryRow = typeof deliveries.$inferSelect
