import Taro from '@tarojs/taro'
import type { MpSessionDto } from '@yima/shared'
import { request, setAuthToken } from '../services/api'
import type { LoginOutcome } from './login-outcome'

const TOKEN_KEY = 'yima_mp_session'

/**
 * Mini-program sign-in: `wx.login()` gives a one-time code, the server trades it with WeChat
 * (jscode2session) for the openid and answers with a bearer token. The token is kept until it
 * expires, so reopening the app does not sign in again.
 */
export async function login (): Promise<LoginOutcome> {
  const saved = Taro.getStorageSync(TOKEN_KEY) as { token?: string, expiresAt?: string, linked?: boolean } | ''
  if (saved !== '' && saved.token !== undefined && saved.linked === true && Date.parse(saved.expiresAt ?? '') > Date.now() + 60_000) {
    setAuthToken(saved.token)
    return { kind: 'bearer', linked: true }
  }
  const { code } = await Taro.login()
  const session = await request<MpSessionDto>({ path: '/v1/mp/session', method: 'POST', data: { code } })
  setAuthToken(session.token)
  Taro.setStorageSync(TOKEN_KEY, session)
  return { kind: 'bearer', linked: session.linked }
}

/** After linking, the saved session stands for a linked user. */
export function rememberLinked (): void {
  const saved = Taro.getStorageSync(TOKEN_KEY) as MpSessionDto | ''
  if (saved !== '') Taro.setStorageSync(TOKEN_KEY, { ...saved, linked: true })
}
