import { randomBytes } from 'node:crypto'

/*
 * The public part of a QR code's URL. Lower-case letters and digits without 0/o, 1/l/i, so the
 * code printed under a plate can be read out and typed; 12 of 31 symbols ≈ 59 bits, enough that
 * nobody can find someone's unbound blank code by guessing (binding by code relies on it).
 */
export const CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'
export const CODE_LENGTH = 12
export const CODE_PATTERN = /^[2-9a-hjkmnp-z]{12}$/

export function newCode (): string {
  let out = ''
  while (out.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      // 248 = 8 × 31: bytes above it would favour the first symbols, so they are drawn again.
      if (byte < 248 && out.length < CODE_LENGTH) out += CODE_ALPHABET[byte % CODE_ALPHABET.length]
    }
  }
  return out
}

/** What is printed: stable forever, so it names the code and nothing that can change. */
export const codeUrl = (publicUrl: string, code: string): string => `${publicUrl}/q/${code}`

/** `abcd-efgh-jkmn`: the code as people read it off a plate. */
export const displayCode = (code: string): string => code.match(/.{1,4}/g)?.join('-') ?? code

/**
 * The code out of what a person typed or the camera read: the printed URL (`…/q/<code>`) or the
 * code itself, as printed (`ABCD-EFGH-JKMN`, spaces and dashes are the same code).
 */
export function plateCode (input: string): string {
  const inUrl = /\/q\/([^/?#\s]+)/.exec(input)
  return (inUrl?.[1] ?? input).replace(/[\s-]/g, '').toLowerCase()
}
