/**
 * PostgreSQL int8 (BIGINT, count(*)) arrives as text. yima keeps money in int8 fen and reads it
 * as a JS number, which is exact only up to 2^53; beyond that we refuse rather than round.
 */
export function parseInt8 (text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is outside the safe integer range`)
  return n
}

export const INT8_OID = 20
