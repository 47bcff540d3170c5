import { ApiError, type RequestOptions } from '@yima/shared'
import { request, setAuthToken } from './api'

/** `POST /v1/auth/login` and `/v1/auth/refresh` answer this. */
export interface Session {
  accessToken: string
  accessTokenExpiresAt: string
  refreshToken: string
  account: { id: string, login: string, displayName: string }
}

export const SESSION_STORAGE_KEY = 'yima.console.session'

export type SessionEvent = 'signed-out' | 'binding-required'
const listeners = new Set<(e: SessionEvent) => void>()

/** 'signed-out': the session is gone (go to the login page); 'binding-required': show the WeChat binding QR (T1). */
export function onSessionEvent (fn: (e: SessionEvent) => void): () => void {
  listeners.add(fn)
  return () => { listeners.delete(fn) }
}
function emit (e: SessionEvent): void {
  for (const fn of [...listeners]) fn(e)
}

function storage (): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function loadSession (): Session | null {
  const raw = storage()?.getItem(SESSION_STORAGE_KEY)
  if (raw == null) return null
  try {
    const s = JSON.parse(raw) as Partial<Session>
    return typeof s.accessToken === 'string' && typeof s.refreshToken === 'string' && s.account !== undefined ? s as Session : null
  } catch {
    return null
  }
}

function saveSession (s: Session): void {
  storage()?.setItem(SESSION_STORAGE_KEY, JSON.stringify(s))
}

export function clearSession (): void {
  storage()?.removeItem(SESSION_STORAGE_KEY)
  setAuthToken(null)
}

export async function login (loginName: string, password: string): Promise<Session> {
  setAuthToken(null)
  const s = await request<Session>({ method: 'POST', path: '/v1/auth/login', data: { login: loginName, password } })
  saveSession(s)
  return s
}

/** Ends the session on the server (best effort) and forgets it here. */
export async function logout (): Promise<void> {
  const s = loadSession()
  if (s !== null) {
    setAuthToken(s.accessToken)
    try {
      await request<null>({ method: 'POST', path: '/v1/auth/logout' })
    } catch { /* the session is dropped locally either way */ }
  }
  clearSession()
}

let refreshing: Promise<boolean> | null = null

/** One refresh at a time, however many calls found the access token expired. */
function refresh (s: Session): Promise<boolean> {
  refreshing ??= request<Session>({ method: 'POST', path: '/v1/auth/refresh', data: { refreshToken: s.refreshToken } })
    .then((next) => { saveSession(next); return true }, () => false)
    .finally(() => { refreshing = null })
  return refreshing
}

function react (e: unknown): void {
  if (!(e instanceof ApiError)) return
  if (e.status === 401) {
    clearSession()
    emit('signed-out')
  } else if (e.status === 403 && e.code === 'wechat_binding_required') {
    emit('binding-required')
  }
}

/**
 * A console API call with the stored bearer token. A 401 `session_expired` refreshes the token pair
 * once and repeats the call; any other 401 signs out; 403 `wechat_binding_required` asks for the
 * binding dialog. The error is rethrown either way so the caller can stop.
 */
export async function api<T> (opts: RequestOptions): Promise<T> {
  const s = loadSession()
  // Not signed in: the console frame is already on its way to the login page.
  if (s === null) throw new ApiError(401, 'authentication', 'unauthenticated', '请先登录')
  setAuthToken(s.accessToken)
  try {
    return await request<T>(opts)
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && e.code === 'session_expired' && await refresh(s)) {
      setAuthToken(loadSession()?.accessToken ?? null)
      try {
        return await request<T>(opts)
      } catch (again) {
        react(again)
        throw again
      }
    }
    react(e)
    throw e
  }
}
