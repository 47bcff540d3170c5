import { randomInt } from 'node:crypto'
import { OUT_ID_LENGTH } from '@yima/shared'

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const pick = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('')

/** Cloud Pay's `out_mch_id` / `out_sub_mch_id` / `out_shop_id`: 20 letters and digits (e.g. `sz01lXKA6DKGjNzr2l4B`). */
export const newOutId = (): string => pick(ALPHANUMERIC, OUT_ID_LENGTH)

/**
 * A merchant's order-number prefix (`cloud_cashier_id`, e.g. `sz0100`): two letters and four
 * digits, short enough to leave 26 characters of a 32-character order number to the client.
 */
export const newOrderPrefix = (): string => pick(LOWER, 2) + pick('0123456789', 4)
