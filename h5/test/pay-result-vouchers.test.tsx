import { act, fireEvent, render, screen } from '@testing-library/react'
import type { PayOrderDto, VoucherOfferDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { CLAIMED_TEXT } from '../src/lib/voucher-view'
import { PayResult } from '../src/pages/pay/result/index'
import { answer, fakeTimersAndNavigation, type FakeAnswer, type FakeRequest, serveRoutes } from './helpers/pay-fetch'

// The pay-complete page's vouchers (C3) and discount (C2).

const flush = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const advance = async (ms: number): Promise<void> => { await act(async () => { await jest.advanceTimersByTimeAsync(ms) }) }

const ORDER_PATH = '/v1/public/pay/orders/ord_1'
const OFFERS_PATH = '/v1/public/pay/orders/ord_1/vouchers'
const CLAIMS_PATH = '/v1/public/vouchers/claims'

const PAID: PayOrderDto = {
  orderId: 'ord_1',
  outTradeNo: 'YM0001',
  status: 'succeeded',
  amountFen: 1000,
  discountFen: 200,
  quantity: null,
  remark: null,
  paidAt: '2026-11-07T02:00:00Z',
  store: { name: '示例咖啡馆', branchName: null },
  merchant: { shortName: '示例咖啡', logoUrl: null },
  ads: [{ owner: 'service_provider', imageUrl: 'http://ads.test/sp.png', linkUrl: 'http://ads.test/sp' }],
  payCompleteUrl: 'https://sp.example/done',
}
const MAIN: VoucherOfferDto = {
  batchId: 'vbt_main',
  name: '示例咖啡 5 元代金券',
  amountFen: 500,
  thresholdFen: 1000,
  availableTo: '2026-11-30T15:59:59Z',
  role: 'main',
  claimed: 0,
  maxPerUser: 3,
}
const REWARD: VoucherOfferDto = {
  batchId: 'vbt_reward',
  name: '示例咖啡 15 元奖励券',
  amountFen: 1550,
  thresholdFen: 0,
  availableTo: '2026-12-31T15:59:59Z',
  role: 'reward',
  claimed: 0,
  maxPerUser: 1,
}
const CLAIMED = (o: VoucherOfferDto): FakeAnswer => answer(201, { batchId: o.batchId, couponId: 'cpn_wx_1', name: o.name, amountFen: o.amountFen, thresholdFen: o.thresholdFen, availableTo: o.availableTo })
const refusal = (status: number, code: string, message: string): FakeAnswer => answer(status, { error: { type: 'conflict', code, message } })

const posts = (seen: FakeRequest[]): FakeRequest[] => seen.filter((r) => r.method === 'POST' && r.url === CLAIMS_PATH)
const card = (batchId: string): Element => {
  const i = [MAIN, REWARD].findIndex((o) => o.batchId === batchId)
  const el = document.querySelectorAll('.voucher')[i]
  if (el === undefined) throw new Error(`no card ${batchId}`)
  return el
}
const buttonOf = (batchId: string): Element => card(batchId).querySelector('.voucher__button')!
const messageOf = (batchId: string): string | null => card(batchId).querySelector('.voucher__message')?.textContent ?? null
const tap = async (el: Element): Promise<void> => {
  fireEvent.click(el)
  await flush()
}

fakeTimersAndNavigation()

test('a voucher discount: 代金券优惠 and 实付 under the amount; none when discountFen is 0', async () => {
  serveRoutes({ [`GET ${ORDER_PATH}`]: () => answer(200, PAID), [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [] }) })
  const first = render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(screen.getByText('¥10.00')).toBeTruthy()
  expect(screen.getByText('代金券优惠 ¥2.00，实付 ¥8.00')).toBeTruthy()
  first.unmount()

  serveRoutes({ [`GET ${ORDER_PATH}`]: () => answer(200, { ...PAID, discountFen: 0 }), [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [] }) })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(screen.getByText('¥10.00')).toBeTruthy()
  expect(document.querySelector('.pay-result__discount')).toBeNull()
})

