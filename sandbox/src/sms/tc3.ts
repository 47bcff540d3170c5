import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

// Tencent Cloud API 3.0 signature v3 (TC3-HMAC-SHA256), as the gateway checks it:
// https://cloud.tencent.com/document/api/382/52072

/** The parts of `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface Tc3Authorization {
  secretId: string
  /** yyyy-MM-dd (UTC) from the credential scope. */
  date: string
  service: string
  signedHeaders: string[]
  signature: string
}

/** Undefined when the header does not have Tencent's shape (→ `AuthFailure.InvalidAuthorization`). */
export function parseTc3Authorization (header: string | undefined): Tc3Authorization | undefined {
  const m = /^TC3-HMAC-SHA256\s+(.+)$/.exec(header?.trim() ?? '')
  if (m?.[1] === undefined) return undefined
  const pairs = new Map<string, string>()
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) return undefined
    pairs.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const scope = pairs.get('Credential')?.split('/') ?? []
  const signedHeaders = pairs.get('SignedHeaders')?.split(';') ?? []
  const signature = pairs.get('Signature') ?? ''
  const [secretId, date, service, terminator] = scope
  if (scope.length !== 4 || terminator !== 'tc3_request' || secretId === undefined || date === undefined || service === undefined) return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^[0-9a-f]{64}$/.test(signature) || signedHeaders.some((h) => h === '')) return undefined
  return { secretId, date, service, signedHeaders, signature }
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest()

/** yyyy-MM-dd of a Unix timestamp in UTC, the date the credential scope must carry. */
export function tc3Date (timestampSec: number): string {
  return new Date(timestampSec * 1000).toISOString().slice(0, 10)
}

export interface Tc3SignInput {
  secretKey: string
  method: string
  path: string
  query: string
  /** Lower-case header names in signing order, with their values as received. */
  headers: Array<[string, string]>
  payload: string
  timestamp: string
  date: string
  service: string
}

/**
 * Hex signature over the canonical request. Header names and values are lower-cased and trimmed,
 * the payload is hashed as received; the key chain starts from `TC3` + SecretKey.
 */
export function tc3Signature (i: Tc3SignInput): string {
  const canonicalHeaders = i.headers.map(([name, value]) => `${name}:${value.trim().toLowerCase()}\n`).join('')
  const canonicalRequest = [
    i.method.toUpperCase(), i.path, i.query, canonicalHeaders, i.headers.map(([name]) => name).join(';'), sha256Hex(i.payload),
  ].join('\n')
  const scope = `${i.date}/${i.service}/tc3_request`
  const stringToSign = ['TC3-HMAC-SHA256', i.timestamp, scope, sha256Hex(canonicalRequest)].join('\n')
  const kSigning = hmac(hmac(hmac(`TC3${i.secretKey}`, i.date), i.service), 'tc3_request')
  return hmac(kSigning, stringToSign).toString('hex')
}

export function sameSignature (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
