import { constants, createHmac, timingSafeEqual, verify } from 'node:crypto'

/**
 * Cloud Pay's `authen_code` (cloudpay-api.md §4): HMAC-SHA256 keyed with the sub-merchant's
 * authentication key as typed, over the exact bytes of the `request_content` / `response_content`
 * string — never a re-serialisation — as 64 upper-case hex characters.
 */
export const authenCode = (key: string, content: string): string =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(content, 'utf8').digest('hex').toUpperCase()

/** Accepts either case (clients differ); compares in constant time. */
export function verifyAuthenCode (key: string, content: string, code: string): boolean {
  const want = Buffer.from(authenCode(key, content))
  const got = Buffer.from(code.toUpperCase())
  return want.length === got.length && timingSafeEqual(want, got)
}

/**
 * `sign_type = 1`: RSASSA-PSS-2048-SHA256 over the exact `request_content` bytes (§5). Official
 * clients use different salt lengths (32, or the maximum), so the salt length is auto-detected.
 */
export function verifyPss (publicKeyPem: string, content: string, signatureBase64: string): boolean {
  return verify('sha256', Buffer.from(content, 'utf8'),
    { key: publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
    Buffer.from(signatureBase64, 'base64'))
}
