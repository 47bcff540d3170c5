import { hasNul } from './body'

describe('hasNul', () => {
  it('finds a NUL in any string or key of a parsed body, and nothing in clean ones', () => {
    expect(hasNul({ a: [1, { b: 'x\u0000y' }] })).toBe(true)
    expect(hasNul(Object.fromEntries([['k\u0000', 1]]))).toBe(true)
    expect(hasNul('\u0000')).toBe(true)
    expect(hasNul({ a: [1, 'ok', null, { b: '中文' }] })).toBe(false)
    expect(hasNul(undefined)).toBe(false)
  })
})
