import { ApiError, ERROR_MESSAGES, fen, fenToYuanString, formatFen, type CustomerCardDto, type LedgerEntryDto, type LedgerKind, type LedgerPot, type RechargeTier } from '@yima/shared'
import { checkAmount } from './pay-amount'

/*
 * What the customer's membership card page (M3) shows, as pure functions. The labels below mirror
 * LEDGER_KINDS, LEDGER_POTS and ONLINE_STORE_NAME of @yima/shared's cards module (a test keeps
 * them equal): importing that module would bring its zod schemas onto a customer's first load.
 */

export const LEDGER_KIND_LABELS: Record<LedgerKind, string> = {
  recharge: '充值',
  recharge_bonus: '充值赠送',
  payment: '余额付款',
  payment_refund: '余额付款退款',
  adjustment: '余额调整',
  import: '旧卡余额导入',
}
export const LEDGER_POT_LABELS: Record<LedgerPot, string> = { principal: '本金', bonus: '赠送金' }
export const ONLINE_STORE = '线上门店'

const DAY_MS = 86_400_000
const CHINA_OFFSET_MS = 8 * 3_600_000 // Asia/Shanghai, no daylight saving
const pad = (n: number): string => String(n).padStart(2, '0')

/** Today's date in China (the ledger's days are China days), YYYY-MM-DD. */
export const chinaToday = (now: number = Date.now()): string => new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 10)

/** A YYYY-MM-DD date `n` days later (earlier when negative). */
export function addDays (date: string, n: number): string {
  const t = Date.parse(`${date}T00:00:00Z`)
  return Number.isNaN(t) ? date : new Date(t + n * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The ledger query for `days` days ending on `end` (China dates): `date` is the first day. One day
 * is the seed's default view (默认显示单天流水); seven is the switch.
 */
export const ledgerQuery = (end: string, days: number): { date: string, days: number } => ({ date: addDays(end, 1 - days), days })

/** 今天 / 昨天 / 2024-05-01, or `05-01 至 05-07` for a range. */
export function ledgerRangeLabel (end: string, days: number, today: string): string {
  if (days > 1) return `${addDays(end, 1 - days).slice(5)} 至 ${end === today ? '今天' : end.slice(5)}`
  if (end === today) return '今天'
  if (end === addDays(today, -1)) return '昨天'
  return end
}

/** An entry's time in China: `14:03`, or `05-01 14:03` when the list spans days. */
export function chinaClock (iso: string, withDate: boolean): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return ''
  const d = new Date(t + CHINA_OFFSET_MS)
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
  return withDate ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time}` : time
}

/** `+100.00` / `-12.34` (yuan, with the sign of the change). */
export const signedYuan = (amountFen: number): string =>
  `${amountFen < 0 ? '-' : '+'}${fenToYuanString(fen(Math.abs(amountFen)))}`

/** Yuan without needless decimals, for sentences: 10000 → 100, 1050 → 10.5, 1 → 0.01. */
export const plainYuan = (amountFen: number): string => fenToYuanString(fen(amountFen)).replace(/\.?0+$/, '')

export const balanceText = (amountFen: number): string => formatFen(fen(amountFen))

/** 余额付款（赠送金）: the kind, and the pot when it is not obvious from the kind. */
export function ledgerLabel (e: Pick<LedgerEntryDto, 'kind' | 'pot'>): string {
  const kind = LEDGER_KIND_LABELS[e.kind] ?? e.kind
  return e.pot === 'bonus' && e.kind !== 'recharge_bonus' ? `${kind}（${LEDGER_POT_LABELS.bonus}）` : kind
}

/** Where it happened; recharges by the card's QR code or from the wallet count under the online store. */
export const ledgerStore = (e: { storeId: string | null, storeName: string | null }): string =>
  e.storeId === null || e.storeName === null || e.storeName === '' ? ONLINE_STORE : e.storeName

/** 充 100 元 送 20 元 (or 充 100 元 without a bonus). */
export const tierLabel = (t: RechargeTier): string =>
  t.bonusFen > 0 ? `充 ${plainYuan(t.amountFen)} 元 送 ${plainYuan(t.bonusFen)} 元` : `充 ${plainYuan(t.amountFen)} 元`

/** 充值成功，到账 120 元（含赠送 20 元）. */
export const rechargeSuccessText = (amountFen: number, bonusFen: number): string =>
  `充值成功，到账 ${plainYuan(amountFen + bonusFen)} 元${bonusFen > 0 ? `（含赠送 ${plainYuan(bonusFen)} 元）` : ''}`

/** Why a recharge of `amountFen` (+ `bonusFen`) cannot be made with this balance, or null. */
export function capProblem (card: Pick<CustomerCardDto, 'balanceCapFen'>, balanceFen: number, amountFen: number, bonusFen: number): string | null {
  if (balanceFen + amountFen + bonusFen <= card.balanceCapFen) return null
  const room = card.balanceCapFen - balanceFen
  return room <= 0
    ? `余额已达会员卡上限 ${plainYuan(card.balanceCapFen)} 元，暂不能充值`
    : `充值后余额将超过会员卡上限 ${plainYuan(card.balanceCapFen)} 元（最多还能到账 ${plainYuan(room)} 元）`
}

export type RechargeAmountCheck = { ok: true, amountFen: number } | { ok: false, message: string }

/** The typed amount of an any-amount card: 0.01 … maxRechargeFen, and within the cap. */
export function checkRechargeInput (input: string, card: Pick<CustomerCardDto, 'maxRechargeFen' | 'balanceCapFen'>, balanceFen: number): RechargeAmountCheck {
  const c = checkAmount(input, { minFen: 1, maxFen: card.maxRechargeFen })
  if (!c.ok) return { ok: false, message: c.reason === 'above_max' ? `单次充值最多 ${plainYuan(card.maxRechargeFen)} 元` : c.message }
  const cap = capProblem(card, balanceFen, c.fen, 0)
  return cap === null ? { ok: true, amountFen: c.fen } : { ok: false, message: cap }
}

export interface ActivationErrors { name?: string, phone?: string }

/** ActivateCardBody's rules, checked before sending: a name of 1–20 characters, an 11-digit mobile number. */
export function checkActivation (name: string, phone: string): ActivationErrors {
  const errors: ActivationErrors = {}
  const n = name.trim()
  if (n === '') errors.name = '请填写姓名'
  else if (Array.from(n).length > 20) errors.name = '姓名最多 20 个字'
  if (!/^1\d{10}$/.test(phone.trim())) errors.phone = '请输入 11 位手机号'
  return errors
}

/** What the card page does with a failed call: OAuth again, or a message in Chinese. */
export type CardFailure = { kind: 'auth' } | { kind: 'message', message: string, code?: string }

const CJK = /[\u4e00-\u9fff]/

export function cardFailure (e: unknown, fallback = '操作失败，请稍后再试'): CardFailure {
  if (!(e instanceof ApiError)) return { kind: 'message', message: fallback }
  if (e.code === 'payer_unknown') return { kind: 'auth' }
  // The server's messages are written to be shown (balance_cap_exceeded, phone_taken…); English ones are not.
  const message = (CJK.test(e.message) ? e.message : undefined) ?? (ERROR_MESSAGES as Record<string, string>)[e.code] ?? fallback
  return { kind: 'message', message, code: e.code }
}
