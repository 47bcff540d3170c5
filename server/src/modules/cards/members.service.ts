import { and, desc, eq, ilike, inArray, isNull, lt, or, gte, like, type SQL } from 'drizzle-orm'
import { parse } from 'csv-parse/sync'
import {
  AppError, fen, fenToYuanString, IMPORT_CSV_HEADER, isYuanString, MAX_IMPORT_ROWS, yuanStringToFen, type AdjustBalanceBody, type CardPaymentDto, type IdGenerator,
  type ImportRejectedRow, type ImportReportDto, type LedgerEntryDto, type LedgerPageDto, type LedgerQuery, type List, type MemberDto, type RefundCardPaymentBody,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { Outbox } from '../../outbox'
import { adminOver } from '../tenancy/mobile'
import { stores, type MerchantRow, type StaffRow } from '../tenancy/tenancy.schema'
import { applyMove, lockMember, splitRefund } from './balances'
import { cardLedger, cardMembers, cardPayments, memberCards, type CardLedgerRow, type CardMemberRow, type MemberCardRow } from './cards.schema'
import { entryDto, memberDto, paymentDto } from './dto'

export interface MembersDeps { db: Db, clock: Clock, newId: IdGenerator, outbox: Outbox }

/** Who acts on the merchant's members: its admins (or above) and its store managers; clerks do not. */
export function memberManager (roles: readonly StaffRow[], m: MerchantRow, o: { adminOnly?: boolean } = {}): StaffRow {
  const admin = adminOver(roles, { spId: m.spId, sspId: m.sspId, merchantId: m.id })
  if (admin !== undefined) return admin
  const manager = o.adminOnly === true ? undefined : roles.find((r) => r.role === 'store_manager' && r.merchantId === m.id)
  if (manager === undefined) throw new AppError('permission', 'forbidden', o.adminOnly === true ? '只有商户管理员可以导入会员余额' : '只有商户管理员和店长可以管理会员')
  return manager
}

/** Store names for ledger rows, one query. */
export async function storeNamesOf (exec: Executor, rows: ReadonlyArray<{ storeId: string | null }>): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.storeId).filter((s): s is string => s !== null))]
  if (ids.length === 0) return new Map()
  const found = await exec.select({ id: stores.id, name: stores.name }).from(stores).where(inArray(stores.id, ids))
  return new Map(found.map((s) => [s.id, s.name]))
}

const encodeCursor = (e: CardLedgerRow): string => Buffer.from(`${e.createdAt.toISOString()}|${e.id}`).toString('base64url')
function decodeCursor (cursor: string): { at: Date, id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  const when = new Date(at ?? '')
  if (id === undefined || Number.isNaN(when.getTime())) throw new AppError('invalid_request', 'validation_failed', '分页游标无效', { param: 'cursor' })
  return { at: when, id }
}

interface Row { line: number, phone: string, name: string, principalFen: number, bonusFen: number }

/**
 * M4 on the phone: search, ledgers, balance adjustments and legacy imports for one merchant's
 * card, and refunds of balance payments. Every call names the merchant; the routes check the
 * caller's roles on it (memberManager) and the ids below are looked up within that card only.
 */
export class MembersService {
  constructor (private readonly d: MembersDeps) {}

  async card (merchantId: string): Promise<MemberCardRow> {
    const [card] = await this.d.db.select().from(memberCards).where(and(eq(memberCards.merchantId, merchantId), isNull(memberCards.deletedAt)))
    if (card === undefined) throw new AppError('not_found', 'member_card_not_found')
    return card
  }

