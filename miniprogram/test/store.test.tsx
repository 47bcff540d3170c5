import { fireEvent, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import StorePage from '../src/pages/store/index'
import { mockApi, type Routes, type Sent, storeDto, withParams } from './helpers/api'
import { renderPage, tapButton } from './helpers/ui'

const navigateTo = Taro.navigateTo as unknown as jest.Mock
const navigateBack = Taro.navigateBack as unknown as jest.Mock
const showModal = Taro.showModal as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
let sent: Sent[] = []
let routes: Routes = {}

const STORE = storeDto({ branchName: '一店', phone: '0755-12345678', goodsTag: 'MEMBER_DAY', wechatSubMchId: '1900000109', memberCardEnabled: false })
const role = (o: object) => ({ staffId: 'stf_x', name: '张三', merchantId: 'mch_1', merchantName: '好味餐饮', storeId: null, storeName: null, refundPermission: false, onDuty: false, ...o })
const ADMIN = role({ staffId: 'stf_a', role: 'merchant_admin', roleLabel: '商户管理员' })
const CLERK = role({ staffId: 'stf_c', role: 'clerk', roleLabel: '店员', storeId: 'sto_1', storeName: '科技园店' })
const MANAGER = role({ staffId: 'stf_m', role: 'store_manager', roleLabel: '店长', storeId: 'sto_1', storeName: '科技园店' })
const person = (o: object) => ({ phone: null, email: null, refundPermission: false, activated: true, activatedAt: null, serviceProviderId: 'sp_1', subServiceProviderId: null, merchantId: 'mch_1', storeId: 'sto_1', createdAt: '2026-01-01T00:00:00.000Z', ...o })
const duty = (onDuty: boolean, staffId = 'stf_c') => ({
  staffId,
  name: '王小明',
  role: 'clerk',
  onDuty,
  shift: onDuty ? { id: 'shf_1', staffId, storeId: 'sto_1', clockInAt: '2026-01-05T01:30:00.000Z', clockOutAt: null } : null,
})
const me = (...roles: object[]) => () => ({ statusCode: 200, data: { name: '张三', roles } })

beforeEach(() => {
  routes = {
    'GET /v1/mobile/stores/sto_1': () => ({ statusCode: 200, data: STORE }),
    'GET /v1/mobile/me': me(ADMIN),
    'GET /v1/mobile/stores/sto_1/staff': () => ({
      statusCode: 200,
      data: { data: [person({ id: 'stf_m', role: 'store_manager', roleLabel: '店长', name: '张店长' }), person({ id: 'stf_c', role: 'clerk', roleLabel: '店员', name: '王小明', activated: false })] },
    }),
  }
  sent = mockApi(routes)
  withParams({ id: 'sto_1' })
  for (const fn of [navigateTo, navigateBack, showModal, showToast]) fn.mockReset()
})

const open = async (): Promise<HTMLElement> => await renderPage(<StorePage />)
const calls = (method: string, url: string): Sent[] => sent.filter((r) => r.method === method && r.url === url)
const cell = (title: string): HTMLElement => screen.getByText(title).closest('.van-cell') as HTMLElement
const navigatedTo = (): string[] => navigateTo.mock.calls.map(([o]) => o.url)

test("the merchant admin: the store's details, its staff and every management link", async () => {
  const container = await open()
  for (const text of ['科技园店', '一店', '正常收款', '深圳市南山区科技园', '0755-12345678', '微信支付、支付宝', 'CNY', 'MEMBER_DAY', '1900000109', '本门店禁用', 'SHOP0000000000000001']) {
    expect(screen.getByText(text)).toBeTruthy()
  }
  expect(screen.getByText('张店长')).toBeTruthy()
  expect(screen.getByText('王小明')).toBeTruthy()
  // Only the clerk who has not scanned their activation code yet.
  expect(screen.getAllByText('未激活')).toHaveLength(1)
  expect(cell('王小明').textContent).toContain('未激活')
  for (const text of ['收款二维码', '收银设备', '云打印机与云喇叭', '交易记录', '交接班', '编辑门店', '删除门店', '添加员工']) expect(screen.getByText(text)).toBeTruthy()
  // An admin works no shifts here.
  expect(container.querySelector('.duty-button')).toBeNull()
  expect(calls('GET', '/v1/mobile/stores/sto_1/shifts/me')).toHaveLength(0)

  fireEvent.click(cell('王小明'))
  await tapButton(container, '.add-staff')
  for (const title of ['收款二维码', '收银设备', '云打印机与云喇叭', '交易记录', '交接班']) fireEvent.click(cell(title))
  await tapButton(container, '.edit-store')
  expect(navigatedTo()).toEqual([
    '/pages/staff/index?id=stf_c',
    '/pages/staff-add/index?storeId=sto_1',
    '/pages/qr-codes/index?storeId=sto_1',
    '/pages/devices/index?storeId=sto_1',
    '/pages/printers/index?storeId=sto_1',
    '/pages/orders/index?storeId=sto_1',
    '/pages/handover/index?storeId=sto_1',
    '/pages/store-edit/index?id=sto_1',
  ])
})

test('a clerk clocks in; no staff, device or store management for them', async () => {
  routes['GET /v1/mobile/me'] = me(CLERK)
  routes['GET /v1/mobile/stores/sto_1/shifts/me'] = () => ({ statusCode: 200, data: duty(false) })
  routes['POST /v1/mobile/stores/sto_1/clock-in'] = () => ({ statusCode: 201, data: duty(true) })
  const container = await open()
  expect(container.querySelector('.duty-state')!.textContent).toContain('未上班')
  const button = (): Element => container.querySelector('.duty-button')!
  expect(button().textContent).toBe('上班打卡')
  for (const text of ['收款二维码', '交易记录', '交接班']) expect(screen.getByText(text)).toBeTruthy()
  for (const text of ['员工', '添加员工', '收银设备', '云打印机与云喇叭', '编辑门店', '删除门店']) expect(screen.queryByText(text)).toBeNull()
  expect(calls('GET', '/v1/mobile/stores/sto_1/staff')).toHaveLength(0)

  await tapButton(container, '.duty-button')
  expect(calls('POST', '/v1/mobile/stores/sto_1/clock-in')).toHaveLength(1)
  expect(button().textContent).toBe('下班打卡')
  expect(container.querySelector('.duty-state')!.textContent).toContain('上班中')
  expect(screen.getByText('上班时间 2026-01-05 09:30')).toBeTruthy() // China time
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已上班' }))
})

test('a manager on duty clocks out, and manages the staff', async () => {
  routes['GET /v1/mobile/me'] = me(MANAGER)
  routes['GET /v1/mobile/stores/sto_1/shifts/me'] = () => ({ statusCode: 200, data: duty(true, 'stf_m') })
  routes['POST /v1/mobile/stores/sto_1/clock-out'] = () => ({ statusCode: 200, data: { ...duty(false, 'stf_m'), shift: { ...duty(true, 'stf_m').shift, clockOutAt: '2026-01-05T10:00:00.000Z' } } })
  const container = await open()
  expect(container.querySelector('.duty-button')!.textContent).toBe('下班打卡')
  for (const text of ['员工', '添加员工', '收银设备', '云打印机与云喇叭']) expect(screen.getByText(text)).toBeTruthy()
  expect(screen.queryByText('编辑门店')).toBeNull()

  await tapButton(container, '.duty-button')
  expect(calls('POST', '/v1/mobile/stores/sto_1/clock-out')).toHaveLength(1)
  expect(calls('POST', '/v1/mobile/stores/sto_1/clock-in')).toHaveLength(0)
  expect(container.querySelector('.duty-button')!.textContent).toBe('上班打卡')
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已下班' }))
})

test("a refused clock-in shows the server's reason", async () => {
  routes['GET /v1/mobile/me'] = me(CLERK)
  routes['GET /v1/mobile/stores/sto_1/shifts/me'] = () => ({ statusCode: 200, data: duty(false) })
  routes['POST /v1/mobile/stores/sto_1/clock-in'] = () => ({ statusCode: 409, data: { error: { type: 'conflict', code: 'already_on_duty', message: '已经在班，无需重复打卡' } } })
  const container = await open()
  await tapButton(container, '.duty-button')
  expect(container.querySelector('.duty-error')!.textContent).toBe('已经在班，无需重复打卡')
  expect(container.querySelector('.duty-button')!.textContent).toBe('上班打卡')
})

test('deleting asks first, shows why the server refuses, and goes back once deleted', async () => {
  const refusal = '该门店近一个月内有交易，不能删除（交易记录不可删除）'
  routes['DELETE /v1/mobile/stores/sto_1'] = () => ({ statusCode: 409, data: { error: { type: 'conflict', code: 'store_has_recent_transactions', message: refusal } } })
  const container = await open()

  showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
  await tapButton(container, '.delete-store')
  expect(calls('DELETE', '/v1/mobile/stores/sto_1')).toHaveLength(0)

  showModal.mockResolvedValue({ confirm: true, cancel: false })
  await tapButton(container, '.delete-store')
  expect(calls('DELETE', '/v1/mobile/stores/sto_1')).toHaveLength(1)
  expect(container.querySelector('.delete-error')!.textContent).toBe(refusal)
  expect(navigateBack).not.toHaveBeenCalled()

  routes['DELETE /v1/mobile/stores/sto_1'] = () => ({ statusCode: 204, data: '' })
  await tapButton(container, '.delete-store')
  expect(calls('DELETE', '/v1/mobile/stores/sto_1')).toHaveLength(2)
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已删除' }))
  expect(navigateBack).toHaveBeenCalledTimes(1)
})

test('a store outside the caller\'s roles shows the 404', async () => {
  routes['GET /v1/mobile/stores/sto_1'] = () => ({ statusCode: 404, data: { error: { type: 'not_found', code: 'store_not_found', message: '门店不存在' } } })
  await open()
  expect(screen.getByText('门店不存在')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
})
