import { createPrivateKey, X509Certificate } from 'node:crypto'
import { checkPrivateKey, checkPublicKey } from '../../modules/tenancy/validate'
import { EXPIRY_MARGIN_DAYS, fail, pass, type Check } from './check'

// Keys and certificates on their own (pure): no channel is called.

const DAY_MS = 86_400_000
const day = (d: Date): string => d.toISOString().slice(0, 10)

function parseCertificate (pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem)
  } catch {
    return null
  }
}

/** Parses, is not expired, and does not expire within EXPIRY_MARGIN_DAYS. */
export function checkCertificateValidity (name: string, pem: string, now: Date, renew: string): Check {
  const cert = parseCertificate(pem)
  if (cert === null) return fail(name, `does not parse as a PEM X.509 certificate: ${renew}`)
  const validTo = new Date(cert.validTo)
  const days = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS)
  if (validTo <= now) return fail(name, `expired on ${day(validTo)}: ${renew}`)
  if (days < EXPIRY_MARGIN_DAYS) return fail(name, `expires on ${day(validTo)}, in ${days} day(s): ${renew}`)
  return pass(name, `serial ${cert.serialNumber.toUpperCase()}, valid until ${day(validTo)} (${days} days)`)
}

/** A service provider's WeChat Pay settings, secrets opened. */
export interface WechatPayKeys {
  mchId: string
  privateKey: string | null
  certificateSerial: string | null
  /** 商户 API 证书 (optional: only the v2 deposit API uses it). */
  certificate: string | null
  apiV3Key: string | null
  apiV2Key: string | null
  platformCertificate: string | null
  publicKey: string | null
  publicKeyId: string | null
}

const UPLOAD = 'upload the right one in the console (服务商 → 微信支付)'

/**
 * The WeChat Pay settings on their own: complete; the merchant private key parses, matches the
 * merchant certificate (when uploaded) whose serial is the configured one; APIv3 key 32 bytes;
 * API v2 key 32 characters (when set); platform certificate and merchant certificate not within
 * EXPIRY_MARGIN_DAYS of expiry; the WeChat Pay public key parses and has its id.
 */
export function checkWechatPayKeys (k: WechatPayKeys, now: Date): Check[] {
  const checks: Check[] = []
  const missing = [
    k.privateKey === null && 'merchant private key',
    k.certificateSerial === null && 'certificate serial',
    k.apiV3Key === null && 'APIv3 key',
    k.platformCertificate === null && k.publicKey === null && 'platform certificate or WeChat Pay public key',
  ].filter((m): m is string => m !== false)
  checks.push(missing.length === 0
    ? pass('WeChat Pay settings', `mchid ${k.mchId}, certificate serial ${k.certificateSerial ?? ''}`)
    : fail('WeChat Pay settings', `mchid ${k.mchId} lacks: ${missing.join(', ')}; ${UPLOAD}`))

  let privateKeyOk = false
  if (k.privateKey !== null) {
    try {
      checkPrivateKey(k.privateKey, 'wechatPay.privateKey')
      privateKeyOk = true
      checks.push(pass('WeChat Pay merchant private key', 'RSA private key parses'))
    } catch {
      checks.push(fail('WeChat Pay merchant private key', `does not parse as a PEM RSA private key (apiclient_key.pem): ${UPLOAD}`))
    }
  }

  if (k.certificate === null) {
    checks.push(pass('WeChat Pay merchant certificate', 'not uploaded (only the deposit API needs apiclient_cert.pem); private key and serial not cross-checked'))
  } else {
    checks.push(checkCertificateValidity('WeChat Pay merchant certificate', k.certificate, now, 'apply for a new API certificate on the merchant platform (账户中心 → API 安全) and upload it with its key and serial'))
    const cert = parseCertificate(k.certificate)
    if (cert !== null) {
      if (privateKeyOk && k.privateKey !== null) {
        checks.push(cert.checkPrivateKey(createPrivateKey(k.privateKey))
          ? pass('WeChat Pay merchant key pair', 'the private key belongs to the merchant certificate')
          : fail('WeChat Pay merchant key pair', `the private key does not belong to the merchant certificate (serial ${cert.serialNumber.toUpperCase()}): upload apiclient_key.pem and apiclient_cert.pem from the same application`))
      }
      const serial = cert.serialNumber.toUpperCase()
      if (k.certificateSerial !== null) {
        checks.push(serial === k.certificateSerial.toUpperCase()
          ? pass('WeChat Pay certificate serial', `${serial} is the merchant certificate's`)
          : fail('WeChat Pay certificate serial', `configured ${k.certificateSerial.toUpperCase()}, but the merchant certificate's serial is ${serial}: WeChat Pay identifies the signing key by this serial; enter the certificate's serial`))
      }
    }
  }

  if (k.apiV3Key !== null) {
    const bytes = Buffer.byteLength(k.apiV3Key, 'utf8')
    checks.push(bytes === 32
      ? pass('WeChat Pay APIv3 key', '32 bytes')
      : fail('WeChat Pay APIv3 key', `${bytes} bytes, not 32: copy the APIv3 key set on the merchant platform (账户中心 → API 安全) exactly`))
  }
  checks.push(k.apiV2Key === null
    ? pass('WeChat Pay API v2 key', 'not set (only deposits use it)')
    : k.apiV2Key.length === 32
      ? pass('WeChat Pay API v2 key', '32 characters')
      : fail('WeChat Pay API v2 key', `${k.apiV2Key.length} characters, not 32: copy the API key (v2) set on the merchant platform exactly, or clear it`))

  if (k.platformCertificate !== null) {
    checks.push(checkCertificateValidity('WeChat Pay platform certificate', k.platformCertificate, now, `download the current one (GET /v3/certificates or the merchant platform) and ${UPLOAD.replace('upload the right one', 'upload it')}`))
  }
  if (k.publicKey !== null) {
    let parses = true
    try { checkPublicKey(k.publicKey, 'wechatPay.publicKey') } catch { parses = false }
    checks.push(!parses
      ? fail('WeChat Pay public key', `does not parse as a PEM public key (pub_key.pem): ${UPLOAD}`)
      : k.publicKeyId === null
        ? fail('WeChat Pay public key', `has no public key id (PUB_KEY_ID_…): answers name it in Wechatpay-Serial; ${UPLOAD}`)
        : pass('WeChat Pay public key', `parses, id ${k.publicKeyId}`))
  }
  return checks
}

/** The SP's Alipay app keys: the app private key and the Alipay public key parse. */
export function checkAlipayKeys (k: { appId: string, privateKey: string | null, alipayPublicKey: string | null }): Check[] {
  const where = 'paste it again in the console (服务商 → 支付宝)'
  const key = (name: string, pem: string | null, check: (pem: string) => void, what: string): Check => {
    if (pem === null) return fail(name, `not set: ${where}`)
    try {
      check(pem)
      return pass(name, `parses as ${what}`)
    } catch {
      return fail(name, `does not parse as ${what}: ${where}`)
    }
  }
  return [
    key('Alipay app private key', k.privateKey, (p) => { checkPrivateKey(p, 'alipay.privateKey') }, 'an RSA private key'),
    key('Alipay public key', k.alipayPublicKey, (p) => { checkPublicKey(p, 'alipay.alipayPublicKey') }, 'a public key'),
  ]
}
