import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { inspect } from 'node:util'
import { keyId, SecretBox, SecretBoxError } from './secret-box'

const CONTEXT = 'service_providers.api_v3_key:sp_01JTEST'
const APIV3 = 'abcdefghijABCDEFGHIJ0123456789ab'

describe('SecretBox', () => {
  it('round-trips any text and never shows the plaintext', () => {
    const box = new SecretBox(randomBytes(32))
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => box.open(box.seal(text, CONTEXT), CONTEXT).reveal() === text))
    const sealed = box.seal(APIV3, CONTEXT)
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]+$/)
    expect(sealed).not.toContain(APIV3)
    const opened = box.open(sealed, CONTEXT)
    expect(JSON.stringify({ opened })).not.toContain(APIV3)
    expect(inspect(opened)).not.toContain(APIV3)
  })

  it('uses a fresh nonce every time', () => {
    const box = new SecretBox(randomBytes(32))
    expect(box.seal(APIV3, CONTEXT)).not.toBe(box.seal(APIV3, CONTEXT))
  })

  it('refuses a value moved to another row or column', () => {
    const box = new SecretBox(randomBytes(32))
    const sealed = box.seal(APIV3, CONTEXT)
    expect(() => box.open(sealed, 'service_providers.api_v3_key:sp_01JOTHER')).toThrow(SecretBoxError)
    expect(() => box.open(sealed, 'merchants.authen_key:sp_01JTEST')).toThrow(SecretBoxError)
  })

  it('refuses any altered part', () => {
    const box = new SecretBox(randomBytes(32))
    const sealed = box.seal(APIV3, CONTEXT)
    const [v, id, iv, body] = sealed.split('.') as [string, string, string, string]
    const flip = (s: string, at: number) => {
      const bytes = Buffer.from(s, 'base64url')
      bytes[at] = (bytes[at] ?? 0) ^ 1
      return bytes.toString('base64url')
    }
    for (const tampered of [
      [v, id, flip(iv, 0), body], // nonce
      [v, id, iv, flip(body, 0)], // ciphertext
      [v, id, iv, flip(body, Buffer.from(body, 'base64url').length - 1)], // tag
      [v, id, iv, body.slice(0, 10)], // truncated
      ['v2', id, iv, body], // unknown version
    ]) {
      expect(() => box.open(tampered.join('.'), CONTEXT)).toThrow(SecretBoxError)
    }
    expect(() => box.open('plaintext-that-was-never-sealed', CONTEXT)).toThrow('not a sealed secret')
  })

  it('rotates: old values open with the retired key and reseal under the current one', () => {
    const oldKey = randomBytes(32)
    const newKey = randomBytes(32)
    const sealedOld = new SecretBox(oldKey).seal(APIV3, CONTEXT)

    const rotated = new SecretBox(newKey, [oldKey])
    expect(rotated.open(sealedOld, CONTEXT).reveal()).toBe(APIV3)
    expect(rotated.needsReseal(sealedOld)).toBe(true)
    const resealed = rotated.reseal(sealedOld, CONTEXT)
    expect(resealed.split('.')[1]).toBe(keyId(newKey))
    expect(rotated.needsReseal(resealed)).toBe(false)

    // Once every value is resealed the old key can go; a value it sealed then names the missing key.
    const newOnly = new SecretBox(newKey)
    expect(newOnly.open(resealed, CONTEXT).reveal()).toBe(APIV3)
    expect(() => newOnly.open(sealedOld, CONTEXT)).toThrow(`sealed with key ${keyId(oldKey)}, which is not configured`)
  })

  it('refuses keys of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(SecretBoxError)
    expect(() => new SecretBox(randomBytes(32), [randomBytes(31)])).toThrow(SecretBoxError)
  })
})
