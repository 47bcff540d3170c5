import type { KeyObject } from 'node:crypto'
import { AppError, type IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { Secret } from '../../secret'
import { findAccount, findAccountByLogin, findSession, insertAccount, insertSession, revokeSession, rotateRefresh, touchLogin } from './identity.repo'
import type { AccountRow } from './identity.schema'
import { dummyPasswordHash, hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './password'
import { hmacKey, newRefreshToken, parseRefreshToken, signAccessToken, verifyAccessToken } from './tokens'

export const ACCESS_TTL_SEC = 15 * 60
export const SESSION_TTL_MS = 30 * 24 * 3600_000

export interface IdentityDeps { db: Db, clock: Clock, newId: IdGenerator, sessionSecret: Secret<string> }

export interface AccountView { id: string, login: string, displayName: string }
export interface SessionTokens {
  accessToken: string
  accessTokenExpiresAt: string
  refreshToken: string
  account: AccountView
}
/** The signed-in caller, as routes and policies see it. */
export interface Actor { id: string, sessionId: string, account: AccountView }

const view = (a: AccountRow): AccountView => ({ id: a.id, login: a.login, displayName: a.displayName })
export const normaliseLogin = (login: string): string => login.trim().toLowerCase()

/** Console accounts and their sessions: password login, rotating refresh tokens, revocation. */
export class IdentityService {
  readonly #key: KeyObject
  constructor (private readonly deps: IdentityDeps) {
    this.#key = hmacKey(deps.sessionSecret.reveal())
  }

  async createAccount (o: { login: string, password: string, displayName: string }): Promise<AccountView> {
    if (o.password.length < PASSWORD_MIN || o.password.length > PASSWORD_MAX) {
      throw new AppError('invalid_request', 'weak_password', undefined, { param: 'password' })
    }
    const now = this.deps.clock.now()
    const row = await insertAccount(this.deps.db, {
      id: this.deps.newId('acc'),
      login: normaliseLogin(o.login),
      displayName: o.displayName,
      passwordHash: await hashPassword(o.password),
      createdAt: now,
      updatedAt: now,
    })
    if (row === undefined) throw new AppError('conflict', 'login_taken', undefined, { param: 'login' })
    return view(row)
  }

  async login (o: { login: string, password: string, userAgent?: string, ip?: string }): Promise<SessionTokens> {
    const account = await findAccountByLogin(this.deps.db, normaliseLogin(o.login))
    const ok = await verifyPassword(o.password, account?.passwordHash ?? await dummyPasswordHash())
    if (account === undefined || !ok) throw new AppError('authentication', 'invalid_credentials')
    if (account.status !== 'active') throw new AppError('permission', 'account_disabled')

    const now = this.deps.clock.now()
    const sessionId = this.deps.newId('ses')
    const refresh = newRefreshToken(sessionId)
    await this.deps.db.transaction(async (tx) => {
      await insertSession(tx, {
        id: sessionId,
        accountId: account.id,
        refreshHash: refresh.hash,
        expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
        userAgent: o.userAgent?.slice(0, 300) ?? null,
        ip: o.ip ?? null,
        createdAt: now,
        lastUsedAt: now,
      })
      await touchLogin(tx, account.id, now)
    })
    return this.#tokens(account, sessionId, refresh.token)
  }

  /**
   * Exchanges a refresh token for a new pair; the old one stops working. Presenting a refresh token
   * that was already exchanged means it was copied: the session is revoked for both holders.
   */
  async refresh (refreshToken: string): Promise<SessionTokens> {
    const parsed = parseRefreshToken(refreshToken)
    if (parsed === undefined) throw new AppError('authentication', 'refresh_token_invalid')
    const session = await findSession(this.deps.db, parsed.sessionId)
    const now = this.deps.clock.now()
    if (session === undefined) throw new AppError('authentication', 'refresh_token_invalid')
    if (session.revokedAt !== null) throw new AppError('authentication', 'session_revoked')
    if (session.expiresAt.getTime() <= now.getTime()) throw new AppError('authentication', 'session_expired')
    if (session.previousRefreshHash === parsed.hash) {
      await revokeSession(this.deps.db, session.id, now, 'refresh_token_reused')
      throw new AppError('authentication', 'session_revoked')
    }
    const account = await findAccount(this.deps.db, session.accountId)
    if (account === undefined || account.status !== 'active') throw new AppError('authentication', 'session_revoked')
    const next = newRefreshToken(session.id)
    if (!await rotateRefresh(this.deps.db, { id: session.id, from: parsed.hash, to: next.hash, at: now })) {
      throw new AppError('authentication', 'refresh_token_invalid')
    }
    return this.#tokens(account, session.id, next.token)
  }

  async logout (sessionId: string): Promise<void> {
    await revokeSession(this.deps.db, sessionId, this.deps.clock.now(), 'logout')
  }

  /** The caller behind a bearer access token; checks its session on every request so logout is immediate. */
  async authenticate (accessToken: string): Promise<Actor> {
    const nowMs = this.deps.clock.now().getTime()
    const check = verifyAccessToken(this.#key, accessToken, Math.floor(nowMs / 1000))
    if (!check.ok) throw new AppError('authentication', check.reason === 'expired' ? 'session_expired' : 'unauthenticated')
    const session = await findSession(this.deps.db, check.claims.sessionId)
    if (session === undefined || session.revokedAt !== null || session.accountId !== check.claims.accountId) {
      throw new AppError('authentication', 'session_revoked')
    }
    if (session.expiresAt.getTime() <= nowMs) throw new AppError('authentication', 'session_expired')
    const account = await findAccount(this.deps.db, session.accountId)
    if (account === undefined || account.status !== 'active') throw new AppError('authentication', 'session_revoked')
    return { id: account.id, sessionId: session.id, account: view(account) }
  }

  #tokens (account: AccountRow, sessionId: string, refreshToken: string): SessionTokens {
    const nowSec = Math.floor(this.deps.clock.now().getTime() / 1000)
    return {
      accessToken: signAccessToken(this.#key, { accountId: account.id, sessionId }, nowSec, ACCESS_TTL_SEC),
      accessTokenExpiresAt: new Date((nowSec + ACCESS_TTL_SEC) * 1000).toISOString(),
      refreshToken,
      account: view(account),
    }
  }
}
