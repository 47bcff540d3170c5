import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const OUTBOX_STATUSES = ['pending', 'running', 'done', 'dead'] as const
export type OutboxStatus = typeof OUTBOX_STATUSES[number]

/** Jobs written in the same transaction as the state change that caused them. */
export const outboxJobs = pgTable('outbox_jobs', {
  id: text('id').primaryKey(),
  topic: text('topic').notNull(),
  payload: jsonb('payload').notNull(),
  /** Optional: a second enqueue with the same (topic, dedupe_key) is a no-op. */
  dedupeKey: text('dedupe_key'),
  status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull(),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
  /** While running: the worker holding the job and until when. A lapsed lease makes it claimable again. */
  lockedBy: text('locked_by'),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastError: text('last_error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  index('outbox_jobs_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  index('outbox_jobs_lease').on(t.lockedUntil).where(sql`${t.status} = 'running'`),
  uniqueIndex('outbox_jobs_dedupe').on(t.topic, t.dedupeKey),
  check('outbox_jobs_status', sql`${t.status} in ('pending', 'running', 'done', 'dead')`),
  check('outbox_jobs_attempts', sql`${t.attempts} >= 0 and ${t.maxAttempts} >= 1`),
])

/** One row per attempt to run a job: who ran it, when, how long, and what came back. */
export const outboxDeliveries = pgTable('outbox_deliveries', {
  id: text('id').primaryKey(),
  jobId: text('job_id').notNull().references(() => outboxJobs.id, { onDelete: 'cascade' }),
  attempt: integer('attempt').notNull(),
  worker: text('worker').notNull(),
  outcome: text('outcome', { enum: ['succeeded', 'failed'] }).notNull(),
  error: text('error'),
  result: jsonb('result'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  durationMs: integer('duration_ms').notNull(),
}, (t) => [
  uniqueIndex('outbox_deliveries_attempt').on(t.jobId, t.attempt),
  check('outbox_deliveries_outcome', sql`${t.outcome} in ('succeeded', 'failed')`),
])

export type OutboxJobRow = typeof outboxJobs.$inferSelect
export type OutboxDeliveryRow = typeof outboxDeliveries.$inferSelect
