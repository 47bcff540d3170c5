import { createHash } from 'node:crypto'
import { buildCardExt, cardExtSignature, memberCardChangesWire, memberCardWire } from './cards'

const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
const cardId = 'pDF3iY9tv9zCGCj4jTXFOo1DxHdo'
const openid = 'oDF3iYx0ro3_7jD4HFRDfrjdCM58'

describe('cardExt signature', () => {
  // Vectors computed outside this code base (Python hashlib over the values in byte order: digits,
  // then upper case, then lower case), so a wrong sort or a missing value shows.
  it('is sha1 of the sorted values', () => {
    expect(cardExtSignature({ apiTicket: ticket, timestamp: '1414723227', nonceStr: 'Wm3WZYTPz0wzccnW', cardId, openid }))
      .toBe('d8df8d3de635a9a32f76062e62eae3dd2642aae2')
    expect(cardExtSignature({ apiTicket: ticket, timestamp: '1414723227', nonceStr: 'Wm3WZYTPz0wzccnW', cardId, openid, code: '123456789012' }))
      .toBe('f89f1efe2ea316903e5ecbaf50deaa31efc27f40')
  })

  it('leaves out values not used, and does not depend on argument order', () => {
    const sorted = ['1414723227', 'Wm3WZYTPz0wzccnW', cardId, ticket].join('')
    expect(cardExtSignature({ apiTicket: ticket, timestamp: '1414723227', nonceStr: 'Wm3WZYTPz0wzccnW', cardId, code: '' }))
      .toBe(createHash('sha1').update(sorted).digest('hex'))
  })

  it('builds the cardExt JSON wx.addCard takes, bound to the openid', () => {
    const ext = JSON.parse(buildCardExt({ apiTicket: ticket, cardId, openid, timestamp: 1414723227, nonceStr: 'Wm3WZYTPz0wzccnW' })) as Record<string, string>
    expect(ext).toEqual({ openid, timestamp: '1414723227', nonce_str: 'Wm3WZYTPz0wzccnW', signature: 'd8df8d3de635a9a32f76062e62eae3dd2642aae2' })
    const random = JSON.parse(buildCardExt({ apiTicket: ticket, cardId, openid, timestamp: 1414723227, outerStr: 'store_1' })) as Record<string, string>
    expect(random.nonce_str).toMatch(/^[0-9a-f]{32}$/)
    expect(random.outer_str).toBe('store_1')
    expect(() => buildCardExt({ apiTicket: ticket, cardId, openid, timestamp: 1414723227.5 })).toThrow(RangeError)
  })
})

describe('member card bodies', () => {
  const spec = {
    subMerchantId: 123,
    brandName: '小王面馆',
    logoUrl: 'https://mmbiz.qpic.cn/logo.png',
    title: '储值会员卡',
    color: 'Color010' as const,
    notice: '出示会员码',
    description: '余额不可提现',
    prerogative: '储值消费',
    activateUrl: 'https://yima.example/card/p1',
    customUrl: { name: '使用会员卡', url: 'https://yima.example/card/p1', subTitle: '余额与流水' },
  }

  it('fixes everything yima does not choose', () => {
    expect(memberCardWire(spec)).toEqual({
      base_info: {
        logo_url: spec.logoUrl,
        brand_name: '小王面馆',
        code_type: 'CODE_TYPE_QRCODE',
        title: '储值会员卡',
        color: 'Color010',
        notice: '出示会员码',
        description: '余额不可提现',
        sku: { quantity: 100_000_000 },
        date_info: { type: 'DATE_TYPE_PERMANENT' },
        get_limit: 1,
        use_custom_code: false,
        custom_url_name: '使用会员卡',
        custom_url: spec.customUrl.url,
        custom_url_sub_title: '余额与流水',
        sub_merchant_info: { merchant_id: 123 },
      },
      prerogative: '储值消费',
      supply_bonus: false,
      supply_balance: true,
      auto_activate: false,
      wx_activate: false,
      activate_url: spec.activateUrl,
    })
  })

  it('sends only what changed, and clears a link row with empty strings', () => {
    expect(memberCardChangesWire({})).toEqual({ base_info: {} })
    expect(memberCardChangesWire({ title: '新名字', prerogative: '新特权', promotionUrl: null })).toEqual({
      base_info: { title: '新名字', promotion_url_name: '', promotion_url: '', promotion_url_sub_title: '' },
      prerogative: '新特权',
    })
  })
})
