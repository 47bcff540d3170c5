import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { Secret } from '../secret'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError'
}

/** A key's id: the first 8 hex characters of its SHA-256, so rotating needs no ids configured. */
export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8)

/**
 * Encrypts secrets for storage (channel keys, certificates, APIv3 keys, merchants' authentication
 * keys) with AES-256-GCM. A sealed value reads `v1.<key id>.<iv>.<ciphertext+tag>` (base64url) and
 * is bound to a `context` (e.g. `service_providers.api_v3_key:sp_01J…`) as associated data, so a
 * value copied to another row or column does not open.
 *
 * Rotation: seal always uses the current key; open accepts the current and every retired key.
 * After changing the key, `needsReseal` finds what to re-encrypt and `reseal` does it.
 */
export class SecretBox {
  readonly #current: { id: string, key: Buffer }
  readonly #keys: Map<string, Buffer>

  constructor (current: Buffer, retired: readonly Buffer[] = []) {
    for (const key of [current, ...retired]) {
      if (key.length !== 32) throw new SecretBoxError('secret keys must be 32 bytes (AES-256)')
    }
    this.#current = { id: keyId(current), key: current }
    this.#keys = new Map([...retired, current].map((key) => [keyId(key), key]))
  }

  seal (plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return [VERSION, this.#current.id, iv.toString('base64url'), body.toString('base64url')].join('.')
  }

  /** The plaintext, wrapped so it cannot reach a log or a response by accident. */
  open (sealed: string, context: string): Secret<string> {
    const { key, iv, body } = this.#parse(sealed)
    if (body.length < TAG_BYTES) throw new SecretBoxError('sealed secret is truncated')
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      return new Secret(Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8'))
    } catch {
      throw new SecretBoxError('sealed secret does not open: altered, or sealed for another context')
    }
  }

  /** True when the value was sealed with a retired key. */
  needsReseal (sealed: string): boolean {
    return this.#parse(sealed).id !== this.#current.id
  }

  /** Re-encrypts a value under the current key. */
  reseal (sealed: string, context: string): string {
    return this.seal(this.open(sealed, context).reveal(), context)
  }

  #parse (sealed: string): { id: string, key: Buffer, iv: Buffer, body: Buffer } {
    const parts = sealed.split('.')
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed secret')
    const [, id = '', iv = '', body = ''] = parts
    const key = this.#keys.get(id)
    if (key === undefined) {
      throw new SecretBoxError(`sealed with key ${id}, which is not configured (add it to SECRETS_KEYS_RETIRED)`)
    }
    const ivBytes = Buffer.from(iv, 'base64url')
    if (ivBytes.length !== IV_BYTES) throw new SecretBoxError('sealed secret has a malformed nonce')
    return { id, key, iv: ivBytes, body: Buffer.from(body, 'base64url') }
  }
}
