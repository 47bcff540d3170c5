import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { SIM_APP_COOKIE, type CreatedPayOrderDto, type PayPageDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { SIM_APP_COOKIE_NAME } from '../src/lib/pay-api'
import { PayScreen } from '../src/pages/pay/index'
import { answer, fakeFetch, type FakeAnswer, type FakeRequest } from './helpers/pay-fetch'

const redirectTo = jest.mocked(Taro.redirectTo)
const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const realBrowser = { ...browser }

type Req = FakeRequest
/** Answers by method + path (the handler gets the request); unknown calls fail loudly. */
function serve (routes: Record<string, (req: Req) => FakeAnswer | Promise<FakeAnswer> | undefined>): Req[] {
  const seen: Req[] = []
  fakeFetch(async (req) => {
    seen.push(req)
    const handler = routes[`${req.method} ${req.url.split('?')[0] ?? ''}`]
    if (handler === undefined) throw new Error(`unexpected ${req.method} ${req.url}`)
    const a = await handler(req)
    if (a === undefined) throw new Error(`no answer left for ${req.method} ${req.url}`)
    return a
  })
  return seen
}

const PAGE: PayPageDto = {
  code: 'k7m2p9x4q3wa',
  kind: 'store',
  store: { name: '示例咖啡馆', branchName: '科技园店' },
  merchant: { name: '示例咖啡有限公司', shortName: '示例咖啡', logoUrl: null },
  serviceProvider: { shortName: '沙箱服务商', logoUrl: null },
  limits: { minFen: 1, maxFen: 5_000_000, maxQuantity: 99, remarkMaxLength: 40 },
  platform: 'wechat',
  payerKnown: true,
  authUrl: '/pay/auth?code=k7m2p9x4q3wa',
}
const WX_ORDER: CreatedPayOrderDto = {
  orderId: 'ord_01HZ',
  outTradeNo: 'YM01HZ',
  amountFen: 1234,
  bridge: { type: 'wechat_jsapi', appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 's' },
}

type BridgeWin = Window & { WeixinJSBridge?: unknown, AlipayJSBridge?: unknown }
const win = window as BridgeWin
/** The WeChat bridge answering each invoke with the next of `answers`. */
function fakeWechat (...answers: string[]): jest.Mock {
  const invoke = jest.fn((_api: string, _params: object, cb: (r: { err_msg: string }) => void) => { cb({ err_msg: `get_brand_wcpay_request:${answers.shift() ?? 'fail'}` }) })
  win.WeixinJSBridge = { invoke }
  return invoke
}

const press = (keys: string): void => {
  for (const k of keys) fireEvent.click(document.querySelector(`.keypad__key--${k === '.' ? 'dot' : k}`)!)
}
const submit = (): void => { fireEvent.click(document.querySelector('.pay__submit')!) }
const amountText = (): string => document.querySelector('.pay__amount-value')?.textContent ?? ''

beforeEach(() => {
  redirectTo.mockReset()
  redirectTo.mockResolvedValue({ errMsg: 'redirectTo:ok' } as never)
  browser.replace = jest.fn()
  browser.assign = jest.fn()
  sessionStorage.clear()
  delete win.WeixinJSBridge
  delete win.AlipayJSBridge
})
afterEach(() => { Object.assign(browser, realBrowser) })

test('shows whom the customer pays; the keypad builds the amount; 付款 only once it is valid', async () => {
  const seen = serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, kind: 'staff', staffName: '王五' }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('示例咖啡馆（科技园店）')).toBeTruthy()
  expect(screen.getByText('示例咖啡')).toBeTruthy()
  expect(screen.getByText('收款人：王五')).toBeTruthy()
  expect(seen[0]).toMatchObject({ method: 'GET', credentials: 'include' })

  expect(document.querySelector('.pay__submit--disabled')).toBeTruthy()
  press('0.123')
  expect(amountText()).toBe('0.12')
  expect(document.querySelector('.pay__submit--disabled')).toBeNull()
  fireEvent.click(document.querySelector('.keypad__key--del')!)
  fireEvent.click(document.querySelector('.keypad__key--del')!)
  fireEvent.click(document.querySelector('.keypad__key--del')!)
  expect(amountText()).toBe('0')
  expect(document.querySelector('.pay__submit--disabled')).toBeTruthy()
  press('60000')
  expect(amountText()).toBe('60000')
  expect(screen.getByText('单笔金额不能超过 50000.00 元')).toBeTruthy()
  expect(document.querySelector('.pay__submit--disabled')).toBeTruthy()
})