test('offers are asked only once paid, then shown as cards: amount, threshold, validity, 主券 / 奖励券', async () => {
  const orders = [answer(200, { ...PAID, status: 'pending', discountFen: 0 }), answer(200, PAID)]
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => orders.length > 1 ? orders.shift()! : orders[0]!,
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN, REWARD] }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(seen.filter((r) => r.url === OFFERS_PATH)).toHaveLength(0)
  expect(document.querySelector('.voucher')).toBeNull()
  await advance(500)
  expect(screen.getByText('支付成功')).toBeTruthy()
  expect(seen.filter((r) => r.url === OFFERS_PATH)).toEqual([expect.objectContaining({ method: 'GET', credentials: 'include' })])

  expect(screen.getByText('送您代金券')).toBeTruthy()
  expect(card('vbt_main').querySelector('.voucher__amount')?.textContent).toBe('¥5')
  expect(card('vbt_main').querySelector('.voucher__threshold')?.textContent).toBe('满 10 元可用')
  expect(card('vbt_main').querySelector('.voucher__validity')?.textContent).toBe('有效期至 2026-11-30')
  expect(card('vbt_main').querySelector('.voucher__role')?.textContent).toBe('主券')
  expect(card('vbt_main').textContent).toContain('示例咖啡 5 元代金券')
  expect(card('vbt_reward').querySelector('.voucher__amount')?.textContent).toBe('¥15.50')
  expect(card('vbt_reward').querySelector('.voucher__threshold')?.textContent).toBe('无门槛')
  expect(card('vbt_reward').querySelector('.voucher__validity')?.textContent).toBe('有效期至 2026-12-31')
  expect(card('vbt_reward').querySelector('.voucher__role')?.textContent).toBe('奖励券')
  expect(buttonOf('vbt_main').textContent).toBe('领取')
  // The rest of the page is all there.
  expect(document.querySelector('.pay-result__ad--service_provider')).toBeTruthy()
  expect(document.querySelector('.pay-result__done')).toBeTruthy()
})

test('领取 posts {batchId, orderId} with an Idempotency-Key → 已领取, and the button is done', async () => {
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN, REWARD] }),
    [`POST ${CLAIMS_PATH}`]: () => CLAIMED(MAIN),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  const [post] = posts(seen)
  expect(post?.data).toEqual({ batchId: 'vbt_main', orderId: 'ord_1' })
  expect(post?.header['Idempotency-Key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  expect(post?.credentials).toBe('include')
  expect(messageOf('vbt_main')).toBe(CLAIMED_TEXT)
  expect(messageOf('vbt_main')).toBe('已领取，下次在本店付款时自动抵扣')
  expect(buttonOf('vbt_main').textContent).toBe('已领取')
  expect(buttonOf('vbt_main').className).toContain('voucher__button--claimed')
  // Tapping again does nothing; the other voucher is still open.
  await tap(buttonOf('vbt_main'))
  expect(posts(seen)).toHaveLength(1)
  expect(buttonOf('vbt_reward').textContent).toBe('领取')
})

test('refusals show the server message: limit reached → 已领取, sold out → 已领完, paused → 暂不可领', async () => {
  const answers: Record<string, FakeAnswer> = {
    vbt_main: refusal(409, 'voucher_limit_reached', '您已领取过该代金券，已达到每人可领上限'),
    vbt_reward: refusal(409, 'voucher_sold_out', '代金券已领完'),
  }
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN, REWARD] }),
    [`POST ${CLAIMS_PATH}`]: (req) => answers[(req.data as { batchId: string }).batchId]!,
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('您已领取过该代金券，已达到每人可领上限')
  expect(buttonOf('vbt_main').textContent).toBe('已领取')
  expect(buttonOf('vbt_main').className).toContain('voucher__button--closed')
  await tap(buttonOf('vbt_reward'))
  expect(messageOf('vbt_reward')).toBe('代金券已领完')
  expect(buttonOf('vbt_reward').textContent).toBe('已领完')
  await tap(buttonOf('vbt_main'))
  await tap(buttonOf('vbt_reward'))
  expect(posts(seen)).toHaveLength(2)
})

