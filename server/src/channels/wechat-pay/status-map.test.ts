import { discountsOf, paymentOutcome, refundOutcome } from './status-map'
import type { PromotionDetail, RefundStatus, TradeState, Transaction } from './wire'

const paid: Transaction = {
  sp_appid: 'wx8888888888888888',
  sp_mchid: '1900000100',
  sub_mchid: '1900000101',
  out_trade_no: 'pay_01JABCDEFGHJKMNPQRSTVWXYZ0',
  transaction_id: '4200000000202601010000000001',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2026-01-01T12:00:00+08:00',
  amount: { total: 2800, payer_total: 2300, currency: 'CNY', payer_currency: 'CNY' },
}
const unpaid: Transaction = { ...paid, transaction_id: undefined, success_time: undefined, amount: { total: 2800 } }

describe('paymentOutcome: every trade_state', () => {
  it.each<[TradeState, Transaction, string]>([
    ['SUCCESS', paid, 'succeeded'],
    ['REFUND', paid, 'succeeded'],
    ['NOTPAY', unpaid, 'pending'],
    ['USERPAYING', unpaid, 'pending'],
    ['ACCEPT', unpaid, 'pending'],
    ['CLOSED', unpaid, 'failed'],
    ['REVOKED', paid, 'failed'],
    ['PAYERROR', unpaid, 'failed'],
  ])('%s → %s', (state, t, kind) => {
    expect(paymentOutcome({ ...t, trade_state: state }).kind).toBe(kind)
  })

  it('succeeded carries amount.total (not payer_total), the transaction id and success_time', () => {
    expect(paymentOutcome(paid)).toEqual({
      kind: 'succeeded', channelTxnId: paid.transaction_id, amountFen: 2800, paidAt: new Date('2026-01-01T04:00:00Z'), raw: paid,
    })
  })

  it('failed names the state', () => {
    expect(paymentOutcome({ ...unpaid, trade_state: 'CLOSED', trade_state_desc: '订单已关闭' })).toMatchObject({ kind: 'failed', code: 'CLOSED', message: '订单已关闭' })
  })

  it('an unrecognised state is unknown, never a quiet pending', () => {
    expect(paymentOutcome({ ...paid, trade_state: 'SETTLING' as TradeState })).toEqual({ kind: 'unknown', reason: 'unrecognised trade_state "SETTLING"', raw: expect.anything() })
    expect(paymentOutcome({ ...paid, trade_state: undefined as unknown as TradeState }).kind).toBe('unknown')
  })

  it.each<[string, Partial<Transaction>]>([
    ['no transaction_id', { transaction_id: undefined }],
    ['no success_time', { success_time: undefined }],
    ['an unparseable success_time', { success_time: 'yesterday' }],
    ['a fractional total', { amount: { total: 28.5 } }],
    ['a string total', { amount: { total: '2800' as unknown as number } }],
  ])('SUCCESS with %s is unknown: no money is booked on a half answer', (_, patch) => {
    expect(paymentOutcome({ ...paid, ...patch }).kind).toBe('unknown')
  })
})

describe('paymentOutcome: vouchers (promotion_detail → discounts)', () => {
  const cash: PromotionDetail = { coupon_id: '10997553111', name: '满20减5', scope: 'GLOBAL', type: 'CASH', amount: 500, stock_id: '9856000', wechatpay_contribute: 0, merchant_contribute: 0, other_contribute: 500, currency: 'CNY' }
  const noCash: PromotionDetail = { ...cash, coupon_id: '10997553112', type: 'NOCASH', amount: 300, stock_id: '9856001', merchant_contribute: 300, other_contribute: 0 }
  const withVouchers = (details: unknown): Transaction => ({ ...paid, promotion_detail: details as PromotionDetail[] })

  it('CASH → noCash false, NOCASH → noCash true, amounts in fen, in WeChat\'s order; amountFen stays amount.total', () => {
    const o = paymentOutcome(withVouchers([cash, noCash]))
    expect(o).toMatchObject({
      kind: 'succeeded',
      amountFen: 2800,
      discounts: [
        { couponId: '10997553111', stockId: '9856000', amountFen: 500, noCash: false },
        { couponId: '10997553112', stockId: '9856001', amountFen: 300, noCash: true },
      ],
    })
  })

  it('no promotion_detail, or an empty one: no discounts at all', () => {
    expect(paymentOutcome(paid)).not.toHaveProperty('discounts')
    expect(paymentOutcome(withVouchers([]))).not.toHaveProperty('discounts')
  })

  it('a missing stock_id (optional on WeChat\'s side) reads as \'\'; the coupon id is what yima matches', () => {
    expect(discountsOf([{ ...cash, stock_id: undefined }], 2800)).toEqual([{ couponId: cash.coupon_id, stockId: '', amountFen: 500, noCash: false }])
  })

  it.each<[string, unknown]>([
    ['not a list', { coupon_id: 'x' }],
    ['no coupon_id', [{ ...cash, coupon_id: undefined }]],
    ['a fractional amount', [{ ...cash, amount: 2.5 }]],
    ['a negative amount', [{ ...cash, amount: -500 }]],
    ['no type: who bears it is unknown', [{ ...cash, type: undefined }]],
    ['an unrecognised type', [{ ...cash, type: 'DISCOUNT' }]],
    ['a null entry', [null]],
    ['discounts above the total', [{ ...cash, amount: 2000 }, { ...noCash, amount: 900 }]],
  ])('SUCCESS with %s is unknown: no money is booked on vouchers it cannot read', (_, details) => {
    expect(paymentOutcome(withVouchers(details))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('promotion_detail') })
  })
})

describe('refundOutcome: every refund status', () => {
  const base = { refund_id: '50300000000000000000000000001', success_time: '2026-01-01T12:00:00+08:00', amount: { refund: 500 } }

  it.each<[RefundStatus, string]>([
    ['SUCCESS', 'succeeded'],
    ['PROCESSING', 'pending'],
    ['ABNORMAL', 'pending'],
    ['CLOSED', 'failed'],
  ])('%s → %s', (status, kind) => {
    expect(refundOutcome({ ...base, status }, null).kind).toBe(kind)
  })

  it('succeeded carries the refund id, amount and time; pending keeps the refund id', () => {
    expect(refundOutcome({ ...base, status: 'SUCCESS' }, 'raw')).toEqual({ kind: 'succeeded', channelRefundId: base.refund_id, amountFen: 500, refundedAt: new Date('2026-01-01T04:00:00Z'), raw: 'raw' })
    expect(refundOutcome({ ...base, status: 'PROCESSING' }, 'raw')).toEqual({ kind: 'pending', channelRefundId: base.refund_id, raw: 'raw' })
  })

  it('an unrecognised status, or SUCCESS without its facts, is unknown', () => {
    expect(refundOutcome({ ...base, status: 'REVERSED' as RefundStatus }, null)).toMatchObject({ kind: 'unknown', reason: 'unrecognised refund status "REVERSED"' })
    expect(refundOutcome({ status: 'SUCCESS', refund_id: base.refund_id, amount: { refund: 500 } }, null).kind).toBe('unknown')
  })
})
