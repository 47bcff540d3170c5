import Taro from '@tarojs/taro'
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
