import Taro from '@tarojs/taro'
import { errorDetails } from '../src/lib/session'
import { ApiError, request } from '../src/services/api'

// The client's logic is tested in @yima/shared; this checks that the app hands it to Taro.request.
const taroRequest = jest.mocked(Taro.request)

test('sends through Taro.request and maps its answers', async () => {
  taroRequest.mockResolvedValueOnce({ statusCode: 200, data: { status: 'ok' }, header: {}, errMsg: 'request:ok' } as never)
  await expect(request({ method: 'POST', path: '/v1/x', data: { a: 1 }, idempotent: true })).resolves.toEqual({ status: 'ok' })
  const opts = taroRequest.mock.calls[0]?.[0]
  expect(opts).toMatchObject({ url: '/v1/x', method: 'POST', data: { a: 1 } })
  expect(Object.keys(opts?.header as object)).toEqual(expect.arrayContaining(['X-Request-Id', 'Idempotency-Key']))

  taroRequest.mockRejectedValueOnce(new Error('request:fail'))
  await expect(request({ path: '/healthz' })).rejects.toBeInstanceOf(ApiError)
})

test('keeps error.details for the failure they came with', async () => {
  const rejected = { rejected: [{ line: 2, phone: '1', reason: '手机号应为 11 位数字' }] }
  taroRequest.mockResolvedValueOnce({ statusCode: 400, data: { error: { type: 'invalid_request', code: 'import_rejected', message: '不合格', details: rejected } }, header: {}, errMsg: 'request:ok' } as never)
  const failed = await request({ method: 'POST', path: '/v1/x', data: {} }).catch((e: unknown) => e)
  expect(failed).toBeInstanceOf(ApiError)
  expect(errorDetails(failed)).toEqual(rejected)

  taroRequest.mockResolvedValueOnce({ statusCode: 404, data: { error: { type: 'not_found', code: 'route_not_found', message: '不存在' } }, header: {}, errMsg: 'request:ok' } as never)
  const plain = await request({ path: '/v1/y' }).catch((e: unknown) => e)
  expect(errorDetails(plain)).toBeUndefined()
  expect(errorDetails(new Error('x'))).toBeUndefined()
})
