import { ApiError, type RequestOptions } from '@yima/shared'
import { request } from '../services/api'
import { login } from './login'
import type { LoginOutcome } from './login-outcome'

let signingIn: Promise<LoginOutcome> | null = null

/** Signs in once per app run (every page's first request waits for it); `fresh` starts over. */
export async function signIn (fresh = false): Promise<LoginOutcome> {
  if (signingIn === null || fresh) {
    signingIn = login().catch((e: unknown) => { signingIn = null; throw e })
  }
  return await signingIn
}

/**
 * A request of the staff app: signed in first, and signed in again once if the server no longer
 * knows the session (an expired weapp token). Everything else reaches the caller as ApiError.
 */
export async function api<T> (opts: RequestOptions): Promise<T> {
  const first = await signIn()
  try {
    return await request<T>(opts)
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401 || first.kind !== 'bearer') throw e
    await signIn(true)
    return await request<T>(opts)
  }
}

/** What to tell a person when a request failed: the server's own words, else a general line. */
export function errorText (e: unknown): string {
  if (e instanceof ApiError) return e.message
  return '操作失败，请稍后重试'
}

/**
 * The structured part of a failure the server explained further (`error.details`, e.g. the
 * rejected rows of an import); undefined for any other failure.
 */
export function errorDetails (e: unknown): unknown {
  return e instanceof ApiError ? e.details : undefined
}
