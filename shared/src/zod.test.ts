import { z } from 'zod'
import { newId } from './ids'
import { firstIssueMessage, firstIssuePath, zFen, zId, zListQuery, zPositiveFen, zYuanString } from './zod'

describe('zod helpers', () => {
  it('zFen accepts integer fen only', () => {
    expect(zFen.parse(0)).toBe(0)
    expect(zFen.safeParse(1.5).success).toBe(false)
    expect(zFen.safeParse(-1).success).toBe(false)
    expect(zFen.safeParse('100').success).toBe(false)
    expect(zPositiveFen.safeParse(0).success).toBe(false)
  })

  it('zYuanString parses to fen', () => {
    expect(zYuanString.parse('12.34')).toBe(1234)
    expect(zYuanString.safeParse('12.345').success).toBe(false)
  })

  it('zId checks the prefix', () => {
    const id = newId('sto')
    expect(zId('sto').parse(id)).toBe(id)
    expect(zId('mch').safeParse(id).success).toBe(false)
  })

  it('zListQuery coerces and bounds the limit', () => {
    expect(zListQuery.parse({})).toEqual({ limit: 20 })
    expect(zListQuery.parse({ limit: '5' }).limit).toBe(5)
    expect(zListQuery.safeParse({ limit: '500' }).success).toBe(false)
  })

  it('names the first failing field', () => {
    const r = z.object({ items: z.array(z.object({ amountFen: zFen })) }).safeParse({ items: [{ amountFen: 1 }, { amountFen: 'x' }] })
    expect(r.success).toBe(false)
    if (r.success) return
    expect(firstIssuePath(r.error)).toBe('items.1.amountFen')
    expect(firstIssueMessage(r.error)).toMatch(/^items\.1\.amountFen: /)
  })
})
