import { generateKeyPairSync } from 'node:crypto'
import { digits } from '../core/ids'

export interface RsaKeyPair {
  /** PKCS#8 PEM, the form alipay-sdk takes with `keyType: 'PKCS8'`. */
  privateKeyPem: string
  /** SPKI PEM ("PUBLIC KEY"), the form Alipay's console hands out. */
  publicKeyPem: string
}

/** Everything that identifies the ISV's third-party app (第三方应用) and the fake Alipay gateway. */
export interface AlipayKeys {
  /** 16 digits starting 2021, like every app registered since 2021. */
  appId: string
  /** The ISV's own partner id (PID): 16 digits starting 2088. */
  pid: string
  /** The app key pair: the client signs with the private half, the simulator verifies with the public. */
  app: RsaKeyPair
  /** The "Alipay gateway" key pair: the simulator signs responses and notifications with it. */
  alipay: RsaKeyPair
}

export function rsaKeyPair (): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}

export const newAppId = (): string => `2021${digits(12)}`
export const newPid = (): string => `2088${digits(12)}`

/** Fresh keys and ids for one sandbox run; nothing is read from disk, so nothing real can leak in. */
export function generateAlipayKeys (): AlipayKeys {
  return { appId: newAppId(), pid: newPid(), app: rsaKeyPair(), alipay: rsaKeyPair() }
}
