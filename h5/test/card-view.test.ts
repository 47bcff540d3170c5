import { ApiError, LEDGER_KINDS, LEDGER_POTS, ONLINE_STORE_NAME } from '@yima/shared'
import {
  addDays, capProblem, cardFailure, checkActivation, checkRechargeInput, chinaClock, chinaToday, LEDGER_KIND_LABELS, LEDGER_POT_LABELS,
  ledgerLabel, ledgerQuery, ledgerRangeLabel, ledgerStore, ONLINE_STORE, plainYuan, rechargeSuccessText, signedYuan, tierLabel,
} from '../src/lib/card-view'

test('the page\'s labels are the shared ones (copied so the page does not load the cards module\'s zod schemas)', () => {
  expect(LEDGER_KIND_LABELS).toEqual(LEDGER_KINDS)
  expect(LEDGER_POT_LABELS).toEqual(LEDGER_POTS)
  expect(ONLINE_STORE).toBe(ONLINE_STORE_NAME)
})

test('China days: today at 23:30 UTC is already tomorrow in China; ranges end on the day shown', () => {
  expect(chinaToday(Date.parse('2026-11-06T23:30:00Z'))).toBe('2026-11-07')
  expect(chinaToday(Date.parse('2026-11-07T15:59:00Z'))).toBe('2026-11-07')
  expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  expect(ledgerQuery('2026-11-07', 1)).toEqual({ date: '2026-11-07', days: 1 })
  expect(ledgerQuery('2026-11-07', 7)).toEqual({ date: '2026-11-01', days: 7 })
  expect(ledgerRangeLabel('2026-11-07', 1, '2026-11-07')).toBe('今天')
  expect(ledgerRangeLabel('2026-11-06', 1, '2026-11-07')).toBe('昨天')
  expect(ledgerRangeLabel('2026-11-01', 1, '2026-11-07')).toBe('2026-11-01')
  expect(ledgerRangeLabel('2026-11-07', 7, '2026-11-07')).toBe('11-01 至 今天')
  expect(ledgerRangeLabel('2026-10-31', 7, '2026-11-07')).toBe('10-25 至 10-31')
  expect(chinaClock('2026-11-06T18:05:00Z', false)).toBe('02:05')
  expect(chinaClock('2026-11-06T18:05:00Z', true)).toBe('11-07 02:05')
  expect(chinaClock('nonsense', false)).toBe('')
})

test('amounts: signed yuan for entries, plain yuan in sentences', () => {
  expect(signedYuan(10000)).toBe('+100.00')
  expect(signedYuan(-1234)).toBe('-12.34')
  expect(plainYuan(10000)).toBe('100')
  expect(plainYuan(1050)).toBe('10.5')
  expect(plainYuan(1)).toBe('0.01')
  expect(plainYuan(0)).toBe('0')
  expect(tierLabel({ amountFen: 10000, bonusFen: 2000 } as never)).toBe('充 100 元 送 20 元')
  expect(tierLabel({ amountFen: 5000, bonusFen: 0 } as never)).toBe('充 50 元')
  expect(rechargeSuccessText(10000, 2000)).toBe('充值成功，到账 120 元（含赠送 20 元）')
  expect(rechargeSuccessText(1234, 0)).toBe('充值成功，到账 12.34 元')
})

test('ledger entries: the kind, the pot when it is the bonus, the store or 线上门店', () => {
  expect(ledgerLabel({ kind: 'recharge', pot: 'principal' })).toBe('充值')
  expect(ledgerLabel({ kind: 'recharge_bonus', pot: 'bonus' })).toBe('充值赠送')
  expect(ledgerLabel({ kind: 'payment', pot: 'bonus' })).toBe('余额付款（赠送金）')
  expect(ledgerStore({ storeId: null, storeName: '' })).toBe('线上门店')
  expect(ledgerStore({ storeId: null, storeName: null })).toBe('线上门店')
  expect(ledgerStore({ storeId: 'sto_1', storeName: '科技园店' })).toBe('科技园店')
})

test('the cap counts the balance, the amount and its bonus', () => {
  const card = { balanceCapFen: 100_000, maxRechargeFen: 50_000 }
  expect(capProblem(card, 80_000, 10_000, 10_000)).toBeNull()
  expect(capProblem(card, 80_000, 10_000, 10_001)).toBe('充值后余额将超过会员卡上限 1000 元（最多还能到账 200 元）')
  expect(capProblem(card, 100_000, 1, 0)).toBe('余额已达会员卡上限 1000 元，暂不能充值')
  expect(checkRechargeInput('', card, 0)).toEqual({ ok: false, message: '' })
  expect(checkRechargeInput('12.345', card, 0)).toEqual({ ok: false, message: '金额格式不正确，最多两位小数' })
  expect(checkRechargeInput('500.01', card, 0)).toEqual({ ok: false, message: '单次充值最多 500 元' })
  expect(checkRechargeInput('0.01', card, 0)).toEqual({ ok: true, amountFen: 1 })
  expect(checkRechargeInput('300', card, 80_000)).toEqual({ ok: false, message: '充值后余额将超过会员卡上限 1000 元（最多还能到账 200 元）' })
})

test('activation: a name and an 11-digit mobile number', () => {
  expect(checkActivation(' ', '123')).toEqual({ name: '请填写姓名', phone: '请输入 11 位手机号' })
  expect(checkActivation('张'.repeat(21), '13800138000')).toEqual({ name: '姓名最多 20 个字' })
  expect(checkActivation(' 张三 ', ' 13800138000 ')).toEqual({})
})

test('failures: OAuth for a lost payer, the server\'s Chinese words, a stand-in for English ones', () => {
  expect(cardFailure(new ApiError(401, 'authentication', 'payer_unknown', 'x'))).toEqual({ kind: 'auth' })
  expect(cardFailure(new ApiError(409, 'conflict', 'balance_cap_exceeded', '超过上限了'))).toEqual({ kind: 'message', message: '超过上限了', code: 'balance_cap_exceeded' })
  expect(cardFailure(new ApiError(409, 'conflict', 'balance_insufficient', 'insufficient'))).toMatchObject({ message: '会员卡余额不足' })
  expect(cardFailure(new Error('boom'), '领取失败')).toEqual({ kind: 'message', message: '领取失败' })
})
