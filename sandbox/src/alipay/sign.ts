import { createSign, createVerify } from 'node:crypto'

/** `sign_type` of the v2 protocol. RSA (SHA-1) is legacy but still accepted by the real gateway. */
export type SignType = 'RSA2' | 'RSA'
const ALGORITHM: Record<SignType, string> = { RSA2: 'RSA-SHA256', RSA: 'RSA-SHA1' }

export const isSignType = (s: string | undefined): s is SignType => s === 'RSA2' || s === 'RSA'

export function rsaSign (content: string, privateKeyPem: string, type: SignType = 'RSA2'): string {
  return createSign(ALGORITHM[type]).update(content, 'utf8').sign(privateKeyPem, 'base64')
}

export function rsaVerify (content: string, signature: string, publicKeyPem: string, type: SignType = 'RSA2'): boolean {
  try {
    return createVerify(ALGORITHM[type]).update(content, 'utf8').verify(publicKeyPem, signature, 'base64')
  } catch {
    return false // malformed base64 or key: a failed verification, not a crash
  }
}

/**
 * Alipay's string-to-sign for v2 requests, notifications and sync returns: drop `exclude` and
 * empty values, sort by key, join `k=v` with the values as received (decoded, never re-encoded).
 * https://opendocs.alipay.com/common/02kf5q
 */
export function signContent (params: Record<string, string>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k] ?? ''}`)
    .join('&')
}

/** Requests are signed over everything but `sign`; `sign_type` is included (alipay-sdk `sign()`). */
export const requestSignContent = (params: Record<string, string>): string => signContent(params, ['sign'])

/** Notifications and sync returns are signed over everything but `sign` and `sign_type`. */
export const notifySignContent = (params: Record<string, string>): string => signContent(params, ['sign', 'sign_type'])

/** A signature that looks right (same key, same length) but covers other bytes: the SIGN_BAD fault. */
export const wrongSignature = (content: string, privateKeyPem: string, type: SignType = 'RSA2'): string =>
  rsaSign(`${content}\u0000tampered`, privateKeyPem, type)
