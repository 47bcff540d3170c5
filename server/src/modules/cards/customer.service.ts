import { and, asc, eq, gte, isNull, lt } from 'drizzle-orm'
import {
  AppError, CARD_COLORS, fen, fenToYuanString, MAX_RECHARGE_FEN, type ActivateCardBody, type AddCardParamsDto, type CardPayBody, type CardPaymentDto, type CustomerCardDto,
  type CustomerLedgerQuery, type IdGenerator, type LedgerPageDto, type MemberDto, type PayerPlatform, type PayPageDto, type RechargeBody, type RechargeDto,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db, Tx } from '../../db/client'
import type { Outbox } from '../../outbox'
import type { PaymentService } from '../payments/payment.service'
import { orders, type OrderRow } from '../payments/payment.schema'
import type { Payer } from '../payments/payer-session'
import { QrResolver } from '../qr-codes/resolve'
import { chinaDay } from '../shifts/handover'
import type { TenancyServices } from '../tenancy/routes'
import { ALL_SCOPE } from '../tenancy/scope'
import { stores } from '../tenancy/tenancy.schema'
import { applyMove, lockMember, requireRoom, splitPayment } from './balances'
import { cardLedger, cardMembers, cardPayments, cardRecharges, memberCards, type CardMemberRow, type MemberCardRow } from './cards.schema'
import { entryDto, memberDto, paymentDto } from './dto'
import { storeNamesOf } from './members.service'
import type { WalletApi } from './wallet-api'

export interface CustomerDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  outbox: Outbox
  publicUrl: string
  tenancy: TenancyServices
  payments: PaymentService
  wallet: WalletApi
  bridgeScripts: { wechat: string, alipay: string } | null
  /** In the transaction of a card's first activation: 开卡有礼 (the vouchers module). */
  onActivated?: (tx: Tx, o: { merchantId: string, openid: string, appId: string, memberId: string }) => Promise<void>
}

/** The page asks at most this often whether an unpaid recharge was paid (as the pay page does). */
const REFRESH_AFTER_MS = 3000
const WECHAT_ONLY = (): AppError => new AppError('conflict', 'member_card_wechat_only')

/**
 * The customer's card (M3), in WeChat: claim into the wallet, activate, balance and own ledger,
 * recharge (a real WeChat Pay payment credited only once paid) and pay with the balance at a store.
 * The customer is the payer cookie's openid under the SP's official account, which made the card.
 */
export class CustomerCardService {
  readonly #resolver: QrResolver

  constructor (private readonly d: CustomerDeps) {
    this.#resolver = new QrResolver(d)
  }

  async page (cardId: string, o: { platform: PayerPlatform, payer: Payer | undefined, code?: string, authUrl: string }): Promise<CustomerCardDto> {
    const card = await this.cardRow(cardId)
    const merchant = await this.d.tenancy.merchants.row(ALL_SCOPE, card.merchantId)
    const known = o.platform === 'wechat' && o.payer?.platform === 'wechat' && o.payer.appId === card.wxAppId
    const member = known && o.payer !== undefined ? await this.#memberOf(card, o.payer.payerId) : undefined
    const store = o.code === undefined ? null : await this.#store(card, o.code).catch(() => null)
    const bridge = this.d.bridgeScripts
    return {
      id: card.id,
      title: card.title,
      logoUrl: card.logoUrl,
      color: cardColor(card),
      notice: card.notice,
      description: card.description,
      merchantName: merchant.shortName,
      rechargeMode: card.rechargeMode,
      tiers: card.tiers,
      balanceCapFen: card.balanceCapFen,
      maxRechargeFen: MAX_RECHARGE_FEN,
      // Holders keep their card while an edit is reviewed again; newcomers wait for the approval.
      available: card.status === 'approved' || member !== undefined,
      member: member === undefined ? null : memberDto(member),
      platform: o.platform,
      payerKnown: known,
      authUrl: o.authUrl,
      ...(bridge === null || o.platform !== 'wechat' ? {} : { bridgeScriptUrl: bridge.wechat }),
      store: store === null ? null : { code: store.code, name: store.name },
    }
  }

