import fc from 'fast-check'
import { splitPayment, splitRefund } from './balances'

describe('splitPayment', () => {
  it('draws principal and bonus in proportion, the bonus part rounded down', () => {
    expect(splitPayment(5_500, 10_000, 1_000)).toEqual({ principalFen: 5_000, bonusFen: 500 })
    expect(splitPayment(1, 10_000, 1_000)).toEqual({ principalFen: 1, bonusFen: 0 })
    expect(splitPayment(4, 0, 10)).toEqual({ principalFen: 0, bonusFen: 4 })
    expect(splitPayment(11_000, 10_000, 1_000)).toEqual({ principalFen: 10_000, bonusFen: 1_000 })
  })

  it('refuses more than the balance', () => {
    expect(() => splitPayment(11_001, 10_000, 1_000)).toThrow(expect.objectContaining({ code: 'balance_insufficient' }))
  })

  it('never takes more of a pot than it holds, and always the whole amount', () => {
    fc.assert(fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.nat(2_000_000), (p, b, a) => {
      fc.pre(a > 0 && a <= p + b)
      const s = splitPayment(a, p, b)
      return s.principalFen + s.bonusFen === a && s.principalFen >= 0 && s.principalFen <= p && s.bonusFen >= 0 && s.bonusFen <= b
    }))
  })
})

describe('splitRefund', () => {
  const paid = { principalFen: 5_000, bonusFen: 500, refundedPrincipalFen: 0, refundedBonusFen: 0 }

  it('gives back in the payment\'s proportion, the last refund exactly what is left', () => {
    expect(splitRefund(1_100, paid)).toEqual({ principalFen: 1_000, bonusFen: 100 })
    expect(splitRefund(4_400, { ...paid, refundedPrincipalFen: 1_000, refundedBonusFen: 100 })).toEqual({ principalFen: 4_000, bonusFen: 400 })
    expect(() => splitRefund(5_501, paid)).toThrow(expect.objectContaining({ code: 'refund_exceeds_payment' }))
  })

  it('restores exactly what the payment drew over any sequence of refunds', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(100_000), fc.array(fc.integer({ min: 1, max: 50_000 }), { maxLength: 8 }), (p, b, cuts) => {
      const state = { principalFen: p, bonusFen: b, refundedPrincipalFen: 0, refundedBonusFen: 0 }
      const left = (): number => p + b - state.refundedPrincipalFen - state.refundedBonusFen
      // Some partial refunds, then whatever is left: every pot gets back exactly what it gave.
      for (const amount of [...cuts, Number.MAX_SAFE_INTEGER]) {
        if (left() === 0) break
        const r = splitRefund(Math.min(amount, left()), state)
        if (r.principalFen < 0 || r.bonusFen < 0) return false
        state.refundedPrincipalFen += r.principalFen
        state.refundedBonusFen += r.bonusFen
        if (state.refundedPrincipalFen > p || state.refundedBonusFen > b) return false
      }
      return state.refundedPrincipalFen === p && state.refundedBonusFen === b
    }))
  })
})
