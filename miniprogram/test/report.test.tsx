import { act, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { SUMMARY_FIGURES, type SummaryDto, type SummaryFigures, type SummaryGroupDto } from '@yima/shared'
import Report from '../src/pages/report/index'
import { listReply, mockApi, type Reply, routeNotFound, type Sent, storeDto, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

// Pickers that the test types the picked value into (a date, or a selector's index).
jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())

const navigateTo = jest.mocked(Taro.navigateTo)
const showToast = jest.mocked(Taro.showToast)

const NOW = Date.parse('2026-01-05T06:07:08.500Z') // 14:07:08 in China

const figures = (o: Partial<SummaryFigures> = {}): SummaryFigures => ({
  tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0, realReceivedFen: 0, ...o,
})
const group = (key: string | null, label: string, o: Partial<SummaryFigures>): SummaryGroupDto => ({ key, label, ...figures(o) })

const TOTAL = figures({ tradeCount: 3, tradeFen: 123456, discountFen: 101, settlementFen: 123355, refundCount: 1, refundFen: 2001, refundSettlementFen: 2001, realReceivedFen: 121354 })
const HOURS = [
  group('2026-01-05T01:00:00.000Z', '2026-01-05 09:00', { tradeCount: 2, tradeFen: 100000, settlementFen: 99899, realReceivedFen: 99899 }),
  group('2026-01-05T02:00:00.000Z', '2026-01-05 10:00', { tradeCount: 1, tradeFen: 23456, refundCount: 1, refundFen: 2001, refundSettlementFen: 2001 }),
]
const STAFF = [
  group('stf_1', '张三', { tradeCount: 2, tradeFen: 100001, realReceivedFen: 100001 }),
  group(null, '未关联店员', { tradeCount: 1, tradeFen: 23455, realReceivedFen: 23455 }),
]

const role = (o: object) => ({ staffId: 'stf_x', name: '张三', merchantId: 'mch_1', merchantName: '好味餐饮', storeId: null, storeName: null, refundPermission: false, onDuty: true, ...o })
const ADMIN = role({ staffId: 'stf_a', role: 'merchant_admin', roleLabel: '商户管理员' })
const CLERK = role({ staffId: 'stf_c', role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })

const query = (url: string | undefined) => new URL(url ?? '', 'http://yima.test').searchParams
const pathOf = (url: string): string => url.split('?')[0] ?? ''

let sent: Sent[] = []
let roles: object[] = [CLERK]
let summary: (req: Sent) => Reply
let printed: Reply

/** A summary as the server would answer the request: the groups of its groupBy. */
const summaryOf = (req: Sent): Reply => {
  const q = query(req.url)
  const groupBy = q.get('groupBy')
  const groups = groupBy === 'hour' ? HOURS : groupBy === 'staff' ? STAFF : []
  const data: SummaryDto = { from: q.get('from') ?? '', to: q.get('to') ?? '', total: TOTAL, groupBy: groupBy as SummaryDto['groupBy'], groups }
  return { statusCode: 200, data }
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  navigateTo.mockReset()
  showToast.mockReset()
  roles = [CLERK]
  summary = summaryOf
  printed = listReply([{ deliveryId: 'dlv_1', printerId: 'prt_1', target: 'SN1', status: 'pending' }], 202)
  sent = mockApi((req) => {
    switch (`${req.method} ${pathOf(req.url)}`) {
      case 'GET /v1/mobile/me': return { statusCode: 200, data: { name: '张三', roles } }
      case 'GET /v1/mobile/merchants/mch_1/stores': return listReply([storeDto(), storeDto({ id: 'sto_2', name: '南山店', branchName: '二店' })])
      case 'GET /v1/mobile/reports/summary': return summary(req)
      case 'POST /v1/mobile/reports/summary/print': return printed
      default: return routeNotFound()
    }
  })
  withParams({ storeId: 'sto_1' })
})
afterEach(() => { jest.restoreAllMocks() })

const summaries = (): Sent[] => sent.filter((r) => pathOf(r.url) === '/v1/mobile/reports/summary')
const figure = (container: HTMLElement, name: keyof SummaryFigures): string => container.querySelector(`.report__figure--${name}`)?.textContent ?? ''

