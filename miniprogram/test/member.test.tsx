import { screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CardPaymentDto, LedgerEntryDto } from '@yima/shared'
import MemberPage from '../src/pages/member/index'
import { memberDto, mockApi, type Reply, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

const showModal = jest.mocked(Taro.showModal)
const showToast = jest.mocked(Taro.showToast)

const NOW = Date.parse('2026-01-05T06:07:08.500Z') // 14:07:08 in China
const BASE = '/v1/mobile/merchants/mch_1'

const entry = (id: string, o: Partial<LedgerEntryDto> = {}): LedgerEntryDto => ({
  id,
  memberId: 'mbr_1',
  kind: 'recharge',
  pot: 'principal',
  amountFen: 10000,
  principalAfterFen: 10000,
  bonusAfterFen: 2000,
  storeId: 'sto_1',
  storeName: '科技园店',
  orderId: null,
  paymentId: null,
  reason: null,
  operatorName: null,
  createdAt: '2026-01-05T01:30:00.000Z',
  ...o,
})

const payment: CardPaymentDto = {
  id: 'cpy_1',
  memberId: 'mbr_1',
  storeId: 'sto_1',
  storeName: '科技园店',
  amountFen: 3000,
  principalFen: 2500,
  bonusFen: 500,
  refundedFen: 1000,
  remark: null,
  createdAt: '2026-01-05T03:00:00.000Z',
}

const page = (data: LedgerEntryDto[], nextCursor: string | null): Reply =>
  ({ statusCode: 200, data: { object: 'list', data, hasMore: nextCursor !== null, nextCursor } })

const query = (url: string) => new URL(url, 'http://yima.test').searchParams
const ledgerReads = (): Sent[] => sent.filter((r) => r.url.startsWith(`${BASE}/members/mbr_1/ledger?`))

let sent: Sent[] = []
let memberNow = memberDto()
let ledger: (req: Sent) => Reply

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  showModal.mockReset()
  showToast.mockReset()
  memberNow = memberDto()
  ledger = () => page([entry('led_1')], null)
  sent = mockApi((req) => {
    if (req.url === `${BASE}/members/mbr_1`) return { statusCode: 200, data: memberNow }
    if (req.url.startsWith(`${BASE}/members/mbr_1/ledger?`)) return ledger(req)
    if (req.url === `${BASE}/card-payments/cpy_1`) return { statusCode: 200, data: payment }
    return { statusCode: 404, data: { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } } }
  })
  withParams({ merchant: 'mch_1', id: 'mbr_1' })
})
afterEach(() => { jest.restoreAllMocks() })

test('shows the member and the last 30 days of the ledger, newest first, paged on by cursor', async () => {
  ledger = (req) => query(req.url).get('cursor') === 'cur_2'
    ? page([entry('led_3', { kind: 'import', amountFen: 5000, storeId: null, storeName: '', reason: '旧卡导入', operatorName: '李店长' })], null)
    : page([
      entry('led_1', { kind: 'payment', amountFen: -2500, paymentId: 'cpy_1', createdAt: '2026-01-05T03:00:00.000Z' }),
      entry('led_2', { kind: 'recharge_bonus', pot: 'bonus', amountFen: 2000, storeId: null, storeName: '' }),
    ], 'cur_2')
  const container = await renderPage(<MemberPage />)

  expect(await screen.findByText('¥120.00')).toBeTruthy()
  expect(screen.getByText('本金 ¥100.00 · 赠送金 ¥20.00')).toBeTruthy()
  expect(screen.getByText('已激活')).toBeTruthy()
  expect(screen.getByText('13800138000')).toBeTruthy()

  expect(screen.getByText('余额付款 · 本金')).toBeTruthy()
  expect(screen.getByText('-¥25.00')).toBeTruthy()
  expect(screen.getByText('2026-01-05 11:00')).toBeTruthy()
  expect(screen.getByText('充值赠送 · 赠送金')).toBeTruthy()
  expect(screen.getByText('+¥20.00')).toBeTruthy()
  // An entry not made at a store is the online store's.
  expect(screen.getByText('线上门店')).toBeTruthy()

  const first = ledgerReads()[0]?.url ?? ''
  // From the China midnight 29 days ago to now, '+' encoded.
  expect(first).toBe(`${BASE}/members/mbr_1/ledger?from=2025-12-07T00%3A00%3A00%2B08%3A00&to=2026-01-05T14%3A07%3A09%2B08%3A00&limit=20`)

  await tapButton(container, '.ledger-list__more')
  expect(await screen.findByText('旧卡余额导入 · 本金')).toBeTruthy()
  expect(screen.getByText('旧卡导入')).toBeTruthy()
  expect(screen.getByText('操作人 李店长')).toBeTruthy()
  expect(ledgerReads()[1]?.url).toBe(`${first}&cursor=cur_2`)
  expect(screen.getByText('没有更多了')).toBeTruthy()

  // 今天: a new first page for today only.
  await tap([...container.querySelectorAll('.ledger-list__days .chips__chip')].find((c) => c.textContent === '今天'))
  await waitFor(() => { expect(ledgerReads()).toHaveLength(3) })
  expect(query(ledgerReads()[2]?.url ?? '').get('from')).toBe('2026-01-05T00:00:00+08:00')
})

