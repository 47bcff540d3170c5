import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Fen, VoucherScenario, VoucherUse } from '@yima/shared'

const fenColumn = (name: string) => bigint(name, { mode: 'number' }).$type<Fen>()
const at = (name: string) => timestamp(name, { withTimezone: true })

/**
 * A merchant's own WeChat Pay API credentials for issuing vouchers (seed 002 微信API证书配置):
 * several merchant ids share one certificate and key. Secrets sealed.
 */
export const merchantPayCredentials = pgTable('merchant_pay_credentials', {
  merchantId: text('merchant_id').primaryKey(),
  spId: text('sp_id').notNull(),
  mchIds: text('mch_ids').array().notNull(),
  certificateSerial: text('certificate_serial').notNull(),
  privateKeySealed: text('private_key_sealed').notNull(),
  apiV3KeySealed: text('api_v3_key_sealed').notNull(),
  updatedAt: at('updated_at').notNull(),
})

/** The merchant's voucher page (商户二维码): a permanent code, not the merchant's id. */
export const voucherPages = pgTable('voucher_pages', {
  merchantId: text('merchant_id').primaryKey(),
  code: text('code').notNull(),
  createdAt: at('created_at').notNull(),
}, (t) => [uniqueIndex('voucher_pages_code').on(t.code)])

/** An imported batch (代金券 stock) with the rules WeChat gave and how yima hands it out. */
export const voucherBatches = pgTable('voucher_batches', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  stockId: text('stock_id').notNull(),
  creatorMchId: text('creator_mch_id').notNull(),
  name: text('name').notNull(),
  amountFen: fenColumn('amount_fen').notNull(),
  thresholdFen: fenColumn('threshold_fen').notNull(),
  noCash: boolean('no_cash').notNull(),
  availableFrom: at('available_from').notNull(),
  availableTo: at('available_to').notNull(),
  maxPerUser: integer('max_per_user').notNull(),
  maxCoupons: integer('max_coupons').notNull(),
  distributed: integer('distributed').notNull(),
  wechatStatus: text('wechat_status').notNull(),
  goodsTags: text('goods_tags').array().notNull(),
  scenario: text('scenario').$type<VoucherScenario>().notNull(),
  uses: text('uses').array().$type<VoucherUse[]>().notNull(),
  spendGiftMinFen: fenColumn('spend_gift_min_fen'),
  paused: boolean('paused').notNull().default(false),
  syncedAt: at('synced_at').notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  deletedAt: at('deleted_at'),
}, (t) => [
  uniqueIndex('voucher_batches_live_stock').on(t.merchantId, t.stockId).where(sql`${t.deletedAt} is null`),
  index('voucher_batches_merchant').on(t.merchantId),
])

/** 下架某门店的发券能力: the stores that hand out none of a batch. */
export const voucherStorePauses = pgTable('voucher_store_pauses', {
  batchId: text('batch_id').notNull().references(() => voucherBatches.id),
  storeId: text('store_id').notNull(),
  createdAt: at('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.batchId, t.storeId] })])

export type GrantReason = 'card_gift' | 'spend_gift' | 'pay_complete' | 'page'
export type GrantStatus = 'pending' | 'sent' | 'failed' | 'redeemed'

/**
 * Every voucher yima hands out: written before WeChat is asked (its out_request_no makes WeChat
 * send it once however often yima asks), then sent, failed, and redeemed when a payment used it.
 */
export const voucherGrants = pgTable('voucher_grants', {
  id: text('id').primaryKey(),
  batchId: text('batch_id').notNull().references(() => voucherBatches.id),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  openid: text('openid').notNull(),
  appId: text('app_id').notNull(),
  reason: text('reason').$type<GrantReason>().notNull(),
  /** The payment that earned it (消费有礼) or whose pay-complete page offered it. */
  orderId: text('order_id'),
  outRequestNo: text('out_request_no').notNull(),
  status: text('status').$type<GrantStatus>().notNull(),
  couponId: text('coupon_id'),
  failure: text('failure'),
  redeemedOrderId: text('redeemed_order_id'),
  redeemedAt: at('redeemed_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('voucher_grants_request').on(t.outRequestNo),
  index('voucher_grants_batch_openid').on(t.batchId, t.openid),
  index('voucher_grants_coupon').on(t.couponId),
])

export type VoucherBatchRow = typeof voucherBatches.$inferSelect
export type VoucherGrantRow = typeof voucherGrants.$inferSelect
export type MerchantPayCredentialsRow = typeof merchantPayCredentials.$inferSelect
