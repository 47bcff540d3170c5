import { render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { HandoverSummaryDto } from '@yima/shared'
import Handover from '../src/pages/handover/index'
import { listReply, mockApi, type Reply, withParams } from './helpers/api'
import { tap, tapButton } from './helpers/ui'

const showToast = jest.mocked(Taro.showToast)

const none = { paymentCount: 0, paymentFen: 0, refundCount: 0, refundFen: 0, netFen: 0 }
const summaries: HandoverSummaryDto[] = [
  {
    shiftId: 'sft_1',
    staffId: 'stf_1',
    staffName: '张三',
    kind: 'closed',
    from: '2026-01-04T16:00:00.000Z',
    to: '2026-01-05T02:00:00.000Z',
    clockInAt: '2026-01-04T23:55:00.000Z',
    clockOutAt: '2026-01-05T02:00:00.000Z',
    paymentCount: 3,
    paymentFen: 30001,
    refundCount: 1,
    refundFen: 1,
    netFen: 30000,
    byChannel: [
      { payPlatform: 'wechat_pay', paymentCount: 2, paymentFen: 20000, refundCount: 1, refundFen: 1, netFen: 19999 },
      { payPlatform: 'alipay', paymentCount: 1, paymentFen: 10001, refundCount: 0, refundFen: 0, netFen: 10001 },
    ],
  },
  {
    shiftId: 'sft_2',
    staffId: 'stf_2',
    staffName: '李四',
    kind: 'on_duty',
    from: '2026-01-05T02:00:00.000Z',
    to: null,
    clockInAt: '2026-01-05T01:58:00.000Z',
    clockOutAt: null,
    paymentCount: 1,
    paymentFen: 1999,
    refundCount: 0,
    refundFen: 0,
    netFen: 1999,
    byChannel: [{ payPlatform: 'wechat_pay', paymentCount: 1, paymentFen: 1999, refundCount: 0, refundFen: 0, netFen: 1999 }, { payPlatform: 'alipay', ...none }],
  },
  {
    shiftId: null,
    staffId: null,
    staffName: null,
    kind: 'unassigned',
    from: '2026-01-05T05:00:00.000Z',
    to: null,
    clockInAt: null,
    clockOutAt: null,
    ...none,
    byChannel: [],
  },
]
const query = (url: string | undefined) => new URL(url ?? '', 'http://yima.test').searchParams

const NOW = Date.parse('2026-01-05T06:07:08.500Z') // 14:07:08 in China

beforeEach(() => {
  showToast.mockReset()
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  withParams({ storeId: 'sto_1' })
})
afterEach(() => { jest.restoreAllMocks() })

test('shows today\'s summaries to the fen, asked from China midnight to now', async () => {
  const sent = mockApi(() => listReply(summaries))
  const { container } = render(<Handover />)

  expect(await screen.findByText('张三 · 已交班')).toBeTruthy()
  expect(screen.getByText('01-05 00:00 – 01-05 10:00')).toBeTruthy()
  expect(screen.getByText('3 笔 ¥300.01')).toBeTruthy()
  expect(screen.getByText('1 笔 ¥0.01')).toBeTruthy()
  expect(screen.getByText('¥300.00')).toBeTruthy()
  expect(screen.getByText('微信支付 收 2 笔 ¥200.00，退 1 笔 ¥0.01；支付宝 收 1 笔 ¥100.01，退 0 笔 ¥0.00')).toBeTruthy()
  expect(screen.getByText('李四 · 当班中')).toBeTruthy()
  expect(screen.getByText('01-05 10:00 – 至今')).toBeTruthy()
  expect(screen.getByText('1 笔 ¥19.99')).toBeTruthy()
  expect(screen.getByText('无人当班 · 待交班')).toBeTruthy()
  expect(screen.getByText('今天 2026-01-05')).toBeTruthy()
  // The unassigned window is no shift: nothing to print.
  expect(container.querySelectorAll('.handover__print-button')).toHaveLength(2)

  const url = sent[0]?.url ?? ''
  expect(url.startsWith('/v1/mobile/stores/sto_1/handover?')).toBe(true)
  // '+' must travel encoded, or the server reads a space.
  expect(url).toContain('%2B08%3A00')
  expect(query(url).get('from')).toBe('2026-01-05T00:00:00+08:00')
  expect(query(url).get('to')).toBe('2026-01-05T14:07:09+08:00')
})

test('another day asks for that whole China day', async () => {
  const sent = mockApi(() => listReply([]))
  const { container } = render(<Handover />)
  expect(await screen.findByText('当天没有交接班记录')).toBeTruthy()

  await tapButton(container, '.handover__prev')
  expect(await screen.findByText('2026-01-04')).toBeTruthy()
  await waitFor(() => { expect(sent).toHaveLength(2) })
  expect(query(sent[1]?.url).get('from')).toBe('2026-01-04T00:00:00+08:00')
  expect(query(sent[1]?.url).get('to')).toBe('2026-01-05T00:00:00+08:00')
})

test('prints one shift\'s handover and says how it went', async () => {
  let printers: Reply = listReply([{ deliveryId: 'dlv_1', printerId: 'prt_1', target: 'SN1', status: 'pending' }], 202)
  const sent = mockApi((req) => req.method === 'POST' ? printers : listReply(summaries))
  const { container } = render(<Handover />)
  await screen.findByText('张三 · 已交班')

  const print = container.querySelectorAll('.handover__print-button .van-native-button')
  await tap(print[1])
  const post = sent.find((r) => r.method === 'POST')
  expect(post?.url).toBe('/v1/mobile/stores/sto_1/handover/print')
  expect(post?.data).toEqual({ shiftId: 'sft_2' })
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已发送到 1 台打印机' })) })

  printers = { statusCode: 409, data: { error: { type: 'conflict', code: 'no_store_printer', message: '门店没有可用的云打印机' } } }
  await tap(print[0])
  await waitFor(() => { expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '门店没有可用的云打印机' })) })
})