test('a paused batch (English server message) gets the shared Chinese words; a 5xx leaves 领取 open with a new key', async () => {
  const answers = [
    answer(500, { error: { type: 'internal', code: 'internal_error', message: '服务暂时不可用，请稍后再试' } }),
    refusal(409, 'voucher_batch_paused', 'batch is paused'),
  ]
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }),
    [`POST ${CLAIMS_PATH}`]: () => answers.shift()!,
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('服务暂时不可用，请稍后再试')
  expect(buttonOf('vbt_main').textContent).toBe('领取')
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('该代金券已下架')
  expect(buttonOf('vbt_main').textContent).toBe('暂不可领')
  const [a, b] = posts(seen)
  expect(a?.header['Idempotency-Key']).not.toBe(b?.header['Idempotency-Key'])
})

test('a claim that got no answer (or is still running) is retried with the same Idempotency-Key', async () => {
  let n = 0
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }),
    [`POST ${CLAIMS_PATH}`]: () => {
      n++
      if (n === 1) throw new Error('request:fail')
      if (n === 2) return answer(409, { error: { type: 'idempotency', code: 'idempotency_key_in_flight', message: '同一 Idempotency-Key 的请求仍在处理中' } })
      return CLAIMED(MAIN)
    },
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('网络连接失败，请检查网络后重试')
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('同一 Idempotency-Key 的请求仍在处理中')
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe(CLAIMED_TEXT)
  const keys = posts(seen).map((r) => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(3)
  expect(keys[0]).toBeTruthy()
  expect(new Set(keys).size).toBe(1)
})

test('503 channel_unavailable: recorded, WeChat sends it later → 发放中, closed, the redirect may run', async () => {
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }),
    [`POST ${CLAIMS_PATH}`]: () => answer(503, { error: { type: 'unavailable', code: 'channel_unavailable', message: '代金券正在发放中，请稍后在微信卡包中查看' } }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('代金券正在发放中，请稍后在微信卡包中查看')
  expect(buttonOf('vbt_main').textContent).toBe('发放中')
  await tap(buttonOf('vbt_main'))
  expect(posts(seen)).toHaveLength(1)
  expect(screen.getByText('3 秒后自动跳转')).toBeTruthy()
})

test('claimed ≥ maxPerUser: 已领取, disabled, never posted', async () => {
  const seen = serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [{ ...MAIN, claimed: 3 }] }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(buttonOf('vbt_main').textContent).toBe('已领取')
  await tap(buttonOf('vbt_main'))
  expect(posts(seen)).toHaveLength(0)
  // Nothing left to claim: the redirect keeps its timing.
  expect(screen.getByText('3 秒后自动跳转')).toBeTruthy()
  await advance(3000)
  expect(browser.replace).toHaveBeenCalledWith('https://sp.example/done')
})

test.each([
  ['a 500', () => answer(500, { error: { type: 'internal', code: 'internal_error', message: '服务暂时不可用' } })],
  ['a network failure', () => { throw new Error('request:fail') }],
  ['a body without offers', () => answer(200, {})],
])('offers failing (%s) leave the page as it was: 支付成功, discount, ads, 完成, redirect after 3 s', async (_what, offers) => {
  serveRoutes({ [`GET ${ORDER_PATH}`]: () => answer(200, PAID), [`GET ${OFFERS_PATH}`]: offers })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(screen.getByText('支付成功')).toBeTruthy()
  expect(screen.getByText('代金券优惠 ¥2.00，实付 ¥8.00')).toBeTruthy()
  expect(document.querySelector('.vouchers')).toBeNull()
  expect(document.querySelector('.pay-result__ad--service_provider')).toBeTruthy()
  expect(screen.getByText('3 秒后自动跳转')).toBeTruthy()
  await advance(3000)
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(browser.replace).toHaveBeenCalledWith('https://sp.example/done')
})

