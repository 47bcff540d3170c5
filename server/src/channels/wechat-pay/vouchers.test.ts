import { readStock, spVoucherSigner, VoucherApiError, voucherError } from './vouchers'
import type { StockAnswer } from './wire'

const q = { stockId: '9856000', creatorMchId: '1900000101' }

/** A running 满20减5 batch for the two store goods_tags, as GET /v3/marketing/favor/stocks/{id} answers it. */
const answer: StockAnswer = {
  stock_id: '9856000',
  stock_creator_mchid: '1900000101',
  stock_name: '咖啡满20减5',
  status: 'running',
  create_time: '2026-01-01T10:00:00+08:00',
  description: '',
  stock_use_rule: {
    max_coupons: 100,
    max_amount: 50000,
    max_amount_by_day: 50000,
    fixed_normal_coupon: { coupon_amount: 500, transaction_minimum: 2000 },
    max_coupons_per_user: 2,
    coupon_type: 'NORMAL',
    goods_tag: ['MUTEX_STORE', 'NO_MUTEX_STORE'],
    combine_use: false,
  },
  available_begin_time: '2026-01-01T00:00:00+08:00',
  available_end_time: '2026-03-01T23:59:59+08:00',
  distributed_coupons: 7,
  no_cash: true,
  start_time: '2026-01-01T10:05:00+08:00',
  singleitem: false,
  stock_type: 'NORMAL',
}

describe('readStock', () => {
  it('reads the batch: amounts in fen, limits, counts, goods tags, 免充值, times', () => {
    expect(readStock(answer, q)).toEqual({
      stockId: '9856000',
      creatorMchId: '1900000101',
      name: '咖啡满20减5',
      status: 'running',
      amountFen: 500,
      thresholdFen: 2000,
      maxCoupons: 100,
      maxPerUser: 2,
      distributed: 7,
      noCash: true,
      goodsTags: ['MUTEX_STORE', 'NO_MUTEX_STORE'],
      availableBegin: new Date('2025-12-31T16:00:00Z'),
      availableEnd: new Date('2026-03-01T15:59:59Z'),
    })
  })

  it.each(['unactivated', 'audit', 'running', 'stoped', 'paused'])('status %s is kept as WeChat spells it', (status) => {
    expect(readStock({ ...answer, status }, q)).toMatchObject({ status })
  })

  it('no goods_tag means any order; no distributed_coupons means none sent', () => {
    const { goods_tag: _, ...rule } = answer.stock_use_rule ?? {}
    expect(readStock({ ...answer, stock_use_rule: rule, distributed_coupons: undefined }, q)).toMatchObject({ goodsTags: [], distributed: 0 })
  })

  it.each<[string, unknown]>([
    ['another stock', { ...answer, stock_id: '9856001' }],
    ['another creator', { ...answer, stock_creator_mchid: '1900000102' }],
    ['an unrecognised status', { ...answer, status: 'archived' }],
    ['no fixed_normal_coupon (not a 满减 batch)', { ...answer, stock_use_rule: { ...answer.stock_use_rule, fixed_normal_coupon: undefined } }],
    ['a fractional amount', { ...answer, stock_use_rule: { ...answer.stock_use_rule, fixed_normal_coupon: { coupon_amount: 5.5, transaction_minimum: 2000 } } }],
    ['no per-user limit', { ...answer, stock_use_rule: { ...answer.stock_use_rule, max_coupons_per_user: undefined } }],
    ['goods tags that are not strings', { ...answer, stock_use_rule: { ...answer.stock_use_rule, goods_tag: [1] } }],
    ['an unparseable end time', { ...answer, available_end_time: 'soon' }],
    ['no no_cash', { ...answer, no_cash: undefined }],
    ['not an object', 'running'],
  ])('refuses %s', (_, body) => {
    expect(typeof readStock(body, q)).toBe('string')
  })
})

describe('voucherError', () => {
  const refused = (status: number, code: string) => ({ kind: 'refused' as const, status, error: { code, message: 'm' } })

  it.each([
    [403, 'RULE_LIMIT'], [403, 'NOT_ENOUGH'], [400, 'INVALID_REQUEST'], [400, 'PARAM_ERROR'], [404, 'RESOURCE_NOT_EXISTS'],
    [403, 'NO_AUTH'], [400, 'APPID_MCHID_NOT_MATCH'], [403, 'USER_ACCOUNT_ABNORMAL'], [401, 'SIGN_ERROR'],
  ])('HTTP %i %s keeps its code and is final', (status, code) => {
    const e = voucherError(refused(status, code))
    expect(e).toBeInstanceOf(VoucherApiError)
    expect(e).toMatchObject({ code, retryable: false, extra: { status, wechatCode: code } })
  })

  it('FREQUENCY_LIMITED may be retried later', () => {
    expect(voucherError(refused(429, 'FREQUENCY_LIMITED'))).toMatchObject({ code: 'FREQUENCY_LIMITED', retryable: true })
  })

  it('a 4xx code it does not know is REFUSED, with WeChat\'s code kept', () => {
    expect(voucherError(refused(403, 'STOCK_IS_NOT_OWNED'))).toMatchObject({ code: 'REFUSED', retryable: false, extra: { wechatCode: 'STOCK_IS_NOT_OWNED' } })
  })

  it('no answer, a 5xx or an unverifiable answer is UNAVAILABLE and retryable', () => {
    expect(voucherError({ kind: 'unknown', reason: 'no answer: ECONNABORTED' })).toMatchObject({ code: 'UNAVAILABLE', retryable: true, message: 'no answer: ECONNABORTED' })
  })
})

describe('spVoucherSigner', () => {
  it('signs as the service provider (sp_mchid), verifying with its platform keys', () => {
    const sp = { spMchId: '1900000100', subMchId: '1900000101', spAppId: 'wx8888888888888888', certificateSerial: 'ABC', privateKey: 'PEM', apiV3Key: 'k'.repeat(32) }
    expect(spVoucherSigner({ channel: 'wechat_pay', ...sp, publicKey: 'PUB', publicKeyId: 'PUB_KEY_ID_1' })).toEqual({ mchId: '1900000100', certificateSerial: 'ABC', privateKey: 'PEM', platformCertificate: null, publicKey: 'PUB', publicKeyId: 'PUB_KEY_ID_1' })
  })
})
