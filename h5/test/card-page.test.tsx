import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { fen, type CustomerCardDto, type LedgerEntryDto, type MemberDto, type RechargeDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { CardScreen } from '../src/pages/card/index'
import { answer, fakeFetch, type FakeAnswer, type FakeRequest } from './helpers/pay-fetch'

const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 20; i++) await Promise.resolve() }) }
const realBrowser = { ...browser }
/** 2026-11-07 10:00 in China. */
const NOW = Date.parse('2026-11-07T10:00:00+08:00')

/** Answers by method + path (the handler gets the request); unknown calls fail loudly. */
function serve (routes: Record<string, (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer> | undefined>): FakeRequest[] {
  const seen: FakeRequest[] = []
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
const query = (url: string): Record<string, string> => Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''))

const MEMBER: MemberDto = {
  id: 'mbr_1',
  cardId: 'mcd_1',
  state: 'active',
  name: '张三',
  phone: '13800138000',
  code: '812345678901',
  principalFen: 8000,
  bonusFen: 2000,
  balanceFen: 10000,
  createdAt: '2026-11-01T02:00:00Z',
  activatedAt: '2026-11-01T02:01:00Z',
}
const CARD: CustomerCardDto = {
  id: 'mcd_1',
  title: '示例咖啡会员卡',
  logoUrl: 'https://img.example.com/logo.png',
  color: '#63b359',
  notice: '付款时请出示会员卡',
  description: '余额可在本店各门店使用',
  merchantName: '示例咖啡',
  rechargeMode: 'fixed',
  tiers: [{ amountFen: fen(10000), bonusFen: 2000 }, { amountFen: fen(100000), bonusFen: 20000 }],
  balanceCapFen: 100000,
  maxRechargeFen: 5_000_000,
  available: true,
  member: null,
  platform: 'wechat',
  payerKnown: true,
  authUrl: '/card/mcd_1',
  store: null,
}
const ACTIVE: CustomerCardDto = { ...CARD, member: MEMBER }
const entry = (o: Partial<LedgerEntryDto>): LedgerEntryDto => ({
  id: 'led_1',
  memberId: 'mbr_1',
  kind: 'recharge',
  pot: 'principal',
  amountFen: 10000,
  principalAfterFen: 10000,
  bonusAfterFen: 0,
  storeId: null,
  storeName: '',
  orderId: null,
  paymentId: null,
  reason: null,
  operatorName: null,
  createdAt: '2026-11-07T00:05:00Z',
  ...o,
})
const LEDGER = {
  object: 'list',
  hasMore: false,
  nextCursor: null,
  data: [
    entry({ id: 'led_2', kind: 'payment', amountFen: -1234, storeId: 'sto_1', storeName: '科技园店', createdAt: '2026-11-07T01:30:00Z' }),
    entry({ id: 'led_1' }),
  ],
}
const EMPTY = { object: 'list', data: [], hasMore: false, nextCursor: null }
const BRIDGE: NonNullable<RechargeDto['bridge']> = { type: 'wechat_jsapi', appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx9', signType: 'RSA', paySign: 's' }

type BridgeWin = Window & { WeixinJSBridge?: unknown }
const win = window as BridgeWin
const tapButton = async (cls: string): Promise<void> => {
  const b = document.querySelector(`.${cls} .van-native-button`)
  if (b === null) throw new Error(`no button .${cls}`)
  await act(async () => { fireEvent.click(b) })
  await settle()
}
const tap = async (el: Element | null): Promise<void> => {
  if (el === null) throw new Error('nothing to tap')
  await act(async () => { fireEvent.click(el) })
  await settle()
}
const type = (selector: string, value: string): void => { fireEvent.change(document.querySelector(selector)!, { target: { value } }) }

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  browser.replace = jest.fn()
  browser.assign = jest.fn()
  sessionStorage.clear()
  delete win.WeixinJSBridge
})
afterEach(() => {
  Object.assign(browser, realBrowser)
  jest.restoreAllMocks()
})

