import { act, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { OrderDto } from '@yima/shared'
import ReportOrders from '../src/pages/report-orders/index'
import { mockApi, orderDto, type Reply, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

// Pickers that the test types the picked value into (a date, or a selector's index).
jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())

const navigateTo = jest.mocked(Taro.navigateTo)
const showToast = jest.mocked(Taro.showToast)

const NOW = Date.parse('2026-01-05T06:07:08.500Z') // 14:07:08 in China

const order = (id: string, o: Partial<OrderDto> = {}): OrderDto => orderDto({ id, outTradeNo: `pay_${id}`, ...o })
const page = (data: OrderDto[], hasMore: boolean): Reply => ({ statusCode: 200, data: { object: 'list', data, hasMore } })

const query = (url: string | undefined) => new URL(url ?? '', 'http://yima.test').searchParams
const searches = (): Sent[] => sent.filter((r) => r.url.startsWith('/v1/mobile/reports/orders?'))
const lastQuery = (): URLSearchParams => query(searches().at(-1)?.url)
/** The query's parameters other than the range, as sent. */
const filtersOf = (q: URLSearchParams): Record<string, string> =>
  Object.fromEntries([...q].filter(([k]) => k !== 'from' && k !== 'to'))

/** A filter chip, by its row and its words (a row's status reads the same). */
const chip = (row: string, text: string): Element | undefined =>
  [...document.querySelectorAll(`.${row} .chips__chip`)].find((c) => c.textContent === text)

let sent: Sent[] = []
let answer: (req: Sent) => Reply

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  navigateTo.mockReset()
  showToast.mockReset()
  answer = () => page([order('ord_1')], false)
  sent = mockApi((req) => answer(req))
  withParams({ storeId: 'sto_1' })
})
afterEach(() => { jest.restoreAllMocks() })