test("today's eight figures to the fen, asked from China midnight to now, by hour with a chart", async () => {
  const container = await renderPage(<Report />)
  await screen.findByText('交易金额')

  expect(figure(container, 'tradeFen')).toBe('交易金额¥1,234.56')
  expect(figure(container, 'settlementFen')).toBe('结算金额¥1,233.55')
  expect(figure(container, 'realReceivedFen')).toBe('实收金额¥1,213.54')
  expect(figure(container, 'discountFen')).toBe('优惠金额¥1.01')
  expect(figure(container, 'refundFen')).toBe('退款金额¥20.01')
  expect(figure(container, 'refundSettlementFen')).toBe('退款结算金额¥20.01')
  expect(figure(container, 'tradeCount')).toBe('交易笔数3')
  expect(figure(container, 'refundCount')).toBe('退款笔数1')
  // A tap says what a figure counts, in the shared definition's words.
  await tap(container.querySelector('.report__figure--settlementFen'))
  expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '结算金额', content: SUMMARY_FIGURES.settlementFen.definition }))

  expect(summaries()).toHaveLength(1)
  const url = summaries()[0]?.url ?? ''
  // '+' must travel encoded, or the server reads a space.
  expect(url).toContain('from=2026-01-05T00%3A00%3A00%2B08%3A00')
  expect(query(url).get('from')).toBe('2026-01-05T00:00:00+08:00')
  expect(query(url).get('to')).toBe('2026-01-05T14:07:09+08:00')
  expect(query(url).get('storeId')).toBe('sto_1')
  expect(query(url).get('groupBy')).toBe('hour')

  // One bar per China hour from 00:00 to now, as tall as its share of the busiest hour.
  const fills = [...container.querySelectorAll<HTMLElement>('.bar-chart__fill')].map((f) => f.style.height)
  expect(fills).toHaveLength(15)
  expect(fills[9]).toBe('100%')
  expect(fills[10]).toBe('23.5%')
  expect(fills.filter((h) => h === '0%')).toHaveLength(13)
  const caption = (): string => container.querySelector('.bar-chart__caption')?.textContent ?? ''
  expect(caption()).toBe('最高 01-05 09:00¥1,000.00')

  // The hours with something in them are listed too.
  expect([...container.querySelectorAll('.report__group')].map((g) => g.textContent)).toEqual([
    '2026-01-05 09:00交易 2 笔 · 退款 0 笔 ¥0.00 · 实收 ¥998.99¥1,000.00',
    '2026-01-05 10:00交易 1 笔 · 退款 1 笔 ¥20.01 · 实收 ¥0.00¥234.56',
  ])

  await tap(container.querySelectorAll('.bar-chart__bar')[10])
  expect(caption()).toBe('01-05 10:00¥234.56')
})

test('by clerk: the groups, and a clerk opens their orders', async () => {
  const container = await renderPage(<Report />)
  await screen.findByText('按店员')
  await tap(screen.getByText('按店员'))
  expect(await screen.findByText('张三')).toBeTruthy()
  expect(query(summaries().at(-1)?.url).get('groupBy')).toBe('staff')
  expect(screen.getByText('¥1,000.01')).toBeTruthy()
  expect(screen.getByText('未关联店员')).toBeTruthy()
  // Hourly takings are not drawn for clerks.
  expect(container.querySelector('.bar-chart')).toBeNull()

  await tap(screen.getByText('张三'))
  await tap(screen.getByText('未关联店员'))
  expect(navigateTo.mock.calls.map(([o]) => o.url)).toEqual([
    '/pages/report-orders/index?storeId=sto_1&staffId=stf_1&start=2026-01-05&end=2026-01-05',
  ])
})

