import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'

const ISSUER = 'yima'
const AUDIENCE = 'console'

/**
 * The HS256 key, made once: given a string, jsonwebtoken first tries it as a PEM public key and
 * builds the secret key only after that throws, which costs more than the whole signature.
 */
export const hmacKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'))

export interface AccessClaims { accountId: string, sessionId: string }

/** A short-lived HS256 access token naming the account and its session. */
export function signAccessToken (secret: KeyObject, c: AccessClaims, nowSec: number, ttlSec: number): string {
  return jwt.sign({ sid: c.sessionId, iat: nowSec, exp: nowSec + ttlSec }, secret, {
    algorithm: 'HS256', issuer: ISSUER, audience: AUDIENCE, subject: c.accountId,
  })
}

export type AccessCheck = { ok: true, claims: AccessClaims } | { ok: false, reason: 'expired' | 'invalid' }

export function verifyAccessToken (secret: KeyObject, token: string, nowSec: number): AccessCheck {
  try {
    const p = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, clockTimestamp: nowSec })
    if (typeof p === 'string' || typeof p.sub !== 'string' || typeof p.sid !== 'string') return { ok: false, reason: 'invalid' }
    return { ok: true, claims: { accountId: p.sub, sessionId: p.sid } }
  } catch (err) {
    return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' }
  }
}

/** `<session id>.<32 random bytes>`: the id finds the session, the secret proves possession. */
export function newRefreshToken (sessionId: string): { token: string, hash: string } {
  const secret = randomBytes(32).toString('base64url')
  return { token: `${sessionId}.${secret}`, hash: hashSecret(secret) }
}

export function parseRefreshToken (token: string): { sessionId: string, hash: string } | undefined {
  const m = /^(ses_[0-9A-HJKMNP-TV-Z]{26})\.([\w-]{43})$/.exec(token)
  return m === null ? undefined : { sessionId: m[1] as string, hash: hashSecret(m[2] as string) }
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex')
