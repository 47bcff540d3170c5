import { render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { MobileRoleDto, VoucherBatchDto, VoucherSetupDto } from '@yima/shared'
import Index from '../src/pages/index/index'
import Vouchers from '../src/pages/vouchers/index'
import { listReply, type Reply, type Sent, storeDto, withParams } from './helpers/api'
import { mockStaffApi, roleDto } from './helpers/roles'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

// Pickers that the test types the picked value into (a selector's index).
jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())

const navigateTo = jest.mocked(Taro.navigateTo)
const showToast = jest.mocked(Taro.showToast)

const batch = (id: string, o: Partial<VoucherBatchDto> = {}): VoucherBatchDto => ({
  id,
  merchantId: 'mch_1',
  stockId: '16246120',
  creatorMchId: '1539458761',
  name: '满50减5元代金券',
  amountFen: 500,
  thresholdFen: 5000,
  noCash: true,
  availableFrom: '2026-11-01T00:00:00+08:00',
  availableTo: '2027-01-29T23:59:59+08:00',
  maxPerUser: 3,
  maxCoupons: 1000,
  distributed: 120,
  wechatStatus: 'running',
  scenario: 'store_mutex',
  goodsTags: ['MUTEX_STORE'],
  uses: ['main', 'spend_gift'],
  spendGiftMinFen: 5000,
  paused: false,
  pausedStoreIds: [],
  issued: 40,
  redeemed: 12,
  syncedAt: '2026-11-07T01:00:00.000Z',
  ...o,
})

let sent: Sent[] = []
let roles: MobileRoleDto[] = []
let batches: VoucherBatchDto[] = []
let answer: (req: Sent) => Reply | undefined

const setup = (): VoucherSetupDto => ({ credentials: null, batches, pageUrl: 'https://yima.test/v/abc' })
const change = (id: string, f: (b: VoucherBatchDto) => VoucherBatchDto): Reply => {
  batches = batches.map((b) => (b.id === id ? f(b) : b))
  return { statusCode: 200, data: batches.find((b) => b.id === id) }
}

beforeEach(() => {
  navigateTo.mockReset()
  showToast.mockReset()
  withParams({ merchant: 'mch_1' })
  roles = [roleDto()]
  batches = [batch('vbt_1'), batch('vbt_2', { name: '无门槛券', thresholdFen: 0, amountFen: 250, noCash: false, uses: [], spendGiftMinFen: null, paused: true, pausedStoreIds: ['sto_2'], wechatStatus: 'paused', scenario: 'both', goodsTags: ['MUTEX_STORE', 'MUTEX_ONLINE', 'NO_MUTEX_STORE', 'NO_MUTEX_ONLINE'] })]
  answer = () => undefined
  sent = mockStaffApi({
    roles: () => roles,
    answer: (req) => answer(req),
    routes: (req) => {
      if (req.method === 'GET' && req.url === '/v1/mobile/merchants/mch_1/vouchers') return { statusCode: 200, data: setup() }
      if (req.method === 'GET' && req.url === '/v1/mobile/merchants/mch_2/vouchers') return { statusCode: 200, data: { credentials: null, batches: [], pageUrl: 'x' } }
      if (req.method === 'GET' && req.url === '/v1/mobile/merchants/mch_1/stores') return listReply([storeDto(), storeDto({ id: 'sto_2', name: '海岸城店' })])
      const pause = /^\/v1\/mobile\/voucher-batches\/(vbt_\d)$/.exec(req.url)
      if (req.method === 'PATCH' && pause !== null) return change(pause[1]!, (b) => ({ ...b, ...(req.data as { paused: boolean }) }))
      const store = /^\/v1\/mobile\/voucher-batches\/(vbt_\d)\/stores\/(sto_\d)$/.exec(req.url)
      if (req.method === 'PUT' && store !== null) {
        const paused = (req.data as { paused: boolean }).paused
        return change(store[1]!, (b) => ({ ...b, pausedStoreIds: paused ? [...b.pausedStoreIds, store[2]!] : b.pausedStoreIds.filter((s) => s !== store[2]) }))
      }
      return undefined
    },
  })
})
afterEach(() => { jest.restoreAllMocks() })

