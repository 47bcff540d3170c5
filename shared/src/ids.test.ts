import { createIdGenerator, isId, newId } from './ids'

describe('ids', () => {
  it('prefixes a 26-character ULID', () => {
    const id = newId('pay')
    expect(id).toMatch(/^pay_[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(id.length).toBeLessThanOrEqual(32) // WeChat Pay out_trade_no limit
    expect(isId('pay', id)).toBe(true)
    expect(isId('rfd', id)).toBe(false)
    expect(isId('pay', 'pay_123')).toBe(false)
  })

  it('sorts in creation order within one millisecond', () => {
    const gen = createIdGenerator(() => 1_700_000_000_000)
    const ids = Array.from({ length: 200 }, () => gen('ord'))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(200)
  })

  it('encodes the injected clock', () => {
    const early = createIdGenerator(() => 1_000)('evt')
    const late = createIdGenerator(() => 2_000_000_000_000)('evt')
    expect(early < late).toBe(true)
  })
})
