import { act, fireEvent, render, screen } from '@testing-library/react'
import type { PayOrderDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { PAY_POLL_SCHEDULE, payResultView } from '../src/lib/pay-result'
import { poll } from '../src/lib/poll'
import { PayResult } from '../src/pages/pay/result/index'
import { answer, fakeFetch, fakeTimersAndNavigation, type FakeAnswer } from './helpers/pay-fetch'

const flush = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const advance = async (ms: number): Promise<void> => { await act(async () => { await jest.advanceTimersByTimeAsync(ms) }) }

const ORDER: PayOrderDto = {
  orderId: 'ord_1',
  outTradeNo: 'YM0001',
  status: 'pending',
  amountFen: 1234,
  discountFen: 0,
  quantity: null,
  remark: null,
  paidAt: null,
  store: { name: '示例咖啡馆', branchName: null },
  merchant: { shortName: '示例咖啡', logoUrl: null },
  ads: [],
  payCompleteUrl: null,
}
const PAID: PayOrderDto = {
  ...ORDER,
  status: 'succeeded',
  paidAt: '2024-05-01T00:00:00Z',
  ads: [
    { owner: 'service_provider', imageUrl: 'http://ads.test/sp.png', linkUrl: 'http://ads.test/sp' },
    { owner: 'merchant', imageUrl: 'http://ads.test/m.png', linkUrl: null },
  ],
}

/**
 * GET /v1/public/pay/orders/ord_1 answers each of `answers` in turn, the last one forever (a function is called).
 * The paid order's vouchers (C3) are none here: pay-result-vouchers.test.tsx covers them.
 */
function serveOrder (...answers: Array<FakeAnswer | (() => FakeAnswer)>): jest.Mock {
  return fakeFetch((req) => {
    if (req.url === '/v1/public/pay/orders/ord_1/vouchers') return answer(200, { offers: [] })
    if (req.url !== '/v1/public/pay/orders/ord_1') throw new Error(`unexpected ${req.url}`)
    const a = answers.length > 1 ? answers.shift() : answers[0]
    if (a === undefined) throw new Error('no answer')
    return typeof a === 'function' ? a() : a
  })
}

fakeTimersAndNavigation()

test('polls while pending, then 支付成功 with the amount, the store and both ads', async () => {
  serveOrder(answer(200, ORDER), answer(200, ORDER), answer(200, PAID))
  render(<PayResult orderId='ord_1' code='k7m2p9x4q3wa' />)
  await flush()
  expect(screen.getByText('正在确认支付结果…')).toBeTruthy()
  await advance(PAY_POLL_SCHEDULE[0]! + PAY_POLL_SCHEDULE[1]!)
  expect(screen.getByText('支付成功')).toBeTruthy()
  expect(screen.getByText('¥12.34')).toBeTruthy()
  expect(screen.getByText('示例咖啡 · 示例咖啡馆')).toBeTruthy()
  const images = Array.from(document.querySelectorAll('.pay-result__ad img')).map((i) => i.getAttribute('src'))
  expect(images).toEqual(['http://ads.test/sp.png', 'http://ads.test/m.png'])
  fireEvent.click(document.querySelector('.pay-result__ad--service_provider')!)
  expect(browser.assign).toHaveBeenCalledWith('http://ads.test/sp')
  // Final: no more requests.
  const request = jest.mocked(globalThis.fetch)
  const calls = request.mock.calls.length
  await advance(60_000)
  expect(request.mock.calls.length).toBe(calls)
  expect(document.querySelector('.pay-result__done')).toBeNull()
})

test('a pay-complete URL: 完成 goes there, and so does waiting 3 s', async () => {
  serveOrder(answer(200, { ...PAID, payCompleteUrl: 'https://sp.example/done' }))
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(screen.getByText('3 秒后自动跳转')).toBeTruthy()
  fireEvent.click(document.querySelector('.pay-result__done')!)
  expect(browser.replace).toHaveBeenCalledTimes(1)
  await advance(3000)
  expect(browser.replace).toHaveBeenCalledTimes(2)
  expect(browser.replace).toHaveBeenLastCalledWith('https://sp.example/done')
})

test('still pending when the schedule runs out → 支付结果确认中 and 刷新, which polls again', async () => {
  const request = serveOrder(answer(200, ORDER))
  render(<PayResult orderId='ord_1' code='k7m2p9x4q3wa' />)
  await flush()
  await advance(PAY_POLL_SCHEDULE.reduce((a, b) => a + b, 0))
  expect(screen.getByText('支付结果确认中')).toBeTruthy()
  expect(request).toHaveBeenCalledTimes(PAY_POLL_SCHEDULE.length + 1)
  await advance(60_000)
  expect(request).toHaveBeenCalledTimes(PAY_POLL_SCHEDULE.length + 1)

  serveOrder(answer(200, PAID))
  fireEvent.click(document.querySelector('.pay-result__refresh')!)
  await flush()
  expect(screen.getByText('支付成功')).toBeTruthy()
})

test('failed and closed say so and offer to pay again; network errors are retried', async () => {
  serveOrder(() => { throw new Error('request:fail') }, answer(200, { ...ORDER, status: 'closed' }))
  render(<PayResult orderId='ord_1' code='k7m2p9x4q3wa' />)
  await flush()
  await advance(PAY_POLL_SCHEDULE[0]!)
  expect(screen.getByText('订单已关闭')).toBeTruthy()
  expect(document.querySelector('.pay-result--error')).toBeTruthy()
  expect(document.querySelector('.pay-result__again')).toBeTruthy()

  expect(payResultView({ ...ORDER, status: 'failed' }, false)).toMatchObject({ tone: 'error', title: '支付失败' })
  expect(payResultView({ ...ORDER, status: 'reversed' }, false)).toMatchObject({ tone: 'error', title: '订单已撤销' })
  expect(payResultView(null, true)).toMatchObject({ tone: 'pending', title: '支付结果确认中' })
})

test('an order this payer cannot read: stop asking, show why', async () => {
  const request = serveOrder(answer(404, { error: { type: 'not_found', code: 'order_not_found', message: '订单不存在' } }))
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(screen.getByText('查询失败')).toBeTruthy()
  expect(screen.getByText('订单不存在')).toBeTruthy()
  await advance(60_000)
  expect(request).toHaveBeenCalledTimes(1)
})

test('poll with a bounded schedule gives up after the last wait; a plain interval keeps going', async () => {
  const load = jest.fn(async () => 0)
  const onGiveUp = jest.fn()
  poll({ load, done: () => false, onUpdate: () => {}, intervalMs: [100, 200], onGiveUp })
  await jest.advanceTimersByTimeAsync(1000)
  expect(load).toHaveBeenCalledTimes(3)
  expect(onGiveUp).toHaveBeenCalledTimes(1)

  const forever = jest.fn(async () => 0)
  const cancel = poll({ load: forever, done: () => false, onUpdate: () => {}, intervalMs: 100 })
  await jest.advanceTimersByTimeAsync(1000)
  cancel()
  expect(forever).toHaveBeenCalledTimes(11)
})
