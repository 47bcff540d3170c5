import { fireEvent, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import StoresPage from '../src/pages/stores/index'
import { mockApi, type Routes, type Sent, storeDto } from './helpers/api'
import { renderPage, tap } from './helpers/ui'

const navigateTo = Taro.navigateTo as unknown as jest.Mock
let sent: Sent[] = []
let routes: Routes = {}

const role = (o: object) => ({ staffId: 'stf_x', name: '张三', merchantId: null, merchantName: null, storeId: null, storeName: null, refundPermission: false, onDuty: false, ...o })

beforeEach(() => {
  routes = {
    'GET /v1/mobile/me': () => ({
      statusCode: 200,
      data: {
        name: '张三',
        roles: [
          role({ staffId: 'stf_a', role: 'merchant_admin', roleLabel: '商户管理员', merchantId: 'mch_1', merchantName: '好味餐饮' }),
          // Also a clerk at one of the merchant's own stores: listed once, under the merchant.
          role({ staffId: 'stf_c', role: 'clerk', roleLabel: '店员', merchantId: 'mch_1', storeId: 'sto_1', storeName: '科技园店' }),
          role({ staffId: 'stf_m', role: 'store_manager', roleLabel: '店长', merchantId: 'mch_9', storeId: 'sto_9', storeName: '朋友的店' }),
        ],
      },
    }),
    'GET /v1/mobile/merchants/mch_1/stores': () => ({
      statusCode: 200,
      data: { object: 'list', hasMore: false, data: [storeDto({}), storeDto({ id: 'sto_2', name: '南山店', branchName: '二店', address: null, status: 'closed' })] },
    }),
  }
  sent = mockApi(routes)
  navigateTo.mockReset()
})

const open = async (): Promise<HTMLElement> => await renderPage(<StoresPage />)
const urls = (): string[] => sent.map((r) => `${r.method} ${r.url}`)

test("lists the admin's stores per merchant and the stores they work at", async () => {
  const container = await open()
  expect(urls()).toEqual(['GET /v1/mobile/me', 'GET /v1/mobile/merchants/mch_1/stores'])
  expect(screen.getByText('好味餐饮')).toBeTruthy()
  expect(screen.getByText('南山店（二店）')).toBeTruthy()
  expect(screen.getByText('深圳市南山区科技园')).toBeTruthy()
  expect(screen.getByText('正常收款')).toBeTruthy()
  expect(screen.getByText('已停止收款')).toBeTruthy()
  expect(screen.getByText('我工作的门店')).toBeTruthy()
  expect(screen.getByText('朋友的店')).toBeTruthy()
  expect(screen.getByText('店长')).toBeTruthy()
  expect(screen.getAllByText('科技园店')).toHaveLength(1)
  const cells = container.querySelectorAll('.store-cell')
  expect(cells).toHaveLength(3)
  expect(screen.queryByText('还没有门店')).toBeNull()

  fireEvent.click(cells[1]!)
  fireEvent.click(cells[2]!)
  expect(navigateTo.mock.calls.map(([o]) => o.url)).toEqual(['/pages/store/index?id=sto_2', '/pages/store/index?id=sto_9'])
})

test('添加门店 opens the form for that merchant', async () => {
  const container = await open()
  const buttons = container.querySelectorAll('.add-store')
  expect(buttons).toHaveLength(1)
  expect(buttons[0]!.textContent).toBe('添加门店')
  fireEvent.click(buttons[0]!.querySelector('.van-native-button')!)
  expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/store-edit/index?merchantId=mch_1' })
})

test('a merchant without stores still offers 添加门店', async () => {
  routes['GET /v1/mobile/merchants/mch_1/stores'] = () => ({ statusCode: 200, data: { object: 'list', hasMore: false, data: [] } })
  routes['GET /v1/mobile/me'] = () => ({ statusCode: 200, data: { name: '张三', roles: [role({ role: 'merchant_admin', roleLabel: '商户管理员', merchantId: 'mch_1', merchantName: '好味餐饮' })] } })
  const container = await open()
  expect(screen.getByText('该商户还没有添加门店')).toBeTruthy()
  expect(container.querySelector('.add-store')).not.toBeNull()
  expect(screen.queryByText('还没有门店')).toBeNull()
})

test('says 还没有门店 when the person has no store role', async () => {
  routes['GET /v1/mobile/me'] = () => ({ statusCode: 200, data: { name: '张三', roles: [] } })
  const container = await open()
  expect(screen.getByText('还没有门店')).toBeTruthy()
  expect(container.querySelector('.add-store')).toBeNull()
  expect(urls()).toEqual(['GET /v1/mobile/me'])
})

test("shows the server's error and loads again on 重试", async () => {
  routes['GET /v1/mobile/merchants/mch_1/stores'] = () => ({ statusCode: 500, data: { error: { type: 'internal', code: 'internal_error', message: '服务暂时不可用，请稍后再试' } } })
  const container = await open()
  expect(screen.getByText('服务暂时不可用，请稍后再试')).toBeTruthy()
  routes['GET /v1/mobile/merchants/mch_1/stores'] = () => ({ statusCode: 200, data: { object: 'list', hasMore: false, data: [storeDto({})] } })
  await tap(container.querySelector('.van-native-button'))
  expect(screen.getByText('深圳市南山区科技园')).toBeTruthy()
})
