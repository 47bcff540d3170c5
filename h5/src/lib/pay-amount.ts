import { fen, fenToYuanString, isYuanString, mulFen, yuanStringToFen, type Fen } from '@yima/shared'

/*
 * The customer's amount on the pay page (P1), typed on the page's own keypad: yuan with at most
 * two decimals, parsed to integer fen by digits (never through a float).
 */

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '.' | 'del'

/** What the server allows for this code (PayPageDto.limits). */
export interface PayLimits { minFen: number, maxFen: number, maxQuantity: number, remarkMaxLength: number }

// 50 000 yuan is 5 digits; 8 leaves room for a larger per-merchant cap without letting the display overflow.
const MAX_INTEGER_DIGITS = 8

/**
 * The typed text after one key. It only ever holds a prefix of a valid amount: one dot, at most
 * two decimals, no leading zeros ("0" then "5" is "5"), a dot first reads "0.".
 */
export function pressKey (current: string, key: KeypadKey): string {
  if (key === 'del') return current.slice(0, -1)
  const dot = current.indexOf('.')
  if (key === '.') {
    if (dot !== -1) return current
    return current === '' ? '0.' : `${current}.`
  }
  if (dot !== -1) return current.length - dot > 2 ? current : current + key
  if (current === '0') return key
  return current.length >= MAX_INTEGER_DIGITS ? current : current + key
}

export type AmountCheck =
  | { ok: true, fen: Fen }
  | { ok: false, reason: 'empty' | 'format' | 'below_min' | 'above_max', message: string }

export const yuan = (f: number): string => fenToYuanString(fen(f))

/**
 * The typed text as fen within the code's limits. `message` is what the page shows under the
 * amount ('' while there is nothing to complain about yet: empty, or still zero like "0.0").
 */
export function checkAmount (input: string, limits: Pick<PayLimits, 'minFen' | 'maxFen'>): AmountCheck {
  // "12." is twelve yuan while the customer decides whether decimals follow.
  const text = input.trim().replace(/\.$/, '')
  if (text === '') return { ok: false, reason: 'empty', message: '' }
  if (!isYuanString(text) || text.startsWith('-')) return { ok: false, reason: 'format', message: '金额格式不正确，最多两位小数' }
  const amount = yuanStringToFen(text)
  if (amount < limits.minFen) return { ok: false, reason: 'below_min', message: amount === 0 ? '' : `金额不能低于 ${yuan(limits.minFen)} 元` }
  if (amount > limits.maxFen) return { ok: false, reason: 'above_max', message: `单笔金额不能超过 ${yuan(limits.maxFen)} 元` }
  return { ok: true, fen: amount }
}

/** How many units a fixed-amount code may sell at once: the quantity cap, and the amount cap. */
export function maxQuantity (unitPriceFen: number, limits: Pick<PayLimits, 'maxFen' | 'maxQuantity'>): number {
  if (unitPriceFen <= 0) return 0
  return Math.max(0, Math.min(limits.maxQuantity, Math.floor(limits.maxFen / unitPriceFen)))
}

/** Unit price × quantity in fen (what the page shows; the server computes the charge itself). */
export const quantityTotal = (unitPriceFen: number, quantity: number): Fen => mulFen(fen(unitPriceFen), quantity)

/** The quantity after −/+ or typing, kept within 1…max (an unusable code, max 0, stays at 1). */
export function clampQuantity (quantity: number, max: number): number {
  if (!Number.isFinite(quantity)) return 1
  return Math.min(Math.max(1, Math.trunc(quantity)), Math.max(1, max))
}

/** The remark as sent: trimmed, cut to the allowed length, left out when empty. */
export function remarkForOrder (remark: string, maxLength: number): string | undefined {
  const text = Array.from(remark.trim()).slice(0, maxLength).join('')
  return text === '' ? undefined : text
}
