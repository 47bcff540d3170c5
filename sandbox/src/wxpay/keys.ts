import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { digits, hex, nonce } from '../core/ids'
import { selfSignedCertificate, type DistinguishedName } from './x509'

export interface RsaKeys {
  privateKey: KeyObject
  publicKey: KeyObject
  /** PKCS#8, the format of WeChat's apiclient_key.pem. */
  privateKeyPem: string
  publicKeyPem: string
}

export interface CertifiedKeys extends RsaKeys {
  serial: string
  certificatePem: string
  notBefore: Date
  notAfter: Date
}

export function rsaKeys (): RsaKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

export function certifiedKeys (subject: DistinguishedName, years = 5): CertifiedKeys {
  const keys = rsaKeys()
  const notBefore = new Date(Date.now() - 86_400_000)
  const notAfter = new Date(notBefore.getTime() + years * 365 * 86_400_000)
  const cert = selfSignedCertificate({ subject, publicKey: keys.publicKey, privateKey: keys.privateKey, notBefore, notAfter })
  return { ...keys, serial: cert.serial, certificatePem: cert.pem, notBefore, notAfter }
}

/**
 * WeChat Pay's own signing identities. Real merchants see either a platform certificate
 * (平台证书, serial = the certificate serial) or, since 2024, a platform public key
 * (微信支付公钥, serial = `PUB_KEY_ID_…`). They are different key pairs, so a client that
 * files a key under the wrong id fails here as it would in production.
 */
export interface Platform {
  certificate: CertifiedKeys
  publicKeyId: string
  publicKey: RsaKeys
}

export function createPlatform (): Platform {
  return {
    certificate: certifiedKeys({ C: 'CN', ST: 'Guangdong Province', L: 'Shenzhen', O: 'Tenpay.com', OU: 'Tenpay.com CA Center', CN: 'Tenpay.com Root CA (yima sandbox)' }),
    publicKeyId: `PUB_KEY_ID_0114${digits(30)}`,
    publicKey: rsaKeys(),
  }
}

/** 32 ASCII letters and digits, the shape of both the APIv3 key and the API v2 key. */
export const apiKey = (): string => nonce(32)

/** `wx` + 16 hex digits. */
export const appId = (): string => `wx${hex(8)}`
