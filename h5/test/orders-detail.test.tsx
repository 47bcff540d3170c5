import { render, screen } from '@testing-library/react'
import type { DeliveryDto, RefundDto } from '@yima/shared'
import OrderDetail from '../src/pages/console/order/index'
import { answer, list, me, orderDto, resetConsole, sent, serve, settle, tap, tapButton, withParams } from './helpers/console'

const ORDER = orderDto({
  staffId: 'stf_1',
  qrCodeId: 'qr_1',
  sourceType: 'bound_qr',
  amountFen: 12345,
  discountFen: 345,
  refundedFen: 3000,
  remark: '少冰',
  channelTxnId: '4200000001',
  paidAt: '2026-11-07T01:00:05.000Z',
})
const REFUNDS: RefundDto[] = [
  { id: 'rfd_1', orderId: 'ord_1', outRefundNo: 'R1', amountFen: 1000, status: 'succeeded', reason: '顾客退货', operator: { kind: 'staff', id: 'stf_2' }, refundedAt: '2026-11-07T02:00:01.000Z', createdAt: '2026-11-07T02:00:00.000Z' },
  { id: 'rfd_2', orderId: 'ord_1', outRefundNo: 'R2', amountFen: 2000, status: 'processing', reason: null, operator: { kind: 'account', id: 'acct_1' }, refundedAt: null, createdAt: '2026-11-07T03:00:00.000Z' },
]
const DELIVERIES: DeliveryDto[] = [
  { id: 'dlv_1', subject: 'payment', subjectId: 'ord_1', channel: 'template', status: 'fallback', recipient: { kind: 'staff', id: 'stf_1', name: '张三' }, target: 'oAb***xyz', attempts: 3, lastError: '43004 需要关注公众号', sentAt: null, createdAt: '2026-11-07T01:00:06.000Z', updatedAt: '2026-11-07T01:00:09.000Z' },
  { id: 'dlv_2', subject: 'payment', subjectId: 'ord_1', channel: 'sms', status: 'sent', recipient: { kind: 'staff', id: 'stf_1', name: '张三' }, target: '138****0000', attempts: 1, lastError: null, sentAt: '2026-11-07T01:00:10.000Z', createdAt: '2026-11-07T01:00:09.000Z', updatedAt: '2026-11-07T01:00:10.000Z' },
  { id: 'dlv_3', subject: 'payment', subjectId: 'ord_1', channel: 'speaker', status: 'sent', recipient: { kind: 'speaker', id: 'spk_1', name: null }, target: 'SPK001', attempts: 1, lastError: null, sentAt: '2026-11-07T01:00:07.000Z', createdAt: '2026-11-07T01:00:06.000Z', updatedAt: '2026-11-07T01:00:07.000Z' },
]
const ROUTES = {
  'GET /v1/console/me': () => me(),
  'GET /v1/orders/ord_1': () => answer(200, ORDER),
  'GET /v1/orders/ord_1/refunds': () => answer(200, list(REFUNDS)),
  'GET /v1/orders/ord_1/deliveries': () => answer(200, list(DELIVERIES)),
  'GET /v1/stores/sto_1': () => answer(200, { id: 'sto_1', name: '示例咖啡', branchName: '南山店' }),
  'GET /v1/staff/stf_1': () => answer(200, { id: 'stf_1', name: '张三' }),
}

beforeEach(() => {
  resetConsole()
  withParams({ id: 'ord_1' })
})

const info = (label: string): string => {
  const row = [...document.querySelectorAll('.order-detail__info .info__row')].find((r) => r.querySelector('.info__label')?.textContent === label)
  return row?.querySelector('.info__value')?.textContent ?? '(none)'
}