test('unknown payer in WeChat → OAuth (location.replace authUrl), once; still unknown on return stops', async () => {
  serve({ 'GET /v1/public/cards/mcd_1': () => answer(200, { ...CARD, payerKnown: false }) })
  const first = render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(browser.replace).toHaveBeenCalledWith('/card/mcd_1')
  expect(screen.getByText('正在获取身份…')).toBeTruthy()
  first.unmount()

  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(screen.getByText('无法获取您的身份')).toBeTruthy()
})

test('Alipay: the card is WeChat-only, no OAuth, no claim', async () => {
  serve({ 'GET /v1/public/cards/mcd_1': () => answer(200, { ...CARD, platform: 'alipay', payerKnown: false }) })
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(screen.getByText('会员卡存放在微信卡包中，不支持支付宝')).toBeTruthy()
  expect(screen.getByText('示例咖啡会员卡')).toBeTruthy()
  expect(document.querySelector('.card-claim')).toBeNull()
  expect(browser.replace).not.toHaveBeenCalled()
})

test('a card not available says so; a failed load says why', async () => {
  serve({ 'GET /v1/public/cards/mcd_1': () => answer(200, { ...CARD, available: false }) })
  const first = render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(screen.getByText('会员卡暂不可用')).toBeTruthy()
  expect(document.querySelector('.card-claim')).toBeNull()
  first.unmount()

  serve({ 'GET /v1/public/cards/mcd_1': () => answer(404, { error: { type: 'not_found', code: 'member_card_not_found', message: '会员卡不存在' } }) })
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(screen.getByText('会员卡加载失败')).toBeTruthy()
  expect(screen.getByText('会员卡不存在')).toBeTruthy()
})

test('领取到卡包: add-card-params → batchAddCard with card_list → POST claims with the encrypted code → activation → active', async () => {
  const bodies: Record<string, unknown> = {}
  const seen = serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, CARD),
    'POST /v1/public/cards/mcd_1/add-card-params': () => answer(200, { cardId: 'pFS7Fjg8kV1Id', cardExt: '{"signature":"s"}' }),
    'POST /v1/public/cards/mcd_1/claims': (req) => { bodies.claims = req.data; return answer(201, { ...MEMBER, state: 'claimed', name: null, phone: null, principalFen: 0, bonusFen: 0, balanceFen: 0, activatedAt: null }) },
    'POST /v1/public/cards/mcd_1/activation': (req) => { bodies.activation = req.data; return answer(200, { ...MEMBER, principalFen: 0, bonusFen: 0, balanceFen: 0 }) },
    'GET /v1/public/cards/mcd_1/ledger': () => answer(200, EMPTY),
  })
  const invoke = jest.fn((_api: string, _p: object, cb: (r: unknown) => void) => {
    cb({ err_msg: 'batch_add_card:ok', card_list: JSON.stringify([{ card_id: 'pFS7Fjg8kV1Id', card_ext: '{"signature":"s"}', code: 'ENCRYPTED==', is_succ: true }]) })
  })
  win.WeixinJSBridge = { invoke }
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(screen.getByText('示例咖啡')).toBeTruthy()
  expect(screen.getByText('付款时请出示会员卡')).toBeTruthy()
  expect((document.querySelector('.card-face') as HTMLElement).style.backgroundColor).toBe('rgb(99, 179, 89)')

  await tapButton('card-claim__button')
  expect(invoke).toHaveBeenCalledWith('batchAddCard', { card_list: [{ card_id: 'pFS7Fjg8kV1Id', card_ext: '{"signature":"s"}' }] }, expect.any(Function))
  expect(bodies.claims).toEqual({ encryptCode: 'ENCRYPTED==' })
  expect(screen.getByText('激活会员卡')).toBeTruthy()
  expect(screen.getByText('卡号 812345678901')).toBeTruthy()

  await tapButton('card-activate__button')
  expect(screen.getByText('请填写姓名')).toBeTruthy()
  expect(screen.getByText('请输入 11 位手机号')).toBeTruthy()
  expect(bodies.activation).toBeUndefined()
  type('.card-activate__name', ' 张三 ')
  type('.card-activate__phone', '13800138000')
  await tapButton('card-activate__button')
  expect(bodies.activation).toEqual({ name: '张三', phone: '13800138000' })
  expect(screen.getByText('会员卡余额')).toBeTruthy()
  expect(screen.getByText('会员卡余额充值')).toBeTruthy()
  expect(seen.every((r) => r.credentials === 'include')).toBe(true)
})

