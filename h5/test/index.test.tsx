import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import Index from '../src/pages/index/index'

const taroRequest = jest.mocked(Taro.request)

beforeEach(() => taroRequest.mockReset())

test('shows the product, the sample amount and the service status', async () => {
  taroRequest.mockResolvedValueOnce({ statusCode: 200, data: { status: 'ok' }, header: {}, errMsg: 'request:ok' } as never)
  render(<Index />)
  expect(screen.getByText('yima')).toBeTruthy()
  expect(screen.getByText('服务商、商户与门店的一码付收款平台')).toBeTruthy()
  expect(screen.getByText('¥1,234.56')).toBeTruthy()
  expect(await screen.findByText('服务状态：正常')).toBeTruthy()
  expect(taroRequest).toHaveBeenCalledWith(expect.objectContaining({ url: '/healthz', method: 'GET' }))
})

test('tapping the button checks again and reports an outage', async () => {
  taroRequest
    .mockResolvedValueOnce({ statusCode: 200, data: { status: 'ok' }, header: {}, errMsg: 'request:ok' } as never)
    .mockRejectedValueOnce(new Error('request:fail'))
  const { container } = render(<Index />)
  expect(await screen.findByText('服务状态：正常')).toBeTruthy()

  await act(async () => { fireEvent.click(container.querySelector('.van-native-button')!) })

  expect(await screen.findByText('服务状态：不可用')).toBeTruthy()
  expect(taroRequest).toHaveBeenCalledTimes(2)
})

test('a 503 answer is shown as unavailable', async () => {
  taroRequest.mockResolvedValueOnce({ statusCode: 503, data: { status: 'degraded' }, header: {}, errMsg: 'request:ok' } as never)
  render(<Index />)
  expect(await screen.findByText('服务状态：不可用')).toBeTruthy()
})
