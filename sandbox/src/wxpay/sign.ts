import { createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto'
import type { FaultMode } from '../core/faults'
import { hex } from '../core/ids'
import { signError } from './errors'
import type { MerchantRegistry, V3Caller } from './merchants'

export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048'
/** Both directions allow ±5 minutes between the signer's clock and the verifier's. */
export const MAX_CLOCK_SKEW_S = 300

export const requestMessage = (method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string =>
  `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`

export const responseMessage = (timestamp: string | number, nonce: string, body: string): string => `${timestamp}\n${nonce}\n${body}\n`

export const rsaSign = (message: string, key: KeyObject): string => createSign('RSA-SHA256').update(message).sign(key, 'base64')

export function rsaVerify (message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64')
  } catch {
    return false
  }
}

export interface AuthorizationParams {
  mchid: string
  nonce_str: string
  timestamp: string
  serial_no: string
  signature: string
}

const AUTH_KEYS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const

/** `WECHATPAY2-SHA256-RSA2048 k="v",…`. SDKs order the pairs differently, so none is assumed. */
export function parseAuthorization (header: string | undefined): AuthorizationParams | undefined {
  const m = /^WECHATPAY2-SHA256-RSA2048\s+(.+)$/.exec(header?.trim() ?? '')
  if (m === null) return undefined
  const pairs = new Map<string, string>()
  for (const p of (m[1] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) pairs.set(p[1] ?? '', p[2] ?? '')
  const out: Partial<AuthorizationParams> = {}
  for (const k of AUTH_KEYS) {
    const v = pairs.get(k)
    if (v === undefined || v === '') return undefined
    out[k] = v
  }
  return out as AuthorizationParams
}

export interface SignedRequest {
  method: string
  /** Path and query exactly as sent (the signer signs what it sends). */
  url: string
  body: string
  authorization: string | undefined
}

/**
 * Checks a v3 request's signature against the merchant certificate WeChat holds for its mchid:
 * a service provider's, or a merchant's own API certificate (直连).
 */
export function verifyRequest (req: SignedRequest, merchants: MerchantRegistry, nowSec = Math.floor(Date.now() / 1000)): V3Caller {
  const auth = parseAuthorization(req.authorization)
  if (auth === undefined) throw signError('Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》')
  const found = merchants.caller(auth.mchid)
  // A known merchant that never applied for an API certificate has none to match.
  if (found === undefined && merchants.subMerchant(auth.mchid) === undefined) throw signError(`Http头Authorization中的mchid(${auth.mchid})不存在`)
  if (found === undefined || auth.serial_no.toUpperCase() !== found.certificate.serial) {
    throw signError('商户证书序列号有误。请使用签名私钥匹配的证书序列号，并确认该证书已在商户平台登记')
  }
  const ts = Number(auth.timestamp)
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > MAX_CLOCK_SKEW_S) {
    throw signError('Http头Authorization中的timestamp与当前时间相差过大，请使用当前时间戳重新签名')
  }
  const message = requestMessage(req.method, req.url, auth.timestamp, auth.nonce_str, req.body)
  if (!rsaVerify(message, auth.signature, found.certificate.publicKey)) throw signError('错误的签名，验签失败')
  return found.caller
}

export interface Signer {
  /** Platform certificate serial, or `PUB_KEY_ID_…` in public-key mode. */
  serial: string
  privateKey: KeyObject
}

/**
 * `Wechatpay-*` headers for a response or notification body. The timestamp is real time (the
 * receiver compares it with its own clock), never the simulated clock. A fault, if armed, spoils
 * exactly one property so each client check is exercised on its own.
 */
export function wechatpayHeaders (signer: Signer, body: string, fault?: FaultMode): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000) - (fault === 'STALE_TIMESTAMP' ? 2 * MAX_CLOCK_SKEW_S : 0)
  const nonce = hex(16)
  const serial = fault === 'SERIAL_UNKNOWN' ? hex(20).toUpperCase() : signer.serial
  let signature = rsaSign(responseMessage(timestamp, nonce, body), signer.privateKey)
  // A genuine signature over other bytes: well-formed, so only real verification catches it.
  if (fault === 'SIGN_BAD') signature = rsaSign(responseMessage(timestamp, hex(16), body), signer.privateKey)
  // WeChat's probe (wechatpay-php#139): merchants must reject it like any other bad signature.
  if (fault === 'SIGNTEST') signature = `WECHATPAY/SIGNTEST/${randomBytes(256).toString('base64')}`
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature': signature,
    'Wechatpay-Signature-Type': SIGNATURE_TYPE,
  }
}
