import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/** The stored outcome of a request made with an `Idempotency-Key`, per caller. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  /** Who made the request (actor id, or a public scope): keys of different callers never meet. */
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  /** sha256 of method, path and body: the same key with another request is refused. */
  requestHash: text('request_hash').notNull(),
  state: text('state', { enum: ['in_flight', 'done'] }).notNull(),
  responseStatus: integer('response_status'),
  responseBody: jsonb('response_body'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.scope, t.key] }),
  index('idempotency_keys_created').on(t.createdAt),
  check('idempotency_keys_state', sql`${t.state} in ('in_flight', 'done')`),
])
