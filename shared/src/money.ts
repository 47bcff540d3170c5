import { AppError } from './errors'

/**
 * An amount of money in fen (分, 1/100 yuan), always a safe integer. The brand keeps a plain number
 * (a count, a yuan float) from being passed where money is expected; `fen()` is the only way in.
 */
export type Fen = number & { readonly __unit: 'fen' }

export function fen (n: number): Fen {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer fen amount: ${n}`)
  return n as Fen
}

export const ZERO_FEN = fen(0)

export const addFen = (...amounts: Fen[]): Fen => fen(amounts.reduce((sum, a) => sum + a, 0))
export const subFen = (a: Fen, b: Fen): Fen => fen(a - b)

/** unit price × quantity, refusing results that would leave the safe-integer range. */
export const mulFen = (unit: Fen, quantity: number): Fen => {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`not an integer quantity: ${quantity}`)
  return fen(unit * quantity)
}

/**
 * A fee or rebate of `rateBp` basis points (0.38 % = 38), rounded half up. Works in integers so
 * there is no float drift at the .5 edges.
 */
export const feeFen = (amount: Fen, rateBp: number): Fen => {
  if (!Number.isSafeInteger(rateBp) || rateBp < 0) throw new RangeError(`not a basis-point rate: ${rateBp}`)
  const sign = amount < 0 ? -1 : 1
  return fen(sign * Math.floor((Math.abs(amount) * rateBp + 5_000) / 10_000))
}

/** 1234 → "12.34", -5 → "-0.05". The form Alipay's `total_amount` and `refund_amount` take. */
export function fenToYuanString (f: Fen): string {
  const abs = Math.abs(f)
  return `${f < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

// 13 integer digits keep every accepted amount within Number.MAX_SAFE_INTEGER fen.
const YUAN = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/

/**
 * "12.34" → 1234, "12" → 1200, "0.5" → 50. Parses digits, never through a float, and rejects
 * anything with more than two decimals rather than rounding it.
 */
export function yuanStringToFen (s: string): Fen {
  const m = YUAN.exec(s)
  if (m === null) throw new AppError('invalid_request', 'invalid_amount', `金额格式不正确：${s}`)
  const v = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return fen(m[1] === '-' ? -v : v)
}

export const isYuanString = (s: string): boolean => YUAN.test(s)

/** For people: 1234 → "¥12.34", 100000 → "¥1,000.00". */
export function formatFen (f: Fen, { symbol = '¥' }: { symbol?: string } = {}): string {
  const [whole = '0', cents = '00'] = fenToYuanString(f).replace('-', '').split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${f < 0 ? '-' : ''}${symbol}${grouped}.${cents}`
}
