import { render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { OrderDto } from '@yima/shared'
import Orders from '../src/pages/orders/index'
import { mockApi, orderDto, type Reply, withParams } from './helpers/api'
import { tap, tapButton } from './helpers/ui'

const navigateTo = jest.mocked(Taro.navigateTo)

const order = (id: string, o: Partial<OrderDto> = {}): OrderDto => orderDto({ id, outTradeNo: `pay_${id}`, ...o })
const page = (data: OrderDto[], hasMore: boolean): Reply => ({ statusCode: 200, data: { object: 'list', data, hasMore } })

beforeEach(() => {
  navigateTo.mockReset()
  withParams({ storeId: 'sto_1' })
})
afterEach(() => { jest.restoreAllMocks() })

test('lists the store\'s orders, pages on, and opens one', async () => {
  const sent = mockApi((req) => req.url.includes('startingAfter=')
    ? page([order('ord_3', { amountFen: 50, status: 'closed', paidAt: null, createdAt: '2026-01-04T15:59:00.000Z' })], false)
    : page([
      order('ord_1', { amountFen: 123456, refundedFen: 2345 }),
      order('ord_2', { amountFen: 990, payPlatform: 'alipay', paidAt: '2026-01-04T16:05:00.000Z' }),
    ], true))
  const { container } = render(<Orders />)

  expect(await screen.findByText('¥1,234.56')).toBeTruthy()
  expect(screen.getByText('已退 ¥23.45')).toBeTruthy()
  expect(screen.getByText('¥9.90')).toBeTruthy()
  expect(screen.getByText('支付宝')).toBeTruthy()
  // 16:05 UTC on the 4th is 00:05 on the 5th in China.
  expect(screen.getByText('01-05 00:05')).toBeTruthy()
  expect(screen.getAllByText('支付成功')).toHaveLength(2)
  expect(sent[0]?.url).toBe('/v1/mobile/stores/sto_1/orders?limit=20')

  await tapButton(container, '.orders__more')
  expect(await screen.findByText('¥0.50')).toBeTruthy()
  expect(screen.getByText('已关闭')).toBeTruthy()
  expect(screen.getByText('01-04 23:59')).toBeTruthy()
  expect(sent[1]?.url).toBe('/v1/mobile/stores/sto_1/orders?limit=20&startingAfter=ord_2')
  expect(container.querySelector('.orders__more')).toBeNull()
  expect(screen.getByText('没有更多了')).toBeTruthy()

  await tap(screen.getByText('¥9.90'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/order/index?id=ord_2' })
})

test('a clerk off duty sees the server\'s reason', async () => {
  mockApi(() => ({ statusCode: 403, data: { error: { type: 'permission', code: 'not_on_duty', message: '不在班：上班打卡后才能查看本店交易，下班后不能查看' } } }))
  render(<Orders />)
  expect(await screen.findByText('不在班：上班打卡后才能查看本店交易，下班后不能查看')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
})

test('no orders yet', async () => {
  mockApi(() => page([], false))
  render(<Orders />)
  expect(await screen.findByText('暂无交易')).toBeTruthy()
})
