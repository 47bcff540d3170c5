import { randomBytes, randomInt } from 'node:crypto'

/** n random decimal digits (transaction ids, trade numbers, codes). */
export const digits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('')

/** yyyyMMdd in China time, the date prefix of WeChat and Alipay ids. */
export function chinaDate (at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '')
}

/** RFC 3339 in China time, as WeChat Pay writes times: 2026-11-22T13:29:35+08:00. */
export function rfc3339China (at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

/** yyyy-MM-dd HH:mm:ss in China time, as Alipay writes times. */
export function alipayTime (at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

/** 32-character alphanumeric nonce. */
export const nonce = (length = 32): string => randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length)