test('the order, its refunds and who was told how', async () => {
  serve(ROUTES)
  render(<OrderDetail />)
  await settle()

  expect(info('订单金额')).toBe('¥123.45')
  expect(info('订单状态')).toBe('支付成功')
  expect(info('优惠金额')).toBe('¥3.45')
  expect(info('结算金额')).toBe('¥120.00')
  expect(info('已退款')).toBe('¥30.00')
  expect(info('商户订单号')).toBe('NO1')
  expect(info('渠道交易号')).toBe('4200000001')
  expect(info('订单来源')).toBe('绑定码牌')
  expect(info('门店')).toBe('示例咖啡（南山店）')
  expect(info('店员')).toBe('张三')
  expect(info('设备')).toBe('—')
  expect(info('支付时间')).toBe('2026-11-07 09:00:05')

  const refunds = [...document.querySelectorAll('.order-detail__refund')]
  expect(refunds).toHaveLength(2)
  expect(refunds[0]?.textContent).toContain('¥10.00')
  expect(refunds[0]?.textContent).toContain('退款成功')
  expect(refunds[0]?.textContent).toContain('原因：顾客退货')
  expect(refunds[0]?.textContent).toContain('退款时间 2026-11-07 10:00:01')
  expect(refunds[1]?.textContent).toContain('¥20.00')
  expect(refunds[1]?.textContent).toContain('退款中')
  expect(refunds[1]?.textContent).toContain('操作人：后台账号 acct_1')

  const deliveries = [...document.querySelectorAll('.order-detail__delivery')]
  expect(deliveries.map((d) => d.querySelector('.order-detail__item-head')?.textContent)).toEqual([
    '收款通知 · 公众号消息 → 张三失败，已改发短信',
    '收款通知 · 短信 → 张三已发送',
    '收款通知 · 云音箱播报 → 云音箱已发送',
  ])
  expect(deliveries[0]?.textContent).toContain('43004 需要关注公众号')
  expect(deliveries[1]?.textContent).toContain('138****0000')
})

test('打印 prints the order, 打印退款小票 the refund, on the store printers', async () => {
  const printed: unknown[] = []
  serve({
    ...ROUTES,
    'POST /v1/orders/ord_1/print': (req) => {
      printed.push(req.data)
      return answer(202, list([{ deliveryId: 'dlv_9', printerId: 'prn_1', target: 'SN1', status: 'pending' }, { deliveryId: 'dlv_10', printerId: 'prn_2', target: 'SN2', status: 'failed' }]))
    },
  })
  render(<OrderDetail />)
  await settle()

  await tapButton('order-detail__print')
  expect(screen.getByText('1 台打印机已接收，1 台失败')).toBeTruthy()
  await tap(document.querySelectorAll('.order-detail__refund-print')[1])
  expect(printed).toEqual([{}, { refundId: 'rfd_2' }])
})

test('refunds and deliveries fail on their own; the order still shows', async () => {
  serve({
    ...ROUTES,
    'GET /v1/orders/ord_1/refunds': () => answer(200, list([])),
    'GET /v1/orders/ord_1/deliveries': () => answer(403, { error: { type: 'permission', code: 'forbidden', message: '没有权限执行该操作' } }),
    'GET /v1/stores/sto_1': () => answer(404, { error: { type: 'not_found', code: 'not_found', message: '门店不存在' } }),
  })
  render(<OrderDetail />)
  await settle()
  expect(info('订单金额')).toBe('¥123.45')
  expect(info('门店')).toBe('sto_1')
  expect(document.querySelector('.order-detail__refunds')?.textContent).toContain('没有退款')
  expect(document.querySelector('.order-detail__deliveries')?.textContent).toContain('没有权限执行该操作')
})

test('an unknown order says so', async () => {
  serve({
    ...ROUTES,
    'GET /v1/orders/ord_1': () => answer(404, { error: { type: 'not_found', code: 'order_not_found', message: '订单不存在' } }),
    'GET /v1/orders/ord_1/refunds': () => answer(404, { error: { type: 'not_found', code: 'order_not_found', message: '订单不存在' } }),
    'GET /v1/orders/ord_1/deliveries': () => answer(404, { error: { type: 'not_found', code: 'order_not_found', message: '订单不存在' } }),
  })
  render(<OrderDetail />)
  await settle()
  expect(document.querySelector('.order-detail__load-error')?.textContent).toBe('订单不存在')
  expect(document.querySelector('.order-detail__print')).toBeNull()
  expect(sent.some((r) => r.url.startsWith('/v1/stores/'))).toBe(false)
})