test('claim: closing the wallet sheet stays quietly; a failure shows the message', async () => {
  const claims: unknown[] = []
  serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, CARD),
    'POST /v1/public/cards/mcd_1/add-card-params': () => answer(200, { cardId: 'c1', cardExt: '{}' }),
    'POST /v1/public/cards/mcd_1/claims': (req) => { claims.push(req.data); return answer(201, MEMBER) },
  })
  const answers = ['batch_add_card:cancel', 'batch_add_card:fail']
  win.WeixinJSBridge = { invoke: jest.fn((_a: string, _p: object, cb: (r: unknown) => void) => { cb({ err_msg: answers.shift() }) }) }
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  await tapButton('card-claim__button')
  expect(claims).toHaveLength(0)
  expect(document.querySelector('.card-claim .card-error')).toBeNull()
  await tapButton('card-claim__button')
  expect(claims).toHaveLength(0)
  expect(screen.getByText('领取会员卡失败，请稍后重试')).toBeTruthy()
})

test('activation refused by the server: its message', async () => {
  serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, { ...CARD, member: { ...MEMBER, state: 'claimed' } }),
    'POST /v1/public/cards/mcd_1/activation': () => answer(409, { error: { type: 'conflict', code: 'phone_taken', message: '该手机号已是其他会员的手机号' } }),
  })
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  type('.card-activate__name', '李四')
  type('.card-activate__phone', '13900139000')
  await tapButton('card-activate__button')
  expect(screen.getByText('该手机号已是其他会员的手机号')).toBeTruthy()
})

test('active: balance with 本金 and 赠送金; today\'s ledger, the previous day, and seven days', async () => {
  const seen = serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, ACTIVE),
    'GET /v1/public/cards/mcd_1/ledger': (req) => answer(200, query(req.url).date === '2026-11-07' && query(req.url).days === '1' ? LEDGER : EMPTY),
  })
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(document.querySelector('.card-balance__value')?.textContent).toBe('¥100.00')
  expect(document.querySelector('.card-balance__principal .card-balance__part-value')?.textContent).toBe('¥80.00')
  expect(document.querySelector('.card-balance__bonus .card-balance__part-value')?.textContent).toBe('¥20.00')

  const ledger = (): FakeRequest[] => seen.filter((r) => r.url.includes('/ledger'))
  expect(query(ledger()[0]!.url)).toEqual({ date: '2026-11-07', days: '1' })
  expect(document.querySelector('.card-ledger__range')?.textContent).toBe('今天')
  const rows = [...document.querySelectorAll('.card-ledger__entry')].map((e) => e.textContent)
  expect(rows).toEqual(['余额付款-12.34科技园店 · 09:30', '充值+100.00线上门店 · 08:05'])
  expect(document.querySelector('.card-ledger__next--off')).toBeTruthy()

  await tap(document.querySelector('.card-ledger__prev'))
  expect(query(ledger()[1]!.url)).toEqual({ date: '2026-11-06', days: '1' })
  expect(document.querySelector('.card-ledger__range')?.textContent).toBe('昨天')
  expect(screen.getByText('当天没有流水')).toBeTruthy()
  await tap(document.querySelector('.card-ledger__next'))
  expect(query(ledger()[2]!.url)).toEqual({ date: '2026-11-07', days: '1' })

  await tap(screen.getByText('近 7 天'))
  expect(query(ledger()[3]!.url)).toEqual({ date: '2026-11-01', days: '7' })
  expect(document.querySelector('.card-ledger__range')?.textContent).toBe('11-01 至 今天')
})

