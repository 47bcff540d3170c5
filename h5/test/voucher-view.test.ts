import { ApiError, VOUCHER_USES, type VoucherOfferDto } from '@yima/shared'
import { chinaDate, claimable, claimFailure, discountLine, initialClaim, offerView, shortYuan, VOUCHER_ROLE_LABELS, voucherMessage } from '../src/lib/voucher-view'

const OFFER: VoucherOfferDto = {
  batchId: 'vbt_1',
  name: '满 10 减 1',
  amountFen: 100,
  thresholdFen: 1000,
  availableTo: '2026-11-30T15:59:59Z',
  role: 'main',
  claimed: 0,
  maxPerUser: 2,
}
const apiError = (status: number, code: string, message: string): ApiError =>
  new ApiError(status, 'conflict', code as ApiError['code'], message)

test('role labels are the short forms of VOUCHER_USES (kept apart: that module carries zod)', () => {
  expect(VOUCHER_USES.main.endsWith(VOUCHER_ROLE_LABELS.main!)).toBe(true)
  expect(VOUCHER_USES.reward.endsWith(VOUCHER_ROLE_LABELS.reward!)).toBe(true)
  expect(VOUCHER_ROLE_LABELS.page).toBeNull()
})

test('amounts: integer fen to yuan without trailing zero cents', () => {
  expect(shortYuan(500)).toBe('5')
  expect(shortYuan(550)).toBe('5.50')
  expect(shortYuan(5)).toBe('0.05')
  expect(shortYuan(1_000_000)).toBe('10000')
})

test('offerView: threshold or 无门槛, validity as a China date', () => {
  expect(offerView(OFFER)).toEqual({ amount: '1', threshold: '满 10 元可用', validity: '有效期至 2026-11-30', role: '主券' })
  expect(offerView({ ...OFFER, thresholdFen: 0, role: 'reward' })).toMatchObject({ threshold: '无门槛', role: '奖励券' })
  expect(offerView({ ...OFFER, availableTo: 'soon' }).validity).toBe('')
  // 00:30 in China on Dec 1 is still Nov 30 in UTC.
  expect(chinaDate('2026-11-30T16:30:00Z')).toBe('2026-12-01')
  expect(chinaDate('2026-11-30T23:59:59+08:00')).toBe('2026-11-30')
})

test('discountLine: only for a positive discount; 实付 never below zero', () => {
  expect(discountLine({ amountFen: 1000, discountFen: 200 })).toBe('代金券优惠 ¥2.00，实付 ¥8.00')
  expect(discountLine({ amountFen: 1000, discountFen: 0 })).toBeNull()
  expect(discountLine({ amountFen: 1000 } as unknown as { amountFen: number, discountFen: number })).toBeNull()
  expect(discountLine({ amountFen: 100, discountFen: 500 })).toBe('代金券优惠 ¥5.00，实付 ¥0.00')
})

test('initialClaim: 已领取 once the per-user limit is held', () => {
  expect(initialClaim({ claimed: 1, maxPerUser: 2 })).toMatchObject({ status: 'open', label: '领取' })
  expect(initialClaim({ claimed: 2, maxPerUser: 2 })).toMatchObject({ status: 'closed', label: '已领取' })
  expect(claimable(initialClaim({ claimed: 2, maxPerUser: 2 }))).toBe(false)
})

test('claimFailure: closing refusals, retryable failures, OAuth', () => {
  expect(claimFailure(apiError(401, 'payer_unknown', 'x'))).toEqual({ kind: 'auth' })
  expect(claimFailure(apiError(409, 'voucher_limit_reached', '已达上限'))).toEqual({ kind: 'state', state: { status: 'closed', label: '已领取', message: '已达上限', tone: 'error' } })
  expect(claimFailure(apiError(409, 'voucher_sold_out', 'sold out'))).toMatchObject({ state: { status: 'closed', label: '已领完', message: '代金券已领完' } })
  for (const code of ['voucher_batch_paused', 'voucher_store_paused', 'voucher_not_offered', 'voucher_wechat_only']) {
    expect(claimFailure(apiError(409, code, 'no'))).toMatchObject({ state: { status: 'closed', label: '暂不可领' } })
  }
  expect(claimFailure(apiError(429, 'rate_limited', 'too many'))).toMatchObject({ state: { status: 'open', label: '领取' } })
  expect(claimFailure(new Error('boom'))).toMatchObject({ state: { status: 'open', message: '领取失败，请稍后再试' } })
  expect(voucherMessage(apiError(418, 'teapot', 'short and stout'), '稍后再试')).toBe('稍后再试')
})
