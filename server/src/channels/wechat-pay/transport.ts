import { createHash } from 'node:crypto'
import type { Wechatpay } from 'wechatpay-axios-plugin'
import type { ChannelCredentials } from '../types'
import { wechatpayClient, type WechatPayCredentials } from './partner'
import { headerOf, verificationKeys, verifySignature } from './sign'
import type * as W from './wire'

/**
 * One v3 call as the adapter and the voucher client both read it: the SDK verifies 2xx answers,
 * this verifies signed refusals, and everything that cannot be trusted or did not arrive is
 * `unknown`. Clients are built once per signer (mchid, serial, private key, verification keys).
 */

/** What one v3 call came to, before any operation-specific reading. */
export type V3Answer =
  /** A 2xx whose signature the SDK verified; `body` is undefined for 204. */
  | { kind: 'ok', status: number, body: unknown }
  /** A 4xx with WeChat's `{code, message}`, signature-checked when signed. */
  | { kind: 'refused', status: number, error: W.ErrorAnswer }
  | { kind: 'unknown', reason: string, raw?: unknown }

export interface V3TransportOptions {
  /** `https://api.mch.weixin.qq.com/` or the sandbox root; no path prefix, the path is signed. */
  baseUrl: string
  /** Whole-call deadline. A vendor that has not answered by then is `unknown`, never a hung request. */
  timeoutMs?: number
  /** Milliseconds since the epoch; injectable so tests can step outside the ±300 s window. */
  now?: () => number
}

export interface V3Transport {
  /** The SDK client for this signer (memoised). */
  client: (s: WechatPayCredentials) => Wechatpay
  /** `{serial → PEM}` the signer verifies WeChat with (memoised). */
  keys: (s: WechatPayCredentials) => Record<string, string>
  /** Per-call SDK options: the exact body text, an idle-socket timeout and a whole-call deadline (ended early by `signal`). */
  options: (extra?: Record<string, unknown>, signal?: AbortSignal) => Record<string, unknown>
  /** Runs one call with the signer's client and reads what came back. */
  send: (s: WechatPayCredentials, call: (wx: Wechatpay) => PromiseLike<{ status: number, data: unknown }>) => Promise<V3Answer>
  nowSec: () => number
}

/** Refusals that say "try again", not "no" (channels.md §2.6, §2.7). */
const UNCERTAIN_CODES = new Set(['SYSTEM_ERROR', 'BANKERROR'])

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

export function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const unknownAnswer = (reason: string, raw?: unknown): { kind: 'unknown', reason: string, raw?: unknown } => ({ kind: 'unknown', reason, ...(raw === undefined ? {} : { raw }) })

/** The service provider as a signer: its mchid (sp_mchid), certificate and key, and its platform keys. */
export function spSigner (c: Extract<ChannelCredentials, { channel: 'wechat_pay' }>): WechatPayCredentials {
  return {
    mchId: c.spMchId,
    certificateSerial: c.certificateSerial,
    privateKey: c.privateKey,
    platformCertificate: c.platformCertificate ?? null,
    publicKey: c.publicKey ?? null,
    publicKeyId: c.publicKeyId ?? null,
  }
}

const MEMO_LIMIT = 1000

/**
 * A per-signer cache, bounded (oldest out first) so a large merchant count cannot grow it forever.
 * Keyed by a digest of everything that signs or verifies: new keys after a rotation make a new entry.
 */
export function memoBySigner<T> (make: (s: WechatPayCredentials) => T): (s: WechatPayCredentials) => T {
  const cache = new Map<string, T>()
  return (s) => {
    const key = createHash('sha256').update(JSON.stringify([s.mchId, s.certificateSerial, s.privateKey, s.platformCertificate ?? null, s.publicKey ?? null, s.publicKeyId ?? null])).digest('base64')
    let value = cache.get(key)
    if (value === undefined) {
      value = make(s)
      if (cache.size >= MEMO_LIMIT) cache.delete(cache.keys().next().value as string)
      cache.set(key, value)
    }
    return value
  }
}

