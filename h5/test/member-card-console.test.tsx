import { TextEncoder } from 'node:util'
import Taro from '@tarojs/taro'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import { fen, type CardSetupDto, type MemberCardDto, type MerchantCardDto, type MerchantDTO } from '@yima/shared'
import { MemberCardPanel } from '../src/components/member-card-panel'
import MemberCardEdit from '../src/pages/console/member-card-edit/index'
import MerchantDetail from '../src/pages/console/merchant-detail/index'
import { answer, list, me, resetConsole, sent, serve, settle, tap, tapButton, tapChoice, withParams, type Routes } from './helpers/console'

// jsdom has no TextEncoder, which the QR encoder needs to draw the links' codes.
globalThis.TextEncoder ??= TextEncoder

const navigateTo = jest.mocked(Taro.navigateTo)
const redirectTo = jest.mocked(Taro.redirectTo)
const setClipboardData = jest.mocked(Taro.setClipboardData)

const CARD_PATH = '/v1/merchants/mch_1/member-card'

const MERCHANT: MerchantDTO = {
  id: 'mch_1',
  serviceProviderId: 'sp_1',
  subServiceProviderId: null,
  outMchId: 'sp1',
  outSubMchId: 'mch1',
  orderPrefix: 'C1',
  name: '示例咖啡',
  shortName: '示例咖啡',
  adminName: '张三',
  adminEmail: 'a@example.com',
  logoUrl: 'https://img.example.com/logo.png',
  adUrl: null,
  adImageUrl: null,
  remark: null,
  wechatSubMchId: '1900000101',
  wechatChannel: 'direct',
  depositEnabled: false,
  refundApiEnabled: true,
  authenType: 'HMAC-SHA256',
  signType: 'RSA-PSS-SHA256',
  verifyPublicKey: 'PUBLIC',
  alipay: { userId: '2088', authAppId: '2021', tokenExpiresAt: null, tokenValid: true },
  createdAt: '2026-11-01T00:00:00.000Z',
}

const setup = (over: Partial<CardSetupDto> = {}): CardSetupDto => ({
  cardPermission: true,
  cardSubMerchantId: '123456789',
  cardSubMerchantStatus: 'APPROVED',
  cardSubMerchantReason: null,
  syncedAt: '2026-11-07T01:00:00.000Z',
  ...over,
})

const card = (over: Partial<MemberCardDto> = {}): MemberCardDto => ({
  id: 'mcd_1',
  merchantId: 'mch_1',
  wxCardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
  title: '示例咖啡会员卡',
  logoUrl: 'https://img.example.com/logo.png',
  color: 'Color090',
  notice: '付款时可使用卡内余额',
  description: '储值卡',
  rechargeMode: 'fixed',
  tiers: [{ amountFen: fen(10000), bonusFen: 1000 }, { amountFen: fen(5000), bonusFen: 0 }],
  balanceCapFen: 500000,
  status: 'approved',
  refuseReason: null,
  claimUrl: 'https://yima.test/card/mcd_1',
  rechargeUrl: 'https://yima.test/card/mcd_1?recharge=1',
  memberCount: 12,
  totalBalanceFen: 123456,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-02T00:00:00.000Z',
  ...over,
})

const merchantCard = (s: CardSetupDto, c: MemberCardDto | null = null): MerchantCardDto => ({ setup: s, card: c })

/** The console's own calls, the merchant, and its card page as given. */
const routes = (mc: MerchantCardDto, more: Routes = {}): Routes => ({
  'GET /v1/console/me': () => me(),
  'GET /v1/merchants/mch_1': () => answer(200, MERCHANT),
  'GET /v1/merchants/mch_1/staff': () => answer(200, list([])),
  [`GET ${CARD_PATH}`]: () => answer(200, mc),
  ...more,
})

const text = (selector: string): string => document.querySelector(selector)?.textContent ?? '(none)'
const calls = (method: string, path: string) => sent.filter((r) => r.method === method && r.url.split('?')[0] === path)

