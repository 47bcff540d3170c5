import fc from 'fast-check'
import {
  alipayOrderState, canTransition, ORDER_STATUSES, ORDER_TRANSITIONS, REFUND_TRANSITIONS, refundState, sourcesOf,
  TRADE_TYPES, wxpayOrderState, type OrderStatus, type TradeType,
} from './orders'

describe('order state machine', () => {
  it('ends in final states that have no way out', () => {
    for (const final of ['failed', 'closed', 'reversed'] as const) expect(ORDER_TRANSITIONS[final]).toEqual([])
    expect(REFUND_TRANSITIONS.succeeded).toEqual([])
    expect(REFUND_TRANSITIONS.failed).toEqual([])
  })

  it('never leaves a paid order except by reversing it, and never comes back to unpaid', () => {
    expect(ORDER_TRANSITIONS.succeeded).toEqual(['reversed'])
    for (const from of ORDER_STATUSES) {
      expect(canTransition(ORDER_TRANSITIONS, from, 'created')).toBe(false)
    }
    expect(canTransition(ORDER_TRANSITIONS, 'closed', 'succeeded')).toBe(false)
  })

  it('gives the compare-and-set sources of each target', () => {
    expect(sourcesOf(ORDER_TRANSITIONS, 'succeeded').sort()).toEqual(['created', 'pending'])
    expect(sourcesOf(ORDER_TRANSITIONS, 'reversed').sort()).toEqual(['pending', 'succeeded'])
    expect(sourcesOf(REFUND_TRANSITIONS, 'succeeded')).toEqual(['processing'])
  })

  it('reaches every state from created, and no walk revisits a state', () => {
    const walk = fc.array(fc.nat(), { maxLength: 10 })
    fc.assert(fc.property(walk, (choices) => {
      let state: OrderStatus = 'created'
      const seen = new Set<OrderStatus>([state])
      for (const c of choices) {
        const next: readonly OrderStatus[] = ORDER_TRANSITIONS[state]
        if (next.length === 0) break
        state = next[c % next.length] as OrderStatus
        if (seen.has(state)) return false
        seen.add(state)
      }
      return true
    }))
  })
})

describe('Cloud Pay states (cloudpay-api.md §11)', () => {
  const view = (status: OrderStatus, tradeType: TradeType = 'jsapi', refundedFen = 0) => ({ status, tradeType, refundedFen, amountFen: 1000 })

  it('maps WeChat orders to WxpayOrderState', () => {
    expect(wxpayOrderState(view('created'))).toBe(1)
    expect(wxpayOrderState(view('succeeded', 'micropay'))).toBe(2)
    expect(wxpayOrderState(view('succeeded', 'one_code'))).toBe(3)
    expect(wxpayOrderState(view('succeeded', 'jsapi', 1))).toBe(4)
    expect(wxpayOrderState(view('pending', 'native'))).toBe(6)
    expect(wxpayOrderState(view('closed'))).toBe(7)
    expect(wxpayOrderState(view('reversed', 'micropay'))).toBe(8)
    expect(wxpayOrderState(view('pending', 'micropay'))).toBe(9)
    expect(wxpayOrderState(view('failed', 'micropay'))).toBe(10)
  })

  it('maps Alipay orders to AlipayOrderState', () => {
    expect(alipayOrderState(view('created'))).toBe(1)
    expect(alipayOrderState(view('succeeded'))).toBe(2)
    expect(alipayOrderState(view('succeeded', 'jsapi', 500))).toBe(2)
    expect(alipayOrderState(view('succeeded', 'jsapi', 1000))).toBe(5)
    expect(alipayOrderState(view('pending'))).toBe(4)
    for (const s of ['failed', 'closed', 'reversed'] as const) expect(alipayOrderState(view(s))).toBe(5)
  })

  it('maps every order state of every trade type to a documented number', () => {
    for (const status of ORDER_STATUSES) {
      for (const tradeType of Object.keys(TRADE_TYPES) as TradeType[]) {
        expect([1, 2, 3, 4, 6, 7, 8, 9, 10]).toContain(wxpayOrderState(view(status, tradeType)))
        expect([1, 2, 4, 5]).toContain(alipayOrderState(view(status, tradeType)))
      }
    }
    expect([refundState('processing'), refundState('succeeded'), refundState('failed')]).toEqual([4, 2, 3])
  })
})
