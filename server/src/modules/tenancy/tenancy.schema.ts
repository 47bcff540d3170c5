import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/*
 * The tenant hierarchy (mission T1–T9). Every row below the service provider carries the ids of
 * all its ancestors (sp_id, ssp_id, merchant_id, store_id), so one scope filter (scope.ts) works on
 * every table without joins. Columns ending in `_sealed` hold SecretBox ciphertext, never plaintext.
 */

const created = () => timestamp('created_at', { withTimezone: true }).notNull()
const updated = () => timestamp('updated_at', { withTimezone: true }).notNull()

/** 服务商 (T2). */
export const serviceProviders = pgTable('service_providers', {
  id: text('id').primaryKey(),
  /** The console account that registered it; operators see every SP. */
  ownerAccountId: text('owner_account_id').notNull(),
  /** Cloud Pay `out_mch_id`: 20 letters/digits. */
  outMchId: text('out_mch_id').notNull(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  adminName: text('admin_name').notNull(),
  adminPhone: text('admin_phone').notNull(),
  tradeCallbackUrl: text('trade_callback_url'),
  logoUrl: text('logo_url'),
  adUrl: text('ad_url'),
  adImageUrl: text('ad_image_url'),
  payCompleteUrl: text('pay_complete_url'),
  remark: text('remark'),

  wxMchId: text('wx_mch_id'),
  wxApiV3KeySealed: text('wx_api_v3_key_sealed'),
  wxApiV2KeySealed: text('wx_api_v2_key_sealed'),
  wxPrivateKeySealed: text('wx_private_key_sealed'),
  wxCertificateSerial: text('wx_certificate_serial'),
  /** 商户 API 证书 (public): mutual TLS of the v2 deposit API. */
  wxCertificate: text('wx_certificate'),
  wxPlatformCertificate: text('wx_platform_certificate'),
  wxPublicKey: text('wx_public_key'),
  wxPublicKeyId: text('wx_public_key_id'),
  wxOaAppId: text('wx_oa_app_id'),
  wxOaSecretSealed: text('wx_oa_secret_sealed'),
  wxRebateBp: integer('wx_rebate_bp'),

  alipayAppId: text('alipay_app_id'),
  alipayPrivateKeySealed: text('alipay_private_key_sealed'),
  alipayPublicKeySealed: text('alipay_public_key_sealed'),
  alipayPid: text('alipay_pid'),
  alipayRebateBp: integer('alipay_rebate_bp'),

  /** Official-account authorization to the platform (T3), from the open platform's api_query_auth. */
  oaAuthStatus: text('oa_auth_status', { enum: ['none', 'authorized', 'revoked'] }).notNull().default('none'),
  oaAuthorizerAppId: text('oa_authorizer_app_id'),
  oaRefreshTokenSealed: text('oa_refresh_token_sealed'),
  oaFuncIds: jsonb('oa_func_ids').$type<number[]>(),
  oaVerified: boolean('oa_verified'),
  oaAuthorizedAt: timestamp('oa_authorized_at', { withTimezone: true }),
  oaProblem: text('oa_problem'),

  maidanBoundAt: timestamp('maidan_bound_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
}, (t) => [
  uniqueIndex('service_providers_out_mch_id').on(t.outMchId),
  index('service_providers_owner').on(t.ownerAccountId),
  uniqueIndex('service_providers_oa_authorizer').on(t.oaAuthorizerAppId),
  check('service_providers_oa_auth_status', sql`${t.oaAuthStatus} in ('none', 'authorized', 'revoked')`),
])

/** 子服务商 (T6): onboards merchants for an SP and sees only those. */
export const subServiceProviders = pgTable('sub_service_providers', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  /** 子服务商平台账号 ID: the console account the sub-SP signs in with. */
  accountId: text('account_id').notNull(),
  name: text('name').notNull(),
  adminName: text('admin_name').notNull(),
  phone: text('phone').notNull(),
  wxRebateBp: integer('wx_rebate_bp'),
  alipayRebateBp: integer('alipay_rebate_bp'),
  remark: text('remark'),
  createdAt: created(),
  updatedAt: updated(),
}, (t) => [
  index('sub_service_providers_sp').on(t.spId),
  index('sub_service_providers_account').on(t.accountId),
])

/** 子商户 (T7). */
export const merchants = pgTable('merchants', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  /** Fixed at creation: a merchant stays with the sub-SP that onboarded it. */
  sspId: text('ssp_id').references(() => subServiceProviders.id),
  outSubMchId: text('out_sub_mch_id').notNull(),
  /** 云支付订单前缀 (`cloud_cashier_id`): every order number of this merchant starts with it. */
  orderPrefix: text('order_prefix').notNull(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  adminName: text('admin_name').notNull(),
  adminEmail: text('admin_email').notNull(),
  logoUrl: text('logo_url'),
  adUrl: text('ad_url'),
  adImageUrl: text('ad_image_url'),
  remark: text('remark'),
  wxSubMchId: text('wx_sub_mch_id').notNull(),
  wxChannel: text('wx_channel', { enum: ['direct', 'maidan'] }).notNull().default('direct'),
  /** 押金权限 (P8): deposits are opened per merchant by its SP. */
  depositEnabled: boolean('deposit_enabled').notNull().default(false),
  /** 退款 API 权限: refunds (and deposit releases) through the Cloud Pay API. */
  refundApiEnabled: boolean('refund_api_enabled').notNull().default(true),
  /** 认证密钥 (HMAC key of authen_code). The signing private key is given out once and never stored. */
  authenKeySealed: text('authen_key_sealed').notNull(),
  verifyPublicKey: text('verify_public_key').notNull(),
  alipayUserId: text('alipay_user_id'),
  alipayAuthAppId: text('alipay_auth_app_id'),
  alipayAppAuthTokenSealed: text('alipay_app_auth_token_sealed'),
  alipayAppRefreshTokenSealed: text('alipay_app_refresh_token_sealed'),
  alipayTokenExpiresAt: timestamp('alipay_token_expires_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
}, (t) => [
  uniqueIndex('merchants_out_sub_mch_id').on(t.outSubMchId),
  uniqueIndex('merchants_order_prefix').on(t.orderPrefix),
  uniqueIndex('merchants_sp_sub_mch').on(t.spId, t.wxSubMchId),
  index('merchants_ssp').on(t.sspId),
  check('merchants_wx_channel', sql`${t.wxChannel} in ('direct', 'maidan')`),
])

/** 门店: only what activation needs here; full management comes with the stores module (S1). */
export const stores = pgTable('stores', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull().references(() => merchants.id),
  /** Cloud Pay `out_shop_id`: 20 characters, globally unique. */
  outShopId: text('out_shop_id').notNull(),
  name: text('name').notNull(),
  branchName: text('branch_name'),
  address: text('address'),
  phone: text('phone'),
  /** A closed store takes no payments: its codes show 门店已停止收款 (P1). */
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  /** S1: which channels the store takes (收款类型) and its currency. */
  paymentTypes: text('payment_types').array().notNull().default(sql`array['wechat_pay', 'alipay']::text[]`),
  currency: text('currency').notNull().default('CNY'),
  /** Voucher auto-redemption tag sent with this store's orders (C2). */
  goodsTag: text('goods_tag'),
  /** Per-store channel accounts overriding the merchant's (S1). */
  wxSubMchId: text('wx_sub_mch_id'),
  alipayUserId: text('alipay_user_id'),
  /** The WeChat 买单 store this store is bound to when its merchant uses that channel (T8). */
  maidanStoreId: text('maidan_store_id'),
  memberCardEnabled: boolean('member_card_enabled').notNull().default(true),
  /** Deleted stores keep their rows (orders point at them); refused with a recent transaction. */
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
}, (t) => [
  uniqueIndex('stores_out_shop_id').on(t.outShopId),
  index('stores_merchant').on(t.merchantId),
])

/**
 * Everyone who acts for an entity through WeChat: SP / sub-SP / merchant admins, store managers
 * and clerks. Activation binds a WeChat openid (of the SP's official account) to the row.
 */
export const staff = pgTable('staff', {
  id: text('id').primaryKey(),
  role: text('role', { enum: ['sp_admin', 'ssp_admin', 'merchant_admin', 'store_manager', 'clerk'] }).notNull(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id'),
  storeId: text('store_id'),
  name: text('name').notNull(),
  phone: text('phone'),
  email: text('email'),
  refundPermission: boolean('refund_permission').notNull().default(false),
  /** N1: the clerk's own switch for payment messages, and a manager's "also off duty". */
  receiveMessages: boolean('receive_messages').notNull().default(true),
  receiveOffDuty: boolean('receive_off_duty').notNull().default(false),
  wxAppId: text('wx_app_id'),
  wxOpenid: text('wx_openid'),
  activatedAt: timestamp('activated_at', { withTimezone: true }),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
}, (t) => [
  index('staff_sp').on(t.spId),
  index('staff_merchant').on(t.merchantId),
  index('staff_store').on(t.storeId),
  index('staff_openid').on(t.wxAppId, t.wxOpenid),
  check('staff_role', sql`${t.role} in ('sp_admin', 'ssp_admin', 'merchant_admin', 'store_manager', 'clerk')`),
  // The scope columns a role needs are present: a clerk without a store could see nothing, or everything.
  check('staff_scope', sql`(${t.role} <> 'ssp_admin' or ${t.sspId} is not null)
    and (${t.role} not in ('merchant_admin', 'store_manager', 'clerk') or ${t.merchantId} is not null)
    and (${t.role} not in ('store_manager', 'clerk') or ${t.storeId} is not null)`),
])

/**
 * Single-use, expiring activation codes (T4). The token is kept sealed, not hashed, because the
 * console shows the same QR again on demand; it is looked up by its SHA-256.
 */
export const activationCodes = pgTable('activation_codes', {
  id: text('id').primaryKey(),
  staffId: text('staff_id').notNull().references(() => staff.id),
  spId: text('sp_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  tokenSealed: text('token_sealed').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedByOpenid: text('used_by_openid'),
  createdAt: created(),
}, (t) => [
  uniqueIndex('activation_codes_token').on(t.tokenHash),
  index('activation_codes_staff').on(t.staffId),
])

/**
 * The staff mini-program's users and the official-account identities their roles hang on. Staff
 * activate through the SP's official account, whose openid differs from the mini-program's; a
 * one-time link code (below) joins the two. One row per official account: a person who works for
 * two service providers links twice.
 */
export const miniProgramLinks = pgTable('mini_program_links', {
  mpAppId: text('mp_app_id').notNull(),
  mpOpenid: text('mp_openid').notNull(),
  oaAppId: text('oa_app_id').notNull(),
  oaOpenid: text('oa_openid').notNull(),
  linkedAt: timestamp('linked_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.mpAppId, t.mpOpenid, t.oaAppId] }),
  index('mini_program_links_oa').on(t.oaAppId, t.oaOpenid),
])

/**
 * Link codes: shown to a signed-in official-account user, typed or scanned in the mini-program
 * within minutes, usable once. Kept as SHA-256 only: nobody needs to see one again.
 */
export const miniProgramLinkCodes = pgTable('mini_program_link_codes', {
  codeHash: text('code_hash').primaryKey(),
  oaAppId: text('oa_app_id').notNull(),
  oaOpenid: text('oa_openid').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: created(),
})

/** One "sync 买单 sub-merchants" run (T8): progress the console polls. */
export const maidanSyncs = pgTable('maidan_syncs', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull().references(() => serviceProviders.id),
  status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] }).notNull(),
  total: integer('total'),
  processed: integer('processed').notNull().default(0),
  created: integer('created').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  error: text('error'),
  requestedBy: text('requested_by').notNull(),
  createdAt: created(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  index('maidan_syncs_sp').on(t.spId, t.createdAt),
  // At most one unfinished sync per SP: a second click joins the running one.
  uniqueIndex('maidan_syncs_one_running').on(t.spId).where(sql`${t.status} in ('queued', 'running')`),
])

/** The open platform's component_verify_ticket, pushed by WeChat every 10 minutes. */
export const wechatComponentTickets = pgTable('wechat_component_tickets', {
  componentAppId: text('component_app_id').primaryKey(),
  ticketSealed: text('ticket_sealed').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
})

export type ServiceProviderRow = typeof serviceProviders.$inferSelect
export type SubServiceProviderRow = typeof subServiceProviders.$inferSelect
export type MerchantRow = typeof merchants.$inferSelect
export type StoreRow = typeof stores.$inferSelect
export type StaffRow = typeof staff.$inferSelect
export type ActivationCodeRow = typeof activationCodes.$inferSelect
export type MaidanSyncRow = typeof maidanSyncs.$inferSelect
