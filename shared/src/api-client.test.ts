import { ApiError, createApiClient, type Transport } from './api-client'
import { isId } from './ids'

type Sent = Parameters<Transport>[0]
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function client (...answers: Array<{ statusCode: number, data: unknown } | Error>) {
  const sent: Sent[] = []
  const api = createApiClient({
    base: 'https://api.example.com',
    send: async (req) => {
      sent.push(req)
      const next = answers.shift()
      if (next === undefined) throw new Error('no answer scripted')
      if (next instanceof Error) throw next
      return next
    },
  })
  return { ...api, sent }
}

test('resolves with the body of a 2xx answer and sends a request id', async () => {
  const { request, sent } = client({ statusCode: 200, data: { status: 'ok' } })
  await expect(request<{ status: string }>({ path: '/healthz' })).resolves.toEqual({ status: 'ok' })
  expect(sent[0]).toMatchObject({ url: 'https://api.example.com/healthz', method: 'GET' })
  expect(isId('req', sent[0]?.header['X-Request-Id'])).toBe(true)
  expect(sent[0]?.header).not.toHaveProperty('Idempotency-Key')
  expect(sent[0]?.header).not.toHaveProperty('Authorization')
})

test('adds an Idempotency-Key only when asked, and reuses a given one', async () => {
  const { request, sent } = client({ statusCode: 201, data: {} }, { statusCode: 201, data: {} }, { statusCode: 201, data: {} })
  await request({ method: 'POST', path: '/v1/payments', data: { amountFen: 100 }, idempotent: true })
  await request({ method: 'POST', path: '/v1/payments', data: { amountFen: 100 }, idempotencyKey: 'retry-key-1' })
  await request({ method: 'POST', path: '/v1/notes', data: { text: 'x' } })
  expect(sent[0]?.header['Idempotency-Key']).toMatch(UUID_V4)
  expect(sent[0]?.data).toEqual({ amountFen: 100 })
  expect(sent[0]?.header['Content-Type']).toBe('application/json')
  expect(sent[1]?.header['Idempotency-Key']).toBe('retry-key-1')
  expect(sent[2]?.header).not.toHaveProperty('Idempotency-Key')
})

test('attaches the bearer token once set, and drops it on logout', async () => {
  const { request, setAuthToken, sent } = client({ statusCode: 200, data: {} }, { statusCode: 200, data: {} })
  setAuthToken('tok_123')
  await request({ path: '/v1/me' })
  setAuthToken(null)
  await request({ path: '/v1/me' })
  expect(sent[0]?.header.Authorization).toBe('Bearer tok_123')
  expect(sent[1]?.header).not.toHaveProperty('Authorization')
})

test('turns the server error body into an ApiError', async () => {
  const { request } = client({
    statusCode: 409,
    data: { error: { type: 'idempotency', code: 'idempotency_key_reused', message: '同一 Idempotency-Key 已用于不同的请求', param: 'amountFen', requestId: 'req_server' } },
  })
  const err = await request({ method: 'POST', path: '/v1/payments', idempotent: true }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ApiError)
  expect(err).toMatchObject({ status: 409, type: 'idempotency', code: 'idempotency_key_reused', param: 'amountFen', requestId: 'req_server' })
})

test('a 5xx without an error body becomes internal_error, a 4xx without one invalid_response', async () => {
  const { request } = client({ statusCode: 502, data: null }, { statusCode: 404, data: '<html>' })
  await expect(request({ path: '/v1/me' })).rejects.toMatchObject({ status: 502, type: 'internal', code: 'internal_error', message: '系统繁忙，请稍后再试' })
  await expect(request({ path: '/v1/me' })).rejects.toMatchObject({ status: 404, code: 'invalid_response' })
})

test('a network failure becomes a network_error with a Chinese message and the request id', async () => {
  const { request, sent } = client(new Error('request:fail timeout'))
  const err = await request({ path: '/healthz' }).catch((e: unknown) => e)
  expect(err).toMatchObject({ status: 0, type: 'unavailable', code: 'network_error', message: '网络连接失败，请检查网络后重试' })
  expect((err as ApiError).requestId).toBe(sent[0]?.header['X-Request-Id'])
})