test('付款: POSTs the amount in fen with the remark, opens WeChat\'s cashier, then the result page', async () => {
  const bodies: unknown[] = []
  const seen = serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, PAGE),
    'POST /v1/public/pay/orders': (req) => { bodies.push(req.data); return answer(201, WX_ORDER) },
  })
  const invoke = fakeWechat('ok')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  press('12.34')
  fireEvent.change(document.querySelector('.pay__remark-input')!, { target: { value: '  少冰  ' } })
  submit()
  await settle()
  expect(bodies).toEqual([{ code: 'k7m2p9x4q3wa', amountFen: 1234, remark: '少冰' }])
  const post = seen.find((r) => r.method === 'POST')
  expect(post?.header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  expect(invoke).toHaveBeenCalledWith('getBrandWCPayRequest', expect.objectContaining({ package: 'prepay_id=wx1', paySign: 's' }), expect.any(Function))
  expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/result/index?id=ord_01HZ&code=k7m2p9x4q3wa' })
})

test('a second tap while paying does nothing; cancel → 已取消支付, and paying again is a new order', async () => {
  let release: () => void = () => {}
  const bodies: unknown[] = []
  const keys: string[] = []
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, PAGE),
    'POST /v1/public/pay/orders': async (req) => {
      bodies.push(req.data)
      keys.push(req.header['Idempotency-Key'] ?? '')
      if (bodies.length === 1) await new Promise<void>((resolve) => { release = resolve })
      return answer(201, { ...WX_ORDER, orderId: `ord_${bodies.length}` })
    },
  })
  const invoke = fakeWechat('cancel', 'ok')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  press('8')
  submit()
  submit()
  await settle()
  expect(bodies).toHaveLength(1)
  expect(screen.getByText('支付中…')).toBeTruthy()
  release()
  await settle()
  expect(invoke).toHaveBeenCalledTimes(1)
  expect(screen.getByText('已取消支付')).toBeTruthy()
  expect(redirectTo).not.toHaveBeenCalled()
  expect(amountText()).toBe('8')

  submit()
  await settle()
  expect(bodies).toHaveLength(2)
  expect(keys[0]).not.toBe(keys[1])
  expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/result/index?id=ord_2&code=k7m2p9x4q3wa' })
})

test('Alipay: tradePay with the trade number; a failure is shown and paying is possible again', async () => {
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, platform: 'alipay' }),
    'POST /v1/public/pay/orders': () => answer(201, { ...WX_ORDER, bridge: { type: 'alipay_jsapi', tradeNo: '2024000001' } }),
  })
  const call = jest.fn((_api: string, _p: object, cb: (r: { resultCode: string }) => void) => { cb({ resultCode: '4000' }) })
  win.AlipayJSBridge = { call }
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  press('5')
  submit()
  await settle()
  expect(call).toHaveBeenCalledWith('tradePay', { tradeNO: '2024000001' }, expect.any(Function))
  expect(screen.getByText('支付宝支付未完成，请稍后重试')).toBeTruthy()
  expect(document.querySelector('.pay__submit--disabled')).toBeNull()
})

