import { bpToPercent, formatTime, percentToBp, queryParam } from '../src/lib/format'

test('rebate ratios: percent text ↔ basis points without float noise', () => {
  expect(percentToBp('0.38')).toBe(38)
  expect(percentToBp('12.5')).toBe(1250)
  expect(percentToBp(' 100 ')).toBe(10000)
  expect(percentToBp('0.6%')).toBe(60)
  expect(percentToBp('')).toBeUndefined()
  expect(percentToBp('100.01')).toBeNull()
  expect(percentToBp('0.385')).toBeNull()
  expect(percentToBp('-1')).toBeNull()
  expect(bpToPercent(38)).toBe('0.38')
  expect(bpToPercent(1250)).toBe('12.5')
  expect(bpToPercent(10000)).toBe('100')
  expect(bpToPercent(7)).toBe('0.07')
  expect(bpToPercent(null)).toBe('')
})

test('query parameters arrive still encoded from Taro’s H5 router', () => {
  expect(queryParam({ name: '%E7%A4%BA%E4%BE%8B%E5%92%96%E5%95%A1%E9%A6%86' }, 'name')).toBe('示例咖啡馆')
  expect(queryParam({ name: 'a+b' }, 'name')).toBe('a b')
  expect(queryParam({ name: '%E0%A4%A' }, 'name')).toBe('%E0%A4%A')
  expect(queryParam({ name: '' }, 'name')).toBeUndefined()
  expect(queryParam(undefined, 'name')).toBeUndefined()
})

test('times', () => {
  expect(formatTime(null)).toBe('—')
  expect(formatTime('nonsense')).toBe('—')
  expect(formatTime(new Date(2024, 4, 1, 9, 5).toISOString())).toBe('2024-05-01 09:05')
})
