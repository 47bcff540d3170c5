import { createCipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * WeChat's message signatures: sha1 over the lexicographically sorted parts, concatenated.
 * `signature` signs [token, timestamp, nonce]; safe mode's `msg_signature` adds the Encrypt text.
 */
export function sha1Signature (...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex')
}

/** PKCS#7 with a 32-byte block, as WeChat's WXBizMsgCrypt pads (not AES's 16). */
function pad32 (buf: Buffer): Buffer {
  const n = 32 - (buf.length % 32)
  return Buffer.concat([buf, Buffer.alloc(n, n)])
}

/**
 * Safe-mode (安全模式) encryption of a push: AES-256-CBC, key = base64decode(EncodingAESKey + '='),
 * IV = the key's first 16 bytes, plaintext = random(16) ‖ uint32be(len(xml)) ‖ xml ‖ appid.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 */
export function encryptMessage (xml: string, appid: string, encodingAESKey: string): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64')
  if (key.length !== 32) throw new Error('EncodingAESKey must be 43 base64 characters')
  const body = Buffer.from(xml, 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  // WeChat's random prefix is 16 printable characters.
  const random = Buffer.from(randomBytes(12).toString('base64'), 'ascii')
  const plain = pad32(Buffer.concat([random, length, body, Buffer.from(appid, 'utf8')]))
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
}