test('fixed-tier recharge at a store: POST with the store code and an Idempotency-Key, the cashier, polling to credited, balance and ledger refreshed', async () => {
  const bodies: unknown[] = []
  const keys: string[] = []
  const polls: RechargeDto['status'][] = ['pending', 'credited']
  const credited: MemberDto = { ...MEMBER, principalFen: 18000, bonusFen: 4000, balanceFen: 22000 }
  const seen = serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, { ...ACTIVE, store: { code: 'k7m2p9x4q3wa', name: '科技园店' } }),
    'GET /v1/public/cards/mcd_1/ledger': () => answer(200, LEDGER),
    'POST /v1/public/cards/mcd_1/recharges': (req) => {
      bodies.push(req.data)
      keys.push(req.header['Idempotency-Key'] ?? '')
      return answer(201, { orderId: 'ord_9', amountFen: 10000, bonusFen: 2000, status: 'pending', bridge: BRIDGE, member: MEMBER })
    },
    'GET /v1/public/cards/mcd_1/recharges/ord_9': () => {
      const status = polls.shift() ?? 'credited'
      return answer(200, { orderId: 'ord_9', amountFen: 10000, bonusFen: 2000, status, member: status === 'credited' ? credited : MEMBER })
    },
  })
  const invoke = jest.fn((_api: string, _p: object, cb: (r: unknown) => void) => { cb({ err_msg: 'get_brand_wcpay_request:ok' }) })
  win.WeixinJSBridge = { invoke }
  render(<CardScreen cardId='mcd_1' code='k7m2p9x4q3wa' recharge={false} />)
  await settle()
  expect(query(seen[0]!.url)).toEqual({ code: 'k7m2p9x4q3wa' })
  expect(screen.getByText('在 科技园店 门店充值')).toBeTruthy()
  const tiers = [...document.querySelectorAll('.card-tier')]
  expect(tiers.map((t) => t.querySelector('.card-tier__label')?.textContent)).toEqual(['充 100 元 送 20 元', '充 1000 元 送 200 元'])
  // 1000 + 200 on a balance of 100 is over the 1000 cap.
  expect(tiers[1]!.className).toContain('card-tier--over')
  await tap(tiers[1]!)
  expect(screen.getByText('充值后余额将超过会员卡上限 1000 元（最多还能到账 900 元）')).toBeTruthy()
  await tapButton('card-recharge__button')
  expect(bodies).toHaveLength(0)

  await tap(tiers[0]!)
  expect(screen.getByText('立即充值 ¥100.00')).toBeTruthy()
  await tapButton('card-recharge__button')
  expect(bodies).toEqual([{ amountFen: 10000, code: 'k7m2p9x4q3wa' }])
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
  expect(invoke).toHaveBeenCalledWith('getBrandWCPayRequest', { appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx9', signType: 'RSA', paySign: 's' }, expect.any(Function))
  await waitFor(() => { expect(screen.getByText('充值成功，到账 120 元（含赠送 20 元）')).toBeTruthy() }, { timeout: 3000 })
  expect(seen.filter((r) => r.url.endsWith('/recharges/ord_9'))).toHaveLength(2)
  expect(document.querySelector('.card-balance__value')?.textContent).toBe('¥220.00')
  expect(document.querySelector('.card-face__balance-value')?.textContent).toBe('¥220.00')
  await settle()
  expect(seen.filter((r) => r.url.includes('/ledger'))).toHaveLength(2)
})

