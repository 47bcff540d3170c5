import { screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { LedgerEntryDto } from '@yima/shared'
import MemberLedgerPage from '../src/pages/member-ledger/index'
import { mockApi, type Reply, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

const navigateTo = jest.mocked(Taro.navigateTo)

const NOW = Date.parse('2026-01-05T06:07:08.500Z') // 14:07:08 in China
const PATH = '/v1/mobile/merchants/mch_1/member-ledger?'

const entry = (id: string, o: Partial<LedgerEntryDto> = {}): LedgerEntryDto => ({
  id,
  memberId: 'mbr_1',
  kind: 'adjustment',
  pot: 'principal',
  amountFen: -1234,
  principalAfterFen: 8766,
  bonusAfterFen: 0,
  storeId: 'sto_1',
  storeName: '科技园店',
  orderId: null,
  paymentId: null,
  reason: '线下退卡',
  operatorName: '李店长',
  createdAt: '2026-01-05T01:30:00.000Z',
  ...o,
})

const query = (url: string) => new URL(url, 'http://yima.test').searchParams
const reads = (): Sent[] => sent.filter((r) => r.url.startsWith(PATH))

let sent: Sent[] = []
let answer: (req: Sent) => Reply

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
  navigateTo.mockReset()
  answer = () => ({ statusCode: 200, data: { object: 'list', data: [entry('led_1')], hasMore: false, nextCursor: null } })
  sent = mockApi((req) => answer(req))
  withParams({ merchant: 'mch_1' })
})
afterEach(() => { jest.restoreAllMocks() })

test('asks for an 11-digit phone before querying, then shows that member\'s ledger', async () => {
  const container = await renderPage(<MemberLedgerPage />)
  expect(sent).toHaveLength(0)

  for (const bad of ['', '1380013800', '23800138000', '138001380001', '1380013800a']) {
    typeInto(container, 'member-ledger__phone', bad)
    await tapButton(container, '.member-ledger__search')
    expect(screen.getByText('请输入 11 位手机号')).toBeTruthy()
  }
  expect(sent).toHaveLength(0)

  typeInto(container, 'member-ledger__phone', '13800138000')
  await tapButton(container, '.member-ledger__search')
  expect(await screen.findByText('余额调整 · 本金')).toBeTruthy()
  expect(screen.queryByText('请输入 11 位手机号')).toBeNull()
  expect(screen.getByText('-¥12.34')).toBeTruthy()
  expect(screen.getByText('线下退卡')).toBeTruthy()
  expect(screen.getByText('科技园店')).toBeTruthy()

  const q = query(reads()[0]?.url ?? '')
  expect(q.get('phone')).toBe('13800138000')
  expect(q.get('from')).toBe('2025-12-07T00:00:00+08:00')
  expect(q.get('to')).toBe('2026-01-05T14:07:09+08:00')

  await tap(container.querySelector('.member-ledger__member'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/member/index?merchant=mch_1&id=mbr_1' })

  // 近7天 asks again for the same phone.
  await tap([...container.querySelectorAll('.ledger-list__days .chips__chip')].find((c) => c.textContent === '近7天'))
  await waitFor(() => { expect(reads()).toHaveLength(2) })
  expect(query(reads()[1]?.url ?? '').get('from')).toBe('2025-12-30T00:00:00+08:00')
  expect(query(reads()[1]?.url ?? '').get('phone')).toBe('13800138000')
})

test('a phone no member has says so', async () => {
  answer = () => ({ statusCode: 404, data: { error: { type: 'not_found', code: 'member_not_found', message: '会员不存在' } } })
  const container = await renderPage(<MemberLedgerPage />)
  typeInto(container, 'member-ledger__phone', '13900139000')
  await tapButton(container, '.member-ledger__search')
  expect(await screen.findByText('没有手机号为 13900139000 的会员')).toBeTruthy()
})
