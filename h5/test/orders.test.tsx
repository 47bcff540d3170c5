import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import type { OrderDto } from '@yima/shared'
import { resetConsoleState } from '../src/lib/console-state'
import Orders from '../src/pages/console/orders/index'
import { SESSION_STORAGE_KEY } from '../src/services/session'

const taroRequest = jest.mocked(Taro.request)
const navigateTo = jest.mocked(Taro.navigateTo)
const taro = Taro as unknown as { useRouter: () => { params: Record<string, string> } }
const realUseRouter = taro.useRouter
const answer = (statusCode: number, data: unknown) => ({ statusCode, data, header: {}, errMsg: 'request:ok' }) as never
const session = { accessToken: 'at1', accessTokenExpiresAt: '2030-01-01T00:00:00Z', refreshToken: 'rt1', account: { id: 'acct_1', login: 'ops', displayName: '运营' } }
const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const NOW = Date.parse('2026-11-07T10:00:00+08:00')

interface Sent { method: string, url: string, data?: unknown }
let sent: Sent[] = []
function serve (routes: Record<string, (req: Sent) => unknown>): void {
  taroRequest.mockImplementation((async (req: Sent) => {
    sent.push(req)
    const key = `${req.method} ${req.url.split('?')[0] ?? ''}`
    const handler = routes[key]
    if (handler === undefined) throw new Error(`unexpected ${key}`)
    return handler(req)
  }) as never)
}
const paramsOf = (url: string): Record<string, string> => Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''))
const searches = (): Array<Record<string, string>> => sent.filter((r) => r.url.startsWith('/v1/reports/orders?')).map((r) => paramsOf(r.url))

const order = (n: number, o: Partial<OrderDto> = {}): OrderDto => ({
  id: `ord_${n}`,
  outTradeNo: `NO${n}`,
  merchantId: 'mch_1',
  storeId: 'sto_1',
  staffId: null,
  deviceId: null,
  qrCodeId: null,
  payPlatform: 'wechat_pay',
  method: 'wechat_jsapi',
  sourceType: 'one_code',
  tradeType: 'jsapi',
  status: 'succeeded',
  amountFen: 1000 + n,
  discountFen: 0,
  refundedFen: 0,
  quantity: null,
  description: '门店收款',
  remark: null,
  goodsTag: null,
  channelTxnId: null,
  failureCode: null,
  paidAt: '2026-11-07T01:00:00.000Z',
  closedAt: null,
  createdAt: '2026-11-07T01:00:00.000Z',
  ...o,
})

const BASE = {
  'GET /v1/console/me': () => answer(200, { id: 'acct_1', login: 'ops', displayName: '运营', isOperator: true, wechatBound: true }),
  'GET /v1/merchants': () => answer(200, { object: 'list', data: [{ id: 'mch_1', name: '示例咖啡' }], hasMore: false }),
  'GET /v1/merchants/mch_1/stores': () => answer(200, { object: 'list', data: [{ id: 'sto_1', name: '示例咖啡', branchName: '南山店' }], hasMore: false }),
}

beforeEach(() => {
  sent = []
  taroRequest.mockReset()
  navigateTo.mockReset()
  navigateTo.mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
  localStorage.clear()
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session))
  resetConsoleState()
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
})
afterEach(() => {
  jest.restoreAllMocks()
  taro.useRouter = realUseRouter
})

const tap = async (el: Element | null | undefined): Promise<void> => {
  if (el == null) throw new Error('nothing to tap')
  await act(async () => { fireEvent.click(el) })
  await settle()
}
const tapButton = async (cls: string): Promise<void> => { await tap(document.querySelector(`.${cls} .van-native-button`) ?? document.querySelector(`.${cls}`)) }
const tapChoice = async (field: string, label: string): Promise<void> => {
  await tap([...document.querySelectorAll(`.field--${field} .choice__item`)].find((e) => e.textContent === label))
}
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
  taro.useRouter = () => ({ params: { start: '2026-11-03', end: '2026-11-05', storeId: 'sto_1', merchantId: 'mch_1' } })
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
