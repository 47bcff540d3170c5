import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Fen, OrderStatus, RefundStatus } from '@yima/shared'

const fenColumn = (name: string) => bigint(name, { mode: 'number' }).$type<Fen>()
const at = (name: string) => timestamp(name, { withTimezone: true })

/**
 * One order = one attempt at the channel (its id goes to the channel as out_trade_no, after the
 * merchant's prefix). Attribution columns say where the money came from; the tenant ids let the
 * scope filter of the tenancy module work here unchanged.
 */
export const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  staffId: text('staff_id'),
  deviceId: text('device_id'),
  qrCodeId: text('qr_code_id'),
  /** SourceType / TradeType / PayMethod of @yima/shared and channels/types.ts. */
  sourceType: text('source_type').notNull(),
  tradeType: text('trade_type').notNull(),
  payPlatform: text('pay_platform', { enum: ['wechat_pay', 'alipay'] }).notNull(),
  method: text('method').notNull(),
  /** WeChat Pay: the sub-merchant paid (the store's override or the merchant's), used for every later call. */
  wxSubMchId: text('wx_sub_mch_id'),
  /** Merchant prefix + our number; unique forever, what the channel and Cloud Pay clients know. */
  outTradeNo: text('out_trade_no').notNull(),
  amountFen: fenColumn('amount_fen').notNull(),
  /** Fixed-amount codes (S4): how many units the customer bought; amount = quantity × unit price. */
  quantity: integer('quantity'),
  /** Voucher discount the channel reported (promotion_detail); the payer paid amount − discount. */
  discountFen: fenColumn('discount_fen').notNull().default(0 as Fen),
  /**
   * The part of the discount the merchant bears (免充值 vouchers): not settled to it. A 预充值
   * voucher is paid from the batch's funds, so the merchant is settled the whole amount (R1).
   */
  noCashDiscountFen: fenColumn('no_cash_discount_fen').notNull().default(0 as Fen),
  /** Sum of succeeded and processing refunds, maintained under the order's row lock. */
  refundedFen: fenColumn('refunded_fen').notNull().default(0 as Fen),
  status: text('status').$type<OrderStatus>().notNull(),
  description: text('description').notNull(),
  remark: text('remark'),
  goodsTag: text('goods_tag'),
  payerId: text('payer_id'),
  channelTxnId: text('channel_txn_id'),
  /** Hash of the business fields, for "same number, different content" (cloudpay-api.md §12). */
  contentHash: text('content_hash'),
  /** The per-order trade-complete callback URL (Cloud Pay `caller_notify_url`), besides the SP's. */
  callbackUrl: text('callback_url'),
  /** What the channel last said, for support; never shown to customers. */
  channelRaw: jsonb('channel_raw'),
  failureCode: text('failure_code'),
  /** A consumption of this deposit (押金消费, P8): paid out of the frozen amount, not by a new payment. */
  depositId: text('deposit_id'),
  expiresAt: at('expires_at').notNull(),
  paidAt: at('paid_at'),
  closedAt: at('closed_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('orders_out_trade_no').on(t.outTradeNo),
  index('orders_merchant_created').on(t.merchantId, t.createdAt),
  // The console's details and summaries over a whole service provider (R1, R2).
  index('orders_sp_created').on(t.spId, t.createdAt),
  index('orders_store_created').on(t.storeId, t.createdAt),
  // The reconciliation job's queue: unfinished orders, oldest first.
  index('orders_unfinished').on(t.updatedAt).where(sql`${t.status} in ('created', 'pending')`),
  check('orders_status', sql`${t.status} in ('created', 'pending', 'succeeded', 'failed', 'closed', 'reversed')`),
  check('orders_amount_positive', sql`${t.amountFen} > 0`),
  check('orders_refunds_within_amount', sql`${t.refundedFen} >= 0 and ${t.refundedFen} <= ${t.amountFen}`),
])

export const refunds = pgTable('refunds', {
  id: text('id').primaryKey(),
  orderId: text('order_id').notNull().references(() => orders.id),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  outRefundNo: text('out_refund_no').notNull(),
  amountFen: fenColumn('amount_fen').notNull(),
  status: text('status').$type<RefundStatus>().notNull(),
  reason: text('reason'),
  /** Who authorized it: an account, a staff member or an integrator. */
  operatorKind: text('operator_kind').notNull(),
  operatorId: text('operator_id').notNull(),
  channelRefundId: text('channel_refund_id'),
  channelRaw: jsonb('channel_raw'),
  failureCode: text('failure_code'),
  refundedAt: at('refunded_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('refunds_out_refund_no').on(t.outRefundNo),
  index('refunds_order').on(t.orderId),
  // Summaries count refunds by request time (R1).
  index('refunds_store_created').on(t.storeId, t.createdAt),
  index('refunds_merchant_created').on(t.merchantId, t.createdAt),
  index('refunds_sp_created').on(t.spId, t.createdAt),
  check('refunds_status', sql`${t.status} in ('processing', 'succeeded', 'failed')`),
  check('refunds_amount_positive', sql`${t.amountFen} > 0`),
])

/** Things that must not happen quietly: a success after close, an amount that does not match. */
export const paymentIncidents = pgTable('payment_incidents', {
  id: text('id').primaryKey(),
  orderId: text('order_id'),
  kind: text('kind').notNull(),
  detail: jsonb('detail').notNull(),
  createdAt: at('created_at').notNull(),
  resolvedAt: at('resolved_at'),
}, (t) => [
  index('payment_incidents_open').on(t.createdAt).where(sql`${t.resolvedAt} is null`),
])

/**
 * Trade-complete callbacks (P6): one row per event and target URL. The outbox job carries the
 * delivery (retries on WeChat's schedule); each attempt is an outbox delivery, and this row keeps
 * the latest answer so the console can show it and resend.
 */
export const paymentCallbacks = pgTable('payment_callbacks', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  orderId: text('order_id').notNull().references(() => orders.id),
  refundId: text('refund_id').references(() => refunds.id),
  event: text('event', { enum: ['paid', 'refunded'] }).notNull(),
  target: text('target', { enum: ['service_provider', 'order'] }).notNull(),
  url: text('url').notNull(),
  status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
  jobId: text('job_id'),
  attempts: integer('attempts').notNull().default(0),
  lastHttpStatus: integer('last_http_status'),
  lastError: text('last_error'),
  lastAttemptAt: at('last_attempt_at'),
  deliveredAt: at('delivered_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  // One callback per event and target: a duplicated paid transition cannot send twice.
  uniqueIndex('payment_callbacks_event').on(t.orderId, t.event, t.target, sql`coalesce(${t.refundId}, '')`),
  index('payment_callbacks_merchant').on(t.merchantId, t.createdAt),
  check('payment_callbacks_status', sql`${t.status} in ('pending', 'delivered', 'failed')`),
])

// Shifts moved to the shifts module; re-exported for the payments code that reads them (P5, H3).
export { staffShifts, type StaffShiftRow } from '../shifts/shifts.schema'

export type PaymentCallbackRow = typeof paymentCallbacks.$inferSelect
export type OrderRow = typeof orders.$inferSelect
export type RefundRow = typeof refunds.$inferSelect
