import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { AppError, fen, fenToYuanString, type Fen, type IdGenerator, type LedgerKind, type LedgerPot } from '@yima/shared'
import type { Tx } from '../../db/client'
import type { Outbox } from '../../outbox'
import { orders } from '../payments/payment.schema'
import { cardLedger, cardMembers, cardRecharges, type CardLedgerRow, type CardMemberRow, type MemberCardRow } from './cards.schema'

/**
 * The one place balances change (M5). Every change locks the member row, checks the rules on
 * what it read, writes the new balances by compare-and-set on those values, writes one ledger
 * entry per pot moved and queues the wallet's copy of the balance — all in the caller's
 * transaction, so a balance and its ledger can never disagree.
 */

export const WALLET_SYNC_TOPIC = 'cards.wallet_balance'

export interface Move {
  kind: LedgerKind
  /** Signed fen per pot; a zero part writes no entry. */
  principalFen: number
  bonusFen: number
  storeId: string | null
  orderId?: string
  paymentId?: string
  reason?: string
  operator?: { id: string, name: string }
  /**
   * Whether an increase must fit under the cap. A paid recharge skips it: its room was taken when
   * its order was created (pendingRechargesFen), so crediting it always fits.
   */
  checkCap: boolean
}

export interface BalanceDeps { newId: IdGenerator, outbox: Outbox }

export async function lockMember (tx: Tx, memberId: string): Promise<CardMemberRow> {
  const [row] = await tx.select().from(cardMembers).where(eq(cardMembers.id, memberId)).for('update')
  if (row === undefined) throw new AppError('not_found', 'member_not_found')
  return row
}

/** Recharges whose orders may still be paid: they hold room under the cap until they end. */
export async function pendingRechargesFen (tx: Tx, memberId: string): Promise<number> {
  const [row] = await tx.select({ sum: sql<string>`coalesce(sum(${cardRecharges.amountFen} + ${cardRecharges.bonusFen}), 0)` })
    .from(cardRecharges).innerJoin(orders, eq(orders.id, cardRecharges.orderId))
    .where(and(eq(cardRecharges.memberId, memberId), isNull(cardRecharges.creditedAt), inArray(orders.status, ['created', 'pending'])))
  return Number(row?.sum ?? 0)
}

/** Refuses an increase of `addFen` that would take the member (with pending recharges) over the cap. */
export async function requireRoom (tx: Tx, member: CardMemberRow, card: MemberCardRow, addFen: number): Promise<void> {
  if (addFen <= 0) return
  const held = member.principalFen + member.bonusFen + await pendingRechargesFen(tx, member.id)
  if (held + addFen > card.balanceCapFen) {
    throw new AppError('conflict', 'balance_cap_exceeded', `充值金额和当前余额相加超过了会员卡余额上限（${fenToYuanString(card.balanceCapFen)} 元），最多还可增加 ${fenToYuanString(fen(Math.max(0, card.balanceCapFen - held)))} 元`)
  }
}

/** Applies a move to a member locked by the caller (lockMember); returns the member after it and its entries. */
export async function applyMove (tx: Tx, d: BalanceDeps, member: CardMemberRow, card: MemberCardRow, move: Move, now: Date): Promise<{ member: CardMemberRow, entries: CardLedgerRow[] }> {
  const principal = member.principalFen + move.principalFen
  const bonus = member.bonusFen + move.bonusFen
  if (principal < 0 || bonus < 0) throw new AppError('conflict', 'balance_insufficient')
  if (move.checkCap) await requireRoom(tx, member, card, move.principalFen + move.bonusFen)
  const [after] = await tx.update(cardMembers).set({ principalFen: fen(principal), bonusFen: fen(bonus), updatedAt: now })
    .where(and(eq(cardMembers.id, member.id), eq(cardMembers.principalFen, member.principalFen), eq(cardMembers.bonusFen, member.bonusFen)))
    .returning()
  if (after === undefined) throw new AppError('conflict', 'concurrent_update')
  const parts: Array<[LedgerPot, number]> = [['principal', move.principalFen], ['bonus', move.bonusFen]]
  const entries: Array<typeof cardLedger.$inferInsert> = []
  let p: number = member.principalFen
  let b: number = member.bonusFen
  for (const [pot, amount] of parts) {
    if (amount === 0) continue
    if (pot === 'principal') p += amount
    else b += amount
    entries.push({
      id: d.newId('led'),
      cardId: card.id,
      memberId: member.id,
      merchantId: member.merchantId,
      storeId: move.storeId,
      kind: pot === 'bonus' && move.kind === 'recharge' ? 'recharge_bonus' : move.kind,
      pot,
      amountFen: fen(amount),
      principalAfterFen: fen(p),
      bonusAfterFen: fen(b),
      orderId: move.orderId ?? null,
      paymentId: move.paymentId ?? null,
      reason: move.reason ?? null,
      operatorId: move.operator?.id ?? null,
      operatorName: move.operator?.name ?? null,
      createdAt: now,
    })
  }
  const written = entries.length === 0 ? [] : await tx.insert(cardLedger).values(entries).returning()
  if (after.code !== null && after.state === 'active') await d.outbox.enqueue(tx, { topic: WALLET_SYNC_TOPIC, payload: { memberId: after.id } })
  return { member: after, entries: written }
}

/**
 * How a balance payment draws on the pots: in proportion to what the member holds, the bonus part
 * rounded down, so that neither pot is favoured and a member never pays with more bonus than
 * their share.
 */
export function splitPayment (amountFen: number, principalFen: number, bonusFen: number): { principalFen: Fen, bonusFen: Fen } {
  const total = principalFen + bonusFen
  if (amountFen > total) throw new AppError('conflict', 'balance_insufficient', `会员卡余额不足：余额 ${fenToYuanString(fen(total))} 元`)
  const bonus = total === 0 ? 0 : Math.min(bonusFen, Math.floor(amountFen * bonusFen / total))
  // The principal takes the rest; if the principal cannot, the bonus does (only at the last fen).
  const principal = Math.min(principalFen, amountFen - bonus)
  return { principalFen: fen(principal), bonusFen: fen(amountFen - principal) }
}

/**
 * What a refund of `amountFen` gives back to each pot of a payment: the payment's proportion,
 * bounded by what each pot has left to give back; the refund that ends the payment takes exactly
 * the remainder, so a fully refunded payment restores exactly what it drew.
 */
export function splitRefund (amountFen: number, p: { principalFen: number, bonusFen: number, refundedPrincipalFen: number, refundedBonusFen: number }): { principalFen: Fen, bonusFen: Fen } {
  const leftP = p.principalFen - p.refundedPrincipalFen
  const leftB = p.bonusFen - p.refundedBonusFen
  if (amountFen > leftP + leftB) throw new AppError('conflict', 'refund_exceeds_payment', `最多还可退 ${fenToYuanString(fen(leftP + leftB))} 元`, { param: 'amountFen' })
  if (amountFen === leftP + leftB) return { principalFen: fen(leftP), bonusFen: fen(leftB) }
  const total = p.principalFen + p.bonusFen
  const bonus = Math.min(leftB, Math.floor(amountFen * p.bonusFen / total))
  const principal = Math.min(leftP, amountFen - bonus)
  return { principalFen: fen(principal), bonusFen: fen(amountFen - principal) }
}