test('修改余额 posts the signed amount, pot and reason with an Idempotency-Key, then refreshes', async () => {
  let adjusted = false
  sent = mockApi((req) => {
    if (req.method === 'POST' && req.url === `${BASE}/members/mbr_1/adjustments`) {
      adjusted = true
      memberNow = memberDto({ bonusFen: 1500, balanceFen: 11500 })
      return { statusCode: 201, data: { member: memberNow, entries: [] } }
    }
    if (req.url === `${BASE}/members/mbr_1`) return { statusCode: 200, data: memberNow }
    if (req.url.startsWith(`${BASE}/members/mbr_1/ledger?`)) {
      return page(adjusted ? [entry('led_9', { kind: 'adjustment', pot: 'bonus', amountFen: -500, reason: '补差价', operatorName: '王管理员' }), entry('led_1')] : [entry('led_1')], null)
    }
    return { statusCode: 404, data: { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } } }
  })
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  const container = await renderPage(<MemberPage />)
  await screen.findByText('¥120.00')

  await tapButton(container, '.member__adjust-open')
  await tap(container.querySelector('.adjust-subtract .van-radio__icon-wrap'))
  await tap(container.querySelector('.adjust-bonus .van-radio__icon-wrap'))

  // More than the bonus holds, and no reason: nothing is sent.
  typeInto(container, 'adjust-amount', '20.01')
  await tapButton(container, '.member__adjust-submit')
  expect(screen.getByText('赠送金最多可减少 ¥20.00')).toBeTruthy()
  expect(screen.getByText('请填写调整原因')).toBeTruthy()
  expect(sent.some((r) => r.method === 'POST')).toBe(false)

  typeInto(container, 'adjust-amount', '5')
  typeInto(container, 'adjust-reason', ' 补差价 ')
  await tapButton(container, '.member__adjust-submit')

  const posts = sent.filter((r) => r.method === 'POST')
  expect(posts).toHaveLength(1)
  expect(posts[0]?.data).toEqual({ pot: 'bonus', amountFen: -500, reason: '补差价' })
  expect(posts[0]?.header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认修改余额', content: expect.stringContaining('赠送金减少 ¥5.00') }))
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '余额已修改' })) })

  // The member and the ledger are read again.
  expect(await screen.findByText('¥115.00')).toBeTruthy()
  expect(await screen.findByText('-¥5.00')).toBeTruthy()
  expect(screen.getByText('操作人 王管理员')).toBeTruthy()
  expect(sent.filter((r) => r.url === `${BASE}/members/mbr_1`)).toHaveLength(2)
  expect(container.querySelector('.member__adjust')).toBeNull()
})

