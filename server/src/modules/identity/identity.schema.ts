import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/** People who sign in to the console (platform operators, service-provider staff). */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  /** Lower-cased at write; unique. */
  login: text('login').notNull(),
  displayName: text('display_name').notNull(),
  /** `scrypt$N$r$p$salt$hash`, see password.ts. */
  passwordHash: text('password_hash').notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('accounts_login').on(t.login),
  check('accounts_status', sql`${t.status} in ('active', 'disabled')`),
])

/**
 * One signed-in device. The refresh token's secret is stored only as its SHA-256; every refresh
 * replaces it, and the one before is kept to recognise a stolen token being replayed.
 */
export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  refreshHash: text('refresh_hash').notNull(),
  previousRefreshHash: text('previous_refresh_hash'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  revokedReason: text('revoked_reason'),
  userAgent: text('user_agent'),
  ip: text('ip'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('sessions_account').on(t.accountId),
])

export type AccountRow = typeof accounts.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