test('more than 90 days is refused without asking the server; 90 are asked by day', async () => {
  const container = await renderPage(<Report />)
  await screen.findByText('交易金额')
  expect(summaries()).toHaveLength(1)

  typeInto(container, 'range__start', '2025-10-07')
  expect(await screen.findByText('一次最多查询 90 天')).toBeTruthy()
  await act(async () => { await new Promise((resolve) => setTimeout(resolve, 20)) })
  expect(summaries()).toHaveLength(1)
  expect(screen.queryByText('交易金额')).toBeNull()

  typeInto(container, 'range__start', '2025-10-08')
  await waitFor(() => { expect(summaries()).toHaveLength(2) })
  expect(screen.queryByText('一次最多查询 90 天')).toBeNull()
  const url = summaries()[1]?.url
  expect(query(url).get('from')).toBe('2025-10-08T00:00:00+08:00')
  expect(query(url).get('to')).toBe('2026-01-05T14:07:09+08:00')
  expect(query(url).get('groupBy')).toBe('day')
  await screen.findByText('交易金额')
  expect(container.querySelectorAll('.bar-chart__bar')).toHaveLength(90)

  typeInto(container, 'range__end', '2025-10-01')
  expect(await screen.findByText('开始日期不能晚于结束日期')).toBeTruthy()
  expect(summaries()).toHaveLength(2)

  await tap(screen.getByText('昨天'))
  await waitFor(() => { expect(summaries()).toHaveLength(3) })
  expect(query(summaries()[2]?.url).get('from')).toBe('2026-01-04T00:00:00+08:00')
  expect(query(summaries()[2]?.url).get('to')).toBe('2026-01-05T00:00:00+08:00')
  expect(query(summaries()[2]?.url).get('groupBy')).toBe('hour')
})

test("an off-duty clerk reads the server's reason", async () => {
  summary = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'not_on_duty', message: '不在班：上班打卡后才能查看本店交易' } } })
  await renderPage(<Report />)
  expect(await screen.findByText('不在班：上班打卡后才能查看本店交易')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
  expect(screen.queryByText('交易金额')).toBeNull()
})

test('prints the summary, and by clerk, on the store\'s printers', async () => {
  const container = await renderPage(<Report />)
  await screen.findByText('交易金额')

  await tapButton(container, '.report__print')
  await tapButton(container, '.report__print-staff')
  const posts = sent.filter((r) => r.method === 'POST')
  expect(posts.map((p) => p.data)).toEqual([
    { from: '2026-01-05T00:00:00+08:00', to: '2026-01-05T14:07:09+08:00', storeId: 'sto_1' },
    { from: '2026-01-05T00:00:00+08:00', to: '2026-01-05T14:07:09+08:00', storeId: 'sto_1', groupBy: 'staff' },
  ])
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已发送到 1 台打印机' })) })

  printed = { statusCode: 409, data: { error: { type: 'conflict', code: 'no_store_printer', message: '门店没有可用的云打印机' } } }
  await tapButton(container, '.report__print')
  await waitFor(() => { expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '门店没有可用的云打印机' })) })
})

test('a merchant admin from home: all their stores, by store, then one store with printing', async () => {
  withParams({})
  roles = [ADMIN]
  const container = await renderPage(<Report />)
  await screen.findByText('交易金额')

  expect(summaries()).toHaveLength(1)
  expect(query(summaries()[0]?.url).has('storeId')).toBe(false)
  expect(screen.getByText('全部门店')).toBeTruthy()
  expect(container.querySelector('.report__print')).toBeNull()
  await tap(screen.getByText('按门店'))
  await waitFor(() => { expect(query(summaries().at(-1)?.url).get('groupBy')).toBe('store') })

  typeInto(container, 'report__store', '2')
  await waitFor(() => { expect(query(summaries().at(-1)?.url).get('storeId')).toBe('sto_2') })
  expect(screen.getByText('南山店（二店）')).toBeTruthy()
  // 按门店 is for all stores only: one store falls back to the day's hours.
  expect(query(summaries().at(-1)?.url).get('groupBy')).toBe('hour')
  expect(screen.queryByText('按门店')).toBeNull()
  await screen.findByText('交易金额')
  expect(container.querySelector('.report__print')).not.toBeNull()
})

test('a clerk from home: the store they work at', async () => {
  withParams({})
  await renderPage(<Report />)
  await screen.findByText('交易金额')
  expect(query(summaries()[0]?.url).get('storeId')).toBe('sto_1')
})
