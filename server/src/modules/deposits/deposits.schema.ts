import { sql } from 'drizzle-orm'
import { bigint, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Fen } from '@yima/shared'

const fenColumn = (name: string) => bigint(name, { mode: 'number' }).$type<Fen>()
const at = (name: string) => timestamp(name, { withTimezone: true })

export const DEPOSIT_STATUSES = ['created', 'pending', 'frozen', 'finished', 'cancelled', 'failed'] as const
export type DepositStatus = typeof DEPOSIT_STATUSES[number]
export const UNFREEZE_STATUSES = ['processing', 'succeeded', 'failed'] as const
export type UnfreezeStatus = typeof UNFREEZE_STATUSES[number]

/**
 * 押金 (P8): an amount frozen on the customer's account (WeChat: taken and held; Alipay: an
 * authorisation). Consumptions are orders (`orders.deposit_id`); releases are `deposit_unfreezes`.
 * `consumed_fen` and `unfrozen_fen` count what succeeded plus what is on its way, reserved under
 * the deposit's row lock before a channel is asked, so two cashiers cannot spend the same rest.
 */
export const deposits = pgTable('deposits', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  staffId: text('staff_id'),
  deviceId: text('device_id'),
  payPlatform: text('pay_platform', { enum: ['wechat_pay', 'alipay'] }).notNull(),
  /** micro: the cashier scanned the customer's code; scan: the customer scans a QR (Alipay). */
  kind: text('kind', { enum: ['micro', 'scan'] }).notNull(),
  wxSubMchId: text('wx_sub_mch_id'),
  outFreezeNo: text('out_freeze_no').notNull(),
  /** WeChat's transaction_id, Alipay's auth_no. */
  channelFreezeId: text('channel_freeze_id'),
  amountFen: fenColumn('amount_fen').notNull(),
  consumedFen: fenColumn('consumed_fen').notNull().default(0 as Fen),
  unfrozenFen: fenColumn('unfrozen_fen').notNull().default(0 as Fen),
  /** A consumption that releases the rest (is_confirm_unfreeze) is on its way: nothing else may start. */
  completingOrderId: text('completing_order_id'),
  status: text('status').$type<DepositStatus>().notNull(),
  description: text('description').notNull(),
  remark: text('remark'),
  payerId: text('payer_id'),
  qrCode: text('qr_code'),
  contentHash: text('content_hash'),
  failureCode: text('failure_code'),
  channelRaw: jsonb('channel_raw'),
  expiresAt: at('expires_at').notNull(),
  frozenAt: at('frozen_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('deposits_out_freeze_no').on(t.outFreezeNo),
  index('deposits_merchant_created').on(t.merchantId, t.createdAt),
  check('deposits_status', sql`${t.status} in ('created', 'pending', 'frozen', 'finished', 'cancelled', 'failed')`),
  check('deposits_amount_positive', sql`${t.amountFen} > 0`),
  check('deposits_within_amount', sql`${t.consumedFen} >= 0 and ${t.unfrozenFen} >= 0 and ${t.consumedFen} + ${t.unfrozenFen} <= ${t.amountFen}`),
])

/** 押金解冻: one release of part (Alipay) or all (WeChat) of a deposit. */
export const depositUnfreezes = pgTable('deposit_unfreezes', {
  id: text('id').primaryKey(),
  depositId: text('deposit_id').notNull().references(() => deposits.id),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  outUnfreezeNo: text('out_unfreeze_no').notNull(),
  amountFen: fenColumn('amount_fen').notNull(),
  status: text('status').$type<UnfreezeStatus>().notNull(),
  remark: text('remark'),
  /** Who allowed it (api_version 2), as refunds record it. */
  operatorKind: text('operator_kind').notNull(),
  operatorId: text('operator_id').notNull(),
  contentHash: text('content_hash'),
  channelUnfreezeId: text('channel_unfreeze_id'),
  failureCode: text('failure_code'),
  channelRaw: jsonb('channel_raw'),
  unfrozenAt: at('unfrozen_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('deposit_unfreezes_out_unfreeze_no').on(t.outUnfreezeNo),
  index('deposit_unfreezes_deposit').on(t.depositId),
  check('deposit_unfreezes_status', sql`${t.status} in ('processing', 'succeeded', 'failed')`),
  check('deposit_unfreezes_amount_positive', sql`${t.amountFen} > 0`),
])

export type DepositRow = typeof deposits.$inferSelect
export type DepositUnfreezeRow = typeof depositUnfreezes.$inferSelect
