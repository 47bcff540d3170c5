import fc from 'fast-check'
import { AppError } from './errors'
import { addFen, feeFen, fen, fenToYuanString, formatFen, mulFen, yuanStringToFen, type Fen } from './money'

const anyFen = fc.integer({ min: -(1e15 - 1), max: 1e15 - 1 }).map((n) => fen(n))

describe('fen', () => {
  it('accepts safe integers and refuses everything else', () => {
    expect(fen(0)).toBe(0)
    expect(fen(-12)).toBe(-12)
    for (const bad of [0.1, 1.5, Number.NaN, Infinity, 2 ** 53]) expect(() => fen(bad)).toThrow(RangeError)
  })

  it('adds and multiplies without leaving the integers', () => {
    expect(addFen(fen(10), fen(20), fen(-5))).toBe(25)
    expect(mulFen(fen(1250), 3)).toBe(3750)
    expect(() => mulFen(fen(2 ** 52), 4)).toThrow(RangeError)
    expect(() => mulFen(fen(100), 1.5)).toThrow(RangeError)
  })
})

describe('fenToYuanString / yuanStringToFen', () => {
  it.each([
    [0, '0.00'], [1, '0.01'], [10, '0.10'], [99, '0.99'], [100, '1.00'], [1234, '12.34'],
    [-5, '-0.05'], [-1234, '-12.34'], [100_000_000_00, '100000000.00'],
  ])('%d fen ↔ "%s"', (f, s) => {
    expect(fenToYuanString(fen(f))).toBe(s)
    expect(yuanStringToFen(s)).toBe(f)
  })

  it.each([['12', 1200], ['12.3', 1230], ['0.5', 50], ['007.07', 707]])('parses the short form "%s"', (s, f) => {
    expect(yuanStringToFen(s)).toBe(f)
  })

  it.each(['', '1.234', '1e3', '.5', '5.', '+1', ' 1', '1,000.00', 'NaN', '0x10', '1.2.3', '10000000000000.00'])(
    'refuses "%s" with a typed error', (s) => {
      let thrown: unknown
      try { yuanStringToFen(s) } catch (e) { thrown = e }
      expect(thrown).toBeInstanceOf(AppError)
      expect(thrown).toMatchObject({ type: 'invalid_request', code: 'invalid_amount' })
    })

  it('round-trips every amount (property)', () => {
    fc.assert(fc.property(anyFen, (f) => yuanStringToFen(fenToYuanString(f)) === f))
  })

  it('never disagrees with exact decimal arithmetic (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 13n - 1n }), fc.integer({ min: 0, max: 99 }), (yuan, cents) => {
      const s = `${yuan}.${String(cents).padStart(2, '0')}`
      return BigInt(yuanStringToFen(s)) === yuan * 100n + BigInt(cents)
    }))
  })
})

describe('feeFen', () => {
  it('rounds half up at the .5 edges', () => {
    expect(feeFen(fen(1000), 38)).toBe(4) // 3.8 → 4
    expect(feeFen(fen(1250), 40)).toBe(5) // 5.0
    expect(feeFen(fen(125), 40)).toBe(1) // 0.5 → 1
    expect(feeFen(fen(124), 40)).toBe(0) // 0.496 → 0
    expect(feeFen(fen(-125), 40)).toBe(-1) // symmetric for refunds
  })

  it('equals exact rational rounding (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }), (a, bp) => {
      const exact = (BigInt(a) * BigInt(bp) * 2n + 10_000n) / 20_000n // floor(x + 0.5)
      return BigInt(feeFen(fen(a), bp)) === exact
    }))
  })

  it('refuses fractional rates', () => {
    expect(() => feeFen(fen(100), 0.5)).toThrow(RangeError)
  })
})

describe('formatFen', () => {
  it.each([[0, '¥0.00'], [5, '¥0.05'], [1234, '¥12.34'], [123456, '¥1,234.56'], [100000000, '¥1,000,000.00'], [-1234, '-¥12.34']])(
    '%d → %s', (f, s) => expect(formatFen(fen(f) as Fen)).toBe(s))

  it('takes another symbol', () => expect(formatFen(fen(1250), { symbol: '' })).toBe('12.50'))
})
