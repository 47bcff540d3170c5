import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import {
  AppError, checkMemberCard, fen, fenToYuanString, RECHARGE_MODES, type CardSetupDto, type IdGenerator, type MemberCardBody, type MemberCardDto,
  type MemberCardPatch, type MerchantCardDto, type RechargeTier,
} from '@yima/shared'
import type { AuditLog } from '../audit'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import { auditedBy, type Caller } from '../tenancy/caller'
import type { TenancyServices } from '../tenancy/routes'
import { ALL_SCOPE } from '../tenancy/scope'
import type { MerchantRow } from '../tenancy/tenancy.schema'
import { pendingRechargesFen } from './balances'
import { cardMembers, cardSetups, memberCards, type CardSetupRow, type MemberCardRow } from './cards.schema'
import { cardDto, cardUrls } from './dto'
import type { WalletApi } from './wallet-api'

export interface CardAdminDeps { db: Db, clock: Clock, newId: IdGenerator, audit: AuditLog, publicUrl: string, tenancy: TenancyServices, wallet: WalletApi }

/** Whole yuan without decimals (充 100 元), else two: digits only, never through a float. */
const yuan = (f: number): string => fenToYuanString(fen(f)).replace(/\.00$/, '')

/** What the card's 特权说明 tells customers about recharging. */
export function prerogativeOf (mode: MemberCardBody['rechargeMode'], tiers: readonly RechargeTier[], capFen: number): string {
  const rule = mode === 'fixed'
    ? tiers.map((t) => `充 ${yuan(t.amountFen)} 元${t.bonusFen > 0 ? `送 ${yuan(t.bonusFen)} 元` : ''}`).join('，')
    : `${RECHARGE_MODES.any}充值`
  return `储值会员卡：${rule}；余额上限 ${yuan(capFen)} 元。`
}

/** The merchant's live card, or undefined. */
export async function liveCard (exec: Executor, merchantId: string): Promise<MemberCardRow | undefined> {
  const [card] = await exec.select().from(memberCards).where(and(eq(memberCards.merchantId, merchantId), isNull(memberCards.deletedAt)))
  return card
}

/**
 * M1 and M2 in the console: the merchant's 卡券子商户 and its review, the card made for it by the
 * SP's official account, its review, edits, and deletion once no balance is left.
 */
export class CardAdminService {
  constructor (private readonly d: CardAdminDeps) {}

  async get (caller: Caller, merchantId: string): Promise<MerchantCardDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    let card = await liveCard(this.d.db, m.id)
    // A card under review is looked at again whenever someone opens the page.
    if (card?.status === 'reviewing') card = await this.#syncCard(m, card).catch(() => card)
    return { setup: await this.#setup(m), card: card === undefined ? null : await this.dto(card) }
  }

