import { sql } from 'drizzle-orm'
import { bigint, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { CardColor, CardSubMerchantStatus, Fen, LedgerKind, LedgerPot, MemberCardStatus, MemberState, RechargeMode, RechargeTier } from '@yima/shared'
import { orders } from '../payments/payment.schema'

const fenColumn = (name: string) => bigint(name, { mode: 'number' }).$type<Fen>()
const at = (name: string) => timestamp(name, { withTimezone: true })

/** M1: the merchant's 卡券子商户 (made by the SP's official account for it) and its review status. */
export const cardSetups = pgTable('card_setups', {
  merchantId: text('merchant_id').primaryKey(),
  spId: text('sp_id').notNull(),
  subMerchantId: text('sub_merchant_id').notNull(),
  status: text('status').$type<CardSubMerchantStatus>(),
  reason: text('reason'),
  syncedAt: at('synced_at'),
  updatedAt: at('updated_at').notNull(),
})

/** M2: one live card per merchant; a deleted card keeps its row (its ledger points at it). */
export const memberCards = pgTable('member_cards', {
  id: text('id').primaryKey(),
  spId: text('sp_id').notNull(),
  sspId: text('ssp_id'),
  merchantId: text('merchant_id').notNull(),
  /** The official account that made it (its card APIs and openids) and WeChat's card_id. */
  wxAppId: text('wx_app_id').notNull(),
  wxCardId: text('wx_card_id').notNull(),
  title: text('title').notNull(),
  logoUrl: text('logo_url').notNull(),
  color: text('color').$type<CardColor>().notNull(),
  notice: text('notice').notNull(),
  description: text('description').notNull(),
  rechargeMode: text('recharge_mode').$type<RechargeMode>().notNull(),
  tiers: jsonb('tiers').$type<RechargeTier[]>().notNull(),
  balanceCapFen: fenColumn('balance_cap_fen').notNull(),
  status: text('status').$type<MemberCardStatus>().notNull(),
  refuseReason: text('refuse_reason'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  deletedAt: at('deleted_at'),
}, (t) => [
  uniqueIndex('member_cards_live_merchant').on(t.merchantId).where(sql`${t.deletedAt} is null`),
  uniqueIndex('member_cards_wx_card').on(t.wxCardId),
  check('member_cards_cap_positive', sql`${t.balanceCapFen} > 0`),
])

/**
 * A card holder. principal and bonus are the balance (M5): never negative (CHECK), changed only
 * together with ledger entries. openid/code are null for a member imported from a legacy system
 * until they claim the card in WeChat and activate with the same phone.
 */
export const cardMembers = pgTable('card_members', {
  id: text('id').primaryKey(),
  cardId: text('card_id').notNull().references(() => memberCards.id),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  openid: text('openid'),
  code: text('code'),
  state: text('state').$type<MemberState>().notNull(),
  name: text('name'),
  phone: text('phone'),
  principalFen: fenColumn('principal_fen').notNull().default(0 as Fen),
  bonusFen: fenColumn('bonus_fen').notNull().default(0 as Fen),
  createdAt: at('created_at').notNull(),
  activatedAt: at('activated_at'),
  updatedAt: at('updated_at').notNull(),
}, (t) => [
  uniqueIndex('card_members_openid').on(t.cardId, t.openid),
  uniqueIndex('card_members_code').on(t.cardId, t.code),
  uniqueIndex('card_members_phone').on(t.cardId, t.phone),
  index('card_members_merchant_name').on(t.merchantId, t.name),
  check('card_members_principal', sql`${t.principalFen} >= 0`),
  check('card_members_bonus', sql`${t.bonusFen} >= 0`),
])

/** A recharge order (a real WeChat Pay payment) and what it credits once paid. */
export const cardRecharges = pgTable('card_recharges', {
  orderId: text('order_id').primaryKey().references(() => orders.id),
  cardId: text('card_id').notNull(),
  memberId: text('member_id').notNull().references(() => cardMembers.id),
  amountFen: fenColumn('amount_fen').notNull(),
  bonusFen: fenColumn('bonus_fen').notNull(),
  creditedAt: at('credited_at'),
  createdAt: at('created_at').notNull(),
}, (t) => [
  index('card_recharges_member').on(t.memberId),
])

/** A payment from the balance at a store (M3): the parts it drew and what refunds gave back. */
export const cardPayments = pgTable('card_payments', {
  id: text('id').primaryKey(),
  cardId: text('card_id').notNull(),
  memberId: text('member_id').notNull().references(() => cardMembers.id),
  spId: text('sp_id').notNull(),
  merchantId: text('merchant_id').notNull(),
  storeId: text('store_id'),
  qrCodeId: text('qr_code_id'),
  amountFen: fenColumn('amount_fen').notNull(),
  principalFen: fenColumn('principal_fen').notNull(),
  bonusFen: fenColumn('bonus_fen').notNull(),
  refundedPrincipalFen: fenColumn('refunded_principal_fen').notNull().default(0 as Fen),
  refundedBonusFen: fenColumn('refunded_bonus_fen').notNull().default(0 as Fen),
  remark: text('remark'),
  createdAt: at('created_at').notNull(),
}, (t) => [
  index('card_payments_member').on(t.memberId, t.createdAt),
  check('card_payments_parts', sql`${t.principalFen} + ${t.bonusFen} = ${t.amountFen} and ${t.amountFen} > 0`),
  check('card_payments_refunds', sql`${t.refundedPrincipalFen} between 0 and ${t.principalFen} and ${t.refundedBonusFen} between 0 and ${t.bonusFen}`),
])

/** The ledger (M5): every balance change, one pot per entry, with the balances it left. */
export const cardLedger = pgTable('card_ledger', {
  id: text('id').primaryKey(),
  cardId: text('card_id').notNull(),
  memberId: text('member_id').notNull().references(() => cardMembers.id),
  merchantId: text('merchant_id').notNull(),
  /** null = the merchant's online store (线上门店). */
  storeId: text('store_id'),
  kind: text('kind').$type<LedgerKind>().notNull(),
  pot: text('pot').$type<LedgerPot>().notNull(),
  amountFen: fenColumn('amount_fen').notNull(),
  principalAfterFen: fenColumn('principal_after_fen').notNull(),
  bonusAfterFen: fenColumn('bonus_after_fen').notNull(),
  orderId: text('order_id'),
  paymentId: text('payment_id'),
  reason: text('reason'),
  operatorId: text('operator_id'),
  operatorName: text('operator_name'),
  createdAt: at('created_at').notNull(),
}, (t) => [
  index('card_ledger_member').on(t.memberId, t.createdAt, t.id),
  check('card_ledger_nonzero', sql`${t.amountFen} <> 0`),
  check('card_ledger_after', sql`${t.principalAfterFen} >= 0 and ${t.bonusAfterFen} >= 0`),
])

export type MemberCardRow = typeof memberCards.$inferSelect
export type CardMemberRow = typeof cardMembers.$inferSelect
export type CardPaymentRow = typeof cardPayments.$inferSelect
export type CardLedgerRow = typeof cardLedger.$inferSelect
export type CardSetupRow = typeof cardSetups.$inferSelect