/** Types into the input under `selector` (a Field's `.field--x input`, a tier's input). */
async function type (selector: string, value: string): Promise<void> {
  const el = document.querySelector(selector)
  if (el === null) throw new Error(`no input ${selector}`)
  await act(async () => { fireEvent.change(el, { target: { value } }) })
}

const conflict = (code: string, message: string, param?: string) =>
  answer(409, { error: { type: 'conflict', code, message, ...(param === undefined ? {} : { param }) } })

beforeEach(() => {
  resetConsole()
  for (const m of [navigateTo, redirectTo, setClipboardData]) {
    m.mockReset()
    m.mockResolvedValue({ errMsg: 'ok' } as never)
  }
})

describe('the merchant page: 卡券子商户 and 会员卡', () => {
  test('without 微信卡券权限: told to re-authorize in 服务商详情, no card can be added', async () => {
    withParams({ id: 'mch_1' })
    serve(routes(merchantCard(setup({ cardPermission: false, cardSubMerchantId: null, cardSubMerchantStatus: null, syncedAt: null }))))
    render(<MerchantDetail />)
    await settle()

    expect(text('.card-setup__permission')).toBe('未授权')
    expect(text('.card-setup__no-permission')).toContain('勾选“微信卡券权限”')
    expect(text('.card-setup__edit')).toBe('添加')
    expect(document.querySelector('.card-setup__sync')).toBeNull()
    expect(document.querySelector('.member-card__add')).toBeNull()
    expect(text('.member-card')).toContain('服务商公众号授权“微信卡券权限”、卡券子商户审核通过后才能添加会员卡')

    await tap(document.querySelector('.card-setup__sp-link'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/console/sp-detail/index?id=sp_1' })
  })

  test('a card sub-merchant under review: its status, no card yet; 同步状态 asks again', async () => {
    let current = merchantCard(setup({ cardSubMerchantStatus: 'CHECKING' }))
    serve(routes(current, {
      [`POST ${CARD_PATH}/sync`]: () => {
        current = merchantCard(setup())
        return answer(200, current)
      },
      [`GET ${CARD_PATH}`]: () => answer(200, current),
    }))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    expect(text('.card-setup__permission')).toBe('已授权')
    expect(text('.card-setup__id')).toBe('123456789')
    expect(text('.card-setup__status')).toBe('审核中')
    expect(document.querySelector('.card-setup__checking')).not.toBeNull()
    expect(document.querySelector('.member-card__add')).toBeNull()

    await tapButton('card-setup__sync')
    expect(calls('POST', `${CARD_PATH}/sync`)).toHaveLength(1)
    expect(text('.card-setup__message')).toBe('已同步：卡券子商户审核通过')
    expect(text('.card-setup__status')).toBe('审核通过')
    expect(document.querySelector('.member-card__add')).not.toBeNull()
  })

  test('an approved card sub-merchant without a card: 添加会员卡 opens the card page', async () => {
    serve(routes(merchantCard(setup())))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    expect(text('.card-setup__status')).toBe('审核通过')
    expect(text('.member-card__empty')).toBe('还没有会员卡')
    await tapButton('member-card__add')
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/console/member-card-edit/index?merchant=mch_1' })
  })

  test('an approved card: its recharge rules, members, and the claim and recharge links with QR and copy', async () => {
    serve(routes(merchantCard(setup(), card())))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    expect(text('.member-card__title')).toBe('示例咖啡会员卡')
    expect(text('.member-card__status')).toBe('审核通过')
    expect([...document.querySelectorAll('.member-card__tier')].map((e) => e.textContent)).toEqual(['充 100 元送 10 元', '充 50 元'])
    const body = text('.member-card')
    expect(body).toContain('固定金额')
    expect(body).toContain('¥5,000.00')
    expect(body).toContain('¥1,234.56')
    expect(document.querySelector('.member-card .swatch--Color090')).not.toBeNull()

    expect(document.querySelector('.member-card__claim .qr__url')?.getAttribute('href')).toBe('https://yima.test/card/mcd_1')
    expect(document.querySelector('.member-card__recharge .qr__url')?.getAttribute('href')).toBe('https://yima.test/card/mcd_1?recharge=1')
    await waitFor(() => { expect(document.querySelector('.member-card__claim img.qr__img')?.getAttribute('data-url')).toBe('https://yima.test/card/mcd_1') })
    await tap(document.querySelector('.member-card__claim .card-link__copy .van-native-button'))
    expect(setClipboardData).toHaveBeenCalledWith({ data: 'https://yima.test/card/mcd_1' })
    expect(text('.member-card__claim .card-link__copy')).toBe('已复制')

    await tapButton('member-card__edit')
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/console/member-card-edit/index?merchant=mch_1' })
  })

  test('a refused card shows its reason and no links', async () => {
    serve(routes(merchantCard(setup(), card({ status: 'rejected', refuseReason: 'Logo 不清晰', claimUrl: null, rechargeUrl: null }))))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    expect(text('.member-card__status')).toBe('审核未通过')
    expect(text('.member-card')).toContain('Logo 不清晰')
    expect(document.querySelector('.member-card__links')).toBeNull()
  })

  test('saving the 卡券子商户ID checks it is digits, then PUTs it', async () => {
    let current = merchantCard(setup({ cardSubMerchantId: null, cardSubMerchantStatus: null, syncedAt: null }))
    serve(routes(current, {
      [`GET ${CARD_PATH}`]: () => answer(200, current),
      [`PUT ${CARD_PATH}/sub-merchant`]: (req) => {
        const id = (req.data as { cardSubMerchantId: string }).cardSubMerchantId
        if (id === '999') return answer(400, { error: { type: 'invalid_request', code: 'card_sub_merchant_not_found', message: '卡券子商户ID 不存在，或不是服务商公众号代制的子商户', param: 'cardSubMerchantId' } })
        current = merchantCard(setup({ cardSubMerchantId: id, cardSubMerchantStatus: 'CHECKING' }))
        return answer(200, current.setup)
      },
    }))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    await tapButton('card-setup__edit')
    expect(document.querySelector('.card-sub-merchant')).not.toBeNull()
    await type('.field--cardSubMerchantId input', '1900000101x')
    await tapButton('card-sub-merchant__submit')
    expect(text('.field--cardSubMerchantId .field__error')).toBe('卡券子商户ID 是数字')
    expect(calls('PUT', `${CARD_PATH}/sub-merchant`)).toHaveLength(0)

    await type('.field--cardSubMerchantId input', '999')
    await tapButton('card-sub-merchant__submit')
    expect(text('.field--cardSubMerchantId .field__error')).toBe('卡券子商户ID 不存在，或不是服务商公众号代制的子商户')

    await type('.field--cardSubMerchantId input', ' 123456789 ')
    await tapButton('card-sub-merchant__submit')
    expect(calls('PUT', `${CARD_PATH}/sub-merchant`).at(-1)?.data).toEqual({ cardSubMerchantId: '123456789' })
    expect(document.querySelector('.card-sub-merchant')).toBeNull()
    expect(text('.card-setup__message')).toBe('已保存卡券子商户ID，审核状态：审核中')
    expect(text('.card-setup__id')).toBe('123456789')
    expect(text('.card-setup__edit')).toBe('修改')
  })

  test('deleting a card whose members still hold balances shows the server\'s refusal', async () => {
    serve(routes(merchantCard(setup(), card()), {
      [`DELETE ${CARD_PATH}`]: () => conflict('member_card_has_balance', '还有会员的余额未清零，不能删除会员卡'),
    }))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    await tapButton('member-card__delete')
    expect(document.querySelector('.member-card__delete-warning')).not.toBeNull()
    await tapButton('member-card__confirm-delete')
    expect(calls('DELETE', CARD_PATH)).toHaveLength(1)
    expect(text('.member-card__message')).toBe('还有会员的余额未清零，不能删除会员卡')
    expect(document.querySelector('.member-card__title')).not.toBeNull()
  })

  test('deleting a card without balances leaves none', async () => {
    let current = merchantCard(setup(), card({ memberCount: 0, totalBalanceFen: 0 }))
    serve(routes(current, {
      [`GET ${CARD_PATH}`]: () => answer(200, current),
      [`DELETE ${CARD_PATH}`]: () => { current = merchantCard(setup()); return answer(204, null) },
    }))
    render(<MemberCardPanel merchantId='mch_1' />)
    await settle()

    await tapButton('member-card__delete')
    await tapButton('member-card__confirm-delete')
    expect(text('.member-card__message')).toBe('已删除会员卡')
    expect(text('.member-card__empty')).toBe('还没有会员卡')
  })
})

describe('the card page (会员卡详情 → 添加 / 编辑)', () => {
  beforeEach(() => { withParams({ merchant: 'mch_1' }) })

  const fillCard = async (): Promise<void> => {
    await type('.field--title input', '示例咖啡会员卡')
    await type('.field--notice input', '付款时可使用卡内余额')
    await tap(document.querySelector('.swatch--Color030'))
  }

  test('adding: tiers are checked (repeated amounts refused), then POSTed in fen', async () => {
    serve(routes(merchantCard(setup()), { [`POST ${CARD_PATH}`]: (req) => answer(201, card(req.data as Partial<MemberCardDto>)) }))
    render(<MemberCardEdit />)
    await settle()

    expect(text('.console__title')).toContain('添加会员卡')
    expect(document.querySelector('.member-card-form__not-ready')).toBeNull()
    // Nothing filled in yet: the schema's own words next to each field.
    await tapButton('member-card-form__submit')
    expect(text('.field--title .field__error')).toBe('请填写卡名称')
    expect(text('.field--notice .field__error')).toBe('请填写使用提醒')
    expect(text('.tier--0 .tier__error')).toBe('请填写充值金额')
    expect(text('.field--balanceCapFen .field__error')).toBe('请填写余额上限')

    await fillCard()
    await type('.tier--0 input.tier__amount', '100')
    await type('.tier--0 input.tier__bonus', '10')
    await tap(document.querySelector('.tiers__add'))
    await type('.tier--1 input.tier__amount', '100.00')
    await type('.field--balanceCapFen input', '5000')
    await tapButton('member-card-form__submit')
    expect(text('.tiers__error')).toBe('充值档位金额不能重复')

    await type('.tier--1 input.tier__amount', '50.5')
    await type('.tier--1 input.tier__bonus', '1.2.3')
    await tapButton('member-card-form__submit')
    expect(text('.tier--1 .tier__error')).toBe('金额格式不正确，最多两位小数')
    expect(calls('POST', CARD_PATH)).toHaveLength(0)

    await type('.tier--1 input.tier__bonus', '')
    await tapButton('member-card-form__submit')
    const posted = calls('POST', CARD_PATH)
    expect(posted).toHaveLength(1)
    expect(posted[0]?.data).toEqual({
      title: '示例咖啡会员卡',
      logoUrl: 'https://img.example.com/logo.png',
      color: 'Color030',
      notice: '付款时可使用卡内余额',
      description: expect.stringContaining('储值会员卡') as unknown,
      rechargeMode: 'fixed',
      tiers: [{ amountFen: 10000, bonusFen: 1000 }, { amountFen: 5050, bonusFen: 0 }],
      balanceCapFen: 500000,
    })
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/console/merchant-detail/index?id=mch_1' })
  })

  test('任意金额 with tiers is refused until they are removed; it sends no tiers', async () => {
    serve(routes(merchantCard(setup()), { [`POST ${CARD_PATH}`]: () => answer(201, card({ rechargeMode: 'any', tiers: [] })) }))
    render(<MemberCardEdit />)
    await settle()

    await fillCard()
    await type('.tier--0 input.tier__amount', '100')
    await type('.tier--0 input.tier__bonus', '20')
    await type('.field--balanceCapFen input', '2000')
    await tapChoice('rechargeMode', '任意金额')
    // The filled tier stays in sight rather than silently dropped.
    expect(document.querySelector('.tier--0')).not.toBeNull()
    await tapButton('member-card-form__submit')
    expect(text('.tiers__error')).toBe('任意金额模式不赠送余额，请不要设置充值档位')
    expect(calls('POST', CARD_PATH)).toHaveLength(0)

    await tap(document.querySelector('.tier--0 .tier__remove'))
    expect(document.querySelector('.field--tiers')).toBeNull()
    await tapButton('member-card-form__submit')
    expect(calls('POST', CARD_PATH)[0]?.data).toMatchObject({ rechargeMode: 'any', tiers: [], balanceCapFen: 200000 })
  })

  test('a fixed-amount card needs a tier; at most eight', async () => {
    serve(routes(merchantCard(setup())))
    render(<MemberCardEdit />)
    await settle()

    await fillCard()
    await type('.field--balanceCapFen input', '5000')
    await tap(document.querySelector('.tier--0 .tier__remove'))
    await tapButton('member-card-form__submit')
    expect(text('.tiers__error')).toBe('固定金额模式至少设置一档充值金额')

    for (let i = 0; i < 8; i++) await tap(document.querySelector('.tiers__add'))
    expect(document.querySelectorAll('.tier')).toHaveLength(8)
    expect(document.querySelector('.tiers__add')).toBeNull()
  })

  test('editing sends only what changed; a server refusal goes next to the field it names', async () => {
    serve(routes(merchantCard(setup(), card()), {
      [`PATCH ${CARD_PATH}`]: (req) => {
        const body = req.data as { balanceCapFen?: number }
        if (body.balanceCapFen === 100000) return answer(400, { error: { type: 'invalid_request', code: 'balance_cap_below_balances', message: '余额上限不能低于现有会员的余额', param: 'balanceCapFen' } })
        return answer(200, card(req.data as Partial<MemberCardDto>))
      },
    }))
    render(<MemberCardEdit />)
    await settle()

    expect(text('.console__title')).toContain('编辑会员卡')
    expect((document.querySelector('.field--title input') as HTMLInputElement).value).toBe('示例咖啡会员卡')
    expect((document.querySelector('.tier--0 input.tier__amount') as HTMLInputElement).value).toBe('100')
    expect((document.querySelector('.tier--0 input.tier__bonus') as HTMLInputElement).value).toBe('10')
    expect((document.querySelector('.tier--1 input.tier__bonus') as HTMLInputElement).value).toBe('')
    expect((document.querySelector('.field--balanceCapFen input') as HTMLInputElement).value).toBe('5000')

    await type('.field--balanceCapFen input', '1000')
    await tapButton('member-card-form__submit')
    expect(calls('PATCH', CARD_PATH)[0]?.data).toEqual({ balanceCapFen: 100000 })
    expect(text('.field--balanceCapFen .field__error')).toBe('余额上限不能低于现有会员的余额')
    expect(redirectTo).not.toHaveBeenCalled()

    await type('.field--balanceCapFen input', '6000')
    await type('.tier--1 input.tier__bonus', '5')
    await tapButton('member-card-form__submit')
    expect(calls('PATCH', CARD_PATH)[1]?.data).toEqual({
      balanceCapFen: 600000,
      rechargeMode: 'fixed',
      tiers: [{ amountFen: 10000, bonusFen: 1000 }, { amountFen: 5000, bonusFen: 500 }],
    })
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/console/merchant-detail/index?id=mch_1' })
  })

  test('adding is refused by the server until the card sub-merchant is approved: the message on top', async () => {
    serve(routes(merchantCard(setup({ cardSubMerchantStatus: 'CHECKING' })), {
      [`POST ${CARD_PATH}`]: () => conflict('card_sub_merchant_not_approved', '卡券子商户尚未审核通过'),
    }))
    render(<MemberCardEdit />)
    await settle()

    expect(document.querySelector('.member-card-form__not-ready')).not.toBeNull()
    await fillCard()
    await type('.tier--0 input.tier__amount', '100')
    await type('.field--balanceCapFen input', '5000')
    await tapButton('member-card-form__submit')
    expect(text('.form-errors')).toBe('卡券子商户尚未审核通过')
    expect(redirectTo).not.toHaveBeenCalled()
  })
})
