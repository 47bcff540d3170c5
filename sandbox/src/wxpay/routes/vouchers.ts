import type Router from '@koa/router'
import { rfc3339China } from '../../core/ids'
import { invalidRequest, paramError, resourceNotExists, WxError } from '../errors'
import { v3Route } from '../http'
import type { V3Caller } from '../merchants'
import { CallbackBody, CouponQuery, CouponsQuery, parseWire, SendCouponBody, StockBody, StockCreatorBody, StockQuery } from '../schemas'
import type { WxpayState } from '../state'
import { requireStock, toCouponWire, toStockWire, type Coupon } from '../vouchers'

const PREFIX = '/v3/marketing/favor'

const noAuth = (): WxError => new WxError(403, 'NO_AUTH', '无权限操作该商户号的代金券批次')

/**
 * 代金券: create a batch, start it, send coupons to users, read them back, and the COUPON.USE
 * callback. Callers are service providers (acting for themselves and their sub-merchants) or a
 * merchant with its own API certificate (acting only for its own mchid); see `V3Caller`.
 */
export function voucherRoutes (wx: WxpayState, router: Router): void {
  const owns = (caller: V3Caller, mchid: string): boolean => wx.merchants.callerOwns(caller, mchid)
  /** Coupons a caller may read: of batches it created, or whose creator it acts for. */
  const readable = (caller: V3Caller, c: Coupon): boolean => c.stock.spMchId === caller.mchId || owns(caller, c.stock.creatorMchId)
  const merchants = { merchants: true }

  v3Route(wx, router, 'POST', `${PREFIX}/coupon-stocks`, ({ caller, body }) => {
    const b = parseWire(StockBody, body)
    if (!owns(caller, b.belong_merchant)) throw noAuth()
    const { coupon_amount: amount, transaction_minimum: minimum } = b.coupon_use_rule.fixed_normal_coupon
    const rule = b.stock_use_rule
    if (rule.max_amount !== rule.max_coupons * amount) throw paramError('max_amount须等于coupon_amount与max_coupons的乘积', { location: 'body', field: 'stock_use_rule/max_amount' })
    if (minimum <= amount) throw paramError('使用门槛transaction_minimum须大于面额coupon_amount', { location: 'body', field: 'coupon_use_rule/fixed_normal_coupon' })
    const begin = new Date(b.available_begin_time)
    const end = new Date(b.available_end_time)
    if (end <= begin) throw paramError('available_end_time须晚于available_begin_time', { location: 'body', field: 'available_end_time' })
    const now = wx.world.clock.now()
    const stock = wx.vouchers.addStock({
      creatorMchId: b.belong_merchant,
      spMchId: caller.mchId,
      name: b.stock_name,
      ...(b.comment === undefined ? {} : { comment: b.comment }),
      createdAt: now,
      availableBegin: begin,
      availableEnd: end,
      maxCoupons: rule.max_coupons,
      maxAmount: rule.max_amount,
      maxCouponsPerUser: rule.max_coupons_per_user,
      couponAmount: amount,
      transactionMinimum: minimum,
      goodsTags: b.coupon_use_rule.goods_tag ?? [],
      availableMerchants: b.coupon_use_rule.available_merchants ?? [],
      noCash: b.no_cash,
      outRequestNo: b.out_request_no,
    })
    return { status: 200, body: { stock_id: stock.stockId, create_time: rfc3339China(stock.createdAt) } }
  }, merchants)

  v3Route(wx, router, 'POST', `${PREFIX}/stocks/:stock_id/start`, ({ caller, body, params }) => {
    const b = parseWire(StockCreatorBody, body)
    if (!owns(caller, b.stock_creator_mchid)) throw noAuth()
    const stock = requireStock(wx.vouchers, params.stock_id ?? '', b.stock_creator_mchid)
    if (stock.status === 'unactivated') {
      stock.status = 'running'
      stock.startedAt = wx.world.clock.now()
    } else if (stock.status !== 'running') {
      throw invalidRequest('批次已暂停或停止，不能激活')
    }
    return { status: 200, body: { start_time: rfc3339China(stock.startedAt ?? stock.createdAt), stock_id: stock.stockId } }
  }, merchants)

  v3Route(wx, router, 'GET', `${PREFIX}/stocks/:stock_id`, ({ caller, query, params }) => {
    const q = parseWire(StockQuery, query, 'query')
    if (!owns(caller, q.stock_creator_mchid)) throw noAuth()
    return { status: 200, body: toStockWire(requireStock(wx.vouchers, params.stock_id ?? '', q.stock_creator_mchid)) }
  }, merchants)

  v3Route(wx, router, 'POST', `${PREFIX}/users/:openid/coupons`, ({ caller, body, params }) => {
    const b = parseWire(SendCouponBody, body)
    if (!wx.merchants.appIdsOf(caller).includes(b.appid)) throw new WxError(400, 'APPID_MCHID_NOT_MATCH', 'appid与请求方商户号无关联关系')
    const stock = requireStock(wx.vouchers, b.stock_id, b.stock_creator_mchid)
    if (!owns(caller, stock.creatorMchId)) throw noAuth()
    const coupon = wx.vouchers.send(stock, { openid: params.openid ?? '', appid: b.appid, outRequestNo: b.out_request_no, now: wx.world.clock.now() })
    return { status: 200, body: { coupon_id: coupon.couponId } }
  }, merchants)

  v3Route(wx, router, 'GET', `${PREFIX}/users/:openid/coupons`, ({ caller, query, params }) => {
    const q = parseWire(CouponsQuery, query, 'query')
    const now = wx.world.clock.now()
    const matching = wx.vouchers.coupons().filter((c) =>
      c.openid === params.openid && c.appid === q.appid && readable(caller, c) &&
      (q.stock_id === undefined || c.stock.stockId === q.stock_id) &&
      (q.creator_mchid === undefined || c.stock.creatorMchId === q.creator_mchid) &&
      (q.status === undefined || wx.vouchers.status(c, now) === q.status))
    const page = matching.slice(q.offset, q.offset + q.limit)
    return {
      status: 200,
      body: { data: page.map((c) => toCouponWire(c, wx.vouchers.status(c, now))), total_count: matching.length, limit: q.limit, offset: q.offset },
    }
  }, merchants)

  v3Route(wx, router, 'GET', `${PREFIX}/users/:openid/coupons/:coupon_id`, ({ caller, query, params }) => {
    const q = parseWire(CouponQuery, query, 'query')
    const c = wx.vouchers.coupon(params.coupon_id ?? '')
    if (c === undefined || c.openid !== params.openid || c.appid !== q.appid || !readable(caller, c)) throw resourceNotExists('代金券不存在')
    return { status: 200, body: toCouponWire(c, wx.vouchers.status(c, wx.world.clock.now())) }
  }, merchants)

  v3Route(wx, router, 'POST', `${PREFIX}/callbacks`, ({ caller, body }) => {
    const b = parseWire(CallbackBody, body)
    if (!owns(caller, b.mchid)) throw noAuth()
    if (b.switch === false) wx.vouchers.callbacks.delete(b.mchid)
    else wx.vouchers.callbacks.set(b.mchid, { url: b.notify_url, apiV3Key: caller.apiV3Key })
    return { status: 200, body: { update_time: rfc3339China(wx.world.clock.now()), notify_url: b.notify_url } }
  }, merchants)
}