test('any-amount recharge: yuan typed to fen, the limits, the cap refused by the server in its words; a cancelled cashier stays', async () => {
  const bodies: unknown[] = []
  const answers = [
    answer(409, { error: { type: 'conflict', code: 'balance_cap_exceeded', message: '充值金额和当前余额相加超过了会员卡余额上限，无法充值', param: 'amountFen' } }),
    answer(201, { orderId: 'ord_8', amountFen: 1234, bonusFen: 0, status: 'pending', bridge: BRIDGE, member: MEMBER }),
  ]
  serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, { ...ACTIVE, rechargeMode: 'any', tiers: [], maxRechargeFen: 100000 }),
    'GET /v1/public/cards/mcd_1/ledger': () => answer(200, EMPTY),
    'POST /v1/public/cards/mcd_1/recharges': (req) => { bodies.push(req.data); return answers.shift() },
  })
  win.WeixinJSBridge = { invoke: jest.fn((_a: string, _p: object, cb: (r: unknown) => void) => { cb({ err_msg: 'get_brand_wcpay_request:cancel' }) }) }
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  expect(document.querySelector('.card-tier')).toBeNull()
  type('.card-recharge__input', '1000.01')
  expect(screen.getByText('单次充值最多 1000 元')).toBeTruthy()
  type('.card-recharge__input', '950')
  expect(screen.getByText('充值后余额将超过会员卡上限 1000 元（最多还能到账 900 元）')).toBeTruthy()
  type('.card-recharge__input', '12.34')
  await tapButton('card-recharge__button')
  expect(bodies).toEqual([{ amountFen: 1234 }])
  expect(screen.getByText('充值金额和当前余额相加超过了会员卡余额上限，无法充值')).toBeTruthy()
  await tapButton('card-recharge__button')
  expect(bodies).toHaveLength(2)
  expect(screen.getByText('已取消充值')).toBeTruthy()
})

test('recharge: an order WeChat Pay failed credits nothing and says so; a lost payer cookie runs OAuth again', async () => {
  let n = 0
  serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, ACTIVE),
    'GET /v1/public/cards/mcd_1/ledger': () => answer(200, EMPTY),
    'POST /v1/public/cards/mcd_1/recharges': () => (++n === 1
      ? answer(201, { orderId: 'ord_7', amountFen: 10000, bonusFen: 2000, status: 'pending', bridge: BRIDGE, member: MEMBER })
      : answer(401, { error: { type: 'authentication', code: 'payer_unknown', message: 'payer unknown' } })),
    'GET /v1/public/cards/mcd_1/recharges/ord_7': () => answer(200, { orderId: 'ord_7', amountFen: 10000, bonusFen: 2000, status: 'failed', member: MEMBER }),
  })
  win.WeixinJSBridge = { invoke: jest.fn((_a: string, _p: object, cb: (r: unknown) => void) => { cb({ err_msg: 'get_brand_wcpay_request:ok' }) }) }
  render(<CardScreen cardId='mcd_1' code={undefined} recharge={false} />)
  await settle()
  await tap(document.querySelector('.card-tier'))
  await tapButton('card-recharge__button')
  expect(screen.getByText('充值未成功，未扣款。您可以重新充值。')).toBeTruthy()
  expect(document.querySelector('.card-balance__value')?.textContent).toBe('¥100.00')
  await tapButton('card-recharge__button')
  expect(browser.replace).toHaveBeenCalledWith('/card/mcd_1')
})

test('recharge=1 scrolls to the recharge section', async () => {
  const scroll = jest.fn()
  Element.prototype.scrollIntoView = scroll
  serve({
    'GET /v1/public/cards/mcd_1': () => answer(200, ACTIVE),
    'GET /v1/public/cards/mcd_1/ledger': () => answer(200, EMPTY),
  })
  render(<CardScreen cardId='mcd_1' code={undefined} recharge />)
  await settle()
  expect(scroll).toHaveBeenCalled()
  expect(scroll.mock.contexts[0]).toBe(document.getElementById('card-recharge'))
  delete (Element.prototype as Partial<Element>).scrollIntoView
})

test('no card in the link', () => {
  render(<CardScreen cardId={undefined} code={undefined} recharge={false} />)
  expect(screen.getByText('会员卡链接无效')).toBeTruthy()
})
