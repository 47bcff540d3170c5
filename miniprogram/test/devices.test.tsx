import { fireEvent, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import Devices from '../src/pages/devices/index'
import { listReply, mockApi, type Routes, type Sent, withParams } from './helpers/api'
import { renderPage, tapButton, typeInto } from './helpers/ui'

// H5 shows the server's PNG (the cookie rides on <img>); the weapp draws the QR itself.
let mockImagesCarrySession = true
jest.mock('../src/components/qr-image/session-images', () => ({ get IMAGES_CARRY_SESSION () { return mockImagesCarrySession } }))

let sent: Sent[] = []
let routes: Routes = {}

const device = (over: object) => ({
  id: 'dev_1',
  merchantId: 'mch_1',
  storeId: 'sto_1',
  type: 'cloud_cashier',
  typeLabel: '云支付收银台',
  sn: 'LANDI_QM600_LA190000000',
  name: null,
  bound: true,
  boundAt: '2024-05-01T02:03:00.000Z',
  unboundAt: null,
  createdAt: '2024-05-01T02:03:00.000Z',
  ...over,
})
const payload = {
  v: 1,
  kind: 'yima_cashier_device',
  api_base_url: 'https://pay.example.com/cpay',
  out_mch_id: 'A'.repeat(20),
  out_sub_mch_id: 'B'.repeat(20),
  cloud_cashier_id: 'C1',
  authen_type: 'HMAC-SHA256',
  out_shop_id: 'S'.repeat(20),
  shop_name: '东门店',
  device_id: 'dev_1',
  device_name: '云支付收银台',
  device_shift_type: 2,
  sn: 'LANDI_QM600_LA190000000',
}
const LIST = 'GET /v1/mobile/stores/sto_1/cashier-devices'

beforeEach(() => {
  mockImagesCarrySession = true
  routes = {
    [LIST]: () => listReply([device({})]),
    'GET /v1/mobile/cashier-devices/dev_1/config-qr': () => ({ statusCode: 200, data: { payload, content: JSON.stringify(payload), pngPath: '/v1/mobile/cashier-devices/dev_1/config-qr.png' } }),
  }
  sent = mockApi(routes)
  withParams({ storeId: 'sto_1' })
  ;(Taro.showModal as unknown as jest.Mock).mockReset()
})

const open = async (): Promise<HTMLElement> => await renderPage(<Devices />)
const calls = (key: string): Sent[] => sent.filter((r) => `${r.method} ${r.url}` === key)

test('lists the bound devices with type, SN and when they were bound', async () => {
  await open()
  expect(screen.getByText('云支付收银台')).toBeTruthy()
  expect(screen.getByText('SN：LANDI_QM600_LA190000000')).toBeTruthy()
  expect(screen.getByText('绑定于 2024-05-01 10:03')).toBeTruthy() // China time
  expect(calls(LIST)).toHaveLength(1)
})

test('an empty store says so and still offers to add', async () => {
  routes[LIST] = () => listReply([])
  const container = await open()
  expect(screen.getByText('还没有收银设备')).toBeTruthy()
  expect(container.querySelector('.add-device')).not.toBeNull()
})

test('adds a device of the chosen type, then shows its configuration QR', async () => {
  const added = device({ id: 'dev_2', type: 'smart_pos', typeLabel: '智能 POS', sn: 'POS12345' })
  routes['POST /v1/mobile/stores/sto_1/cashier-devices'] = () => {
    routes[LIST] = () => listReply([added, device({})])
    return { statusCode: 201, data: added }
  }
  routes['GET /v1/mobile/cashier-devices/dev_2/config-qr'] = () => ({ statusCode: 200, data: { payload: { ...payload, device_id: 'dev_2' }, content: '{}', pngPath: '/v1/mobile/cashier-devices/dev_2/config-qr.png' } })
  const container = await open()
  await tapButton(container, '.add-device')
  fireEvent.click(screen.getByText('智能 POS'))
  typeInto(container, 'device-sn', 'POS12345')
  await tapButton(container, '.save-device')

  expect(calls('POST /v1/mobile/stores/sto_1/cashier-devices').map((r) => r.data)).toEqual([{ type: 'smart_pos', sn: 'POS12345' }])
  expect(calls(LIST)).toHaveLength(2)
  expect(screen.getByText('SN：POS12345')).toBeTruthy()
  expect(calls('GET /v1/mobile/cashier-devices/dev_2/config-qr')).toHaveLength(1)
  expect(screen.getByText('设备 ID：dev_2')).toBeTruthy()
})

test('a bad SN is caught before sending; a bound SN shows "设备已被绑定"', async () => {
  routes['POST /v1/mobile/stores/sto_1/cashier-devices'] = () => ({ statusCode: 409, data: { error: { type: 'conflict', code: 'device_already_bound', message: '设备已被绑定', param: 'sn' } } })
  const container = await open()
  await tapButton(container, '.add-device')
  typeInto(container, 'device-sn', 'a b')
  await tapButton(container, '.save-device')
  expect(screen.getByText('设备 SN 为 4–64 位字母、数字、下划线、中划线或点')).toBeTruthy()
  expect(calls('POST /v1/mobile/stores/sto_1/cashier-devices')).toHaveLength(0)

  typeInto(container, 'device-sn', 'LANDI_QM600_LA190000000')
  await tapButton(container, '.save-device')
  expect(calls('POST /v1/mobile/stores/sto_1/cashier-devices')).toHaveLength(1)
  expect(container.querySelector('.device-sn')!.textContent).toContain('设备已被绑定')
})

test('unbinds after confirmation', async () => {
  routes['POST /v1/mobile/cashier-devices/dev_1/unbind'] = () => ({ statusCode: 200, data: device({ bound: false }) })
  ;(Taro.showModal as unknown as jest.Mock).mockResolvedValueOnce({ confirm: false }).mockResolvedValueOnce({ confirm: true })
  const container = await open()
  await tapButton(container, '.unbind-device')
  expect(calls('POST /v1/mobile/cashier-devices/dev_1/unbind')).toHaveLength(0)
  routes[LIST] = () => listReply([])
  await tapButton(container, '.unbind-device')
  expect(calls('POST /v1/mobile/cashier-devices/dev_1/unbind')).toHaveLength(1)
  expect(screen.getByText('还没有收银设备')).toBeTruthy()
})

test('H5 shows the PNG the server serves, with the payload as text', async () => {
  const container = await open()
  await tapButton(container, '.show-config-qr')
  expect(container.querySelector('.qr-image img')!.getAttribute('src')).toBe('/v1/mobile/cashier-devices/dev_1/config-qr.png')
  expect(screen.getByText('接口地址：https://pay.example.com/cpay')).toBeTruthy()
  expect(screen.getByText(`门店编号：${'S'.repeat(20)}`)).toBeTruthy()
})

test('the mini-program draws the QR from the JSON (an image request cannot carry the bearer token)', async () => {
  mockImagesCarrySession = false
  const container = await open()
  await tapButton(container, '.show-config-qr')
  expect(calls('GET /v1/mobile/cashier-devices/dev_1/config-qr')).toHaveLength(1)
  expect(container.querySelector('.qr-image img')!.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  expect(screen.getByText('设备 ID：dev_1')).toBeTruthy()
})
