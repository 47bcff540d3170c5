import Taro from '@tarojs/taro'
import { api, loadSession, login, onSessionEvent, SESSION_STORAGE_KEY } from '../src/services/session'

const taroRequest = jest.mocked(Taro.request)
const answer = (statusCode: number, data: unknown) => ({ statusCode, data, header: {}, errMsg: 'request:ok' }) as never
const error = (status: number, code: string, message = 'x') => answer(status, { error: { type: status === 401 ? 'authentication' : 'permission', code, message } })
const tokens = (n: number) => ({ accessToken: `at${n}`, accessTokenExpiresAt: '2030-01-01T00:00:00Z', refreshToken: `rt${n}`, account: { id: 'acct_1', login: 'ops', displayName: '运营' } })
const auth = (call: number): string | undefined => (taroRequest.mock.calls[call]?.[0] as { header: Record<string, string> }).header.Authorization

beforeEach(() => {
  taroRequest.mockReset()
  localStorage.clear()
})

test('login stores the token pair; calls carry the access token', async () => {
  taroRequest.mockResolvedValueOnce(answer(200, tokens(1))).mockResolvedValueOnce(answer(200, { ok: true }))
  await login('ops', 'S3cure-pass!')
  expect(taroRequest.mock.calls[0]?.[0]).toMatchObject({ url: '/v1/auth/login', method: 'POST', data: { login: 'ops', password: 'S3cure-pass!' } })
  expect(loadSession()?.refreshToken).toBe('rt1')
  await api({ path: '/v1/console/me' })
  expect(auth(1)).toBe('Bearer at1')
})

test('session_expired: one refresh, then the call again with the new token', async () => {
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(tokens(1)))
  taroRequest
    .mockResolvedValueOnce(error(401, 'session_expired'))
    .mockResolvedValueOnce(answer(200, tokens(2)))
    .mockResolvedValueOnce(answer(200, { id: 'acct_1' }))
  await expect(api({ path: '/v1/console/me' })).resolves.toEqual({ id: 'acct_1' })
  expect(taroRequest.mock.calls[1]?.[0]).toMatchObject({ url: '/v1/auth/refresh', data: { refreshToken: 'rt1' } })
  expect(auth(2)).toBe('Bearer at2')
  expect(loadSession()?.accessToken).toBe('at2')
})

test('a refused refresh signs out', async () => {
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(tokens(1)))
  const events: string[] = []
  const off = onSessionEvent((e) => events.push(e))
  taroRequest.mockResolvedValueOnce(error(401, 'session_expired')).mockResolvedValueOnce(error(401, 'refresh_token_invalid'))
  await expect(api({ path: '/v1/service-providers' })).rejects.toMatchObject({ code: 'session_expired' })
  expect(events).toEqual(['signed-out'])
  expect(loadSession()).toBeNull()
  off()
})

test('wechat_binding_required asks for the binding dialog and keeps the session', async () => {
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(tokens(1)))
  const events: string[] = []
  const off = onSessionEvent((e) => events.push(e))
  taroRequest.mockResolvedValueOnce(error(403, 'wechat_binding_required', '请先扫码绑定微信号'))
  await expect(api({ path: '/v1/service-providers' })).rejects.toMatchObject({ status: 403, message: '请先扫码绑定微信号' })
  expect(events).toEqual(['binding-required'])
  expect(loadSession()).not.toBeNull()
  off()
})
