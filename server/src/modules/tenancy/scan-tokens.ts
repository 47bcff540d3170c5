import type { KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'
import type { Clock } from '../../clock'
import type { Secret } from '../../secret'
import { hmacKey } from '../identity/tokens'

/**
 * Signed, expiring values that travel through WeChat or Alipay and back (OAuth `state`, the
 * authorization callbacks) and the mobile session cookie. Signed with the session secret under
 * their own audience, so a console token is never accepted here or the other way round.
 */
export class ScanTokens {
  readonly #key: KeyObject
  constructor (private readonly deps: { secret: Secret<string>, clock: Clock }) {
    this.#key = hmacKey(deps.secret.reveal())
  }

  sign (payload: Record<string, unknown>, ttlSec: number): string {
    const iat = Math.floor(this.deps.clock.now().getTime() / 1000)
    return jwt.sign({ ...payload, iat, exp: iat + ttlSec }, this.#key, { algorithm: 'HS256', audience: 'yima-scan' })
  }

  verify<T extends Record<string, unknown>> (token: string, purpose: string): T | undefined {
    try {
      const payload = jwt.verify(token, this.#key, {
        algorithms: ['HS256'],
        audience: 'yima-scan',
        clockTimestamp: Math.floor(this.deps.clock.now().getTime() / 1000),
      }) as T & { purpose?: unknown }
      return payload.purpose === purpose ? payload : undefined
    } catch {
      return undefined
    }
  }
}