  /** What the one-code pay page says about the merchant's card (PayPageDto.memberCard). */
  async payPageCard (merchantId: string, storeId: string, payer: Payer | undefined): Promise<PayPageDto['memberCard']> {
    const [card] = await this.d.db.select().from(memberCards).where(and(eq(memberCards.merchantId, merchantId), isNull(memberCards.deletedAt)))
    if (card === undefined) return undefined
    const [store] = await this.d.db.select({ enabled: stores.memberCardEnabled }).from(stores).where(eq(stores.id, storeId))
    if (store?.enabled !== true) return undefined
    const member = payer?.platform === 'wechat' && payer.appId === card.wxAppId ? await this.#memberOf(card, payer.payerId) : undefined
    // A card back in review after an edit still serves its holders; only new claims wait.
    if (card.status !== 'approved' && member === undefined) return undefined
    return { id: card.id, title: card.title, balanceFen: member === undefined ? null : member.principalFen + member.bonusFen, active: member?.state === 'active' }
  }

  /** The signed card_ext for the bridge's batchAddCard, bound to this customer's openid. */
  async addCardParams (cardId: string, payer: Payer): Promise<AddCardParamsDto> {
    const card = await this.#claimableCard(cardId, payer)
    const account = await this.#account(card)
    // WeChat checks card_ext's timestamp against the real time, as it does request signatures.
    return { cardId: card.wxCardId, cardExt: await this.d.wallet.cardExt(account, card.wxCardId, payer.payerId, new Date()) }
  }