  async setSubMerchant (caller: Caller, merchantId: string, subMerchantId: string): Promise<CardSetupDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const now = this.d.clock.now()
    const status = await this.#askSubMerchant(m, subMerchantId)
    await this.d.db.transaction(async (tx) => {
      const [before] = await tx.select().from(cardSetups).where(eq(cardSetups.merchantId, m.id))
      const values = { merchantId: m.id, spId: m.spId, subMerchantId, status: status.status, reason: status.reason, syncedAt: now, updatedAt: now }
      await tx.insert(cardSetups).values(values).onConflictDoUpdate({ target: cardSetups.merchantId, set: values })
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'merchant.card_sub_merchant_set', target: { type: 'merchant', id: m.id }, tenantId: m.spId, before: before ?? {}, after: values })
    })
    return await this.#setup(m)
  }

  /** Asks WeChat again for the sub-merchant's and the card's review status. */
  async sync (caller: Caller, merchantId: string): Promise<MerchantCardDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const [setup] = await this.d.db.select().from(cardSetups).where(eq(cardSetups.merchantId, m.id))
    if (setup === undefined) throw new AppError('conflict', 'card_sub_merchant_not_configured')
    const status = await this.#askSubMerchant(m, setup.subMerchantId)
    await this.d.db.update(cardSetups).set({ status: status.status, reason: status.reason, syncedAt: this.d.clock.now() }).where(eq(cardSetups.merchantId, m.id))
    const card = await liveCard(this.d.db, m.id)
    const synced = card === undefined ? undefined : await this.#syncCard(m, card)
    return { setup: await this.#setup(m), card: synced === undefined ? null : await this.dto(synced) }
  }

  async create (caller: Caller, merchantId: string, body: MemberCardBody): Promise<MemberCardDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const [setup] = await this.d.db.select().from(cardSetups).where(eq(cardSetups.merchantId, m.id))
    if (setup === undefined) throw new AppError('conflict', 'card_sub_merchant_not_configured')
    if (setup.status !== 'APPROVED') throw new AppError('conflict', 'card_sub_merchant_not_approved')
    if (await liveCard(this.d.db, m.id) !== undefined) throw new AppError('conflict', 'member_card_exists')
    const sp = await this.d.tenancy.sps.row(ALL_SCOPE, m.spId)
    const account = this.d.wallet.account(sp)
    const id = this.d.newId('mcd')
    const urls = cardUrls(this.d.publicUrl, id)
    const wxCardId = await this.d.wallet.createCard(account, {
      ...body,
      brandName: m.shortName,
      subMerchantId: Number(setup.subMerchantId),
      pageUrl: urls.page,
      rechargeUrl: urls.recharge,
      prerogative: prerogativeOf(body.rechargeMode, body.tiers, body.balanceCapFen),
    })
    const now = this.d.clock.now()
    const row = await this.d.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(memberCards).values({
        id, spId: m.spId, sspId: m.sspId, merchantId: m.id, wxAppId: account.appId, wxCardId, ...body, balanceCapFen: fen(body.balanceCapFen), status: 'reviewing', createdAt: now, updatedAt: now,
      }).onConflictDoNothing().returning()
      if (inserted === undefined) return undefined
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'member_card.created', target: { type: 'member_card', id }, tenantId: m.spId, after: inserted })
      return inserted
    })
    if (row === undefined) {
      // Another admin created the merchant's card meanwhile: the card just made must not linger.
      await this.d.wallet.deleteCard(account, wxCardId).catch(() => undefined)
      throw new AppError('conflict', 'member_card_exists')
    }
    return await this.dto(row)
  }

  async update (caller: Caller, merchantId: string, patch: MemberCardPatch): Promise<MemberCardDto> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const card = await liveCard(this.d.db, m.id)
    if (card === undefined) throw new AppError('not_found', 'member_card_not_found')
    const next = checkMemberCard({ ...pick(card), ...defined(patch) })
    const face = (['title', 'logoUrl', 'color', 'notice', 'description'] as const).filter((k) => next[k] !== card[k])
    if (next.balanceCapFen < card.balanceCapFen) {
      const [over] = await this.d.db.select({ id: cardMembers.id }).from(cardMembers)
        .where(and(eq(cardMembers.cardId, card.id), gt(sql`${cardMembers.principalFen} + ${cardMembers.bonusFen}`, next.balanceCapFen))).limit(1)
      if (over !== undefined) throw new AppError('conflict', 'balance_cap_below_balances', undefined, { param: 'balanceCapFen' })
    }
    let status = card.status
    if (face.length > 0) {
      const account = this.d.wallet.account(await this.d.tenancy.sps.row(ALL_SCOPE, m.spId))
      const sentBack = await this.d.wallet.updateCard(account, card.wxCardId, Object.fromEntries(face.map((k) => [k, next[k]])))
      if (sentBack) status = 'reviewing'
    }
    const row = await this.d.db.transaction(async (tx) => {
      const [after] = await tx.update(memberCards).set({ ...next, balanceCapFen: fen(next.balanceCapFen), status, updatedAt: this.d.clock.now() })
        .where(and(eq(memberCards.id, card.id), eq(memberCards.updatedAt, card.updatedAt))).returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'member_card.updated', target: { type: 'member_card', id: card.id }, tenantId: m.spId, before: card, after })
      return after
    })
    return await this.dto(row)
  }

  /** Only when no member holds a balance and no recharge may still be paid; the card row stays for the ledger. */
  async delete (caller: Caller, merchantId: string): Promise<void> {
    const m = await this.d.tenancy.merchants.row(caller.scope, merchantId)
    const card = await liveCard(this.d.db, m.id)
    if (card === undefined) throw new AppError('not_found', 'member_card_not_found')
    await this.d.db.transaction(async (tx) => {
      // The card's row lock keeps new recharges and payments (which read it FOR SHARE) out meanwhile.
      await tx.select().from(memberCards).where(eq(memberCards.id, card.id)).for('update')
      const holders = await tx.select({ id: cardMembers.id }).from(cardMembers).where(eq(cardMembers.cardId, card.id))
      const [withBalance] = await tx.select({ id: cardMembers.id }).from(cardMembers)
        .where(and(eq(cardMembers.cardId, card.id), gt(sql`${cardMembers.principalFen} + ${cardMembers.bonusFen}`, 0))).limit(1)
      if (withBalance !== undefined) throw new AppError('conflict', 'member_card_has_balance')
      for (const h of holders) {
        if (await pendingRechargesFen(tx, h.id) > 0) throw new AppError('conflict', 'member_card_has_balance', '还有会员充值正在支付中，请稍后再删除会员卡')
      }
      await tx.update(memberCards).set({ deletedAt: this.d.clock.now(), updatedAt: this.d.clock.now() }).where(eq(memberCards.id, card.id))
      await this.d.audit.record(tx, { ...auditedBy(caller), action: 'member_card.deleted', target: { type: 'member_card', id: card.id }, tenantId: m.spId, before: card })
    })
    // WeChat keeps codes already in wallets; deleting stops new claims. A failure here leaves a card
    // nobody can use through yima any more, so it is not worth undoing the deletion for.
    const account = this.d.wallet.account(await this.d.tenancy.sps.row(ALL_SCOPE, m.spId))
    await this.d.wallet.deleteCard(account, card.wxCardId).catch(() => undefined)
  }

  async dto (card: MemberCardRow): Promise<MemberCardDto> {
    const [totals] = await this.d.db.select({
      members: sql<string>`count(*)`,
      balance: sql<string>`coalesce(sum(${cardMembers.principalFen} + ${cardMembers.bonusFen}), 0)`,
    }).from(cardMembers).where(eq(cardMembers.cardId, card.id))
    return cardDto(card, { publicUrl: this.d.publicUrl, memberCount: Number(totals?.members ?? 0), totalBalanceFen: Number(totals?.balance ?? 0) })
  }

  async #setup (m: MerchantRow): Promise<CardSetupDto> {
    const sp = await this.d.tenancy.sps.row(ALL_SCOPE, m.spId)
    const [setup] = await this.d.db.select().from(cardSetups).where(eq(cardSetups.merchantId, m.id))
    return setupDto(this.d.wallet.permitted(sp), setup)
  }

  async #askSubMerchant (m: MerchantRow, subMerchantId: string): Promise<{ status: CardSetupRow['status'], reason: string | null }> {
    const account = this.d.wallet.account(await this.d.tenancy.sps.row(ALL_SCOPE, m.spId))
    try {
      return await this.d.wallet.subMerchant(account, Number(subMerchantId))
    } catch (err) {
      // 40139: not a sub-merchant the SP's account made (or no such id).
      if (err instanceof AppError && err.code === 'channel_error' && /^微信卡券接口：40139/.test(err.message)) {
        throw new AppError('invalid_request', 'card_sub_merchant_not_found', undefined, { param: 'cardSubMerchantId' })
      }
      throw err
    }
  }

  async #syncCard (m: MerchantRow, card: MemberCardRow): Promise<MemberCardRow> {
    const account = this.d.wallet.account(await this.d.tenancy.sps.row(ALL_SCOPE, m.spId))
    const r = await this.d.wallet.cardStatus(account, card.wxCardId)
    if (r.status === 'deleted' || (r.status === card.status && r.reason === card.refuseReason)) return card
    const [after] = await this.d.db.update(memberCards).set({ status: r.status, refuseReason: r.status === 'rejected' ? r.reason : null, updatedAt: this.d.clock.now() })
      .where(and(eq(memberCards.id, card.id), eq(memberCards.status, card.status))).returning()
    return after ?? card
  }
}

function setupDto (cardPermission: boolean, s: CardSetupRow | undefined): CardSetupDto {
  return {
    cardPermission,
    cardSubMerchantId: s?.subMerchantId ?? null,
    cardSubMerchantStatus: s?.status ?? null,
    cardSubMerchantReason: s?.reason ?? null,
    syncedAt: s?.syncedAt?.toISOString() ?? null,
  }
}

const pick = (c: MemberCardRow): MemberCardBody => ({
  title: c.title, logoUrl: c.logoUrl, color: c.color, notice: c.notice, description: c.description, rechargeMode: c.rechargeMode, tiers: c.tiers, balanceCapFen: c.balanceCapFen,
})

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
