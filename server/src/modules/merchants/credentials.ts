import { generateKeyPairSync, randomInt } from 'node:crypto'

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export interface MerchantCredentials {
  /** 认证密钥: the HMAC key of `authen_code`; stored sealed, shown once. */
  authenKey: string
  /** 签名私钥 (PKCS#8 PEM): given to the merchant once and never stored. */
  signingPrivateKeyPem: string
  /** 验签公钥 (SPKI PEM): kept to verify the merchant's RSA-PSS signatures. */
  verifyPublicKeyPem: string
}

/**
 * A sub-merchant's Cloud Pay credentials, as the Cloud Pay console generated them: a 32-character
 * alphanumeric authentication key (unbiased: randomInt, not bytes mod 62) and a 2048-bit RSA pair.
 */
export function generateMerchantCredentials (): MerchantCredentials {
  const authenKey = Array.from({ length: 32 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('')
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  return { authenKey, signingPrivateKeyPem: privateKey, verifyPublicKeyPem: publicKey }
}
