import { sql } from 'drizzle-orm'
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/** People who sign in to the console (platform operators, service-provider staff). */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  /** Lower-cased at write; unique. */
  login: text('login').notNull(),
  displayName: text('display_name').notNull(),
  /** `scrypt$N$r$p$salt$hash`, see password.ts. */
  passwordHash: text('password_hash').notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  /** Platform operators see and manage every service provider (T9: platform ⊃ SP). */
  isOperator: boolean('is_operator').notNull().default(false),
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

/** WeChat identities bound to a console account by scanning the binding QR (T1); one account may have several. */
export const wechatIdentities = pgTable('wechat_identities', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  /** The platform official account the openid belongs to. */
  appId: text('app_id').notNull(),
  openid: text('openid').notNull(),
  nickname: text('nickname'),
  boundAt: timestamp('bound_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('wechat_identities_account_openid').on(t.accountId, t.appId, t.openid),
  index('wechat_identities_openid').on(t.appId, t.openid),
])

/** A binding QR shown in the console; only the SHA-256 of its token is kept. */
export const wechatBindings = pgTable('wechat_bindings', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  identityId: text('identity_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('wechat_bindings_token').on(t.tokenHash),
  index('wechat_bindings_account').on(t.accountId),
])

export type WechatIdentityRow = typeof wechatIdentities.$inferSelect
export type WechatBindingRow = typeof wechatBindings.$inferSelect
export type AccountRow = typeof accounts.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
