import { X509Certificate, type KeyObject } from 'node:crypto'
import { Formatter, Rsa } from 'wechatpay-axios-plugin'
import { HEADER } from './wire'

/** WeChat's and the SDK's window between the signer's clock and ours, both directions. */
export const MAX_CLOCK_SKEW_S = 300

/** WeChat sends signatures with this prefix on purpose, to see whether merchants verify (wechatpay-php#139). */
const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/'

/** Where WeChat's answers and notifications may be verified from: platform certificate, public key, or both. */
export interface VerificationKeySource {
  platformCertificate?: string | null
  publicKey?: string | null
  publicKeyId?: string | null
}

/**
 * `{serial → PEM}` as the SDK's `certs` wants it: the platform certificate under its serial
 * (upper-case hex, as WeChat writes it in `Wechatpay-Serial`), the public key under its
 * `PUB_KEY_ID_…`. Both may be present while a merchant migrates from one to the other.
 */
export function verificationKeys (c: VerificationKeySource): Record<string, string> {
  const keys: Record<string, string> = {}
  if (c.platformCertificate != null) keys[new X509Certificate(c.platformCertificate).serialNumber.toUpperCase()] = c.platformCertificate
  if (c.publicKey != null && c.publicKeyId != null) keys[c.publicKeyId] = c.publicKey
  return keys
}

/** A header by name, whatever its case (node lower-cases, fetch and axios may not), first value if repeated. */
export function headerOf (headers: Record<string, unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted) continue
    const first: unknown = Array.isArray(v) ? v[0] : v
    return typeof first === 'string' ? first : typeof first === 'number' ? String(first) : undefined
  }
  return undefined
}

export type SignatureCheck = { ok: true } | { ok: false, reason: string }

/**
 * Checks `Wechatpay-*` headers over the exact body bytes (channels.md §2.2), in the order that
 * keeps the reasons precise: headers present, not a SIGNTEST probe, timestamp within ±300 s,
 * serial known, RSA-SHA256 over `ts\nnonce\nbody\n`.
 */
export function verifySignature (headers: Record<string, unknown>, body: string, keys: Record<string, string>, nowSec: number): SignatureCheck {
  const timestamp = headerOf(headers, HEADER.timestamp)
  const nonce = headerOf(headers, HEADER.nonce)
  const serial = headerOf(headers, HEADER.serial)
  const signature = headerOf(headers, HEADER.signature)
  if (timestamp === undefined || nonce === undefined || serial === undefined || signature === undefined) {
    return { ok: false, reason: 'Wechatpay-Timestamp/Nonce/Serial/Signature headers incomplete' }
  }
  if (signature.startsWith(SIGNTEST_PREFIX)) return { ok: false, reason: 'WeChat test signature (WECHATPAY/SIGNTEST/)' }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSec - Number(timestamp)) > MAX_CLOCK_SKEW_S) {
    return { ok: false, reason: `Wechatpay-Timestamp ${timestamp} is outside ±${MAX_CLOCK_SKEW_S} s of ${nowSec}` }
  }
  // Serials are hex; compare without regard to case, as WeChat does for ours.
  const entry = Object.entries(keys).find(([k]) => k.toUpperCase() === serial.toUpperCase())
  if (entry === undefined) return { ok: false, reason: `Wechatpay-Serial ${serial} is not a configured platform certificate or public key` }
  let valid = false
  try {
    valid = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, Rsa.from(entry[1], Rsa.KEY_TYPE_PUBLIC))
  } catch {
    valid = false // a signature that is not even base64 RSA is just a bad signature
  }
  return valid ? { ok: true } : { ok: false, reason: 'Wechatpay-Signature does not verify' }
}

/**
 * RSA-SHA256 over the pieces joined by `\n` with a trailing `\n`: the JSAPI/mini-program paySign
 * (`appId, timeStamp, nonceStr, package`) and the APP sign (`appid, timestamp, noncestr, prepayid`),
 * with the service provider's merchant key in partner mode (channels.md §2.4).
 */
export function clientSign (privateKey: string | KeyObject, ...pieces: string[]): string {
  return Rsa.sign(Formatter.joinedByLineFeed(...pieces), typeof privateKey === 'string' ? Rsa.from(privateKey, Rsa.KEY_TYPE_PRIVATE) : privateKey)
}
