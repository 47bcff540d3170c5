import { act, fireEvent, render, screen } from '@testing-library/react'
import { ApiError, type OnDutyDto, type PayPageDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { staffFailure } from '../src/lib/pay-staff'
import { PayScreen } from '../src/pages/pay/index'
import { answer, fakeFetch, type FakeAnswer, type FakeRequest } from './helpers/pay-fetch'

// The staff bar of the store code's pay page (H1, seed 003 店员上下班打卡).

const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const realBrowser = { ...browser }
const CODE = 'k7m2p9x4q3wa'
const BASE = `/v1/public/pay/${CODE}`

const PAGE: PayPageDto = {
  code: CODE,
  kind: 'store',
  store: { name: '示例咖啡馆', branchName: '科技园店' },
  merchant: { name: '示例咖啡有限公司', shortName: '示例咖啡', logoUrl: null },
  serviceProvider: { shortName: '沙箱服务商', logoUrl: null },
  limits: { minFen: 1, maxFen: 5_000_000, maxQuantity: 99, remarkMaxLength: 40 },
  platform: 'wechat',
  payerKnown: true,
  authUrl: `/pay/auth?code=${CODE}`,
}
const onDuty = (on: boolean, o: Partial<OnDutyDto> = {}): OnDutyDto => ({
  staffId: 'stf_1',
  name: '张三',
  role: 'clerk',
  onDuty: on,
  shift: { id: 'shf_1', staffId: 'stf_1', storeId: 'sto_1', clockInAt: '2026-01-05T01:00:00.000Z', clockOutAt: on ? null : '2026-01-05T09:00:00.000Z' },
  ...o,
})
const NOT_STAFF = answer(404, { error: { type: 'not_found', code: 'staff_not_found', message: '您不是该门店已激活的店长或店员' } })
const conflict = (code: string, message: string): FakeAnswer => answer(409, { error: { type: 'conflict', code, message } })

/** Answers by method + path; unknown calls fail the test. */
function serve (routes: Record<string, (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer> | undefined>): FakeRequest[] {
  const seen: FakeRequest[] = []
  fakeFetch(async (req) => {
    seen.push(req)
    const key = `${req.method} ${req.url.split('?')[0] ?? ''}`
    const handler = routes[key]
    if (handler === undefined) throw new Error(`unexpected ${key}`)
    const a = await handler(req)
    if (a === undefined) throw new Error(`no answer left for ${key}`)
    return a
  })
  return seen
}
const calls = (seen: FakeRequest[], what: string): FakeRequest[] => seen.filter((r) => `${r.method} ${r.url}` === what)

const bar = (): Element | null => document.querySelector('.pay-staff')
const barText = (): string => document.querySelector('.pay-staff__text')?.textContent ?? ''
const button = (): Element => document.querySelector('.pay-staff__button')!
const toastText = (): string | null => document.querySelector('.pay-toast')?.textContent ?? null
const errorText = (): string | null => document.querySelector('.pay-staff__error')?.textContent ?? null

beforeEach(() => {
  browser.replace = jest.fn()
  browser.assign = jest.fn()
  sessionStorage.clear()
})
afterEach(() => { Object.assign(browser, realBrowser) })

test('a customer (404 staff_not_found) sees the keypad and no bar', async () => {
  const seen = serve({ [`GET ${BASE}`]: () => answer(200, PAGE), [`GET ${BASE}/staff`]: () => NOT_STAFF })
  render(<PayScreen code={CODE} />)
  await settle()
  expect(document.querySelector('.keypad')).toBeTruthy()
  expect(calls(seen, `GET ${BASE}/staff`)).toEqual([expect.objectContaining({ credentials: 'include' })])
  expect(bar()).toBeNull()
  expect(toastText()).toBeNull()
  expect(document.querySelector('.pay__error')?.textContent).toBe('')
})

test('the keypad does not wait for /staff: the bar comes when it answers', async () => {
  let release: (a: FakeAnswer) => void = () => {}
  serve({
    [`GET ${BASE}`]: () => answer(200, PAGE),
    [`GET ${BASE}/staff`]: async () => await new Promise<FakeAnswer>((resolve) => { release = resolve }),
  })
  render(<PayScreen code={CODE} />)
  await settle()
  expect(document.querySelector('.keypad')).toBeTruthy()
  expect(bar()).toBeNull()
  fireEvent.click(document.querySelector('.keypad__key--5')!)
  release(answer(200, onDuty(false)))
  await settle()
  expect(barText()).toBe('店员：张三 · 未上班')
  expect(document.querySelector('.pay__amount-value')?.textContent).toBe('5')
})

test.each([
  ['an Alipay payer', { platform: 'alipay' }],
  ['a payer not known yet (before OAuth)', { payerKnown: false }],
  ['a fixed-amount code', { kind: 'fixed_amount', unitPriceFen: 1550 }],
  ['a clerk\'s own code', { kind: 'staff', staffName: '王五' }],
] as Array<[string, Partial<PayPageDto>]>)('%s: /staff is not asked', async (_name, change) => {
  const seen = serve({ [`GET ${BASE}`]: () => answer(200, { ...PAGE, ...change }) })
  render(<PayScreen code={CODE} />)
  await settle()
  expect(seen.map((r) => r.url)).not.toContain(`${BASE}/staff`)
  expect(bar()).toBeNull()
})

test('a lookup failure (network, 5xx, not an OnDutyDto) leaves the customer\'s page', async () => {
  for (const staff of [() => { throw new TypeError('Failed to fetch') }, () => answer(500, 'oops'), () => answer(200, PAGE)]) {
    serve({ [`GET ${BASE}`]: () => answer(200, PAGE), [`GET ${BASE}/staff`]: staff })
    const r = render(<PayScreen code={CODE} />)
    await settle()
    expect(document.querySelector('.keypad')).toBeTruthy()
    expect(bar()).toBeNull()
    r.unmount()
  }
})

test('clerk off duty: 店员：张三 · 未上班 → 上班打卡 → 在班, 已上班', async () => {
  const seen = serve({
    [`GET ${BASE}`]: () => answer(200, PAGE),
    [`GET ${BASE}/staff`]: () => answer(200, onDuty(false)),
    [`POST ${BASE}/clock-in`]: () => answer(201, onDuty(true)),
  })
  render(<PayScreen code={CODE} />)
  await settle()
  expect(barText()).toBe('店员：张三 · 未上班')
  expect(button().textContent).toBe('上班打卡')
  fireEvent.click(button())
  expect(button().textContent).toBe('打卡中…')
  fireEvent.click(button()) // ignored while the first one runs
  await settle()
  expect(calls(seen, `POST ${BASE}/clock-in`)).toEqual([expect.objectContaining({ credentials: 'include' })])
  expect(barText()).toBe('店员：张三 · 在班')
  expect(bar()?.className).toContain('pay-staff--on')
  expect(button().textContent).toBe('下班打卡')
  expect(toastText()).toBe('已上班')
  expect(document.querySelector('.keypad')).toBeTruthy()
})

test('下班打卡 asks first (下班后将不再收到收款消息): 取消 keeps the shift, 确认下班 ends it', async () => {
  const seen = serve({
    [`GET ${BASE}`]: () => answer(200, PAGE),
    [`GET ${BASE}/staff`]: () => answer(200, onDuty(true, { name: '李四', role: 'store_manager' })),
    [`POST ${BASE}/clock-out`]: () => answer(200, onDuty(false, { name: '李四', role: 'store_manager' })),
  })
  render(<PayScreen code={CODE} />)
  await settle()
  expect(barText()).toBe('店长：李四 · 在班')
  fireEvent.click(button())
  expect(screen.getByText('下班后将不再收到收款消息')).toBeTruthy()
  fireEvent.click(screen.getByText('取消'))
  await settle()
  expect(document.querySelector('.pay-dialog')).toBeNull()
  expect(calls(seen, `POST ${BASE}/clock-out`)).toHaveLength(0)
  expect(barText()).toBe('店长：李四 · 在班')

  fireEvent.click(button())
  fireEvent.click(screen.getByText('确认下班'))
  await settle()
  expect(document.querySelector('.pay-dialog')).toBeNull()
  expect(calls(seen, `POST ${BASE}/clock-out`)).toHaveLength(1)
  expect(barText()).toBe('店长：李四 · 未上班')
  expect(button().textContent).toBe('上班打卡')
  expect(toastText()).toBe('已下班')
})

test('errors are readable Chinese; already_on_duty / not_on_duty put the bar right', async () => {
  const clockIns = [
    () => { throw new TypeError('Failed to fetch') },
    () => conflict('already_on_duty', '已在班（01-05 09:00 上班打卡）：无需重复打卡；如上次忘记下班打卡，请先下班打卡再上班'),
  ]
  serve({
    [`GET ${BASE}`]: () => answer(200, PAGE),
    [`GET ${BASE}/staff`]: () => answer(200, onDuty(false)),
    [`POST ${BASE}/clock-in`]: () => clockIns.shift()?.(),
    [`POST ${BASE}/clock-out`]: () => conflict('not_on_duty', 'not on duty'),
  })
  render(<PayScreen code={CODE} />)
  await settle()
  fireEvent.click(button())
  await settle()
  expect(errorText()).toBe('网络连接失败，请检查网络后重试')
  expect(barText()).toBe('店员：张三 · 未上班')
  expect(toastText()).toBeNull()

  // Clocked in meanwhile on another phone: the bar says so, with the server's words.
  fireEvent.click(button())
  await settle()
  expect(errorText()).toBe('已在班（01-05 09:00 上班打卡）：无需重复打卡；如上次忘记下班打卡，请先下班打卡再上班')
  expect(barText()).toBe('店员：张三 · 在班')

  // And clocked out meanwhile: an English message is replaced by the shared Chinese one.
  fireEvent.click(button())
  fireEvent.click(screen.getByText('确认下班'))
  await settle()
  expect(errorText()).toBe('不在班：请先上班打卡')
  expect(barText()).toBe('店员：张三 · 未上班')
})

test('removed meanwhile (clock_in_not_permitted): the bar goes, the message is toasted; an expired payer cookie re-runs OAuth', async () => {
  const answers = [
    answer(401, { error: { type: 'authentication', code: 'payer_unknown', message: 'payer unknown' } }),
    answer(403, { error: { type: 'permission', code: 'clock_in_not_permitted', message: 'forbidden' } }),
  ]
  serve({
    [`GET ${BASE}`]: () => answer(200, PAGE),
    [`GET ${BASE}/staff`]: () => answer(200, onDuty(false)),
    [`POST ${BASE}/clock-in`]: () => answers.shift(),
  })
  render(<PayScreen code={CODE} />)
  await settle()
  fireEvent.click(button())
  await settle()
  expect(browser.replace).toHaveBeenCalledWith(`/pay/auth?code=${CODE}`)
  fireEvent.click(button())
  await settle()
  expect(bar()).toBeNull()
  expect(toastText()).toBe('只有本店的店长和店员可以上下班打卡')
  expect(document.querySelector('.keypad')).toBeTruthy()
})

test('staffFailure: anything that is not an API error is a generic message', () => {
  expect(staffFailure(new Error('boom'))).toEqual({ kind: 'message', message: '打卡失败，请稍后再试' })
  expect(staffFailure(new ApiError(429, 'rate_limit', 'rate_limited', 'Too many requests'))).toEqual({ kind: 'message', message: '请求过于频繁，请稍后再试' })
  expect(staffFailure(new ApiError(404, 'not_found', 'staff_not_found', '您不是该门店已激活的店长或店员'))).toEqual({ kind: 'gone', message: '您不是该门店已激活的店长或店员' })
})