const batchEl = (container: HTMLElement, id: string): HTMLElement => {
  const el = container.querySelector<HTMLElement>(`.vouchers__batch--${id}`)
  if (el === null) throw new Error(`no batch ${id}`)
  return el
}
const writes = (): Sent[] => sent.filter((r) => r.method !== 'GET')

test('a merchant admin sees each batch\'s facts, 下架 / 上架, and every store\'s 暂停发券', async () => {
  const container = await renderPage(<Vouchers />)
  expect(await screen.findByText('满 50 减 5')).toBeTruthy()
  const first = batchEl(container, 'vbt_1')
  expect(first.textContent).toContain('2026-11-01 至 2027-01-29')
  expect(first.textContent).toContain('3 张')
  expect(first.textContent).toContain('免充值')
  expect(first.textContent).toContain('门店收银 · 互斥')
  expect(first.textContent).toContain('运营中')
  expect(first.textContent).toContain('40 / 12 张')
  expect(first.textContent).toContain('消费有礼（满 50 元）')
  expect(first.querySelector('.vouchers__pause')?.textContent).toBe('下架')

  const second = batchEl(container, 'vbt_2')
  expect(second.textContent).toContain('无门槛减 2.5')
  expect(second.textContent).toContain('预充值')
  expect(second.textContent).toContain('门店收银、线上商城 · 不互斥')
  expect(second.textContent).toContain('已暂停')
  expect(second.textContent).toContain('未设置用途')
  expect(second.querySelector('.vouchers__paused')?.textContent).toBe('已下架')
  expect(second.querySelector('.vouchers__pause')?.textContent).toBe('上架')
  // The merchant's stores, from the stores list.
  expect([...second.querySelectorAll('.vouchers__store-name')].map((e) => e.textContent)).toEqual(['科技园店', '海岸城店'])
  expect(second.querySelector('.vouchers__store--sto_2 .vouchers__store-switch')?.className).toContain('van-switch--on')
  expect(second.querySelector('.vouchers__store--sto_1 .vouchers__store-switch')?.className).not.toContain('van-switch--on')

  await tapButton(first, '.vouchers__pause')
  expect(writes().map((r) => [r.method, r.url, r.data])).toEqual([['PATCH', '/v1/mobile/voucher-batches/vbt_1', { paused: true }]])
  await waitFor(() => { expect(batchEl(container, 'vbt_1').querySelector('.vouchers__pause')?.textContent).toBe('上架') })
  expect(batchEl(container, 'vbt_1').querySelector('.vouchers__paused-note')).not.toBeNull()
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已下架' }))

  await tapButton(batchEl(container, 'vbt_2'), '.vouchers__pause')
  expect(writes()[1]?.data).toEqual({ paused: false })

  await tap(batchEl(container, 'vbt_1').querySelector('.vouchers__store--sto_1 .vouchers__store-switch'))
  expect(writes()[2]).toMatchObject({ method: 'PUT', url: '/v1/mobile/voucher-batches/vbt_1/stores/sto_1', data: { paused: true } })
  await waitFor(() => { expect(batchEl(container, 'vbt_1').querySelector('.vouchers__store--sto_1')?.textContent).toContain('已暂停发券') })
  expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已暂停本店发券' }))
})

