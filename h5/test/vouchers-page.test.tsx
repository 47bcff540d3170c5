import { act, fireEvent, render, screen } from '@testing-library/react'
import type { MerchantVoucherPageDto, VoucherOfferDto } from '@yima/shared'
import { browser } from '../src/lib/browser'
import { CLAIMED_TEXT } from '../src/lib/voucher-view'
import { VoucherScreen } from '../src/pages/vouchers/index'
import { answer, serveRoutes } from './helpers/pay-fetch'

// The merchant's voucher page (C3, 商户二维码).

const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }
const realBrowser = { ...browser }
const CODE = 'v7m2p9x4q3wa'
const PAGE_PATH = `/v1/public/voucher-pages/${CODE}`
const CLAIMS_PATH = '/v1/public/vouchers/claims'

const OFFER: VoucherOfferDto = {
  batchId: 'vbt_1',
  name: '示例咖啡满 10 减 1',
  amountFen: 100,
  thresholdFen: 1000,
  availableTo: '2026-11-30T15:59:59Z',
  role: 'page',
  claimed: 1,
  maxPerUser: 3,
}
const PAGE: MerchantVoucherPageDto = {
  merchant: { name: '示例咖啡有限公司', shortName: '示例咖啡', logoUrl: 'https://img.example.com/logo.png' },
  offers: [OFFER, { ...OFFER, batchId: 'vbt_2', name: '示例咖啡满 100 减 20', amountFen: 2000, thresholdFen: 10000, claimed: 2, maxPerUser: 2 }],
  platform: 'wechat',
  payerKnown: true,
  authUrl: `/v/${CODE}`,
}

const cards = (): Element[] => Array.from(document.querySelectorAll('.voucher'))
const tap = async (el: Element | null | undefined): Promise<void> => {
  if (el === null || el === undefined) throw new Error('nothing to tap')
  await act(async () => { fireEvent.click(el) })
  await settle()
}

beforeEach(() => {
  browser.replace = jest.fn()
  browser.assign = jest.fn()
  sessionStorage.clear()
})
afterEach(() => { Object.assign(browser, realBrowser) })

test('unknown payer in WeChat → OAuth (location.replace authUrl), once; still unknown on return stops', async () => {
  serveRoutes({ [`GET ${PAGE_PATH}`]: () => answer(200, { ...PAGE, payerKnown: false }) })
  const first = render(<VoucherScreen code={CODE} />)
  await settle()
  expect(browser.replace).toHaveBeenCalledWith(`/v/${CODE}`)
  expect(screen.getByText('正在获取身份…')).toBeTruthy()
  first.unmount()

  render(<VoucherScreen code={CODE} />)
  await settle()
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(screen.getByText('无法获取您的身份')).toBeTruthy()
  expect(document.querySelector('.voucher__button')).toBeNull()
})

test.each(['alipay', 'other'] as const)('%s: 请在微信中打开领取代金券, the vouchers without 领取, no OAuth', async (platform) => {
  const seen = serveRoutes({ [`GET ${PAGE_PATH}`]: () => answer(200, { ...PAGE, platform, payerKnown: false }) })
  render(<VoucherScreen code={CODE} />)
  await settle()
  expect(screen.getByText('请在微信中打开领取代金券')).toBeTruthy()
  expect(screen.getByText('示例咖啡')).toBeTruthy()
  expect(cards()).toHaveLength(2)
  expect(document.querySelector('.voucher__button')).toBeNull()
  expect(browser.replace).not.toHaveBeenCalled()
  expect(seen).toHaveLength(1)
})