test('a refused adjustment shows the reason; a retry after a lost answer reuses the key', async () => {
  const answers: Array<Reply | Error> = [
    new Error('request:fail timeout'),
    { statusCode: 409, data: { error: { type: 'conflict', code: 'balance_cap_exceeded', message: '超过了会员卡余额上限' } } },
  ]
  sent = mockApi((req) => {
    if (req.method === 'POST') return answers.shift()!
    if (req.url === `${BASE}/members/mbr_1`) return { statusCode: 200, data: memberNow }
    return page([], null)
  })
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  const container = await renderPage(<MemberPage />)
  await screen.findByText('¥120.00')
  await tapButton(container, '.member__adjust-open')
  typeInto(container, 'adjust-amount', '100')
  typeInto(container, 'adjust-reason', '补录充值')

  await tapButton(container, '.member__adjust-submit')
  expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '修改余额失败', content: '网络连接失败，请检查网络后重试' }))
  await tapButton(container, '.member__adjust-submit')
  expect(showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '修改余额失败', content: '超过了会员卡余额上限' }))

  const posts = sent.filter((r) => r.method === 'POST')
  expect(posts.map((r) => r.data)).toEqual([{ pot: 'principal', amountFen: 10000, reason: '补录充值' }, { pot: 'principal', amountFen: 10000, reason: '补录充值' }])
  expect(posts[1]?.header['Idempotency-Key']).toBe(posts[0]?.header['Idempotency-Key'])
})

test('退款 on a balance payment offers what is left and posts the refund', async () => {
  ledger = () => page([
    entry('led_1', { kind: 'payment', amountFen: -2500, paymentId: 'cpy_1' }),
    entry('led_2', { kind: 'payment', pot: 'bonus', amountFen: -500, paymentId: 'cpy_1' }),
    entry('led_3'),
  ], null)
  sent = mockApi((req) => {
    if (req.method === 'POST' && req.url === `${BASE}/card-payments/cpy_1/refunds`) return { statusCode: 201, data: { payment: { ...payment, refundedFen: 3000 }, member: memberNow } }
    if (req.url === `${BASE}/members/mbr_1`) return { statusCode: 200, data: memberNow }
    if (req.url.startsWith(`${BASE}/members/mbr_1/ledger?`)) return ledger(req)
    if (req.url === `${BASE}/card-payments/cpy_1`) return { statusCode: 200, data: payment }
    return { statusCode: 404, data: { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } } }
  })
  showModal.mockResolvedValue({ confirm: true, cancel: false } as never)
  const container = await renderPage(<MemberPage />)
  await screen.findByText('¥120.00')

  // One 退款 per payment, though it drew from both pots.
  const refunds = container.querySelectorAll('.ledger-entry__refund')
  expect(refunds).toHaveLength(1)
  await tap(refunds[0])
  // ¥30.00 paid, ¥10.00 already refunded.
  const amount = await waitFor(() => container.querySelector<HTMLInputElement>('.refund-amount input')!)
  expect(amount.value).toBe('20.00')
  expect(screen.getByText('¥10.00')).toBeTruthy()
  typeInto(container, 'refund-reason', '顾客退货')
  await tapButton(container, '.member__refund-submit')

  const post = sent.find((r) => r.method === 'POST')
  expect(post?.url).toBe(`${BASE}/card-payments/cpy_1/refunds`)
  expect(post?.data).toEqual({ amountFen: 2000, reason: '顾客退货' })
  expect(post?.header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '退款成功' })) })
  expect(container.querySelector('.member__refund')).toBeNull()
  expect(ledgerReads()).toHaveLength(2)
})

test('a member that cannot be read shows the reason', async () => {
  mockApi({ [`GET ${BASE}/members/mbr_1`]: { statusCode: 404, data: { error: { type: 'not_found', code: 'member_not_found', message: '会员不存在' } } } })
  await renderPage(<MemberPage />)
  expect(await screen.findByText('会员不存在')).toBeTruthy()
})
