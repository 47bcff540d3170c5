import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import type { OrderDto } from '@yima/shared'
import Orders from '../src/pages/console/orders/index'
import { answer, me, NOW, orderDto, paramsOf, resetConsole, sent, serve, settle, tap, tapButton, tapChoice, withParams } from './helpers/console'

const navigateTo = jest.mocked(Taro.navigateTo)

const searches = (): Array<Record<string, string>> => sent.filter((r) => r.url.startsWith('/v1/reports/orders?')).map((r) => paramsOf(r.url))

const order = (n: number, o: Partial<OrderDto> = {}): OrderDto => orderDto({ id: `ord_${n}`, outTradeNo: `NO${n}`, amountFen: 1000 + n, ...o })

const BASE = {
  'GET /v1/console/me': () => me(),
  'GET /v1/merchants': () => answer(200, { object: 'list', data: [{ id: 'mch_1', name: '示例咖啡' }], hasMore: false }),
  'GET /v1/merchants/mch_1/stores': () => answer(200, { object: 'list', data: [{ id: 'sto_1', name: '示例咖啡', branchName: '南山店' }], hasMore: false }),
}

beforeEach(() => {
  resetConsole({ now: NOW })
  navigateTo.mockReset()
  navigateTo.mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
})
afterEach(() => { jest.restoreAllMocks() })

const type = async (field: string, value: string): Promise<void> => {
  await act(async () => { fireEvent.change(document.querySelector(`.field--${field} input`)!, { target: { value } }) })
}

test('first page of the last 7 days; each row opens the order', async () => {
  serve({ ...BASE, 'GET /v1/reports/orders': () => answer(200, { object: 'list', data: [order(2, { refundedFen: 500, sourceType: 'fixed_amount_qr', payPlatform: 'alipay' }), order(1)], hasMore: false }) })
  render(<Orders />)
  await settle()

  expect(searches()).toEqual([{ from: '2026-11-01T00:00:00+08:00', to: '2026-11-08T00:00:00+08:00', limit: '20' }])
  const rows = [...document.querySelectorAll('.order-row')]
  expect(rows).toHaveLength(2)
  expect(rows[0]?.textContent).toContain('¥10.02')
  expect(rows[0]?.textContent).toContain('支付宝')
  expect(rows[0]?.textContent).toContain('定额码')
  expect(rows[0]?.textContent).toContain('已退 ¥5.00')
  expect(rows[0]?.textContent).toContain('2026-11-07 09:00:00')
  expect(screen.getByText('共 2 笔，已全部加载')).toBeTruthy()
  expect(document.querySelector('.orders__load-more')).toBeNull()

  await tap(rows[1]?.querySelector('.list__name'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/console/order/index?id=ord_1' })
})

test('every filter is sent as a query parameter, amounts in fen', async () => {
  serve({ ...BASE, 'GET /v1/reports/orders': () => answer(200, { object: 'list', data: [], hasMore: false }) })
  render(<Orders />)
  await settle()
  expect(screen.getByText('没有符合条件的交易')).toBeTruthy()

  await tapChoice('merchantId', '示例咖啡')
  await tapChoice('storeId', '示例咖啡（南山店）')
  await tapChoice('payPlatform', '支付宝')
  await tapChoice('status', '支付成功')
  await tapChoice('sourceType', '定额码')
  await tap(document.querySelector('.range__preset--today'))
  await type('minYuan', '10.5')
  await type('maxYuan', '200')
  await type('outTradeNo', ' NO42 ')
  await type('staffId', 'stf_1')
  await type('deviceId', 'dev_1')
  await type('qrCodeId', 'qr_1')
  const before = searches().length
  await tapButton('orders__search')

  expect(searches()).toHaveLength(before + 1)
  expect(searches().at(-1)).toEqual({
    from: '2026-11-07T00:00:00+08:00',
    to: '2026-11-08T00:00:00+08:00',
    merchantId: 'mch_1',
    storeId: 'sto_1',
    staffId: 'stf_1',
    deviceId: 'dev_1',
    qrCodeId: 'qr_1',
    payPlatform: 'alipay',
    status: 'succeeded',
    sourceType: 'fixed_amount_qr',
    minFen: '1050',
    maxFen: '20000',
    outTradeNo: 'NO42',
    limit: '20',
  })
})

test('bad amounts and ranges are refused on the page, without a request', async () => {
  serve({ ...BASE, 'GET /v1/reports/orders': () => answer(200, { object: 'list', data: [], hasMore: false }) })
  render(<Orders />)
  await settle()
  const before = searches().length

  await type('minYuan', '0.125')
  await tapButton('orders__search')
  expect(document.querySelector('.field--minYuan .field__error')?.textContent).toBe('金额格式不正确，最多两位小数')

  await type('minYuan', '30')
  await type('maxYuan', '20')
  await tapButton('orders__search')
  expect(document.querySelector('.field--maxYuan .field__error')?.textContent).toBe('最低金额不能高于最高金额')

  await type('maxYuan', '')
  await act(async () => { fireEvent.change(document.querySelector('.range__start')!, { target: { value: '2026-08-01' } }) })
  await settle()
  expect(screen.getByText('一次最多查询 90 天')).toBeTruthy()
  expect(searches()).toHaveLength(before)
})

test('加载更多 asks for the page after the last order shown', async () => {
  serve({
    ...BASE,
    'GET /v1/reports/orders': (req) => {
      const q = paramsOf(req.url)
      return q.startingAfter === undefined
        ? answer(200, { object: 'list', data: [order(3), order(2)], hasMore: true })
        : q.startingAfter === 'ord_2'
          ? answer(200, { object: 'list', data: [order(1)], hasMore: false })
          : answer(400, { error: { type: 'invalid_request', code: 'invalid_request', message: 'bad cursor' } })
    },
  })
  withParams({ start: '2026-11-03', end: '2026-11-05', storeId: 'sto_1', merchantId: 'mch_1' })
  render(<Orders />)
  await settle()
  expect(searches()[0]).toEqual({ from: '2026-11-03T00:00:00+08:00', to: '2026-11-06T00:00:00+08:00', merchantId: 'mch_1', storeId: 'sto_1', limit: '20' })
  expect(document.querySelectorAll('.order-row')).toHaveLength(2)

  await tapButton('orders__load-more')
  expect(searches()[1]).toEqual({ ...searches()[0], startingAfter: 'ord_2' })
  expect([...document.querySelectorAll('.order-row__no')].map((e) => e.textContent)).toEqual(['NO3', 'NO2', 'NO1'])
  expect(document.querySelector('.orders__load-more')).toBeNull()
  expect(screen.getByText('共 3 笔，已全部加载')).toBeTruthy()
})

test('a failed next page says why and keeps the rows', async () => {
  serve({
    ...BASE,
    'GET /v1/reports/orders': (req) => paramsOf(req.url).startingAfter === undefined
      ? answer(200, { object: 'list', data: [order(2)], hasMore: true })
      : answer(503, { error: { type: 'unavailable', code: 'service_unavailable', message: '系统繁忙，请稍后再试' } }),
  })
  render(<Orders />)
  await settle()
  await tapButton('orders__load-more')
  expect(document.querySelector('.orders__more-error')?.textContent).toBe('系统繁忙，请稍后再试')
  expect(document.querySelectorAll('.order-row')).toHaveLength(1)
  expect(document.querySelector('.orders__load-more')).not.toBeNull()
})
