import { screen } from '@testing-library/react'
import Settings from '../src/pages/settings/index'
import { mockApi, type Routes, type Sent } from './helpers/api'
import { renderPage, tap } from './helpers/ui'

let sent: Sent[] = []
let routes: Routes = {}

const role = (over: object) => ({
  staffId: 'stf_x', role: 'clerk', roleLabel: '店员', name: '张三', merchantId: 'mch_1', merchantName: '小店', storeId: null, storeName: null, refundPermission: false, onDuty: false, ...over,
})
const me = {
  name: '张三',
  roles: [
    role({ staffId: 'stf_admin', role: 'merchant_admin', roleLabel: '商户管理员' }),
    role({ staffId: 'stf_c', storeId: 'sto_a', storeName: '东门店' }),
    role({ staffId: 'stf_m', role: 'store_manager', roleLabel: '店长', storeId: 'sto_b', storeName: '西门店' }),
  ],
}
const settings: Record<string, { staffId: string, storeId: string, role: string, receiveMessages: boolean, receiveOffDuty: boolean }> = {}

beforeEach(() => {
  settings.sto_a = { staffId: 'stf_c', storeId: 'sto_a', role: 'clerk', receiveMessages: true, receiveOffDuty: false }
  settings.sto_b = { staffId: 'stf_m', storeId: 'sto_b', role: 'store_manager', receiveMessages: true, receiveOffDuty: false }
  routes = {
    'GET /v1/mobile/me': () => ({ statusCode: 200, data: me }),
    'GET /v1/mobile/staff/me/notifications?storeId=sto_a': () => ({ statusCode: 200, data: settings.sto_a }),
    'GET /v1/mobile/staff/me/notifications?storeId=sto_b': () => ({ statusCode: 200, data: settings.sto_b }),
    'PATCH /v1/mobile/staff/me/notifications': (req) => {
      const { storeId, ...patch } = req.data as { storeId: string }
      settings[storeId] = { ...settings[storeId]!, ...patch }
      return { statusCode: 200, data: settings[storeId] }
    },
  }
  sent = mockApi(routes)
})

const open = async (): Promise<HTMLElement> => await renderPage(<Settings />)
const groups = (container: HTMLElement): [HTMLElement, HTMLElement] => {
  const found = Array.from(container.querySelectorAll<HTMLElement>('.settings__store'))
  expect(found).toHaveLength(2)
  return found as [HTMLElement, HTMLElement]
}
const isOn = (el: Element | null): boolean => el!.className.includes('van-switch--on')

test('one group per store where I am a clerk or manager; off-duty only for managers', async () => {
  const container = await open()
  expect(screen.getByText('东门店（店员）')).toBeTruthy()
  expect(screen.getByText('西门店（店长）')).toBeTruthy()
  expect(sent.map((r) => r.url)).toEqual([
    '/v1/mobile/me',
    '/v1/mobile/staff/me/notifications?storeId=sto_a',
    '/v1/mobile/staff/me/notifications?storeId=sto_b',
  ])
  const [east, west] = groups(container)
  expect(east.querySelector('.receive-off-duty')).toBeNull()
  expect(isOn(east.querySelector('.receive-messages'))).toBe(true)
  expect(west.querySelector('.receive-off-duty')).not.toBeNull()
  expect(screen.getAllByText('接收收款通知')).toHaveLength(2)
  expect(screen.getAllByText('下班也接收')).toHaveLength(1)
})

test('switching sends the store and the one setting, and shows the answer', async () => {
  const container = await open()
  const [east, west] = groups(container)
  await tap(east.querySelector('.receive-messages'))
  await tap(west.querySelector('.receive-off-duty'))
  expect(sent.filter((r) => r.method === 'PATCH').map((r) => r.data)).toEqual([
    { storeId: 'sto_a', receiveMessages: false },
    { storeId: 'sto_b', receiveOffDuty: true },
  ])
  expect(isOn(east.querySelector('.receive-messages'))).toBe(false)
  expect(isOn(west.querySelector('.receive-off-duty'))).toBe(true)
})

test("a refusal is shown and the switch keeps the server's state", async () => {
  routes['PATCH /v1/mobile/staff/me/notifications'] = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'notify_setting_not_permitted', message: '只有店长可以设置下班后接收收款消息' } } })
  const container = await open()
  const west = groups(container)[1]
  await tap(west.querySelector('.receive-off-duty'))
  expect(west.querySelector('.settings__error')!.textContent).toBe('只有店长可以设置下班后接收收款消息')
  expect(isOn(west.querySelector('.receive-off-duty'))).toBe(false)
})

test('someone with no store role is told there is nothing to set', async () => {
  routes['GET /v1/mobile/me'] = () => ({ statusCode: 200, data: { name: '张三', roles: [me.roles[0]] } })
  await open()
  expect(screen.getByText('你还不是任何门店的店长或店员，没有收款消息可设置')).toBeTruthy()
  expect(sent).toHaveLength(1)
})
