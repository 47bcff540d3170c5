import { fen } from '@yima/shared'
import type { ChannelOutcome } from '../../../src/channels/types'
import { createWechatVoucherApi, VoucherApiError, type VoucherSigner, type WechatVoucherApi } from '../../../src/channels/wechat-pay/vouchers'
import { OPENID, SIGN_MODES, tradeNo, useContract } from './helpers'

// The voucher client (代金券) through the real SDK against the sandbox, signed as the service
// provider and as a merchant with its own API certificate (seed 002), and a payment whose
// notification carries the voucher WeChat applied.
const ctx = useContract()

const ROUTE = {
  stock: 'wxpay:GET /v3/marketing/favor/stocks/:stock_id',
  send: 'wxpay:POST /v3/marketing/favor/users/:openid/coupons',
} as const

/** The wire view `POST /__sim/wxpay/stocks` answers (sandbox/src/wxpay/README.md). */
interface SimStock { stock_id: string, stock_creator_mchid: string, status: string }

interface SimStockInput {
  creator_mchid: string
  name?: string
  coupon_amount?: number
  transaction_minimum?: number
  max_coupons?: number
  max_coupons_per_user?: number
  goods_tag?: string[]
  no_cash?: boolean
  days?: number
  status?: 'unactivated' | 'running' | 'paused' | 'stoped'
}