test('a known WeChat payer: merchant, vouchers, 领取 posts {batchId} with a key → 已领取; a full one is 已领取', async () => {
  const seen = serveRoutes({
    [`GET ${PAGE_PATH}`]: () => answer(200, PAGE),
    [`POST ${CLAIMS_PATH}`]: () => answer(201, { batchId: 'vbt_1', couponId: 'cpn_wx_1', name: OFFER.name, amountFen: 100, thresholdFen: 1000, availableTo: OFFER.availableTo }),
  })
  render(<VoucherScreen code={CODE} />)
  await settle()
  expect(screen.getByText('示例咖啡')).toBeTruthy()
  expect(screen.getByText('示例咖啡有限公司')).toBeTruthy()
  expect(document.querySelector('.voucher-head__logo')?.getAttribute('src')).toBe('https://img.example.com/logo.png')
  expect(screen.getByText('本店代金券')).toBeTruthy()
  const [first, second] = cards()
  expect(first?.querySelector('.voucher__amount')?.textContent).toBe('¥1')
  expect(first?.querySelector('.voucher__threshold')?.textContent).toBe('满 10 元可用')
  expect(first?.querySelector('.voucher__role')).toBeNull()
  expect(second?.querySelector('.voucher__button')?.textContent).toBe('已领取')

  await tap(second?.querySelector('.voucher__button'))
  await tap(first?.querySelector('.voucher__button'))
  const claims = seen.filter((r) => r.method === 'POST')
  expect(claims).toHaveLength(1)
  expect(claims[0]?.url).toBe(CLAIMS_PATH)
  expect(claims[0]?.data).toEqual({ batchId: 'vbt_1' })
  expect(claims[0]?.header['Idempotency-Key']).toBeTruthy()
  expect(claims[0]?.credentials).toBe('include')
  expect(first?.querySelector('.voucher__message')?.textContent).toBe(CLAIMED_TEXT)
  expect(first?.querySelector('.voucher__button')?.textContent).toBe('已领取')
})

test('a claim refused with voucher_limit_reached shows the server message and closes the card', async () => {
  serveRoutes({
    [`GET ${PAGE_PATH}`]: () => answer(200, PAGE),
    [`POST ${CLAIMS_PATH}`]: () => answer(409, { error: { type: 'conflict', code: 'voucher_limit_reached', message: '您已领取 3 张，已达到每人可领上限' } }),
  })
  render(<VoucherScreen code={CODE} />)
  await settle()
  await tap(cards()[0]?.querySelector('.voucher__button'))
  expect(screen.getByText('您已领取 3 张，已达到每人可领上限')).toBeTruthy()
  expect(cards()[0]?.querySelector('.voucher__button')?.textContent).toBe('已领取')
})

test('the payer cookie gone on a claim → OAuth again; a second time within a minute says so instead', async () => {
  serveRoutes({
    [`GET ${PAGE_PATH}`]: () => answer(200, PAGE),
    [`POST ${CLAIMS_PATH}`]: () => answer(401, { error: { type: 'authentication', code: 'payer_unknown', message: '请重新扫码' } }),
  })
  const first = render(<VoucherScreen code={CODE} />)
  await settle()
  await tap(cards()[0]?.querySelector('.voucher__button'))
  expect(browser.replace).toHaveBeenCalledWith(`/v/${CODE}`)
  first.unmount()

  render(<VoucherScreen code={CODE} />)
  await settle()
  await tap(cards()[0]?.querySelector('.voucher__button'))
  expect(browser.replace).toHaveBeenCalledTimes(1)
  expect(cards()[0]?.querySelector('.voucher__message')?.textContent).toContain('无法获取您的身份')
  expect(cards()[0]?.querySelector('.voucher__button')?.textContent).toBe('领取')
})

test('no offers: 暂无可领取的代金券', async () => {
  serveRoutes({ [`GET ${PAGE_PATH}`]: () => answer(200, { ...PAGE, offers: [] }) })
  render(<VoucherScreen code={CODE} />)
  await settle()
  expect(screen.getByText('示例咖啡')).toBeTruthy()
  expect(screen.getByText('暂无可领取的代金券')).toBeTruthy()
})

test('a failed load says why and offers 重新加载; an unknown code or none in the link says so', async () => {
  const pages = [answer(500, { error: { type: 'internal', code: 'internal_error', message: 'boom' } }), answer(200, PAGE)]
  serveRoutes({ [`GET ${PAGE_PATH}`]: () => pages.shift()! })
  const first = render(<VoucherScreen code={CODE} />)
  await settle()
  expect(screen.getByText('页面加载失败')).toBeTruthy()
  expect(screen.getByText('系统繁忙，请稍后再试')).toBeTruthy()
  await tap(document.querySelector('.voucher-message__retry'))
  expect(cards()).toHaveLength(2)
  first.unmount()

  serveRoutes({ [`GET ${PAGE_PATH}`]: () => answer(404, { error: { type: 'not_found', code: 'merchant_not_found', message: '子商户不存在', param: 'code' } }) })
  const second = render(<VoucherScreen code={CODE} />)
  await settle()
  expect(screen.getByText('二维码无效')).toBeTruthy()
  expect(document.querySelector('.voucher-message__retry')).toBeNull()
  second.unmount()

  render(<VoucherScreen code={undefined} />)
  expect(screen.getByText('链接无效')).toBeTruthy()
})
