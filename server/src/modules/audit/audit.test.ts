import { diff } from './audit'

describe('audit diff', () => {
  it('keeps only changed fields and masks secrets', () => {
    expect(diff(
      { name: '一号店', phone: '13800000001', apiV3Key: 'old-key', tags: ['a'] },
      { name: '一号店（旗舰）', phone: '13800000001', apiV3Key: 'new-key', tags: ['a'], logo: 'x.png' },
      ['apiV3Key'],
    )).toEqual({
      name: ['一号店', '一号店（旗舰）'],
      apiV3Key: ['[secret]', '[changed]'],
      logo: [null, 'x.png'],
    })
  })

  it('records creation and deletion as changes from and to nothing', () => {
    expect(diff(undefined, { name: 'A' })).toEqual({ name: [null, 'A'] })
    expect(diff({ name: 'A' }, undefined)).toEqual({ name: ['A', null] })
  })
})
