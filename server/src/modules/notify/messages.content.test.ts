import { chinaTime, maskOpenid, maskPhone, mobileNumber, paymentSmsParams, paymentTemplateData } from './messages.content'

const facts = {
  amountFen: 123_456,
  storeName: '好味餐饮科技园旗舰店（深圳南山区科技园南区一号楼）',
  payPlatform: 'alipay' as const,
  // 2026-01-04 17:07 UTC = 01:07 the next day in China.
  paidAt: new Date(Date.UTC(2026, 0, 4, 17, 7, 30)),
  outTradeNo: 'HW202601ABCDEFGH9Z07',
}

describe('payment message content', () => {
  it('fills the template within its keyword limits, in China time', () => {
    expect(paymentTemplateData(facts)).toEqual({
      amount1: { value: '1234.56元' },
      thing2: { value: '好味餐饮科技园旗舰店（深圳南山区科技园南' },
      phrase3: { value: '支付宝' },
      time4: { value: '2026年1月5日 01:07' },
      character_string5: { value: '9Z07' },
    })
    expect([...(paymentTemplateData(facts).thing2?.value ?? '')]).toHaveLength(20)
    expect(paymentTemplateData({ ...facts, amountFen: 5, payPlatform: 'wechat_pay' })).toMatchObject({ amount1: { value: '0.05元' }, phrase3: { value: '微信支付' } })
  })

  it('gives the SMS template its four parameters in order', () => {
    expect(paymentSmsParams(facts)).toEqual(['好味餐饮科技园旗舰店（深', '1234.56', '支付宝', '9Z07'])
  })

  it('formats midnight and single digits as WeChat\'s time keyword shows them', () => {
    expect(chinaTime(new Date(Date.UTC(2025, 11, 31, 16, 0)))).toBe('2026年1月1日 00:00')
  })

  it('masks what the ledger shows', () => {
    expect(maskOpenid('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o')).toBe('oUpF****eS6o')
    expect(maskPhone('+8613800138000')).toBe('138****8000')
    expect(maskPhone('12')).toBe('****')
  })

  it('sends SMS to mainland mobile numbers only', () => {
    expect(mobileNumber('13800138000')).toBe('+8613800138000')
    expect(mobileNumber('+86 138-0013-8000')).toBe('+8613800138000')
    expect(mobileNumber('0755-12345678')).toBeUndefined()
    expect(mobileNumber(null)).toBeUndefined()
  })
})
