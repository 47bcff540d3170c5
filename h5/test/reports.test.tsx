import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { SUMMARY_FIGURES, type SummaryDto, type SummaryFigures } from '@yima/shared'
import Reports from '../src/pages/console/reports/index'
import { rangeQuery } from '../src/pages/console/reports/range'
import { chartBars } from '../src/pages/console/reports/summary-view'
import { answer, me, NOW, paramsOf, resetConsole, sent, type Sent, serve, settle, tapButton, tapChoice } from './helpers/console'

const summaryCalls = (): Array<Record<string, string>> => sent.filter((r) => r.url.startsWith('/v1/reports/summary?')).map((r) => paramsOf(r.url))

const TOTAL: SummaryFigures = {
  tradeCount: 7,
  tradeFen: 123456,
  discountFen: 3455,
  settlementFen: 120001,
  refundCount: 1,
  refundFen: 10000,
  refundSettlementFen: 9000,
  realReceivedFen: 111001,
}
const ZERO: SummaryFigures = { tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0, realReceivedFen: 0 }

function summaryFor (q: Record<string, string>): SummaryDto {
  const groupBy = (q.groupBy ?? null) as SummaryDto['groupBy']
  const groups = groupBy === 'day'
    ? [
        { ...ZERO, key: '2026-11-02T00:00:00+08:00', label: '2026-11-02', tradeCount: 2, tradeFen: 23456 },
        { ...ZERO, key: '2026-11-06T16:00:00.000Z', label: '2026-11-07', tradeCount: 5, tradeFen: 100000 },
      ]
    : groupBy === 'staff'
      ? [{ ...TOTAL, key: 'stf_1', label: '张三' }, { ...ZERO, key: null, label: '未指定店员' }]
      : []
  return { from: q.from ?? '', to: q.to ?? '', total: TOTAL, groupBy, groups }
}

const ROUTES = {
  'GET /v1/console/me': () => me(),
  'GET /v1/merchants': () => answer(200, { object: 'list', data: [{ id: 'mch_1', name: '示例咖啡' }, { id: 'mch_2', name: '示例面包' }], hasMore: false }),
  'GET /v1/merchants/mch_1/stores': () => answer(200, { object: 'list', data: [{ id: 'sto_1', name: '示例咖啡', branchName: '南山店' }], hasMore: false }),
  'GET /v1/reports/summary': (req: Sent) => answer(200, summaryFor(paramsOf(req.url))),
}

beforeEach(() => { resetConsole({ now: NOW }) })
afterEach(() => { jest.restoreAllMocks() })

const setDate = async (which: 'start' | 'end', value: string): Promise<void> => {
  await act(async () => { fireEvent.change(document.querySelector(`.range__${which}`)!, { target: { value } }) })
  await settle()
}
const figure = (key: string): string => document.querySelector(`.report-figure--${key} .report-figure__value`)?.textContent ?? ''

test('the last 7 China days by default: the eight figures to the fen, with their labels and definitions', async () => {
  serve(ROUTES)
  render(<Reports />)
  await settle()

  expect(summaryCalls()).toEqual([{ from: '2026-11-01T00:00:00+08:00', to: '2026-11-08T00:00:00+08:00', groupBy: 'day' }])
  expect(figure('tradeFen')).toBe('¥1,234.56')
  expect(figure('settlementFen')).toBe('¥1,200.01')
  expect(figure('realReceivedFen')).toBe('¥1,110.01')
  expect(figure('discountFen')).toBe('¥34.55')
  expect(figure('refundFen')).toBe('¥100.00')
  expect(figure('refundSettlementFen')).toBe('¥90.00')
  expect(figure('tradeCount')).toBe('7 笔')
  expect(figure('refundCount')).toBe('1 笔')
  for (const [key, f] of Object.entries(SUMMARY_FIGURES)) {
    expect(document.querySelector(`.report-figure--${key} .report-figure__label`)?.textContent).toBe(f.label)
    expect(document.querySelector(`.report-figure--${key} .report-figure__definition`)?.textContent).toBe(f.definition)
  }
  // 近7天 is the active quick range.
  expect(document.querySelector('.range__preset--last7')?.className).toContain('choice__item--active')
})

test('by day: one bar per day of the range, empty days included, heights relative to the best day', async () => {
  serve(ROUTES)
  render(<Reports />)
  await settle()

  const bars = [...document.querySelectorAll<HTMLElement>('.reports__chart .bar-chart__bar')]
  expect(bars).toHaveLength(7)
  expect(bars.map((b) => b.style.height)).toEqual(['0%', '23.456%', '0%', '0%', '0%', '0%', '100%'])
  await act(async () => { fireEvent.click(document.querySelectorAll('.reports__chart .bar-chart__col')[1]!) })
  expect(document.querySelector('.bar-chart__picked')?.textContent).toBe('11-02：¥234.56')
  // The table lists the groups as the server sent them.
  const rows = [...document.querySelectorAll('.reports__groups .report-table__row:not(.report-table__row--head)')]
  expect(rows.map((r) => r.querySelector('.report-table__cell--label')?.textContent)).toEqual(['2026-11-02', '2026-11-07'])
  expect(rows[1]?.querySelector('.report-table__cell--tradeFen')?.textContent).toBe('¥1,000.00')
})

