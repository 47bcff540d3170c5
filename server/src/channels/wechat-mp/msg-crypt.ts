import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * WeChat's message encryption (WXBizMsgCrypt, "安全模式"): AES-256-CBC with the key
 * base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks,
 * plaintext = 16 random bytes ‖ uint32 length ‖ message ‖ appid; msg_signature = sha1 of the sorted
 * token, timestamp, nonce and ciphertext.
 */
export class WechatMsgCrypt {
  readonly #key: Buffer
  constructor (private readonly token: string, encodingAESKey: string, private readonly appId: string) {
    this.#key = Buffer.from(`${encodingAESKey}=`, 'base64')
    if (this.#key.length !== 32) throw new Error('EncodingAESKey must be 43 characters')
  }

  signature (timestamp: string, nonce: string, encrypted: string): string {
    return createHash('sha1').update([this.token, timestamp, nonce, encrypted].sort().join('')).digest('hex')
  }

  verify (timestamp: string, nonce: string, encrypted: string, msgSignature: string): boolean {
    const expected = Buffer.from(this.signature(timestamp, nonce, encrypted))
    const given = Buffer.from(msgSignature)
    return expected.length === given.length && timingSafeEqual(expected, given)
  }

  decrypt (encrypted: string): string {
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16))
    decipher.setAutoPadding(false)
    const padded = Buffer.concat([decipher.update(encrypted, 'base64'), decipher.final()])
    const pad = padded[padded.length - 1] ?? 0
    if (pad < 1 || pad > 32) throw new Error('bad padding')
    const plain = padded.subarray(0, padded.length - pad)
    const length = plain.readUInt32BE(16)
    const message = plain.subarray(20, 20 + length).toString('utf8')
    const appId = plain.subarray(20 + length).toString('utf8')
    if (appId !== this.appId) throw new Error('message is for another app')
    return message
  }

  encrypt (message: string): string {
    const body = Buffer.from(message, 'utf8')
    const length = Buffer.alloc(4)
    length.writeUInt32BE(body.length)
    const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(this.appId)])
    const pad = 32 - (plain.length % 32)
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16))
    cipher.setAutoPadding(false)
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
  }
}
