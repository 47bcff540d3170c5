import { randomBytes, sign, type KeyObject } from 'node:crypto'

// A self-signed X.509 v3 certificate, DER-encoded by hand. @peculiar/x509 would do it too, but its
// generator is async (WebCrypto) and `createWxpay()` / `clientConfig()` are synchronous, so the
// few ASN.1 shapes needed here are written out directly and signed with node:crypto.

function length (n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  return Buffer.from([0x80 + bytes.length, ...bytes])
}

const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(body.length), body])
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items))
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body)
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'))
const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'ascii'))
const NULL = Buffer.from([0x05, 0x00])

/** A positive INTEGER: DER needs a leading zero when the high bit is set. */
function integer (bytes: Buffer): Buffer {
  const first = bytes[0] ?? 0
  return tlv(0x02, first >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes)
}

function oid (dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number)
  const out = [a * 40 + b]
  for (const n of rest) {
    const parts = [n % 128]
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) parts.unshift(0x80 + (v % 128))
    out.push(...parts)
  }
  return tlv(0x06, Buffer.from(out))
}

/** UTCTime (until 2049) as RFC 5280 requires, GeneralizedTime after. */
function time (at: Date): Buffer {
  const iso = at.toISOString()
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '')
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`))
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL)
const ATTRIBUTE_OIDS = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const
export type DistinguishedName = Partial<Record<keyof typeof ATTRIBUTE_OIDS, string>>

function name (dn: DistinguishedName): Buffer {
  const rdns = (Object.keys(ATTRIBUTE_OIDS) as Array<keyof typeof ATTRIBUTE_OIDS>)
    .flatMap((k) => {
      const v = dn[k]
      return v === undefined ? [] : [set(seq(oid(ATTRIBUTE_OIDS[k]), k === 'C' ? printable(v) : utf8(v)))]
    })
  return seq(...rdns)
}

export interface SelfSigned {
  pem: string
  /** Upper-case hex, as WeChat Pay writes certificate serials (40 digits here). */
  serial: string
  notBefore: Date
  notAfter: Date
}

export function selfSignedCertificate (o: { subject: DistinguishedName, publicKey: KeyObject, privateKey: KeyObject, notBefore: Date, notAfter: Date }): SelfSigned {
  // 20 bytes with a high first nibble: always positive and always 40 hex digits.
  const serial = randomBytes(20)
  serial[0] = 0x10 + ((serial[0] ?? 0) % 0x70)
  const basicConstraints = seq(oid('2.5.29.19'), tlv(0x04, seq()))
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    SHA256_WITH_RSA,
    name(o.subject),
    seq(time(o.notBefore), time(o.notAfter)),
    name(o.subject),
    o.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(basicConstraints)),
  )
  const signature = sign('sha256', tbs, o.privateKey)
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const body = der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? ''
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    serial: serial.toString('hex').toUpperCase(),
    notBefore: o.notBefore,
    notAfter: o.notAfter,
  }
}