test('hour buckets: 24 bars for one day', () => {
  const s: SummaryDto = {
    from: '2026-11-07T00:00:00+08:00',
    to: '2026-11-08T00:00:00+08:00',
    total: TOTAL,
    groupBy: 'hour',
    groups: [{ ...ZERO, key: '2026-11-07T09:00:00+08:00', label: '2026-11-07 09:00', tradeFen: 500 }],
  }
  const bars = chartBars(s)
  expect(bars).toHaveLength(24)
  expect(bars[9]).toMatchObject({ label: '09时', value: 500, text: '¥5.00' })
  expect(bars.filter((b) => b.value > 0)).toHaveLength(1)
})

test('a range over 90 days is refused on the page, without a request; 90 days exactly is asked for', async () => {
  serve(ROUTES)
  render(<Reports />)
  await settle()
  expect(summaryCalls()).toHaveLength(1)

  // 2026-08-01 … 2026-11-07 is 99 days.
  await setDate('start', '2026-08-01')
  expect(screen.getByText('一次最多查询 90 天')).toBeTruthy()
  expect(summaryCalls()).toHaveLength(1)
  expect(document.querySelector('.report-figures')).toBeNull()

  // 2026-08-10 … 2026-11-07 is 90 days.
  await setDate('start', '2026-08-10')
  expect(screen.queryByText('一次最多查询 90 天')).toBeNull()
  expect(summaryCalls()).toHaveLength(2)
  expect(summaryCalls()[1]).toMatchObject({ from: '2026-08-10T00:00:00+08:00', to: '2026-11-08T00:00:00+08:00' })

  // An end before the start is refused too.
  await setDate('end', '2026-08-01')
  expect(screen.getByText('结束日期不能早于开始日期')).toBeTruthy()
  expect(summaryCalls()).toHaveLength(2)
})

test('range arithmetic: whole China days, the end day included', () => {
  expect(rangeQuery({ start: '2026-11-07', end: '2026-11-07' })).toEqual({ ok: true, from: '2026-11-07T00:00:00+08:00', to: '2026-11-08T00:00:00+08:00' })
  expect(rangeQuery({ start: '2026-02-28', end: '2026-03-01' })).toEqual({ ok: true, from: '2026-02-28T00:00:00+08:00', to: '2026-03-02T00:00:00+08:00' })
  expect(rangeQuery({ start: '2026-02-30', end: '2026-03-01' })).toEqual({ ok: false, error: '请选择开始日期' })
  expect(rangeQuery({ start: '2026-01-01', end: '2026-03-31' })).toMatchObject({ ok: true })
  expect(rangeQuery({ start: '2026-01-01', end: '2026-04-01' })).toEqual({ ok: false, error: '一次最多查询 90 天' })
})

test('quick ranges, merchant, store and grouping are sent as query parameters; a store can be printed', async () => {
  serve({
    ...ROUTES,
    'POST /v1/reports/summary/print': () => answer(200, { data: [{ deliveryId: 'dlv_1', printerId: 'prn_1', target: 'SN1', status: 'pending' }] }),
  })
  render(<Reports />)
  await settle()
  expect(document.querySelector('.reports__print')).toBeNull()

  await tapChoice('merchantId', '示例咖啡')
  expect(summaryCalls().at(-1)).toMatchObject({ merchantId: 'mch_1' })
  await tapChoice('storeId', '示例咖啡（南山店）')
  await tapChoice('groupBy', '按店员')
  await act(async () => { fireEvent.click(document.querySelector('.range__preset--yesterday')!) })
  await settle()
  expect(summaryCalls().at(-1)).toEqual({
    from: '2026-11-06T00:00:00+08:00',
    to: '2026-11-07T00:00:00+08:00',
    merchantId: 'mch_1',
    storeId: 'sto_1',
    groupBy: 'staff',
  })
  expect(screen.getByText('张三')).toBeTruthy()
  expect(screen.getByText('未指定店员')).toBeTruthy()
  // A clerk's 明细 opens the orders of that clerk in the same range; no link without a clerk.
  const navigateTo = jest.mocked(Taro.navigateTo)
  navigateTo.mockReset()
  navigateTo.mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
  const opens = document.querySelectorAll('.reports__groups .report-table__open')
  expect(opens).toHaveLength(1)
  await act(async () => { fireEvent.click(opens[0]!) })
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/console/orders/index?start=2026-11-06&end=2026-11-06&merchantId=mch_1&storeId=sto_1&staffId=stf_1' })

  await tapButton('reports__print')
  const print = sent.find((r) => r.method === 'POST')
  expect(print?.url).toBe('/v1/reports/summary/print')
  expect(print?.data).toEqual({ from: '2026-11-06T00:00:00+08:00', to: '2026-11-07T00:00:00+08:00', storeId: 'sto_1', groupBy: 'staff' })
  expect(screen.getByText('已发送到 1 台打印机')).toBeTruthy()

  // 不分组: no groupBy parameter, no table.
  await tapChoice('groupBy', '不分组')
  expect(summaryCalls().at(-1)).not.toHaveProperty('groupBy')
  expect(document.querySelector('.reports__groups')).toBeNull()
})

test('a failed summary shows the server message', async () => {
  serve({
    ...ROUTES,
    'GET /v1/reports/summary': () => answer(400, { error: { type: 'invalid_request', code: 'invalid_request', message: '一次最多查询 90 天', param: 'to' } }),
  })
  render(<Reports />)
  await settle()
  expect(document.querySelector('.reports__error')?.textContent).toBe('一次最多查询 90 天')
})
