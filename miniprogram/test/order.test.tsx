import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { DeliveryDto, OrderDto, RefundDto, StoreDTO } from '@yima/shared'
import OrderPage from '../src/pages/order/index'
import { listReply, mockApi, orderDto, type Reply, type Routes, withParams } from './helpers/api'
import { tapButton } from './helpers/ui'

const showModal = jest.mocked(Taro.showModal)
const showToast = jest.mocked(Taro.showToast)

const forbidden = (message: string): Reply => ({ statusCode: 403, data: { error: { type: 'permission', code: 'refund_not_permitted', message } } })

const order = (o: Partial<OrderDto> = {}): OrderDto => orderDto({
  outTradeNo: 'pay_01JTESTOUTTRADENO',
  amountFen: 8800,
  refundedFen: 2000,
  remark: '少放辣',
  channelTxnId: '4200000001',
  createdAt: '2026-01-05T01:29:40.000Z',
  ...o,
})

const refund: RefundDto = {
  id: 'rfd_1',
  orderId: 'ord_1',
  outRefundNo: 'rfd_1',
  amountFen: 2000,
  status: 'succeeded',
  reason: '少了一份',
  operator: { kind: 'staff', id: 'stf_1' },
  refundedAt: '2026-01-05T02:00:00.000Z',
  createdAt: '2026-01-05T01:59:00.000Z',
}

const delivery: DeliveryDto = {
  id: 'dlv_1',
  subject: 'payment',
  subjectId: 'ord_1',
  channel: 'template',
  status: 'sent',
  recipient: { kind: 'staff', id: 'stf_1', name: '张三' },
  target: 'oAbc…xyz',
  attempts: 1,
  lastError: null,
  sentAt: '2026-01-05T01:31:00.000Z',
  createdAt: '2026-01-05T01:30:01.000Z',
  updatedAt: '2026-01-05T01:30:02.000Z',
}

const store = { id: 'sto_1', name: '一码咖啡', branchName: '人民路店' } as StoreDTO

const pageRoutes = (o: Partial<OrderDto> = {}): Routes => ({
  'GET /v1/mobile/orders/ord_1': { statusCode: 200, data: order(o) },
  'GET /v1/mobile/orders/ord_1/refunds': listReply([refund]),
  'GET /v1/mobile/orders/ord_1/deliveries': listReply([delivery]),
  'GET /v1/mobile/stores/sto_1': { statusCode: 200, data: store },
})

const input = (placeholder: RegExp | string) => screen.getByPlaceholderText(placeholder)

beforeEach(() => {
  showModal.mockReset()
  showToast.mockReset()
  withParams({ id: 'ord_1' })
})
afterEach(() => { jest.restoreAllMocks() })

async function openPage () {
  const view = render(<OrderPage />)
  await screen.findByText('商户订单号')
  return view
}

test('shows the order, its refunds and who was told, in China time', async () => {
  mockApi(pageRoutes())
  await openPage()
  expect(screen.getByText('¥88.00')).toBeTruthy()
  expect(screen.getByText('支付成功')).toBeTruthy()
  expect(screen.getByText('微信支付')).toBeTruthy()
  expect(screen.getByText('pay_01JTESTOUTTRADENO')).toBeTruthy()
  expect(screen.getByText('2026-01-05 09:30')).toBeTruthy()
  expect(screen.getByText('少放辣')).toBeTruthy()
  expect(screen.getByText('一码咖啡（人民路店）')).toBeTruthy()
  // ¥20.00 twice: 已退款 and the refund row.
  expect(screen.getAllByText('¥20.00')).toHaveLength(2)
  expect(screen.getByText('退款成功')).toBeTruthy()
  expect(screen.getByText('少了一份')).toBeTruthy()
  expect(screen.getByText('公众号消息 · 张三')).toBeTruthy()
  expect(screen.getByText('已发送')).toBeTruthy()
  expect(screen.getByText('2026-01-05 09:31')).toBeTruthy()
})

test('a part the caller may not see says why, and the order still shows', async () => {
  mockApi({ ...pageRoutes(), 'GET /v1/mobile/orders/ord_1/deliveries': forbidden('只有商户管理员和本店店长可以查看通知记录') })
  await openPage()
  expect(screen.getByText('¥88.00')).toBeTruthy()
  expect(screen.getByText('只有商户管理员和本店店长可以查看通知记录')).toBeTruthy()
})