export function createV3Transport (o: V3TransportOptions): V3Transport {
  const timeoutMs = o.timeoutMs ?? 10_000
  const nowMs = o.now ?? Date.now
  const nowSec = (): number => Math.floor(nowMs() / 1000)
  // Parsing an RSA key and an X.509 certificate costs more than the signature itself.
  const client = memoBySigner((s) => wechatpayClient(s, o.baseUrl))
  const keys = memoBySigner((s) => verificationKeys(s))

  /**
   * `responseType: 'text'` keeps the exact body bytes for us too (the SDK verifies 2xx before
   * parsing either way); `timeout` bounds an idle socket, the signal the whole call.
   */
  const options = (extra: Record<string, unknown> = {}, signal?: AbortSignal): Record<string, unknown> => ({
    ...extra,
    responseType: 'text',
    timeout: timeoutMs,
    signal: signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
  })

  /** The refusal of a call, read as carefully as a success. */
  function failure (err: unknown, s: WechatPayCredentials): V3Answer {
    const e = err as { isAxiosError?: unknown, code?: unknown, message?: unknown, response?: { status: number, data?: unknown, headers?: unknown } }
    // Not from the HTTP layer: a bug, which must surface rather than pass as "unknown".
    if (!isRecord(err) || e.isAxiosError !== true) throw err
    const code = typeof e.code === 'string' ? e.code : undefined
    // The SDK's response verifier (EV3_RES_HEADER_*): the body may be anyone's, so it is not kept.
    if (code?.startsWith('EV3_') === true) return unknownAnswer(`answer failed the SDK's signature verification (${code})`)
    if (e.response === undefined) return unknownAnswer(`no answer: ${code ?? 'transport error'} ${String(e.message)}`)

    const { status } = e.response
    const text = typeof e.response.data === 'string' ? e.response.data : ''
    const body = parseJson(text)
    const error = isRecord(body) && typeof body.code === 'string' ? { code: body.code, message: typeof body.message === 'string' ? body.message : '', ...(body.detail === undefined ? {} : { detail: body.detail }) } : undefined
    if (status >= 500) return unknownAnswer(`HTTP ${status}${error === undefined ? '' : ` ${error.code}`}`, body ?? text)
    if (error === undefined) return unknownAnswer(`HTTP ${status} without a WeChat {code, message} body`, text)
    // The SDK skips non-2xx answers. WeChat signs them once it has accepted our signature (not a
    // 401), so a signed refusal is checked like a success before it may decide anything.
    const headers = isRecord(e.response.headers) ? e.response.headers : {}
    const plain: Record<string, unknown> = typeof headers.toJSON === 'function' ? (headers.toJSON as () => Record<string, unknown>)() : headers
    if (headerOf(plain, 'wechatpay-signature') !== undefined) {
      const check = verifySignature(plain, text, keys(s), nowSec())
      if (!check.ok) return unknownAnswer(`HTTP ${status} ${error.code} failed verification: ${check.reason}`)
    }
    if (UNCERTAIN_CODES.has(error.code)) return unknownAnswer(`${error.code}: ${error.message}`, error)
    return { kind: 'refused', status, error }
  }

  async function send (s: WechatPayCredentials, call: (wx: Wechatpay) => PromiseLike<{ status: number, data: unknown }>): Promise<V3Answer> {
    let res: { status: number, data: unknown }
    try {
      res = await call(client(s))
    } catch (err) {
      return failure(err, s)
    }
    // responseType 'text' always yields a string; anything else must not pass for an empty 204.
    if (typeof res.data !== 'string') return unknownAnswer(`HTTP ${res.status} answer body arrived as ${typeof res.data}, not text`)
    if (res.data === '') return { kind: 'ok', status: res.status, body: undefined }
    const body = parseJson(res.data)
    return body === undefined ? unknownAnswer(`HTTP ${res.status} answer is not JSON`, res.data) : { kind: 'ok', status: res.status, body }
  }

  return { client, keys, options, send, nowSec }
}
