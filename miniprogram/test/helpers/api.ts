import Taro from '@tarojs/taro'
import type { MemberDto, OrderDto, StoreDTO } from '@yima/shared'

/**
 * Test doubles for the Taro APIs the pages talk through: Taro.request (the server) and the
 * router's params; and the store and order bodies several pages' tests answer with. Taro itself
 * is the jest mock of shared/taro/mocks/taro.js. Not a test file: jest runs only *.test.*.
 */

/** What the app handed to Taro.request. */
export interface Sent { method: string, url: string, header: Record<string, string>, data?: unknown }
/** What Taro.request resolves with. */
export interface Reply { statusCode: number, data: unknown }
/** One route's answer: a reply, an Error to reject with (the request failed), or either made from the request. */
export type Route = Reply | Error | ((req: Sent) => Reply | Error)
/** Routes by "METHOD url", the url exactly as sent (query included). */
export type Routes = Record<string, Route>

const request = Taro.request as unknown as jest.Mock

/** The server's answer to a path it has no route for. */
export const routeNotFound = (): Reply => ({ statusCode: 404, data: { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } } })

/** A one-page list reply, as the API sends lists. */
export const listReply = (data: unknown[], statusCode = 200): Reply => ({ statusCode, data: { object: 'list', data, hasMore: false } })

/**
 * Resets Taro.request and answers it from now on: by `answer(req)`, or by the route of the
 * request's "METHOD url" (404 route_not_found where there is none). Routes are looked up at each
 * request, so a test may add or change them afterwards. Returns every request sent, in order.
 */
export function mockApi (answer: Routes | ((req: Sent) => Route)): Sent[] {
  const sent: Sent[] = []
  request.mockReset()
  request.mockImplementation(async (req: Sent) => {
    sent.push(req)
    const route = typeof answer === 'function' ? answer(req) : answer[`${req.method} ${req.url}`] ?? routeNotFound()
    const reply = typeof route === 'function' ? route(req) : route
    if (reply instanceof Error) throw reply
    return reply
  })
  return sent
}

/** The page's query, where the app reads it (`Taro.getCurrentInstance().router.params`; the path is not read). */
export function withParams (params: Record<string, string>): void {
  jest.spyOn(Taro, 'getCurrentInstance').mockReturnValue({ router: { params, path: '/pages/test/index' }, page: {} } as never)
}

/** A store as the API sends it; tests override what they are about. */
export const storeDto = (over: Partial<StoreDTO> = {}): StoreDTO => ({
  id: 'sto_1',
  merchantId: 'mch_1',
  outShopId: 'SHOP0000000000000001',
  name: '科技园店',
  branchName: null,
  address: '深圳市南山区科技园',
  phone: null,
  status: 'open',
  paymentTypes: ['wechat_pay', 'alipay'],
  currency: 'CNY',
  goodsTag: null,
  wechatSubMchId: null,
  alipayUserId: null,
  maidanStoreId: null,
  memberCardEnabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
})

/** A paid one-code order of store sto_1 as the API sends it; tests override what they are about. */
export const orderDto = (over: Partial<OrderDto> = {}): OrderDto => ({
  id: 'ord_1',
  outTradeNo: 'pay_ord_1',
  merchantId: 'mch_1',
  storeId: 'sto_1',
  staffId: null,
  deviceId: null,
  qrCodeId: 'qr_1',
  payPlatform: 'wechat_pay',
  method: 'wechat_jsapi',
  sourceType: 'one_code',
  tradeType: 'jsapi',
  status: 'succeeded',
  amountFen: 100,
  discountFen: 0,
  refundedFen: 0,
  quantity: null,
  description: '门店收款',
  remark: null,
  goodsTag: null,
  channelTxnId: null,
  failureCode: null,
  failureMessage: null,
  paidAt: '2026-01-05T01:30:00.000Z',
  closedAt: null,
  createdAt: '2026-01-05T01:29:00.000Z',
  ...over,
})

/** An active member of card mcd_1 (¥100 principal, ¥20 bonus) as the API sends it; tests override what they are about. */
export const memberDto = (over: Partial<MemberDto> = {}): MemberDto => ({
  id: 'mbr_1',
  cardId: 'mcd_1',
  state: 'active',
  name: '张三',
  phone: '13800138000',
  code: '123456789012',
  principalFen: 10000,
  bonusFen: 2000,
  balanceFen: 12000,
  createdAt: '2026-01-01T02:00:00.000Z',
  activatedAt: '2026-01-01T02:01:00.000Z',
  ...over,
})