test('an order the clerk may not see shows the server\'s reason', async () => {
  mockApi({ 'GET /v1/mobile/orders/ord_1': forbidden('不在班：上班打卡后才能查看本店交易') })
  render(<OrderPage />)
  expect(await screen.findByText('不在班：上班打卡后才能查看本店交易')).toBeTruthy()
})

test('refunds the typed amount in fen with an idempotency key, then reloads', async () => {
  let orderReads = 0
  const sent = mockApi({
    ...pageRoutes(),
    'GET /v1/mobile/orders/ord_1': () => { orderReads++; return { statusCode: 200, data: order(orderReads > 1 ? { refundedFen: 3234 } : {}) } },
    'POST /v1/mobile/orders/ord_1/refunds': { statusCode: 201, data: { ...refund, id: 'rfd_2', amountFen: 1234 } },
  })
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  const { container } = await openPage()

  await tapButton(container, '.refund-button')
  // The form starts at what is left to refund: 88.00 − 20.00.
  expect((input(/最多 68.00 元/) as HTMLInputElement).value).toBe('68.00')
  await act(async () => { fireEvent.change(input(/最多 68.00 元/), { target: { value: '12.34' } }) })
  await act(async () => { fireEvent.change(input('选填'), { target: { value: ' 顾客退货 ' } }) })
  await tapButton(container, '.order__refund-submit')

  const post = sent.find((r) => r.method === 'POST')
  expect(post?.data).toEqual({ amountFen: 1234, reason: '顾客退货' })
  expect(post?.header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认退款', content: expect.stringContaining('¥12.34') }))
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '退款成功' })) })
  await screen.findByText('¥32.34')
  expect(orderReads).toBe(2)
})

test('refuses more than the refundable remainder without asking the server', async () => {
  const sent = mockApi(pageRoutes())
  const { container } = await openPage()
  await tapButton(container, '.refund-button')
  await act(async () => { fireEvent.change(input(/最多 68.00 元/), { target: { value: '68.01' } }) })
  expect(screen.getByText('最多可退 ¥68.00')).toBeTruthy()
  await tapButton(container, '.order__refund-submit')
  expect(sent.some((r) => r.method === 'POST')).toBe(false)
  expect(showModal).not.toHaveBeenCalled()
})

test('a refused refund shows the server\'s reason; a retry after a lost answer reuses the key', async () => {
  const answers: Array<Reply | Error> = [new Error('request:fail timeout'), forbidden('没有退款权限：请联系店长或商户管理员开通')]
  const sent = mockApi({ ...pageRoutes(), 'POST /v1/mobile/orders/ord_1/refunds': () => answers.shift()! })
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  const { container } = await openPage()
  await tapButton(container, '.refund-button')

  await tapButton(container, '.order__refund-submit')
  expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '退款失败', content: '网络连接失败，请检查网络后重试' }))
  await tapButton(container, '.order__refund-submit')
  expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '退款失败', content: '没有退款权限：请联系店长或商户管理员开通' }))

  const posts = sent.filter((r) => r.method === 'POST')
  expect(posts).toHaveLength(2)
  expect(posts[0]?.data).toEqual({ amountFen: 6800 })
  expect(posts[1]?.header['Idempotency-Key']).toBe(posts[0]?.header['Idempotency-Key'])
})

test('no refund button once nothing is left to refund', async () => {
  mockApi(pageRoutes({ refundedFen: 8800 }))
  const { container } = await openPage()
  expect(container.querySelector('.refund-button')).toBeNull()
  expect(container.querySelector('.print-button')).not.toBeNull()
})

test('prints the receipt and the refund receipt on the store\'s printers', async () => {
  const printed = { statusCode: 202, data: { object: 'list', data: [{ deliveryId: 'dlv_9', printerId: 'prt_1', target: 'SN1', status: 'pending' }], hasMore: false } }
  const sent = mockApi({ ...pageRoutes(), 'POST /v1/mobile/orders/ord_1/print': printed })
  const { container } = await openPage()

  await tapButton(container, '.print-button')
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已发送到 1 台打印机' })) })
  await tapButton(container, '.order__refund-print')

  const prints = sent.filter((r) => r.method === 'POST')
  expect(prints.map((r) => r.data)).toEqual([{}, { refundId: 'rfd_1' }])
})
