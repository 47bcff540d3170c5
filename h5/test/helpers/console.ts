import Taro from '@tarojs/taro'
import { act, fireEvent } from '@testing-library/react'
import type { OrderDto } from '@yima/shared'
import { resetConsoleState } from '../../src/lib/console-state'
import { SESSION_STORAGE_KEY } from '../../src/services/session'

/**
 * Test doubles for the console pages' tests: Taro.request (the server, answered by route), the
 * operator's stored session, the router's params, and taps on what the pages render. Taro itself
 * is the jest mock of shared/taro/mocks/taro.js. Not a test file: jest runs only *.test.*.
 */

export const taroRequest = jest.mocked(Taro.request)

/** What Taro.request resolves with. */
export const answer = (statusCode: number, data: unknown) => ({ statusCode, data, header: {}, errMsg: 'request:ok' }) as never

/** A one-page list, as the API sends lists. */
export const list = (data: unknown[]) => ({ object: 'list', data, hasMore: false })

/** The operator (acct_1) as GET /v1/console/me answers; `wechatBound` false is an account still to bind. */
export const me = (wechatBound = true) => answer(200, { id: 'acct_1', login: 'ops', displayName: '运营', isOperator: true, wechatBound })

/** The operator's signed-in session, as the console stores it. */
export const session = { accessToken: 'at1', accessTokenExpiresAt: '2030-01-01T00:00:00Z', refreshToken: 'rt1', account: { id: 'acct_1', login: 'ops', displayName: '运营' } }

/** 2026-11-07 10:00 in China: "now" for the tests of date ranges. */
export const NOW = Date.parse('2026-11-07T10:00:00+08:00')

/** Lets what the page started (requests, state updates) settle. */
export const settle = async (): Promise<void> => { await act(async () => { for (let i = 0; i < 10; i++) await Promise.resolve() }) }

/** What the page handed to Taro.request. */
export interface Sent { method: string, url: string, data?: unknown }
/** Handlers by "METHOD path" (the path without its query). */
export type Routes = Record<string, (req: Sent) => unknown>

/** Every request sent since the last `resetConsole`, in order. */
export const sent: Sent[] = []

/** Answers Taro.request by method + path from now on; unknown calls fail loudly. Every request is recorded in `sent`. */
export function serve (routes: Routes): void {
  taroRequest.mockImplementation((async (req: Sent) => {
    sent.push(req)
    const key = `${req.method} ${req.url.split('?')[0] ?? ''}`
    const handler = routes[key]
    if (handler === undefined) throw new Error(`unexpected ${key}`)
    return handler(req)
  }) as never)
}

/** A URL's query parameters. */
export const paramsOf = (url: string): Record<string, string> => Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''))

/** Stores the operator's session, as after signing in. */
export function signIn (): void {
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session))
}

const taro = Taro as unknown as { useRouter: () => { params: Record<string, string> } }
const realUseRouter = taro.useRouter

/** The page's route params from now on (until the next `resetConsole`). */
export function withParams (params: Record<string, string>): void {
  taro.useRouter = () => ({ params: { ...params } })
}

/**
 * A fresh start for each test: Taro.request reset (no routes, nothing sent), the router's params
 * empty again, storage cleared and (unless `signedIn` is false) the operator signed in, the
 * console's cached state dropped; with `now`, Date.now fixed there (restored by jest.restoreAllMocks).
 */
export function resetConsole ({ signedIn = true, now }: { signedIn?: boolean, now?: number } = {}): void {
  sent.length = 0
  taroRequest.mockReset()
  taro.useRouter = realUseRouter
  localStorage.clear()
  if (signedIn) signIn()
  resetConsoleState()
  if (now !== undefined) jest.spyOn(Date, 'now').mockReturnValue(now)
}

/** Clicks the element and lets what the click started settle. */
export async function tap (el: Element | null | undefined): Promise<void> {
  if (el == null) throw new Error('nothing to tap')
  await act(async () => { fireEvent.click(el) })
  await settle()
}

/** Clicks the vantui Button with this class name (its native button), or else the element itself. */
export async function tapButton (cls: string): Promise<void> {
  const b = document.querySelector(`.${cls} .van-native-button`) ?? document.querySelector(`.${cls}`)
  if (b === null) throw new Error(`no button .${cls}`)
  await tap(b)
}

/** Picks the choice with this label in the form field `field`. */
export async function tapChoice (field: string, label: string): Promise<void> {
  const item = [...document.querySelectorAll(`.field--${field} .choice__item`)].find((e) => e.textContent === label)
  if (item === undefined) throw new Error(`no choice ${label} in ${field}`)
  await tap(item)
}

/** A paid one-code order of mch_1's store sto_1 as the API sends it; tests override what they are about. */
export const orderDto = (over: Partial<OrderDto> = {}): OrderDto => ({
  id: 'ord_1',
  outTradeNo: 'NO1',
  merchantId: 'mch_1',
  storeId: 'sto_1',
  staffId: null,
  deviceId: null,
  qrCodeId: null,
  payPlatform: 'wechat_pay',
  method: 'wechat_jsapi',
  sourceType: 'one_code',
  tradeType: 'jsapi',
  status: 'succeeded',
  amountFen: 1001,
  discountFen: 0,
  refundedFen: 0,
  quantity: null,
  description: '门店收款',
  remark: null,
  goodsTag: null,
  channelTxnId: null,
  failureCode: null,
  paidAt: '2026-11-07T01:00:00.000Z',
  closedAt: null,
  createdAt: '2026-11-07T01:00:00.000Z',
  ...over,
})