/** A batch made and activated in the merchant platform: 满20减5 for the store goods_tag unless told otherwise. */
async function stock (o: SimStockInput): Promise<string> {
  const r = await ctx.sim<SimStock>('POST', '/__sim/wxpay/stocks', { name: '咖啡满20减5', coupon_amount: 500, transaction_minimum: 2000, max_coupons: 10, goods_tag: ['MUTEX_STORE'], ...o })
  if (r.status !== 201) throw new Error(`stock: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.stock_id
}

/** A sub-merchant's own API certificate and APIv3 key (seed 002 微信API证书配置), as yima stores them. */
async function ownSigner (subMchId: string, o: { mode?: 'certificate' | 'public_key' } = {}): Promise<VoucherSigner> {
  const r = await ctx.sim<{ mchid: string, serial: string, privateKeyPem: string, apiV3Key: string }>('POST', `/__sim/wxpay/merchants/${subMchId}/api-keys`)
  if (r.status !== 201) throw new Error(`api-keys: ${r.status}`)
  // The merchant verifies WeChat with the same platform keys as the SP: it is the same WeChat Pay.
  return {
    mchId: r.body.mchid,
    certificateSerial: r.body.serial,
    privateKey: r.body.privateKeyPem,
    ...((o.mode ?? ctx.mode) === 'certificate'
      ? { platformCertificate: ctx.cfg.platformCertificatePem }
      : { publicKey: ctx.cfg.platformPublicKeyPem, publicKeyId: ctx.cfg.platformPublicKeyId }),
  }
}

async function rejection (p: Promise<unknown>): Promise<VoucherApiError> {
  try {
    await p
  } catch (err) {
    if (err instanceof VoucherApiError) return err
    throw err
  }
  throw new Error('expected a VoucherApiError')
}

let api: WechatVoucherApi
let impatient: WechatVoucherApi
beforeAll(() => {
  api = createWechatVoucherApi({ baseUrl: ctx.cfg.baseUrl, timeoutMs: 2000 })
  impatient = createWechatVoucherApi({ baseUrl: ctx.cfg.baseUrl, timeoutMs: 250 })
})

const sub = (): string => ctx.cfg.subMchIds[0] ?? ''
const send = (creds: Parameters<WechatVoucherApi['sendCoupon']>[0], stockId: string, creatorMchId: string, o: { openid?: string, appId?: string, outRequestNo?: string } = {}): Promise<{ couponId: string }> =>
  api.sendCoupon(creds, { openid: o.openid ?? OPENID, stockId, creatorMchId, appId: o.appId ?? ctx.cfg.spAppId, outRequestNo: o.outRequestNo ?? tradeNo('V') })

describe.each(SIGN_MODES)('%s mode: the service provider reads batches and sends vouchers', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  it('getStock: the typed view of a running batch', async () => {
    const stockId = await stock({ creator_mchid: sub(), max_coupons_per_user: 2, goods_tag: ['MUTEX_STORE', 'NO_MUTEX_STORE'], no_cash: true, days: 30 })
    const now = ctx.sandbox.world.clock.nowMs()
    const view = await api.getStock(ctx.creds(), { stockId, creatorMchId: sub() })
    expect(view).toEqual({
      stockId,
      creatorMchId: sub(),
      name: '咖啡满20减5',
      status: 'running',
      amountFen: 500,
      thresholdFen: 2000,
      maxCoupons: 10,
      maxPerUser: 2,
      distributed: 0,
      noCash: true,
      goodsTags: ['MUTEX_STORE', 'NO_MUTEX_STORE'],
      availableBegin: expect.any(Date),
      availableEnd: expect.any(Date),
    })
    // WeChat writes whole seconds.
    expect(Math.abs(view.availableBegin.getTime() - now)).toBeLessThan(1000)
    expect(Math.abs(view.availableEnd.getTime() - now - 30 * 86_400_000)).toBeLessThan(1000)
  })

  it('sendCoupon: a coupon id, the same one for a repeated out_request_no; the batch counts it', async () => {
    const stockId = await stock({ creator_mchid: sub(), max_coupons_per_user: 3 })
    const outRequestNo = tradeNo('V')
    const { couponId } = await send(ctx.creds(), stockId, sub(), { outRequestNo })
    expect(couponId).toMatch(/^\d{11}$/)
    expect(await send(ctx.creds(), stockId, sub(), { outRequestNo })).toEqual({ couponId })
    expect((await api.getStock(ctx.creds(), { stockId, creatorMchId: sub() })).distributed).toBe(1)
  })

  it('the per-user limit: RULE_LIMIT, final', async () => {
    const stockId = await stock({ creator_mchid: sub(), max_coupons_per_user: 1 })
    await send(ctx.creds(), stockId, sub())
    expect(await rejection(send(ctx.creds(), stockId, sub()))).toMatchObject({ code: 'RULE_LIMIT', retryable: false, extra: { status: 403 } })
    // Someone else may still have one.
    await expect(send(ctx.creds(), stockId, sub(), { openid: 'oAnotherPayer000000000000001' })).resolves.toEqual({ couponId: expect.any(String) })
  })

  it('an exhausted batch: NOT_ENOUGH, final', async () => {
    const stockId = await stock({ creator_mchid: sub(), max_coupons: 1 })
    await send(ctx.creds(), stockId, sub())
    expect(await rejection(send(ctx.creds(), stockId, sub(), { openid: 'oAnotherPayer000000000000001' }))).toMatchObject({ code: 'NOT_ENOUGH', retryable: false })
  })

  it('a paused batch reads as paused and sends nothing: INVALID_REQUEST, final', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    expect((await ctx.sim('POST', `/__sim/wxpay/stocks/${stockId}`, { status: 'paused' })).status).toBe(200)
    expect((await api.getStock(ctx.creds(), { stockId, creatorMchId: sub() })).status).toBe('paused')
    expect(await rejection(send(ctx.creds(), stockId, sub()))).toMatchObject({ code: 'INVALID_REQUEST', retryable: false, extra: { status: 400 } })
  })

  it('an unknown batch, or one of another creator: RESOURCE_NOT_EXISTS', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    expect(await rejection(api.getStock(ctx.creds(), { stockId: '99999999', creatorMchId: sub() }))).toMatchObject({ code: 'RESOURCE_NOT_EXISTS', retryable: false, extra: { status: 404 } })
    expect(await rejection(api.getStock(ctx.creds(), { stockId, creatorMchId: ctx.cfg.subMchIds[1] ?? '' }))).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
    expect(await rejection(send(ctx.creds(), '99999999', sub()))).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
  })

  it('an appid not linked to the signer: APPID_MCHID_NOT_MATCH, final', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    expect(await rejection(send(ctx.creds(), stockId, sub(), { appId: 'wx0000000000000000' }))).toMatchObject({ code: 'APPID_MCHID_NOT_MATCH', retryable: false, extra: { status: 400 } })
  })

  it('a batch of another service provider\'s merchant: NO_AUTH', async () => {
    const other = await ctx.sim<{ subMchIds: string[] }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    const foreign = other.body.subMchIds[0] ?? ''
    const stockId = await stock({ creator_mchid: foreign })
    expect(await rejection(api.getStock(ctx.creds(), { stockId, creatorMchId: foreign }))).toMatchObject({ code: 'NO_AUTH', retryable: false, extra: { status: 403 } })
    expect(await rejection(send(ctx.creds(), stockId, foreign))).toMatchObject({ code: 'NO_AUTH' })
  })
})

describe.each(SIGN_MODES)('%s mode: a merchant signing with its own API certificate', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  it('reads and sends its own batches, with the SP\'s official-account appid', async () => {
    const own = await ownSigner(sub())
    const stockId = await stock({ creator_mchid: sub(), no_cash: true })
    expect(await api.getStock(own, { stockId, creatorMchId: sub() })).toMatchObject({ stockId, creatorMchId: sub(), noCash: true, status: 'running' })
    const { couponId } = await send(own, stockId, sub())
    expect((await ctx.sim<Array<{ stock_id: string, coupons: Array<{ coupon_id: string, openid: string, appid: string }> }>>('GET', '/__sim/wxpay/stocks')).body)
      .toEqual([expect.objectContaining({ stock_id: stockId, coupons: [expect.objectContaining({ coupon_id: couponId, openid: OPENID, appid: ctx.cfg.spAppId })] })])
  })

  it('NO_AUTH for another merchant\'s batch or the SP\'s, even under its own service provider', async () => {
    const own = await ownSigner(sub())
    const neighbour = ctx.cfg.subMchIds[1] ?? ''
    const theirs = await stock({ creator_mchid: neighbour })
    const sps = await stock({ creator_mchid: ctx.cfg.spMchId })
    expect(await rejection(api.getStock(own, { stockId: theirs, creatorMchId: neighbour }))).toMatchObject({ code: 'NO_AUTH', retryable: false, extra: { status: 403 } })
    expect(await rejection(send(own, theirs, neighbour))).toMatchObject({ code: 'NO_AUTH' })
    expect(await rejection(send(own, sps, ctx.cfg.spMchId))).toMatchObject({ code: 'NO_AUTH' })
    // The SP may: the creator is its sub-merchant.
    await expect(send(ctx.creds(), theirs, neighbour)).resolves.toEqual({ couponId: expect.any(String) })
  })

  it('its own mini program\'s appid is linked to it, a neighbour\'s is not', async () => {
    const mine = await ctx.sim<{ sub_mchid: string }>('POST', '/__sim/wxpay/merchants', { name: '有小程序的商户', sub_appid: 'wx1111111111111111' })
    await ctx.sim('POST', '/__sim/wxpay/merchants', { name: '邻居', sub_appid: 'wx2222222222222222' })
    const own = await ownSigner(mine.body.sub_mchid)
    const stockId = await stock({ creator_mchid: mine.body.sub_mchid, max_coupons_per_user: 2 })
    await expect(send(own, stockId, mine.body.sub_mchid, { appId: 'wx1111111111111111', openid: 'oMiniProgramUser000000000001' })).resolves.toEqual({ couponId: expect.any(String) })
    expect(await rejection(send(own, stockId, mine.body.sub_mchid, { appId: 'wx2222222222222222' }))).toMatchObject({ code: 'APPID_MCHID_NOT_MATCH' })
  })

  it('a replaced certificate no longer signs: SIGN_ERROR, final', async () => {
    const before = await ownSigner(sub())
    await ownSigner(sub())
    const stockId = await stock({ creator_mchid: sub() })
    expect(await rejection(api.getStock(before, { stockId, creatorMchId: sub() }))).toMatchObject({ code: 'SIGN_ERROR', retryable: false, extra: { status: 401 } })
  })
})

describe('transport failures are retryable, and the retry is idempotent', () => {
  it('5xx on send: UNAVAILABLE; the same out_request_no then sends exactly one voucher', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    const outRequestNo = tradeNo('V')
    await ctx.fault(ROUTE.send, '5xx')
    expect(await rejection(send(ctx.creds(), stockId, sub(), { outRequestNo }))).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
    const { couponId } = await send(ctx.creds(), stockId, sub(), { outRequestNo })
    expect(await send(ctx.creds(), stockId, sub(), { outRequestNo })).toEqual({ couponId })
  })

  it('no answer before the deadline: UNAVAILABLE', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    await ctx.fault(ROUTE.send, 'TIMEOUT')
    const p = impatient.sendCoupon(ctx.creds(), { openid: OPENID, stockId, creatorMchId: sub(), appId: ctx.cfg.spAppId, outRequestNo: tradeNo('V') })
    expect(await rejection(p)).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })

  it('a caller\'s abort ends the call: UNAVAILABLE', async () => {
    const stockId = await stock({ creator_mchid: sub() })
    await ctx.fault(ROUTE.stock, 'TIMEOUT')
    const abort = new AbortController()
    const p = api.getStock(ctx.creds(), { stockId, creatorMchId: sub() }, abort.signal)
    setTimeout(() => { abort.abort() }, 50)
    expect(await rejection(p)).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })

  it.each(['SIGN_BAD', 'SERIAL_UNKNOWN', 'STALE_TIMESTAMP'])('%s on the answer: UNAVAILABLE, never a stock view', async (fault) => {
    const stockId = await stock({ creator_mchid: sub() })
    await ctx.fault(ROUTE.stock, fault)
    expect(await rejection(api.getStock(ctx.creds(), { stockId, creatorMchId: sub() }))).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })

  it('a signed refusal that does not verify is UNAVAILABLE, not a final NO_AUTH', async () => {
    const other = await ctx.sim<{ subMchIds: string[] }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    const foreign = other.body.subMchIds[0] ?? ''
    const stockId = await stock({ creator_mchid: foreign })
    await ctx.fault(ROUTE.stock, 'SIGN_BAD')
    expect(await rejection(api.getStock(ctx.creds(), { stockId, creatorMchId: foreign }))).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })
})

describe.each(SIGN_MODES)('%s mode: a payment WeChat discounts with a voucher', (mode) => {
  beforeEach(async () => { await ctx.signWith(mode) })

  const succeeded = (o: ChannelOutcome): Extract<ChannelOutcome, { kind: 'succeeded' }> => {
    if (o.kind !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(o)}`)
    return o
  }

  it('JSAPI with the store goods_tag: the notification and the query carry the 免充值 voucher; amountFen stays the total', async () => {
    const own = await ownSigner(sub())
    const stockId = await stock({ creator_mchid: sub(), no_cash: true })
    const { couponId } = await send(own, stockId, sub())
    const input = ctx.payment('wechat_jsapi', { amountFen: fen(2800), goodsTag: 'MUTEX_STORE' })
    await ctx.adapter.createPayment(input, ctx.creds())
    expect((await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: input.outTradeNo })).status).toBe(200)
    await ctx.idle()

    const n = await ctx.parse()
    if (n.type !== 'payment') throw new Error('payment notification expected')
    const paid = succeeded(n.outcome)
    expect(paid.amountFen).toBe(2800)
    expect(paid.discounts).toEqual([{ couponId, stockId, amountFen: 500, noCash: true }])
    expect(paid.raw).toMatchObject({ amount: { total: 2800, payer_total: 2300 } })
    expect(succeeded(await ctx.adapter.queryPayment(input.outTradeNo, ctx.creds())).discounts).toEqual(paid.discounts)
  })

  it('the best of two (预充值 from the SP\'s batch beats a smaller 免充值), once; without the goods_tag, none', async () => {
    const small = await stock({ creator_mchid: sub(), coupon_amount: 300, no_cash: true })
    const big = await stock({ creator_mchid: ctx.cfg.spMchId, coupon_amount: 800, transaction_minimum: 2500, goods_tag: ['MUTEX_STORE', 'NO_MUTEX_STORE'] })
    await send(ctx.creds(), small, sub())
    const { couponId } = await send(ctx.creds(), big, ctx.cfg.spMchId)

    const untagged = ctx.payment('wechat_jsapi', { amountFen: fen(3000) })
    await ctx.adapter.createPayment(untagged, ctx.creds())
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: untagged.outTradeNo })
    expect(succeeded(await ctx.adapter.queryPayment(untagged.outTradeNo, ctx.creds()))).not.toHaveProperty('discounts')

    const tagged = ctx.payment('wechat_jsapi', { amountFen: fen(3000), goodsTag: 'MUTEX_STORE' })
    await ctx.adapter.createPayment(tagged, ctx.creds())
    await ctx.sim('POST', '/__sim/wxpay/pay', { out_trade_no: tagged.outTradeNo })
    expect(succeeded(await ctx.adapter.queryPayment(tagged.outTradeNo, ctx.creds())).discounts).toEqual([{ couponId, stockId: big, amountFen: 800, noCash: false }])
  })
})