test('fixed-amount code: unit price, quantity 3, total, and the POST carries the quantity only', async () => {
  const bodies: unknown[] = []
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, kind: 'fixed_amount', unitPriceFen: 1550, itemName: '拿铁咖啡' }),
    'POST /v1/public/pay/orders': (req) => { bodies.push(req.data); return answer(201, { ...WX_ORDER, amountFen: 4650 }) },
  })
  fakeWechat('ok')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(document.querySelector('.keypad')).toBeNull()
  expect(screen.getByText('拿铁咖啡')).toBeTruthy()
  expect(document.querySelector('.pay__unit-price')?.textContent).toBe('¥15.50')
  expect(document.querySelector('.stepper__minus.stepper__btn--off')).toBeTruthy()
  fireEvent.click(document.querySelector('.stepper__plus')!)
  fireEvent.click(document.querySelector('.stepper__plus')!)
  expect(document.querySelector('.stepper__value')?.textContent).toBe('3')
  expect(document.querySelector('.pay__total')?.textContent).toBe('¥46.50')
  expect(screen.getByText('付款 ¥46.50')).toBeTruthy()
  submit()
  await settle()
  expect(bodies).toEqual([{ code: 'k7m2p9x4q3wa', quantity: 3 }])
})

test('unknown payer → OAuth (location.replace authUrl), once; coming back still unknown stops the loop', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, payerKnown: false }) })
  const first = render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(browser.replace).toHaveBeenCalledWith('/pay/auth?code=k7m2p9x4q3wa')
  first.unmount()

  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(screen.getByText('无法获取您的身份')).toBeTruthy()
})

test('outside WeChat and Alipay: a clear page, no OAuth, no keypad', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, platform: 'other', payerKnown: false }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('请使用微信或支付宝扫码付款')).toBeTruthy()
  expect(document.querySelector('.keypad')).toBeNull()
  expect(browser.replace).not.toHaveBeenCalled()
})

test('sandbox: a desktop browser may act as WeChat (sim_app cookie), then the page loads again', async () => {
  expect(SIM_APP_COOKIE_NAME).toBe(SIM_APP_COOKIE)
  let platform: PayPageDto['platform'] = 'other'
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, platform, payerKnown: platform !== 'other', simulator: true }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('请使用微信或支付宝扫码付款')).toBeTruthy()
  platform = 'wechat'
  fireEvent.click(screen.getByText('模拟微信付款'))
  await settle()
  expect(document.cookie).toContain('sim_app=wechat')
  expect(document.querySelector('.keypad')).toBeTruthy()
  document.cookie = 'sim_app=; path=/; max-age=0'
})

test('production: no simulator offered', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, platform: 'other', payerKnown: false }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.queryByText('模拟微信付款')).toBeNull()
})

