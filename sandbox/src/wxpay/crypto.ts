import { createCipheriv } from 'node:crypto'
import { nonce } from '../core/ids'

/** What WeChat puts in `resource` (notifications) and `encrypt_certificate` (GET /v3/certificates). */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM'
  ciphertext: string
  associated_data: string
  nonce: string
}

/**
 * AEAD_AES_256_GCM as WeChat Pay v3 uses it: key = the 32 ASCII bytes of the APIv3 key,
 * IV = a 12-character ASCII nonce, ciphertext = base64(ct || 16-byte tag).
 */
export function encryptResource (plaintext: string, apiV3Key: string, associatedData: string): EncryptedResource {
  const iv = nonce(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(iv, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: associatedData, nonce: iv }
}

/** The GCM_TAMPER fault: one flipped bit in the last (tag) byte, so decryption must fail. */
export function tamper (r: EncryptedResource): EncryptedResource {
  const bytes = Buffer.from(r.ciphertext, 'base64')
  const last = bytes.length - 1
  bytes[last] = (bytes[last] ?? 0) ^ 0x01
  return { ...r, ciphertext: bytes.toString('base64') }
}
