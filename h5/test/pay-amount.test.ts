import fc from 'fast-check'
import { fenToYuanString, fen } from '@yima/shared'
import { checkAmount, clampQuantity, maxQuantity, pressKey, quantityTotal, remarkForOrder, type KeypadKey } from '../src/lib/pay-amount'

const limits = { minFen: 1, maxFen: 5_000_000, maxQuantity: 99, remarkMaxLength: 40 }
const type = (keys: string): string => Array.from(keys).reduce((s, k) => pressKey(s, (k === '<' ? 'del' : k) as KeypadKey), '')

describe('keypad', () => {
  test('digits, one dot, at most two decimals', () => {
    expect(type('12.34')).toBe('12.34')
    expect(type('12.345')).toBe('12.34')
    expect(type('1..2')).toBe('1.2')
    expect(type('1.2.3')).toBe('1.23')
  })

  test('no leading zeros; a dot first reads 0.', () => {
    expect(type('0005')).toBe('5')
    expect(type('00')).toBe('0')
    expect(type('.5')).toBe('0.5')
    expect(type('0.05')).toBe('0.05')
  })

  test('delete, and delete on empty', () => {
    expect(type('12.3<')).toBe('12.')
    expect(type('12.3<<')).toBe('12')
    expect(type('<<1<')).toBe('')
  })

  test('the integer part stops at 8 digits', () => {
    expect(type('1234567890')).toBe('12345678')
    expect(type('1234567890.12')).toBe('12345678.12')
  })
})

describe('checkAmount: yuan text → integer fen, never through a float', () => {
  test('the float traps: 0.1, 0.2, 0.3, 1.15, 4.35, 19.99', () => {
    const fenOf = (s: string): number => { const c = checkAmount(s, limits); if (!c.ok) throw new Error(c.message); return c.fen }
    expect(fenOf('0.1') + fenOf('0.2')).toBe(fenOf('0.3'))
    expect(fenOf('0.3')).toBe(30)
    expect(fenOf('1.15')).toBe(115) // 1.15 * 100 = 114.99999999999999
    expect(fenOf('4.35')).toBe(435) // 4.35 * 100 = 434.99999999999994
    expect(fenOf('19.99')).toBe(1999)
    expect(fenOf('12')).toBe(1200)
    expect(fenOf('12.')).toBe(1200)
    expect(fenOf('0.01')).toBe(1)
  })

  test('more than two decimals is refused, not rounded', () => {
    expect(checkAmount('12.345', limits)).toEqual({ ok: false, reason: 'format', message: '金额格式不正确，最多两位小数' })
    expect(checkAmount('0.001', limits)).toMatchObject({ ok: false, reason: 'format' })
    expect(checkAmount('1e3', limits)).toMatchObject({ ok: false, reason: 'format' })
    expect(checkAmount('-1', limits)).toMatchObject({ ok: false, reason: 'format' })
    expect(checkAmount('1,000', limits)).toMatchObject({ ok: false, reason: 'format' })
  })

  test('empty and zero: not payable, nothing to complain about yet', () => {
    expect(checkAmount('', limits)).toEqual({ ok: false, reason: 'empty', message: '' })
    expect(checkAmount('0.0', limits)).toEqual({ ok: false, reason: 'below_min', message: '' })
    expect(checkAmount('0', limits)).toMatchObject({ ok: false, message: '' })
  })

  test('min and max of the code', () => {
    expect(checkAmount('50000', limits)).toEqual({ ok: true, fen: 5_000_000 })
    expect(checkAmount('50000.01', limits)).toEqual({ ok: false, reason: 'above_max', message: '单笔金额不能超过 50000.00 元' })
    expect(checkAmount('0.5', { minFen: 100, maxFen: 1000 })).toEqual({ ok: false, reason: 'below_min', message: '金额不能低于 1.00 元' })
    expect(checkAmount('10.01', { minFen: 100, maxFen: 1000 })).toMatchObject({ ok: false, reason: 'above_max' })
  })

  test('every amount typed on the keypad is read back exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: limits.maxFen }), (n) => {
      const typed = type(fenToYuanString(fen(n)))
      expect(checkAmount(typed, limits)).toEqual({ ok: true, fen: n })
    }))
  })
})

describe('fixed-amount codes', () => {
  test('total = unit × quantity in integer fen', () => {
    expect(quantityTotal(1999, 3)).toBe(5997)
    expect(quantityTotal(10, 3)).toBe(30) // 0.1 × 3 as floats is 0.30000000000000004
    expect(() => quantityTotal(100, 1.5)).toThrow(RangeError)
  })

  test('the quantity cap is the smaller of the count and the amount limits', () => {
    expect(maxQuantity(1000, limits)).toBe(99)
    expect(maxQuantity(100_000, limits)).toBe(50)
    expect(maxQuantity(6_000_000, limits)).toBe(0)
    expect(maxQuantity(0, limits)).toBe(0)
  })

  test('clamping keeps 1…max', () => {
    expect(clampQuantity(0, 10)).toBe(1)
    expect(clampQuantity(11, 10)).toBe(10)
    expect(clampQuantity(3.7, 10)).toBe(3)
    expect(clampQuantity(Number.NaN, 10)).toBe(1)
    expect(clampQuantity(5, 0)).toBe(1)
  })
})

test('remark: trimmed, cut by characters (not UTF-16 units), empty left out', () => {
  expect(remarkForOrder('  少冰  ', 40)).toBe('少冰')
  expect(remarkForOrder('   ', 40)).toBeUndefined()
  expect(remarkForOrder('一二三四五', 3)).toBe('一二三')
  expect(remarkForOrder('😀😀😀', 2)).toBe('😀😀')
})
