import type { LoginOutcome } from './login-outcome'

/**
 * H5 build: the page runs inside the official account and the server already knows the user from
 * the `yima_wx` cookie that the activation or management QR set. Nothing to do here; the first API
 * call says whether the cookie is there (401 → the home page explains how to sign in).
 */
export async function login (): Promise<LoginOutcome> {
  return { kind: 'cookie' }
}

/** H5 build: no saved session to update (the cookie is the session). */
export function rememberLinked (): void {}