test.each([
  ['qr_code_unbound', 409, 'qr_unbound'],
  ['qr_code_disabled', 409, 'qr_disabled'],
  ['qr_code_not_found', 404, 'qr_unknown'],
  ['store_closed', 409, 'store_closed'],
  ['alipay_not_enabled', 409, 'alipay_not_enabled'],
])('%s while loading → the scan problem page (%s)', async (code, status, problem) => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(status, { error: { type: 'conflict', code, message: 'x', param: 'code' } }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/scan/result/index?problem=${problem}` })
})

test('order errors: readable Chinese, a lost payer cookie re-runs OAuth, a code disabled meanwhile goes to the problem page', async () => {
  const errors = [
    answer(400, { error: { type: 'invalid_request', code: 'amount_out_of_range', message: '单笔金额不能超过 50000 元', param: 'amountFen' } }),
    answer(503, { error: { type: 'unavailable', code: 'channel_unavailable', message: 'channel down' } }),
    answer(401, { error: { type: 'authentication', code: 'payer_unknown', message: 'payer unknown' } }),
    answer(409, { error: { type: 'conflict', code: 'qr_code_disabled', message: '该二维码已停用' } }),
  ]
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, PAGE),
    'POST /v1/public/pay/orders': () => errors.shift(),
  })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  press('9')
  submit()
  await settle()
  expect(screen.getByText('单笔金额不能超过 50000 元')).toBeTruthy()
  press('1') // typing clears the message
  expect(screen.queryByText('单笔金额不能超过 50000 元')).toBeNull()
  submit()
  await settle()
  expect(screen.getByText('支付通道暂时不可用，请稍后再试')).toBeTruthy()
  submit()
  await settle()
  expect(browser.replace).toHaveBeenCalledWith('/pay/auth?code=k7m2p9x4q3wa')
})

test('a tap after a POST that got no answer reuses its Idempotency-Key; after an answer a new one', async () => {
  const keys: string[] = []
  let n = 0
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, PAGE),
    'POST /v1/public/pay/orders': (req) => {
      keys.push(req.header['Idempotency-Key'] ?? '')
      n++
      if (n === 1) throw new Error('request:fail')
      return answer(201, WX_ORDER)
    },
  })
  fakeWechat('cancel', 'cancel')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  press('3')
  submit()
  await settle()
  expect(screen.getByText('网络连接失败，请检查网络后重试')).toBeTruthy()
  submit()
  await settle()
  submit()
  await settle()
  expect(keys).toHaveLength(3)
  expect(keys[1]).toBe(keys[0])
  expect(keys[2]).not.toBe(keys[1])
})

test('a network failure while loading says so', async () => {
  fakeFetch(() => { throw new TypeError('Failed to fetch') })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('页面加载失败')).toBeTruthy()
  expect(screen.getByText('网络连接失败，请检查网络后重试')).toBeTruthy()
})

test('no code in the link', () => {
  render(<PayScreen code={undefined} />)
  expect(screen.getByText('收款码无效')).toBeTruthy()
})

test('fetchTransport: JSON bodies out and in, cookies included, a proxy\'s HTML page is not JSON', async () => {
  const { fetchTransport } = await import('../src/lib/fetch-transport')
  const fetchMock = jest.fn(async () => ({ status: 201, text: async () => '{"orderId":"ord_1"}' }))
  globalThis.fetch = fetchMock as unknown as typeof fetch
  await expect(fetchTransport({ url: '/v1/x', method: 'POST', header: { 'Idempotency-Key': 'k' }, data: { a: 1 } })).resolves.toEqual({ statusCode: 201, data: { orderId: 'ord_1' } })
  expect(fetchMock).toHaveBeenCalledWith('/v1/x', { method: 'POST', headers: { 'Idempotency-Key': 'k' }, credentials: 'include', body: '{"a":1}' })
  globalThis.fetch = jest.fn(async () => ({ status: 502, text: async () => '<html>Bad Gateway</html>' })) as unknown as typeof fetch
  await expect(fetchTransport({ url: '/v1/x', method: 'GET', header: {} })).resolves.toEqual({ statusCode: 502, data: '<html>Bad Gateway</html>' })
})

// ── The merchant's membership card on the one-code page (M3) ──

const MEMBER_CARD = { id: 'mcd_1', title: '示例咖啡会员卡', balanceFen: 10000, active: true }
const paid = (amountFen: number, balanceFen: number) => ({
  payment: { id: 'cpy_1', memberId: 'mbr_1', storeId: 'sto_1', storeName: '示例咖啡馆', amountFen, principalFen: amountFen, bonusFen: 0, refundedFen: 0, remark: null, createdAt: '2026-11-07T02:00:00Z' },
  member: { id: 'mbr_1', cardId: 'mcd_1', state: 'active', name: '张三', phone: '13800138000', code: '8123', principalFen: balanceFen, bonusFen: 0, balanceFen, createdAt: '2026-11-01T00:00:00Z', activatedAt: '2026-11-01T00:00:00Z' },
})

test('会员卡余额充值 goes to the card page through the server\'s /card route, with this code', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, memberCard: MEMBER_CARD }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('示例咖啡会员卡')).toBeTruthy()
  expect(screen.getByText('余额 ¥100.00')).toBeTruthy()
  fireEvent.click(screen.getByText('会员卡余额充值'))
  expect(browser.assign).toHaveBeenCalledWith('/card/mcd_1?code=k7m2p9x4q3wa')
})

test('会员卡余额付款: the typed amount is paid from the balance (Idempotency-Key, no cashier), then the result and the balance left', async () => {
  const bodies: unknown[] = []
  const seen = serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, memberCard: MEMBER_CARD }),
    'POST /v1/public/cards/mcd_1/payments': (req) => { bodies.push(req.data); return answer(201, paid(1234, 8766)) },
  })
  const invoke = fakeWechat('ok')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  fireEvent.click(screen.getByText('会员卡余额付款'))
  expect(document.querySelector('.pay-card__method--card.pay-card__method--on')).toBeTruthy()
  press('12.34')
  fireEvent.change(document.querySelector('.pay__remark-input')!, { target: { value: '早餐' } })
  expect(document.querySelector('.pay__submit')?.textContent).toBe('余额付款')
  submit()
  await settle()
  expect(bodies).toEqual([{ code: 'k7m2p9x4q3wa', amountFen: 1234, remark: '早餐' }])
  expect(seen.find((r) => r.method === 'POST')?.header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  expect(invoke).not.toHaveBeenCalled()
  expect(redirectTo).not.toHaveBeenCalled()
  expect(screen.getByText('余额付款成功')).toBeTruthy()
  expect(document.querySelector('.pay-card-result__amount')?.textContent).toBe('¥12.34')
  expect(screen.getByText('会员卡余额 ¥87.66')).toBeTruthy()

  fireEvent.click(screen.getByText('完成'))
  expect(screen.getByText('余额 ¥87.66')).toBeTruthy()
  expect(amountText()).toBe('')
})

test('会员卡余额付款: not enough balance is the server\'s message; switching back pays with WeChat', async () => {
  const orders: unknown[] = []
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, memberCard: MEMBER_CARD }),
    'POST /v1/public/cards/mcd_1/payments': () => answer(409, { error: { type: 'conflict', code: 'balance_insufficient', message: '会员卡余额不足', param: 'amountFen' } }),
    'POST /v1/public/pay/orders': (req) => { orders.push(req.data); return answer(201, WX_ORDER) },
  })
  fakeWechat('ok')
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  fireEvent.click(screen.getByText('会员卡余额付款'))
  press('200')
  submit()
  await settle()
  expect(screen.getByText('会员卡余额不足')).toBeTruthy()
  fireEvent.click(screen.getByText('微信支付'))
  expect(screen.queryByText('会员卡余额不足')).toBeNull()
  expect(document.querySelector('.pay__submit')?.textContent).toBe('付款')
  submit()
  await settle()
  expect(orders).toEqual([{ code: 'k7m2p9x4q3wa', amountFen: 20000 }])
})

test('fixed-amount code paid from the balance: unit × quantity as the amount', async () => {
  const bodies: unknown[] = []
  serve({
    'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, kind: 'fixed_amount', unitPriceFen: 1550, memberCard: MEMBER_CARD }),
    'POST /v1/public/cards/mcd_1/payments': (req) => { bodies.push(req.data); return answer(201, paid(3100, 6900)) },
  })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  fireEvent.click(screen.getByText('会员卡余额付款'))
  fireEvent.click(document.querySelector('.stepper__plus')!)
  expect(screen.getByText('余额付款 ¥31.00')).toBeTruthy()
  submit()
  await settle()
  expect(bodies).toEqual([{ code: 'k7m2p9x4q3wa', amountFen: 3100 }])
})

test('a card not yet activated: only 会员卡余额充值 (to claim and activate), no balance payment', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, memberCard: { ...MEMBER_CARD, balanceFen: null, active: false } }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('会员卡余额充值')).toBeTruthy()
  expect(screen.queryByText('会员卡余额付款')).toBeNull()
  expect(screen.queryByText(/余额 ¥/)).toBeNull()
})

test('Alipay with a membership card: only a note that it is WeChat-only', async () => {
  serve({ 'GET /v1/public/pay/k7m2p9x4q3wa': () => answer(200, { ...PAGE, platform: 'alipay', memberCard: { ...MEMBER_CARD, balanceFen: null, active: false } }) })
  render(<PayScreen code='k7m2p9x4q3wa' />)
  await settle()
  expect(screen.getByText('本店会员卡存放在微信卡包中，仅支持在微信中充值和付款')).toBeTruthy()
  expect(screen.queryByText('会员卡余额充值')).toBeNull()
  expect(screen.queryByText('会员卡余额付款')).toBeNull()
  expect(document.querySelector('.keypad')).toBeTruthy()
})