test('a store manager sees the batches but only their own store\'s switch, and no 下架', async () => {
  roles = [roleDto({ role: 'store_manager', roleLabel: '店长', storeId: 'sto_2', storeName: '海岸城店' })]
  const container = await renderPage(<Vouchers />)
  await screen.findByText('满 50 减 5')
  expect(container.querySelector('.vouchers__pause')).toBeNull()
  expect([...batchEl(container, 'vbt_2').querySelectorAll('.vouchers__store-name')].map((e) => e.textContent)).toEqual(['海岸城店'])
  // Their store comes from their role: the merchant's store list is not asked for.
  expect(sent.some((r) => r.url.endsWith('/stores'))).toBe(false)

  await tap(batchEl(container, 'vbt_2').querySelector('.vouchers__store--sto_2 .vouchers__store-switch'))
  expect(writes().map((r) => [r.method, r.url, r.data])).toEqual([['PUT', '/v1/mobile/voucher-batches/vbt_2/stores/sto_2', { paused: false }]])
  await waitFor(() => { expect(batchEl(container, 'vbt_2').querySelector('.vouchers__store--sto_2')?.textContent).toContain('发券中') })
})

test('a refusal is told and the batch stays as it was', async () => {
  answer = (req) => req.method === 'PATCH' ? { statusCode: 403, data: { error: { type: 'permission', code: 'forbidden', message: '只有商户管理员可以下架代金券' } } } : undefined
  const container = await renderPage(<Vouchers />)
  await screen.findByText('满 50 减 5')
  await tapButton(batchEl(container, 'vbt_1'), '.vouchers__pause')
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '只有商户管理员可以下架代金券', icon: 'none' })) })
  expect(batchEl(container, 'vbt_1').querySelector('.vouchers__pause')?.textContent).toBe('下架')
})

test('several merchants: the one asked for first, another picked; a merchant without batches says so', async () => {
  roles = [roleDto(), roleDto({ staffId: 'stf_2', role: 'store_manager', roleLabel: '店长', merchantId: 'mch_2', merchantName: '二号商户', storeId: 'sto_9', storeName: '九号店' })]
  withParams({ merchant: 'mch_2' })
  const container = await renderPage(<Vouchers />)
  expect(await screen.findByText('还没有代金券')).toBeTruthy()
  typeInto(container, 'vouchers__merchant', '0')
  expect(await screen.findByText('满 50 减 5')).toBeTruthy()
})

test('a clerk is told who may manage vouchers', async () => {
  roles = [roleDto({ role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })]
  await renderPage(<Vouchers />)
  expect(await screen.findByText('只有商户管理员和店长可以管理代金券')).toBeTruthy()
  expect(sent.some((r) => r.url.includes('vouchers'))).toBe(false)
})

test('the home page: admins get 代金券 and 支付完成页广告, store managers 代金券 only, clerks neither', async () => {
  const takings = { date: '2026-11-23', stores: [], total: { paymentCount: 0, paymentFen: 0, refundCount: 0, refundFen: 0, netFen: 0 } }
  answer = (req) => req.url === '/v1/mobile/takings/today' ? { statusCode: 200, data: takings } : undefined

  roles = [roleDto({ role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })]
  const clerk = render(<Index />)
  await screen.findByText('我的门店')
  expect(screen.queryByText('代金券')).toBeNull()
  expect(screen.queryByText('支付完成页广告')).toBeNull()
  clerk.unmount()

  roles = [roleDto({ role: 'store_manager', roleLabel: '店长', storeId: 'sto_1', storeName: '科技园店' })]
  const manager = render(<Index />)
  await screen.findByText('代金券')
  expect(screen.queryByText('支付完成页广告')).toBeNull()
  await tap(manager.container.querySelector('.index__vouchers'))
  expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/vouchers/index?merchant=mch_1' })
  manager.unmount()

  roles = [roleDto()]
  const admin = render(<Index />)
  await screen.findByText('支付完成页广告')
  await tap(admin.container.querySelector('.index__merchant-ad'))
  expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/merchant-ad/index?merchant=mch_1' })
  await tap(admin.container.querySelector('.index__vouchers'))
  expect(navigateTo).toHaveBeenLastCalledWith({ url: '/pages/vouchers/index?merchant=mch_1' })
})
