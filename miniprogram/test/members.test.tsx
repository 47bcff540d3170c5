import { render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { fen, type MemberCardDto, type MemberDto, type MobileRoleDto } from '@yima/shared'
import Index from '../src/pages/index/index'
import Members from '../src/pages/members/index'
import { listReply, memberDto, type Reply, type Sent, withParams } from './helpers/api'
import { mockStaffApi, roleDto } from './helpers/roles'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

// Pickers that the test types the picked value into (a selector's index).
jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())

const navigateTo = jest.mocked(Taro.navigateTo)

const card = (o: Partial<MemberCardDto> = {}): MemberCardDto => ({
  id: 'mcd_1',
  merchantId: 'mch_1',
  wxCardId: 'pXyz',
  title: '一码咖啡会员卡',
  logoUrl: 'https://example.com/logo.png',
  color: 'Color010',
  notice: '请出示会员卡',
  description: '储值会员卡',
  rechargeMode: 'fixed',
  tiers: [{ amountFen: fen(10000), bonusFen: 2000 }],
  balanceCapFen: 1000000,
  status: 'approved',
  refuseReason: null,
  claimUrl: null,
  rechargeUrl: null,
  memberCount: 128,
  totalBalanceFen: 345600,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...o,
})

const member = (id: string, o: Partial<MemberDto> = {}): MemberDto => memberDto({ id, ...o })

const cardNotFound: Reply = { statusCode: 404, data: { error: { type: 'not_found', code: 'member_card_not_found', message: '会员卡不存在' } } }

let sent: Sent[] = []
let roles: MobileRoleDto[] = []
let answer: (req: Sent) => Reply | undefined

beforeEach(() => {
  navigateTo.mockReset()
  withParams({})
  roles = [roleDto()]
  answer = () => undefined
  sent = mockStaffApi({
    roles: () => roles,
    answer: (req) => answer(req),
    routes: (req) => {
      if (req.url === '/v1/mobile/merchants/mch_1/member-card') return { statusCode: 200, data: card() }
      if (req.url === '/v1/mobile/merchants/mch_2/member-card') return cardNotFound
      return undefined
    },
  })
})
afterEach(() => { jest.restoreAllMocks() })

const searches = (): Sent[] => sent.filter((r) => r.url.startsWith('/v1/mobile/merchants/mch_1/members?'))

test('shows the card, and the members a search by phone or name finds', async () => {
  answer = (req) => req.url === '/v1/mobile/merchants/mch_1/members?q=%E5%BC%A0'
    ? listReply([
      member('mbr_1'),
      member('mbr_2', { name: null, phone: '13900139000', state: 'imported', code: null, principalFen: 5850, bonusFen: 0, balanceFen: 5850 }),
    ])
    : undefined
  const container = await renderPage(<Members />)

  expect(await screen.findByText('一码咖啡会员卡')).toBeTruthy()
  expect(screen.getByText('会员 128 人')).toBeTruthy()
  expect(screen.getByText('余额合计 ¥3,456.00')).toBeTruthy()

  // Nothing typed: said here, nothing asked.
  await tapButton(container, '.members__search')
  expect(screen.getByText('请输入手机号或姓名')).toBeTruthy()
  expect(searches()).toHaveLength(0)

  typeInto(container, 'members__q', ' 张 ')
  await tapButton(container, '.members__search')
  expect(await screen.findByText('张三')).toBeTruthy()
  expect(searches().map((r) => r.url)).toEqual(['/v1/mobile/merchants/mch_1/members?q=%E5%BC%A0'])
  expect(screen.getByText('¥120.00')).toBeTruthy()
  expect(screen.getByText('本金 ¥100.00 · 赠送金 ¥20.00')).toBeTruthy()
  expect(screen.getByText('已激活')).toBeTruthy()
  expect(screen.getByText('未填写姓名')).toBeTruthy()
  expect(screen.getByText('13900139000')).toBeTruthy()
  expect(screen.getByText('待领卡')).toBeTruthy()
  expect(screen.getByText('本金 ¥58.50 · 赠送金 ¥0.00')).toBeTruthy()

  await tap(screen.getByText('张三'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/member/index?merchant=mch_1&id=mbr_1' })

  // The admin's ways on: the ledger by phone and the import.
  await tap(container.querySelector('.members__ledger'))
  expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/member-ledger/index?merchant=mch_1' })
  await tap(container.querySelector('.members__import'))
  expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/member-import/index?merchant=mch_1' })
})

test('a search that finds nobody says so', async () => {
  answer = (req) => req.url.startsWith('/v1/mobile/merchants/mch_1/members?') ? listReply([]) : undefined
  const container = await renderPage(<Members />)
  await screen.findByText('一码咖啡会员卡')
  typeInto(container, 'members__q', '13999')
  await tapButton(container, '.members__search')
  expect(await screen.findByText('没有找到“13999”的会员')).toBeTruthy()
})

test('a store manager of several merchants picks one; a merchant without a card says so; no import for managers', async () => {
  roles = [
    roleDto({ staffId: 'stf_2', role: 'store_manager', roleLabel: '店长', storeId: 'sto_1', storeName: '科技园店' }),
    roleDto({ staffId: 'stf_3', role: 'store_manager', roleLabel: '店长', merchantId: 'mch_2', merchantName: '二号商户', storeId: 'sto_9', storeName: '九号店' }),
    roleDto({ staffId: 'stf_4', role: 'clerk', roleLabel: '店员', merchantId: 'mch_3', merchantName: '三号商户', storeId: 'sto_7', storeName: '七号店' }),
  ]
  const container = await renderPage(<Members />)
  expect(await screen.findByText('一码咖啡会员卡')).toBeTruthy()
  expect(container.querySelector('.members__import')).toBeNull()
  expect(container.querySelector('.members__ledger')).not.toBeNull()

  // Only the merchants they manage are offered (not the clerk's).
  typeInto(container, 'members__merchant', '1')
  expect(await screen.findByText('商户还没有会员卡')).toBeTruthy()
  expect(screen.getByText('二号商户')).toBeTruthy()
  expect(sent.some((r) => r.url.includes('mch_3'))).toBe(false)
})

test('someone who manages no merchant is told who may manage members', async () => {
  roles = [roleDto({ role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })]
  await renderPage(<Members />)
  expect(await screen.findByText('只有商户管理员和店长可以管理会员')).toBeTruthy()
  expect(sent.some((r) => r.url.includes('member-card'))).toBe(false)
})

test('the home page offers 会员管理 to merchant admins and store managers only', async () => {
  const takings = { date: '2026-11-23', stores: [], total: { paymentCount: 0, paymentFen: 0, refundCount: 0, refundFen: 0, netFen: 0 } }
  answer = (req) => req.url === '/v1/mobile/takings/today' ? { statusCode: 200, data: takings } : undefined
  roles = [roleDto({ role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })]
  const { unmount } = render(<Index />)
  await screen.findByText('我的门店')
  expect(screen.queryByText('会员管理')).toBeNull()
  unmount()

  roles = [roleDto({ role: 'store_manager', roleLabel: '店长', storeId: 'sto_1', storeName: '科技园店' })]
  const container = await renderPage(<Index />)
  await waitFor(() => { expect(screen.getByText('会员管理')).toBeTruthy() })
  await tap(container.querySelector('.index__members'))
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/members/index' })
})
