import { paymentOutcome, refundOutcome } from './status-map'
import type { RefundStatus, TradeState, Transaction } from './wire'

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