test("today's orders, newest first, paged on with the same range, and opened", async () => {
  answer = (req) => query(req.url).get('startingAfter') === 'ord_2'
    ? page([order('ord_3', { amountFen: 50, status: 'closed', paidAt: null, createdAt: '2026-01-04T16:01:00.000Z' })], false)
    : page([
      order('ord_1', { amountFen: 123456, refundedFen: 2345 }),
      order('ord_2', { amountFen: 990, payPlatform: 'alipay', paidAt: '2026-01-04T16:05:00.000Z' }),
    ], true)
  const container = await renderPage(<ReportOrders />)

  expect(await screen.findByText('¥1,234.56')).toBeTruthy()
  expect(screen.getByText('已退 ¥23.45')).toBeTruthy()
  expect(screen.getByText('¥9.90')).toBeTruthy()
  expect(screen.getByText('pay_ord_2')).toBeTruthy()
  expect(screen.getByText('01-05 00:05')).toBeTruthy()

  const first = searches()[0]?.url ?? ''
  // '+' must travel encoded, or the server reads a space.
  expect(first).toBe('/v1/mobile/reports/orders?from=2026-01-05T00%3A00%3A00%2B08%3A00&to=2026-01-05T14%3A07%3A09%2B08%3A00&storeId=sto_1&limit=20')

  // Later, "now" has moved on: the next page still asks for the first page's range.
  jest.spyOn(Date, 'now').mockReturnValue(NOW + 60_000)
  await tapButton(container, '.report-orders__more')
  expect(await screen.findByText('¥0.50')).toBeTruthy()
  expect(container.querySelectorAll('.report-orders__row')[2]?.textContent).toContain('已关闭')
  expect(searches()).toHaveLength(2)
  expect(searches()[1]?.url).toBe(`${first}&startingAfter=ord_2`)
  expect(container.querySelector('.report-orders__more')).toBeNull()
  expect(screen.getByText('没有更多了')).toBeTruthy()

  await tap(screen.getByText('¥9.90'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/order/index?id=ord_2' })
})

test('filters by channel and status at a tap, by amount in yuan and order number on 查询', async () => {
  const container = await renderPage(<ReportOrders />)
  await screen.findByText('pay_ord_1')

  await tap(chip('report-orders__channel', '支付宝'))
  await waitFor(() => { expect(searches()).toHaveLength(2) })
  expect(filtersOf(lastQuery())).toEqual({ storeId: 'sto_1', payPlatform: 'alipay', limit: '20' })

  await tap(chip('report-orders__status-filter', '支付成功'))
  await waitFor(() => { expect(searches()).toHaveLength(3) })
  expect(filtersOf(lastQuery())).toEqual({ storeId: 'sto_1', payPlatform: 'alipay', status: 'succeeded', limit: '20' })

  // Typing alone sends nothing; 查询 sends it, yuan turned into fen by digits: as floats, 0.29 × 100 is 28.999…
  typeInto(container, 'filter-min', '0.29')
  typeInto(container, 'filter-max', '1234.57')
  typeInto(container, 'filter-no', ' pay_ord_9 ')
  expect(searches()).toHaveLength(3)
  await tapButton(container, '.report-orders__search')
  await waitFor(() => { expect(searches()).toHaveLength(4) })
  expect(filtersOf(lastQuery())).toEqual({
    storeId: 'sto_1', payPlatform: 'alipay', status: 'succeeded', minFen: '29', maxFen: '123457', outTradeNo: 'pay_ord_9', limit: '20',
  })

  typeInto(container, 'filter-min', '1.234')
  await tapButton(container, '.report-orders__search')
  expect(screen.getByText('金额格式不正确，最多两位小数')).toBeTruthy()
  typeInto(container, 'filter-min', '2000')
  await tapButton(container, '.report-orders__search')
  expect(screen.getByText('最低金额不能高于最高金额')).toBeTruthy()
  expect(searches()).toHaveLength(4)

  await tapButton(container, '.report-orders__reset')
  await waitFor(() => { expect(searches()).toHaveLength(5) })
  expect(filtersOf(lastQuery())).toEqual({ storeId: 'sto_1', limit: '20' })
  expect(screen.queryByText('最低金额不能高于最高金额')).toBeNull()
})

test('more than 90 days is refused without asking the server', async () => {
  const container = await renderPage(<ReportOrders />)
  await screen.findByText('pay_ord_1')

  typeInto(container, 'range__start', '2025-10-07')
  expect(await screen.findByText('一次最多查询 90 天')).toBeTruthy()
  await act(async () => { await new Promise((resolve) => setTimeout(resolve, 20)) })
  expect(searches()).toHaveLength(1)
  expect(screen.queryByText('pay_ord_1')).toBeNull()

  await tap(screen.getByText('近30天'))
  await waitFor(() => { expect(searches()).toHaveLength(2) })
  expect(lastQuery().get('from')).toBe('2025-12-07T00:00:00+08:00')
  expect(lastQuery().get('to')).toBe('2026-01-05T14:07:09+08:00')
})

test('opened from a clerk on 交易汇总: their orders over those days', async () => {
  withParams({ storeId: 'sto_1', staffId: 'stf_1', start: '2026-01-01', end: '2026-01-03' })
  await renderPage(<ReportOrders />)
  await screen.findByText('pay_ord_1')
  expect(lastQuery().get('from')).toBe('2026-01-01T00:00:00+08:00')
  expect(lastQuery().get('to')).toBe('2026-01-04T00:00:00+08:00')
  expect(lastQuery().get('staffId')).toBe('stf_1')

  await tap(screen.getByText('看全部店员'))
  await waitFor(() => { expect(searches()).toHaveLength(2) })
  expect(lastQuery().has('staffId')).toBe(false)
})

test("an off-duty clerk reads the server's reason; nothing found says so", async () => {
  answer = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'not_on_duty', message: '不在班：上班打卡后才能查看本店交易' } } })
  await renderPage(<ReportOrders />)
  expect(await screen.findByText('不在班：上班打卡后才能查看本店交易')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()

  answer = () => page([], false)
  // 重试, after clocking in.
  await tapButton(document.body, '.page-state')
  expect(await screen.findByText('没有符合条件的交易')).toBeTruthy()
})
