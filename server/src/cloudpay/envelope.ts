import { randomBytes } from 'node:crypto'
import { authenCode } from './authen'

/*
 * The Cloud Pay envelope (cloudpay-api.md §3, §10): what a request carries, and how every answer
 * is built — `response_content` a JSON string with status, description, log_id, internal_status
 * and the payload under the API's key, HMAC'd with the sub-merchant's key for 0/102/103/104 only.
 */

/** §10.1. */
export type CpayStatus = 0 | 3 | 101 | 102 | 103 | 104

/** A failure a client acts on: the status decides whether it retries, internal_status says why (§10). */
export class CpayError extends Error {
  override readonly name = 'CpayError'
  constructor (readonly status: Exclude<CpayStatus, 0>, readonly internalStatus: number, description: string) { super(description) }
}

/** §15.2.4: every authentication failure answers exactly this, without authen_info. */
export const authenFailure = (): CpayError => new CpayError(101, 7, '参数authen_code错误.')

/** What arrived: the exact `request_content` string (the HMAC covers it) and the outer authen_info. */
export interface CpayEnvelope { content: string, authen: { a?: { authenType: unknown, code: unknown }, s?: { signType: unknown, sign: unknown } } }

/** Parses the outer body; 101 unless `request_content` is a string and `authen_info` an object. */
export function readEnvelope (body: unknown): CpayEnvelope {
  if (typeof body !== 'object' || body === null) throw new CpayError(101, 1, '请求体不是 JSON 对象.')
  const { request_content: content, authen_info: info } = body as Record<string, unknown>
  if (typeof content !== 'string' || content === '') throw new CpayError(101, 1, '参数request_content错误.')
  if (typeof info !== 'object' || info === null) throw authenFailure()
  const { a, s } = info as Record<string, unknown>
  const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null ? v as Record<string, unknown> : undefined)
  const aa = obj(a)
  const ss = obj(s)
  return {
    content,
    authen: {
      ...(aa === undefined ? {} : { a: { authenType: aa.authen_type, code: aa.authen_code } }),
      // The C++ doc sample names it `signature`; the table and the C client `sign` (§5).
      ...(ss === undefined ? {} : { s: { signType: ss.sign_type, sign: ss.sign ?? ss.signature } }),
    },
  }
}

/** log_id: an unsigned 32-bit message counter, wrapping (§3.2). */
let logSeq = Math.floor(Math.random() * 0xffff_ffff)
const nextLogId = (): number => { logSeq = (logSeq + 1) >>> 0; return logSeq }

/** A server nonce: 32 characters, like the real server's. */
export const serverNonce = (): string => randomBytes(16).toString('hex')

/** Writes non-ASCII as \uXXXX, as the real server does (§3.2); clients hash what they receive either way. */
const asciiJson = (v: unknown): string => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)

export interface CpayAnswer { body: string }

/**
 * The response body. `key` is the sub-merchant's authentication key, or null when the caller is
 * not known (then nothing is signed, whatever the status).
 */
export function answer (o: { status: CpayStatus, description: string, internalStatus: number, payloadKey?: string, payload?: Record<string, unknown>, key: string | null }): CpayAnswer {
  const content = asciiJson({
    status: o.status,
    description: o.description,
    log_id: nextLogId(),
    internal_status: o.internalStatus,
    ...(o.payloadKey === undefined ? {} : { [o.payloadKey]: { ...o.payload, nonce_str: serverNonce() } }),
  })
  const signed = o.key !== null && (o.status === 0 || o.status === 102 || o.status === 103 || o.status === 104)
  return {
    body: JSON.stringify({
      response_content: content,
      ...(signed && o.key !== null ? { authen_info: { a: { authen_type: 1, authen_code: authenCode(o.key, content) } } } : {}),
    }),
  }
}