  /**
   * The wallet answered batchAddCard with the code, encrypted: WeChat decrypts it and says whose
   * wallet it is in, which must be this customer's. Claiming again (after deleting the card from
   * the wallet) keeps the member and their balance, with the new code, to be activated again.
   */
  async claim (cardId: string, payer: Payer, encryptCode: string): Promise<MemberDto> {
    const card = await this.#claimableCard(cardId, payer)
    const held = await this.d.wallet.claimedCode(await this.#account(card), card.wxCardId, encryptCode)
    if (held.openid !== payer.payerId) throw new AppError('conflict', 'card_code_invalid')
    const now = this.d.clock.now()
    const member = await this.d.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), eq(cardMembers.openid, payer.payerId))).for('update')
      if (existing?.code === held.code) return existing
      if (existing !== undefined) {
        const [after] = await tx.update(cardMembers).set({ code: held.code, state: 'claimed', updatedAt: now }).where(eq(cardMembers.id, existing.id)).returning()
        return after ?? existing
      }
      const [inserted] = await tx.insert(cardMembers).values({
        id: this.d.newId('mbr'), cardId: card.id, spId: card.spId, merchantId: card.merchantId, openid: payer.payerId, code: held.code, state: 'claimed', createdAt: now, updatedAt: now,
      }).onConflictDoNothing().returning()
      if (inserted !== undefined) return inserted
      // The same claim answered twice at once: the other request wrote it.
      const [again] = await tx.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), eq(cardMembers.openid, payer.payerId)))
      if (again === undefined) throw new AppError('conflict', 'concurrent_update')
      return again
    })
    return memberDto(member)
  }

  /**
   * The activation form (姓名, 手机号). A legacy member imported with this phone becomes this
   * customer's membership, balance and all (旧会员卡余额导入); WeChat is told the balance at once.
   */
  async activate (cardId: string, payer: Payer, body: ActivateCardBody): Promise<MemberDto> {
    const card = await this.#usableCard(cardId, payer)
    const member = await this.#memberOf(card, payer.payerId)
    if (member?.code == null) throw new AppError('conflict', 'member_not_active', '请先领取会员卡到微信卡包')
    const [byPhone] = await this.d.db.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), eq(cardMembers.phone, body.phone)))
    if (byPhone !== undefined && byPhone.id !== member.id && byPhone.state !== 'imported') throw new AppError('conflict', 'phone_taken', undefined, { param: 'phone' })
    const code = member.code
    const balanceFen = (byPhone?.state === 'imported' ? byPhone : member).principalFen + (byPhone?.state === 'imported' ? byPhone : member).bonusFen
    await this.d.wallet.activate(await this.#account(card), { wxCardId: card.wxCardId, code, balanceFen })
    const now = this.d.clock.now()
    const active = await this.d.db.transaction(async (tx) => {
      if (byPhone?.state === 'imported') {
        // The claim carried no money (recharges need an active card), so it simply gives way.
        await tx.delete(cardMembers).where(and(eq(cardMembers.id, member.id), eq(cardMembers.principalFen, fen(0)), eq(cardMembers.bonusFen, fen(0))))
        const [merged] = await tx.update(cardMembers).set({ openid: payer.payerId, code, state: 'active', name: body.name, activatedAt: now, updatedAt: now })
          .where(and(eq(cardMembers.id, byPhone.id), eq(cardMembers.state, 'imported'))).returning()
        if (merged === undefined) throw new AppError('conflict', 'concurrent_update')
        await this.d.onActivated?.(tx, { merchantId: card.merchantId, openid: payer.payerId, appId: card.wxAppId, memberId: merged.id })
        return merged
      }
      const [after] = await tx.update(cardMembers).set({ state: 'active', name: body.name, phone: body.phone, activatedAt: member.activatedAt ?? now, updatedAt: now })
        .where(eq(cardMembers.id, member.id)).returning()
      if (after === undefined) throw new AppError('not_found', 'member_not_found')
      // Only the first activation earns the card gift; activating again (a new code) does not.
      if (member.activatedAt === null) await this.d.onActivated?.(tx, { merchantId: card.merchantId, openid: payer.payerId, appId: card.wxAppId, memberId: after.id })
      return after
    }).catch((err: unknown) => {
      if ((err as { code?: string }).code === '23505') throw new AppError('conflict', 'phone_taken', undefined, { param: 'phone' })
      throw err
    })
    return memberDto(active)
  }

  /** The customer's own ledger: `days` China days from `date` (today by default), newest first. */
  async ledger (cardId: string, payer: Payer, q: CustomerLedgerQuery): Promise<LedgerPageDto> {
    const card = await this.cardRow(cardId)
    const member = this.#active(await this.#memberOf(this.#wechat(card, payer), payer.payerId))
    const from = q.date === undefined ? chinaDay(this.d.clock.now()).from : new Date(`${q.date}T00:00:00+08:00`)
    const to = new Date(from.getTime() + q.days * 86_400_000)
    const rows = await this.d.db.select().from(cardLedger)
      .where(and(eq(cardLedger.memberId, member.id), gte(cardLedger.createdAt, from), lt(cardLedger.createdAt, to)))
      .orderBy(asc(cardLedger.createdAt), asc(cardLedger.id)).limit(1000)
    const names = await storeNamesOf(this.d.db, rows)
    return { object: 'list', data: rows.reverse().map((r) => entryDto(r, names)), hasMore: false, nextCursor: null }
  }

  /**
   * A recharge: a WeChat Pay JSAPI order whose insert also holds the room under the cap
   * (card_recharges, under the member's lock), so two recharges cannot both slip under it. It is
   * credited when the order is paid (`paid`), never before.
   */
  async recharge (cardId: string, payer: Payer, body: RechargeBody): Promise<RechargeDto> {
    const card = await this.#usableCard(cardId, payer)
    const member = this.#active(await this.#memberOf(card, payer.payerId))
    const bonusFen = bonusFor(card, body.amountFen)
    const store = body.code === undefined ? null : await this.#store(card, body.code)
    const merchant = await this.d.tenancy.merchants.row(ALL_SCOPE, card.merchantId)
    const created = await this.d.payments.create({
      merchantId: card.merchantId,
      ...(store === null ? {} : { storeId: store.id, qrCodeId: store.qrCodeId }),
      sourceType: 'card_recharge',
      tradeType: 'jsapi',
      method: 'wechat_jsapi',
      amountFen: body.amountFen,
      description: `${merchant.shortName}-会员卡充值`.slice(0, 127),
      payerId: payer.payerId,
      reserve: async (tx, order) => {
        const locked = await lockMember(tx, member.id)
        await this.#shareCard(tx, card.id)
        await requireRoom(tx, locked, card, body.amountFen + bonusFen)
        await tx.insert(cardRecharges).values({ orderId: order.id, cardId: card.id, memberId: member.id, amountFen: body.amountFen, bonusFen: fen(bonusFen), createdAt: order.createdAt })
      },
    }).catch((err: unknown) => {
      if (err instanceof AppError) throw err
      throw new AppError('unavailable', 'channel_unavailable', undefined, { cause: err })
    })
    const p = created.clientParams
    if (created.order.status !== 'pending' || p?.type !== 'wechat_jsapi') {
      throw new AppError('unavailable', 'channel_unavailable', undefined, { details: { orderId: created.order.id, status: created.order.status } })
    }
    return {
      orderId: created.order.id,
      amountFen: body.amountFen,
      bonusFen,
      status: 'pending',
      bridge: { type: 'wechat_jsapi', appId: p.appId, timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: p.signType, paySign: p.paySign },
      member: memberDto(member),
    }
  }

  /** The recharge as its payer polls it; WeChat Pay is asked while it is unpaid. */
  async rechargeStatus (cardId: string, payer: Payer, orderId: string): Promise<RechargeDto> {
    const card = this.#wechat(await this.cardRow(cardId), payer)
    const member = await this.#memberOf(card, payer.payerId)
    const [r] = await this.d.db.select().from(cardRecharges).where(and(eq(cardRecharges.orderId, orderId), eq(cardRecharges.cardId, card.id)))
    if (r === undefined || member === undefined || r.memberId !== member.id) throw new AppError('not_found', 'order_not_found', undefined, { param: 'orderId' })
    let [order] = await this.d.db.select().from(orders).where(eq(orders.id, orderId))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    if ((order.status === 'created' || order.status === 'pending') && this.d.clock.now().getTime() - order.updatedAt.getTime() > REFRESH_AFTER_MS) {
      order = await this.d.payments.refresh(order.id)
    }
    const [credited] = await this.d.db.select({ at: cardRecharges.creditedAt }).from(cardRecharges).where(eq(cardRecharges.orderId, orderId))
    const now = await this.#memberOf(card, payer.payerId) ?? member
    return { orderId, amountFen: r.amountFen, bonusFen: r.bonusFen, status: rechargeState(order, credited?.at ?? null), member: memberDto(now) }
  }

  /** Pays at a store from the balance: drawn from principal and bonus in proportion, with its ledger entries. */
  async pay (cardId: string, payer: Payer, body: CardPayBody): Promise<{ payment: CardPaymentDto, member: MemberDto }> {
    const card = await this.#usableCard(cardId, payer)
    const member = this.#active(await this.#memberOf(card, payer.payerId))
    const store = await this.#store(card, body.code)
    const now = this.d.clock.now()
    return await this.d.db.transaction(async (tx) => {
      await this.#shareCard(tx, card.id)
      const locked = await lockMember(tx, member.id)
      const parts = splitPayment(body.amountFen, locked.principalFen, locked.bonusFen)
      const [payment] = await tx.insert(cardPayments).values({
        id: this.d.newId('cpy'),
        cardId: card.id,
        memberId: member.id,
        spId: card.spId,
        merchantId: card.merchantId,
        storeId: store.id,
        qrCodeId: store.qrCodeId,
        amountFen: body.amountFen,
        principalFen: parts.principalFen,
        bonusFen: parts.bonusFen,
        remark: body.remark === undefined || body.remark === '' ? null : body.remark,
        createdAt: now,
      }).returning()
      if (payment === undefined) throw new Error('card payment insert returned nothing')
      const moved = await applyMove(tx, this.d, locked, card, { kind: 'payment', principalFen: -parts.principalFen, bonusFen: -parts.bonusFen, storeId: store.id, paymentId: payment.id, checkCap: false }, now)
      return { payment: paymentDto(payment, store.name), member: memberDto(moved.member) }
    })
  }

  /** The `paid` listener: a paid recharge order credits its member, once, in the order's transaction. */
  async credit (tx: Tx, order: OrderRow): Promise<void> {
    if (order.sourceType !== 'card_recharge') return
    const [r] = await tx.select().from(cardRecharges).where(and(eq(cardRecharges.orderId, order.id), isNull(cardRecharges.creditedAt))).for('update')
    if (r === undefined) return
    const [card] = await tx.select().from(memberCards).where(eq(memberCards.id, r.cardId))
    if (card === undefined) throw new AppError('not_found', 'member_card_not_found')
    const member = await lockMember(tx, r.memberId)
    const now = this.d.clock.now()
    await applyMove(tx, this.d, member, card, { kind: 'recharge', principalFen: r.amountFen, bonusFen: r.bonusFen, storeId: order.storeId, orderId: order.id, checkCap: false }, now)
    await tx.update(cardRecharges).set({ creditedAt: now }).where(and(eq(cardRecharges.orderId, order.id), isNull(cardRecharges.creditedAt)))
  }

  async cardRow (cardId: string): Promise<MemberCardRow> {
    const [card] = await this.d.db.select().from(memberCards).where(and(eq(memberCards.id, cardId), isNull(memberCards.deletedAt)))
    if (card === undefined) throw new AppError('not_found', 'member_card_not_found', undefined, { param: 'cardId' })
    return card
  }

  /** The card for this payer: a WeChat user of the account that made it. */
  #wechat (card: MemberCardRow, payer: Payer): MemberCardRow {
    if (payer.platform !== 'wechat') throw WECHAT_ONLY()
    if (payer.appId !== card.wxAppId) throw new AppError('authentication', 'payer_unknown')
    return card
  }

  /**
   * New claims need an approved card. Cards already in wallets keep working while an edited card is
   * reviewed again (WeChat keeps them valid too), so the holder's other actions only need the card.
   */
  async #claimableCard (cardId: string, payer: Payer): Promise<MemberCardRow> {
    const card = await this.#usableCard(cardId, payer)
    if (card.status !== 'approved') throw new AppError('conflict', 'member_card_not_approved')
    return card
  }

  async #usableCard (cardId: string, payer: Payer): Promise<MemberCardRow> {
    return this.#wechat(await this.cardRow(cardId), payer)
  }

  #active (member: CardMemberRow | undefined): CardMemberRow {
    if (member?.state !== 'active') throw new AppError('conflict', 'member_not_active')
    return member
  }

  async #memberOf (card: MemberCardRow, openid: string): Promise<CardMemberRow | undefined> {
    const [m] = await this.d.db.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), eq(cardMembers.openid, openid)))
    return m
  }

  /** A store code of the card's merchant whose store takes the card (本门店禁用会员卡 off). */
  async #store (card: MemberCardRow, code: string): Promise<{ id: string, name: string, code: string, qrCodeId: string }> {
    const qr = await this.#resolver.resolve(code)
    if (qr.merchant.id !== card.merchantId) throw new AppError('not_found', 'qr_code_not_found', undefined, { param: 'code' })
    const [store] = await this.d.db.select({ enabled: stores.memberCardEnabled }).from(stores).where(eq(stores.id, qr.store.id))
    if (store?.enabled !== true) throw new AppError('conflict', 'member_card_disabled_at_store')
    return { id: qr.store.id, name: qr.store.name, code: qr.code, qrCodeId: qr.qrCodeId }
  }

  /** Reads the card FOR SHARE: its deletion (FOR UPDATE) waits for money in flight, and vice versa. */
  async #shareCard (tx: Tx, cardId: string): Promise<void> {
    const [card] = await tx.select({ deletedAt: memberCards.deletedAt }).from(memberCards).where(eq(memberCards.id, cardId)).for('share')
    if (card === undefined || card.deletedAt !== null) throw new AppError('not_found', 'member_card_not_found')
  }

  async #account (card: MemberCardRow): Promise<ReturnType<WalletApi['account']>> {
    return this.d.wallet.account(await this.d.tenancy.sps.row(ALL_SCOPE, card.spId))
  }
}

/** fixed: the tier's bonus (an amount that is no tier is refused); any: no bonus, at most MAX_RECHARGE_FEN. */
function bonusFor (card: MemberCardRow, amountFen: number): number {
  if (card.rechargeMode === 'any') {
    if (amountFen > MAX_RECHARGE_FEN) throw new AppError('invalid_request', 'amount_out_of_range', `单次充值最多 ${fenToYuanString(fen(MAX_RECHARGE_FEN))} 元`, { param: 'amountFen' })
    return 0
  }
  const tier = card.tiers.find((t) => t.amountFen === amountFen)
  if (tier === undefined) throw new AppError('invalid_request', 'recharge_amount_invalid', undefined, { param: 'amountFen' })
  return tier.bonusFen
}

function rechargeState (order: OrderRow, creditedAt: Date | null): RechargeDto['status'] {
  if (creditedAt !== null) return 'credited'
  // A paid order is credited in its own transaction, so `succeeded` without a credit is only a moment.
  return order.status === 'created' || order.status === 'pending' || order.status === 'succeeded' ? 'pending' : 'failed'
}

/** The card colour as a CSS colour for the page. */
const cardColor = (card: MemberCardRow): string => CARD_COLORS[card.color]
