import { generateKeyPair, randomInt } from 'node:crypto'
import { promisify } from 'node:util'

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export interface MerchantCredentials {
  /** 认证密钥: the HMAC key of `authen_code`; stored sealed, shown once. */
  authenKey: string
  /** 签名私钥 (PKCS#8 PEM): given to the merchant once and never stored. */
  signingPrivateKeyPem: string
  /** 验签公钥 (SPKI PEM): kept to verify the merchant's RSA-PSS signatures. */
  verifyPublicKeyPem: string
}

const rsaKeyPair = promisify(generateKeyPair)

/**
 * A sub-merchant's Cloud Pay credentials, as the Cloud Pay console generated them: a 32-character
 * alphanumeric authentication key (unbiased: randomInt, not bytes mod 62) and a 2048-bit RSA pair.
 * The pair is made on the thread pool: ~200 ms of key generation on the event loop, 50 times over
 * in a 买单 import, would stall every request of the instance.
 */
export async function generateMerchantCredentials (): Promise<MerchantCredentials> {
  const authenKey = Array.from({ length: 32 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('')
  const { privateKey, publicKey } = await rsaKeyPair('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  return { authenKey, signingPrivateKeyPem: privateKey, verifyPublicKeyPem: publicKey }
}