test('open offers hold the automatic redirect; once nothing is left to claim it runs again in full', async () => {
  serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN, REWARD] }),
    [`POST ${CLAIMS_PATH}`]: (req) => CLAIMED((req.data as { batchId: string }).batchId === MAIN.batchId ? MAIN : REWARD),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(document.querySelector('.pay-result__countdown')).toBeNull()
  await advance(60_000)
  expect(browser.replace).not.toHaveBeenCalled()

  await tap(buttonOf('vbt_main'))
  await advance(10_000)
  expect(browser.replace).not.toHaveBeenCalled()
  await tap(buttonOf('vbt_reward'))
  expect(screen.getByText('3 秒后自动跳转')).toBeTruthy()
  await advance(2000)
  expect(browser.replace).not.toHaveBeenCalled()
  await advance(1000)
  expect(browser.replace).toHaveBeenCalledWith('https://sp.example/done')
})

test('offers slower than the countdown do not delay the redirect', async () => {
  let release: (a: FakeAnswer) => void = () => {}
  serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: async () => await new Promise<FakeAnswer>((resolve) => { release = resolve }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await advance(3000)
  expect(browser.replace).toHaveBeenCalledTimes(1)
  release(answer(200, { offers: [MAIN] }))
  await flush()
})

test('完成 while a claim is out waits for its answer, then leaves', async () => {
  let release: (a: FakeAnswer) => void = () => {}
  serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }),
    [`POST ${CLAIMS_PATH}`]: async () => await new Promise<FakeAnswer>((resolve) => { release = resolve }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(buttonOf('vbt_main').textContent).toBe('领取中…')
  await tap(document.querySelector('.pay-result__done')!)
  expect(browser.replace).not.toHaveBeenCalled()
  expect(screen.getByText('正在领取，领取后跳转…')).toBeTruthy()
  await advance(10_000)
  expect(browser.replace).not.toHaveBeenCalled()
  release(CLAIMED(MAIN))
  await flush()
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(browser.replace).toHaveBeenCalledWith('https://sp.example/done')
})

test('完成 with offers open leaves at once', async () => {
  serveRoutes({ [`GET ${ORDER_PATH}`]: () => answer(200, PAID), [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }) })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(document.querySelector('.pay-result__done')!)
  expect(browser.replace).toHaveBeenCalledWith('https://sp.example/done')
})

test('payer cookie gone on a claim: a message, no OAuth from the result page', async () => {
  serveRoutes({
    [`GET ${ORDER_PATH}`]: () => answer(200, PAID),
    [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }),
    [`POST ${CLAIMS_PATH}`]: () => answer(401, { error: { type: 'authentication', code: 'payer_unknown', message: 'payer unknown' } }),
  })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  await tap(buttonOf('vbt_main'))
  expect(messageOf('vbt_main')).toBe('无法确认您的身份，请重新扫码后领取')
  expect(buttonOf('vbt_main').textContent).toBe('领取')
  expect(browser.replace).not.toHaveBeenCalled()
})

test('without a pay-complete URL the vouchers show, with no 完成', async () => {
  serveRoutes({ [`GET ${ORDER_PATH}`]: () => answer(200, { ...PAID, payCompleteUrl: null }), [`GET ${OFFERS_PATH}`]: () => answer(200, { offers: [MAIN] }) })
  render(<PayResult orderId='ord_1' code={undefined} />)
  await flush()
  expect(document.querySelectorAll('.voucher')).toHaveLength(1)
  expect(document.querySelector('.pay-result__done')).toBeNull()
})
