import { ApiError, ERROR_MESSAGES, fen, fenToYuanString, formatFen, type PayOrderDto, type VoucherOfferDto } from '@yima/shared'

/*
 * What the customer's voucher cards show (C3: the pay-complete page's 主券 and 奖励券, and the
 * merchant's voucher page, 商户二维码), as pure functions. Types only from @yima/shared's vouchers
 * module: its schemas would bring zod onto a customer's first load. The role labels are the short
 * forms of VOUCHER_USES (a test keeps them in step).
 */

export const VOUCHER_ROLE_LABELS: Record<VoucherOfferDto['role'], string | null> = {
  main: '主券',
  reward: '奖励券',
  /** The merchant's own page lists its vouchers without ranking them. */
  page: null,
}

/** Shown under a voucher the customer has just claimed. */
export const CLAIMED_TEXT = '已领取，下次在本店付款时自动抵扣'

const CHINA_OFFSET_MS = 8 * 3_600_000 // Asia/Shanghai, no daylight saving

/** Yuan without trailing zero cents: 500 → "5", 550 → "5.50", 1234 → "12.34". */
export const shortYuan = (amountFen: number): string => fenToYuanString(fen(amountFen)).replace(/\.00$/, '')

export interface OfferView {
  /** The face value without the currency sign ("5"); the card prints ¥ before it. */
  amount: string
  /** 满 10 元可用, or 无门槛. */
  threshold: string
  /** 有效期至 2026-11-30 (a China date), or '' when the server's date cannot be read. */
  validity: string
  /** 主券 / 奖励券, or null on the merchant's page. */
  role: string | null
}

/** The last day a voucher can be used, as a China date (YYYY-MM-DD); '' when unreadable. */
export function chinaDate (iso: string): string {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? '' : new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 10)
}

export function offerView (offer: VoucherOfferDto): OfferView {
  const until = chinaDate(offer.availableTo)
  return {
    amount: shortYuan(offer.amountFen),
    threshold: offer.thresholdFen > 0 ? `满 ${shortYuan(offer.thresholdFen)} 元可用` : '无门槛',
    validity: until === '' ? '' : `有效期至 ${until}`,
    role: VOUCHER_ROLE_LABELS[offer.role],
  }
}

/**
 * The pay-complete page's discount line: 代金券优惠 ¥2.00，实付 ¥8.00, or null when no voucher
 * was redeemed (also when an older server sends no discountFen).
 */
export function discountLine (order: Pick<PayOrderDto, 'amountFen' | 'discountFen'>): string | null {
  const discount = order.discountFen
  if (!(typeof discount === 'number' && Number.isSafeInteger(discount) && discount > 0)) return null
  const paid = Math.max(0, order.amountFen - discount)
  return `代金券优惠 ${formatFen(fen(discount))}，实付 ${formatFen(fen(paid))}`
}

/**
 * Where a voucher card's claim stands:
 * - open: 领取 can be tapped (again, after a failure that may pass)
 * - claiming: the POST is out
 * - claimed: this page claimed it (one claim per voucher per visit)
 * - closed: the server said no for good, or is still sending it (`label` on the disabled button:
 *   已领取, 已领完, 暂不可领, 发放中)
 */
export type ClaimStatus = 'open' | 'claiming' | 'claimed' | 'closed'
export interface ClaimState { status: ClaimStatus, label: string, message: string | null, tone: 'ok' | 'error' | null }

/** Before any tap: 已领取 (disabled) once the customer holds the per-user limit. */
export function initialClaim (offer: Pick<VoucherOfferDto, 'claimed' | 'maxPerUser'>): ClaimState {
  return offer.claimed >= offer.maxPerUser
    ? { status: 'closed', label: '已领取', message: null, tone: null }
    : { status: 'open', label: '领取', message: null, tone: null }
}

export const claimingState: ClaimState = { status: 'claiming', label: '领取中…', message: null, tone: null }
export const claimedState: ClaimState = { status: 'claimed', label: '已领取', message: CLAIMED_TEXT, tone: 'ok' }

/** Refusals that will not change by tapping again, and what the disabled button then says. */
const CLOSING: Record<string, string> = {
  voucher_limit_reached: '已领取',
  voucher_sold_out: '已领完',
  voucher_batch_paused: '暂不可领',
  voucher_store_paused: '暂不可领',
  voucher_not_offered: '暂不可领',
  voucher_batch_not_found: '暂不可领',
  voucher_wechat_only: '暂不可领',
}

const CJK = /[\u4e00-\u9fff]/

/**
 * A failed claim: `auth` when the payer cookie is gone (401 payer_unknown), else the card's new
 * state with the server's own message (its English zod defaults are replaced by ours).
 */
export type ClaimFailure = { kind: 'auth' } | { kind: 'state', state: ClaimState }

/** What to tell the customer about a failed call: the server's own words when they are Chinese. */
export function voucherMessage (e: unknown, fallback: string): string {
  if (!(e instanceof ApiError)) return fallback
  return (CJK.test(e.message) ? e.message : undefined) ?? (ERROR_MESSAGES as Record<string, string>)[e.code] ?? fallback
}

/**
 * 503 channel_unavailable: the server recorded the voucher and WeChat did not take it yet; its
 * outbox sends it later. Another tap would ask for a second voucher, so the card closes.
 */
const PENDING_CODE = 'channel_unavailable'

export function claimFailure (e: unknown): ClaimFailure {
  if (e instanceof ApiError && e.code === 'payer_unknown') return { kind: 'auth' }
  if (e instanceof ApiError && e.code === PENDING_CODE) {
    return { kind: 'state', state: { status: 'closed', label: '发放中', message: voucherMessage(e, '代金券正在发放中，请稍后在微信卡包中查看'), tone: 'ok' } }
  }
  const message = voucherMessage(e, '领取失败，请稍后再试')
  const closed = e instanceof ApiError ? CLOSING[e.code] : undefined
  return { kind: 'state', state: closed === undefined ? { status: 'open', label: '领取', message, tone: 'error' } : { status: 'closed', label: closed, message, tone: 'error' } }
}

/** Whether a card still invites a tap (the pay-complete page holds its redirect while one does). */
export const claimable = (s: ClaimState): boolean => s.status === 'open' || s.status === 'claiming'
