import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { AppError } from '@yima/shared'

/**
 * Checks on uploaded keys and certificates, so a typo is refused at the form and not discovered at
 * the first payment. The messages say what is wrong with which field.
 */
const invalid = (param: string, message: string): AppError => new AppError('invalid_request', 'validation_failed', message, { param })

/** Alipay hands keys out as bare base64; store them as PEM so every library reads them. */
export function toPem (key: string, kind: 'PRIVATE KEY' | 'PUBLIC KEY'): string {
  const trimmed = key.trim()
  if (trimmed.startsWith('-----BEGIN')) return trimmed
  const body = trimmed.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? ''
  return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----`
}

export function checkPrivateKey (pem: string, param: string): void {
  try {
    const key = createPrivateKey(pem)
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA')
  } catch {
    throw invalid(param, '私钥无法解析，请上传 PEM 格式的 RSA 私钥')
  }
}

export function checkPublicKey (pem: string, param: string): void {
  try {
    createPublicKey(pem)
  } catch {
    throw invalid(param, '公钥无法解析，请检查是否完整')
  }
}

/** Returns the certificate's serial (upper-case hex, as WeChat Pay writes it). */
export function checkCertificate (pem: string, param: string, now: Date): string {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    throw invalid(param, '证书无法解析，请上传 PEM 格式的证书')
  }
  if (new Date(cert.validTo) <= now) throw invalid(param, `证书已于 ${new Date(cert.validTo).toISOString().slice(0, 10)} 过期`)
  return cert.serialNumber.toUpperCase()
}
