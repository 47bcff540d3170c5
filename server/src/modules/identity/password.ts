import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = async (password: string, salt: Buffer, keylen: number, o: ScryptOptions): Promise<Buffer> =>
  await new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, o, (err, key) => { if (err === null) resolve(key); else reject(err) })
  })

/** N = 2^15, r = 8, p = 1: OWASP's scrypt floor; ~50 ms here, 32 MiB of memory per hash. */
const PARAMS = { N: 32_768, r: 8, p: 1 }
const KEY_BYTES = 32
const MAXMEM = 64 * 1024 * 1024

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

/** `scrypt$N$r$p$salt$hash` (base64); the parameters travel with the hash so they can be raised later. */
export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_BYTES, { ...PARAMS, maxmem: MAXMEM })
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM })
  return timingSafeEqual(actual, expected)
}

/**
 * A hash of no one's password, checked when the login does not exist, so an unknown login takes as
 * long to refuse as a wrong password and response times do not reveal which accounts exist.
 */
let dummy: Promise<string> | undefined
export const dummyPasswordHash = async (): Promise<string> => await (dummy ??= hashPassword(randomBytes(16).toString('hex')))
