import {
  ApiError,
  type AdjustBalanceBody, type CardPaymentDto, type ImportMembersBody, type ImportRejectedRow, type ImportReportDto,
  type LedgerEntryDto, type LedgerPageDto, type List, type MemberCardDto, type MemberDto, type MobileRoleDto,
  type RefundCardPaymentBody,
} from '@yima/shared'
import { api, errorDetails } from '../lib/session'

/**
 * 会员管理 on the phone (M4, seed 000): the merchant's stored-value card, its members and their
 * balance ledger, balance adjustments, refunds of balance payments and the import of legacy
 * balances. Merchant admins and store managers of the merchant only (the server answers 403
 * otherwise); the import is the merchant admin's.
 */

const enc = encodeURIComponent

export const LEDGER_PAGE_SIZE = 20

/** A merchant whose members the person may manage. */
export interface MemberMerchant {
  merchantId: string
  merchantName: string
  /** Its merchant admin (imports legacy balances); otherwise a store manager of it. */
  admin: boolean
}

/** The merchants the person administers or manages a store of, each once, in the order of the roles. */
export function memberMerchants (roles: readonly MobileRoleDto[]): MemberMerchant[] {
  const merchants = new Map<string, MemberMerchant>()
  for (const r of roles) {
    if ((r.role !== 'merchant_admin' && r.role !== 'store_manager') || r.merchantId === null) continue
    const known = merchants.get(r.merchantId)
    const admin = r.role === 'merchant_admin' || known?.admin === true
    merchants.set(r.merchantId, { merchantId: r.merchantId, merchantName: known?.merchantName ?? r.merchantName ?? '商户', admin })
  }
  return [...merchants.values()]
}

const merchantPath = (merchantId: string): string => `/v1/mobile/merchants/${enc(merchantId)}`

/** The merchant's card, or null when it has none (404 member_card_not_found). */
export async function getMemberCard (merchantId: string): Promise<MemberCardDto | null> {
  try {
    return await api<MemberCardDto>({ path: `${merchantPath(merchantId)}/member-card` })
  } catch (e) {
    if (e instanceof ApiError && e.code === 'member_card_not_found') return null
    throw e
  }
}

/** Members whose phone starts with `q` or whose name contains it (at most 50; `hasMore` says there are others). */
export async function searchMembers (merchantId: string, q: string): Promise<List<MemberDto>> {
  return await api<List<MemberDto>>({ path: `${merchantPath(merchantId)}/members?${new URLSearchParams({ q }).toString()}` })
}

export async function getMember (merchantId: string, memberId: string): Promise<MemberDto> {
  return await api<MemberDto>({ path: `${merchantPath(merchantId)}/members/${enc(memberId)}` })
}

/** Instants of a ledger query, ISO 8601 with +08:00. */
export interface LedgerRange { from: string, to: string }

// URLSearchParams encodes '+' as %2B: sent bare, the server would read '+08:00' as ' 08:00'.
const ledgerQuery = (range: LedgerRange, cursor: string | undefined, extra: Record<string, string> = {}): string =>
  new URLSearchParams({ ...extra, from: range.from, to: range.to, limit: String(LEDGER_PAGE_SIZE), ...(cursor === undefined ? {} : { cursor }) }).toString()

/** One page of a member's ledger in the range, newest first; `cursor` is the previous page's `nextCursor`. */
export async function memberLedger (merchantId: string, memberId: string, range: LedgerRange, cursor?: string): Promise<LedgerPageDto> {
  return await api<LedgerPageDto>({ path: `${merchantPath(merchantId)}/members/${enc(memberId)}/ledger?${ledgerQuery(range, cursor)}` })
}

/** 会员卡余额流水 of the member with this phone (404 member_not_found when there is none). */
export async function ledgerByPhone (merchantId: string, phone: string, range: LedgerRange, cursor?: string): Promise<LedgerPageDto> {
  return await api<LedgerPageDto>({ path: `${merchantPath(merchantId)}/member-ledger?${ledgerQuery(range, cursor, { phone })}` })
}

/**
 * Adds to or takes from one pot, with the reason recorded under the operator. `idempotencyKey`
 * stays the same while the person retries the same change, so a lost answer is not applied twice.
 */
export async function adjustBalance (merchantId: string, memberId: string, body: AdjustBalanceBody, idempotencyKey: string): Promise<{ member: MemberDto, entries: LedgerEntryDto[] }> {
  return await api<{ member: MemberDto, entries: LedgerEntryDto[] }>({
    method: 'POST',
    path: `${merchantPath(merchantId)}/members/${enc(memberId)}/adjustments`,
    data: body,
    idempotencyKey,
  })
}

/** What an import answered: the report, or the rows it refused (then nothing was imported). */
export type ImportOutcome = { ok: true, report: ImportReportDto } | { ok: false, rejected: ImportRejectedRow[], message: string }

const isRejectedRow = (v: unknown): v is ImportRejectedRow =>
  typeof v === 'object' && v !== null && typeof (v as ImportRejectedRow).line === 'number' && typeof (v as ImportRejectedRow).reason === 'string'

/** The rejected rows of a 400 import_rejected, or null for any other failure. */
export function rejectedRows (e: unknown): ImportRejectedRow[] | null {
  if (!(e instanceof ApiError) || e.code !== 'import_rejected') return null
  const details = errorDetails(e)
  const rows = typeof details === 'object' && details !== null ? (details as { rejected?: unknown }).rejected : undefined
  return Array.isArray(rows) ? rows.filter(isRejectedRow).map((r) => ({ line: r.line, phone: String(r.phone ?? ''), reason: r.reason })) : []
}

/**
 * 旧会员卡余额导入: every row or none. Other failures (403 for a store manager, the network) throw.
 * The same `idempotencyKey` for the same CSV: a retry after a lost answer cannot import it twice.
 */
export async function importMembers (merchantId: string, body: ImportMembersBody, idempotencyKey: string): Promise<ImportOutcome> {
  try {
    const report = await api<ImportReportDto>({ method: 'POST', path: `${merchantPath(merchantId)}/members/import`, data: body, idempotencyKey })
    return { ok: true, report }
  } catch (e) {
    const rejected = rejectedRows(e)
    if (rejected === null) throw e
    return { ok: false, rejected, message: (e as ApiError).message }
  }
}

export async function getCardPayment (merchantId: string, paymentId: string): Promise<CardPaymentDto> {
  return await api<CardPaymentDto>({ path: `${merchantPath(merchantId)}/card-payments/${enc(paymentId)}` })
}

/** Gives back part or all of a balance payment, to the pots it drew from; the same key on a retry. */
export async function refundCardPayment (merchantId: string, paymentId: string, body: RefundCardPaymentBody, idempotencyKey: string): Promise<{ payment: CardPaymentDto, member: MemberDto }> {
  return await api<{ payment: CardPaymentDto, member: MemberDto }>({
    method: 'POST',
    path: `${merchantPath(merchantId)}/card-payments/${enc(paymentId)}/refunds`,
    data: body,
    idempotencyKey,
  })
}