  async search (merchantId: string, q: string): Promise<List<MemberDto>> {
    const card = await this.card(merchantId)
    const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`)
    const match: SQL | undefined = /^\d+$/.test(q) ? like(cardMembers.phone, `${escaped}%`) : or(ilike(cardMembers.name, `%${escaped}%`), like(cardMembers.phone, `${escaped}%`))
    const rows = await this.d.db.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), match))
      .orderBy(desc(cardMembers.createdAt), desc(cardMembers.id)).limit(51)
    return { object: 'list', data: rows.slice(0, 50).map(memberDto), hasMore: rows.length > 50 }
  }

  async member (merchantId: string, memberId: string): Promise<CardMemberRow> {
    const card = await this.card(merchantId)
    const [m] = await this.d.db.select().from(cardMembers).where(and(eq(cardMembers.id, memberId), eq(cardMembers.cardId, card.id)))
    if (m === undefined) throw new AppError('not_found', 'member_not_found', undefined, { param: 'memberId' })
    return m
  }

  async byPhone (merchantId: string, phone: string): Promise<CardMemberRow> {
    const card = await this.card(merchantId)
    const [m] = await this.d.db.select().from(cardMembers).where(and(eq(cardMembers.cardId, card.id), eq(cardMembers.phone, phone)))
    if (m === undefined) throw new AppError('not_found', 'member_not_found', '没有使用该手机号的会员', { param: 'phone' })
    return m
  }

  /** A member's entries, newest first, keyset pages over (created_at, id). */
  async ledger (member: CardMemberRow, q: LedgerQuery): Promise<LedgerPageDto> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    const rows = await this.d.db.select().from(cardLedger).where(and(
      eq(cardLedger.memberId, member.id),
      q.from === undefined ? undefined : gte(cardLedger.createdAt, new Date(q.from)),
      q.to === undefined ? undefined : lt(cardLedger.createdAt, new Date(q.to)),
      after === undefined ? undefined : or(lt(cardLedger.createdAt, after.at), and(eq(cardLedger.createdAt, after.at), lt(cardLedger.id, after.id))),
    )).orderBy(desc(cardLedger.createdAt), desc(cardLedger.id)).limit(q.limit + 1)
    const page = rows.slice(0, q.limit)
    const names = await storeNamesOf(this.d.db, page)
    const last = page.at(-1)
    return { object: 'list', data: page.map((r) => entryDto(r, names)), hasMore: rows.length > q.limit, nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last) : null }
  }

  /** 修改余额: one pot up or down, with the reason and who did it; increases respect the cap. */
  async adjust (merchantId: string, memberId: string, body: AdjustBalanceBody, operator: StaffRow): Promise<{ member: MemberDto, entries: LedgerEntryDto[] }> {
    const card = await this.card(merchantId)
    const target = await this.member(merchantId, memberId)
    return await this.d.db.transaction(async (tx) => {
      const locked = await lockMember(tx, target.id)
      const moved = await applyMove(tx, this.d, locked, card, {
        kind: 'adjustment',
        principalFen: body.pot === 'principal' ? body.amountFen : 0,
        bonusFen: body.pot === 'bonus' ? body.amountFen : 0,
        storeId: null,
        reason: body.reason,
        operator: { id: operator.id, name: operator.name },
        checkCap: true,
      }, this.d.clock.now())
      return { member: memberDto(moved.member), entries: moved.entries.map((e) => entryDto(e, new Map())) }
    })
  }

  /**
   * 旧会员卡余额导入: every row is checked first (format, amounts, cap, phones unique in the file
   * and on the card); one bad row rejects the file with a report of every bad row, and nothing is
   * written. Imported members wait for their owner to claim the card and activate with that phone.
   */
  async import (merchantId: string, csv: string, operator: StaffRow): Promise<ImportReportDto> {
    const card = await this.card(merchantId)
    const { rows, rejected } = parseImport(csv, card.balanceCapFen)
    const phones = rows.map((r) => r.phone)
    const taken = phones.length === 0 ? [] : await this.d.db.select({ phone: cardMembers.phone }).from(cardMembers).where(and(eq(cardMembers.cardId, card.id), inArray(cardMembers.phone, phones)))
    const takenSet = new Set(taken.map((t) => t.phone))
    for (const r of rows) if (takenSet.has(r.phone)) rejected.push({ line: r.line, phone: r.phone, reason: '该手机号已是会员' })
    if (rejected.length > 0) {
      rejected.sort((a, b) => a.line - b.line)
      throw new AppError('invalid_request', 'import_rejected', `导入文件中有 ${rejected.length} 行不合格，未导入任何数据`, { publicDetails: { rejected } })
    }
    if (rows.length === 0) throw new AppError('invalid_request', 'import_rejected', '文件中没有会员数据', { publicDetails: { rejected: [] } })
    const now = this.d.clock.now()
    await this.d.db.transaction(async (tx) => {
      for (const r of rows) {
        const [member] = await tx.insert(cardMembers).values({
          id: this.d.newId('mbr'), cardId: card.id, spId: card.spId, merchantId: card.merchantId, state: 'imported', name: r.name, phone: r.phone, createdAt: now, updatedAt: now,
        }).returning()
        if (member === undefined) throw new Error('member insert returned nothing')
        if (r.principalFen + r.bonusFen === 0) continue
        await applyMove(tx, this.d, member, card, {
          kind: 'import', principalFen: r.principalFen, bonusFen: r.bonusFen, storeId: null, reason: `旧会员卡余额导入（第 ${r.line} 行）`, operator: { id: operator.id, name: operator.name }, checkCap: true,
        }, now)
      }
    }).catch((err: unknown) => {
      // A phone taken by a concurrent import or claim between the check and the insert.
      if ((err as { code?: string }).code === '23505') throw new AppError('conflict', 'phone_taken', '导入期间有手机号被其他会员使用，请重新导入')
      throw err
    })
    return { imported: rows.length, principalFen: rows.reduce((s, r) => s + r.principalFen, 0), bonusFen: rows.reduce((s, r) => s + r.bonusFen, 0) }
  }

  async payment (merchantId: string, paymentId: string): Promise<CardPaymentDto> {
    const card = await this.card(merchantId)
    const [p] = await this.d.db.select().from(cardPayments).where(and(eq(cardPayments.id, paymentId), eq(cardPayments.cardId, card.id)))
    if (p === undefined) throw new AppError('not_found', 'card_payment_not_found', undefined, { param: 'paymentId' })
    return paymentDto(p, (await storeNamesOf(this.d.db, [p])).get(p.storeId ?? '') ?? null)
  }

  /** Gives back to the pots what the payment drew (splitRefund), under the payment's and member's locks. */
  async refundPayment (merchantId: string, paymentId: string, body: RefundCardPaymentBody, operator: StaffRow): Promise<{ payment: CardPaymentDto, member: MemberDto }> {
    const card = await this.card(merchantId)
    const now = this.d.clock.now()
    return await this.d.db.transaction(async (tx) => {
      const [p] = await tx.select().from(cardPayments).where(and(eq(cardPayments.id, paymentId), eq(cardPayments.cardId, card.id))).for('update')
      if (p === undefined) throw new AppError('not_found', 'card_payment_not_found', undefined, { param: 'paymentId' })
      const parts = splitRefund(body.amountFen, p)
      const [after] = await tx.update(cardPayments).set({ refundedPrincipalFen: fen(p.refundedPrincipalFen + parts.principalFen), refundedBonusFen: fen(p.refundedBonusFen + parts.bonusFen) })
        .where(and(eq(cardPayments.id, p.id), eq(cardPayments.refundedPrincipalFen, p.refundedPrincipalFen), eq(cardPayments.refundedBonusFen, p.refundedBonusFen))).returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      const member = await lockMember(tx, p.memberId)
      const moved = await applyMove(tx, this.d, member, card, {
        kind: 'payment_refund', principalFen: parts.principalFen, bonusFen: parts.bonusFen, storeId: p.storeId, paymentId: p.id, ...(body.reason === undefined ? {} : { reason: body.reason }), operator: { id: operator.id, name: operator.name }, checkCap: true,
      }, now)
      return { payment: paymentDto(after, (await storeNamesOf(tx, [after])).get(after.storeId ?? '') ?? null), member: memberDto(moved.member) }
    })
  }
}

/** The CSV's rows, or why each bad one is bad (line numbers as a spreadsheet shows them). */
export function parseImport (csv: string, capFen: number): { rows: Row[], rejected: ImportRejectedRow[] } {
  let records: string[][]
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true })
  } catch (err) {
    throw new AppError('invalid_request', 'validation_failed', `CSV 格式错误：${err instanceof Error ? err.message : String(err)}`, { param: 'csv' })
  }
  const [header, ...body] = records
  if (header === undefined || IMPORT_CSV_HEADER.some((h, i) => (header[i] ?? '') !== h && !(i === 3 && header[i] === undefined))) {
    throw new AppError('invalid_request', 'validation_failed', `第 1 行应为表头：${IMPORT_CSV_HEADER.join(',')}`, { param: 'csv' })
  }
  if (body.length > MAX_IMPORT_ROWS) throw new AppError('invalid_request', 'validation_failed', `一次最多导入 ${MAX_IMPORT_ROWS} 行`, { param: 'csv' })
  const rows: Row[] = []
  const rejected: ImportRejectedRow[] = []
  const seen = new Map<string, number>()
  body.forEach((cells, i) => {
    const line = i + 2
    const [phone = '', name = '', principal = '', bonus = ''] = cells
    const reject = (reason: string): void => { rejected.push({ line, phone, reason }) }
    if (!/^1\d{10}$/.test(phone)) { reject('手机号应为 11 位数字'); return }
    if (seen.has(phone)) { reject(`手机号与第 ${seen.get(phone)} 行重复`); return }
    seen.set(phone, line)
    if (name === '' || Array.from(name).length > 20) { reject('姓名不能为空，最多 20 个字'); return }
    if (!isYuanString(principal)) { reject('本金应为金额（元，最多两位小数）'); return }
    if (bonus !== '' && !isYuanString(bonus)) { reject('赠送金应为金额（元，最多两位小数），没有可留空'); return }
    const principalFen = yuanStringToFen(principal)
    const bonusFen = bonus === '' ? 0 : yuanStringToFen(bonus)
    if (principalFen < 0 || bonusFen < 0) { reject('金额不能为负数'); return }
    if (principalFen + bonusFen > capFen) { reject(`余额超过会员卡余额上限 ${fenToYuanString(fen(capFen))} 元`); return }
    rows.push({ line, phone, name, principalFen, bonusFen })
  })
  return { rows, rejected }
}
