import { fireEvent, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import Printers from '../src/pages/printers/index'
import { listReply, mockApi, type Reply, type Routes, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

let sent: Sent[] = []
let routes: Routes = {}

const printer = (over: object) => ({
  id: 'prn_1',
  storeId: 'sto_1',
  qrCodeId: null,
  brand: 'feie',
  brandLabel: '飞鹅',
  sn: '920500001',
  name: null,
  copies: 2,
  enabled: true,
  state: 'online',
  stateLabel: '在线',
  stateCheckedAt: null,
  hasKey: true,
  createdAt: '',
  updatedAt: '',
  ...over,
})
const speaker = (over: object) => ({
  id: 'spk_1', storeId: 'sto_1', qrCodeId: 'qr_1', brand: 'brhk', brandLabel: '博瑞皓科', sn: 'SPK0001', name: null, volume: 60, enabled: true, createdAt: '', updatedAt: '', ...over,
})
const codes = [{ id: 'qr_1', name: '收银台码', displayCode: 'abcd-efgh-jkmn', kindLabel: '门店收款码' }]
const error = (statusCode: number, code: string, message: string, param?: string): Reply =>
  ({ statusCode, data: { error: { type: statusCode === 409 ? 'conflict' : 'invalid_request', code, message, param } } })
const PRINTERS = 'GET /v1/mobile/stores/sto_1/printers'

// vantui's Stepper renders its input before it has a value; with the plain-<input> mock React
// warns about it. Only that warning is dropped.
const consoleError = console.error
beforeAll(() => {
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('changing an uncontrolled input to be controlled')) consoleError(...args)
  })
})

beforeEach(() => {
  routes = {
    [PRINTERS]: () => listReply([printer({}), printer({ id: 'prn_2', brand: 'yly', brandLabel: '易联云', sn: '4004000002', state: 'paper_out', stateLabel: '缺纸', qrCodeId: 'qr_1' })]),
    'GET /v1/mobile/stores/sto_1/speakers': () => listReply([speaker({})]),
    'GET /v1/mobile/stores/sto_1/qr-codes': () => listReply(codes),
  }
  sent = mockApi(routes)
  withParams({ storeId: 'sto_1' })
  ;(Taro.showModal as unknown as jest.Mock).mockReset()
})

const open = async (): Promise<HTMLElement> => await renderPage(<Printers />)
/** The component mock drops `data-*`, and vantui's Stepper reads `data-type` to tell + from −. */
const plus = async (el: Element | null): Promise<void> => { el!.setAttribute('data-type', 'plus'); await tap(el) }
const bodies = (key: string): unknown[] => sent.filter((r) => `${r.method} ${r.url}` === key).map((r) => r.data)

test('lists printers with their state and target, and speakers', async () => {
  const container = await open()
  expect(screen.getByText('飞鹅 920500001')).toBeTruthy()
  expect(screen.getByText('在线')).toBeTruthy()
  expect(screen.getByText('缺纸')).toBeTruthy()
  expect(screen.getByText('编号 920500001 · 整个门店')).toBeTruthy()
  expect(screen.getByText('编号 4004000002 · 收银台码')).toBeTruthy()
  expect(screen.getByText('博瑞皓科 SPK0001')).toBeTruthy()
  const copies = container.querySelectorAll<HTMLInputElement>('.printer-copies input')
  expect(copies[0]!.value).toBe('2')
  expect(container.querySelector<HTMLInputElement>('.speaker-volume input')!.value).toBe('60')
})

test('adds a printer: brand, SN, write-only key, copies and one payment code', async () => {
  routes['POST /v1/mobile/stores/sto_1/printers'] = () => ({ statusCode: 201, data: printer({ id: 'prn_3' }) })
  const container = await open()
  await tapButton(container, '.add-printer')
  fireEvent.click(screen.getByText('易联云'))
  typeInto(container, 'printer-sn', '4004000009')
  typeInto(container, 'printer-key', 'k3y')
  await plus(container.querySelector('.new-printer-copies .van-stepper__plus'))
  fireEvent.click(screen.getByText('收银台码（门店收款码）'))
  await tapButton(container, '.save-printer')

  expect(bodies('POST /v1/mobile/stores/sto_1/printers')).toEqual([{ brand: 'yly', sn: '4004000009', key: 'k3y', copies: 2, qrCodeId: 'qr_1' }])
  expect(bodies(PRINTERS)).toHaveLength(2) // reloaded
  expect(container.querySelector('.save-printer')).toBeNull() // the form closed
})

test('without the payment-code route only the whole store is offered', async () => {
  delete routes['GET /v1/mobile/stores/sto_1/qr-codes']
  routes['POST /v1/mobile/stores/sto_1/printers'] = () => ({ statusCode: 201, data: printer({ id: 'prn_3' }) })
  const container = await open()
  expect(screen.getByText('编号 4004000002 · 指定收款码')).toBeTruthy()
  await tapButton(container, '.add-printer')
  expect(container.querySelectorAll('.printer-target .van-radio')).toHaveLength(1)
  typeInto(container, 'printer-sn', '920500009')
  typeInto(container, 'printer-key', 'k3y')
  await tapButton(container, '.save-printer')
  expect(bodies('POST /v1/mobile/stores/sto_1/printers')).toEqual([{ brand: 'feie', sn: '920500009', key: 'k3y', copies: 1, qrCodeId: null }])
})

test('checks the form, then shows the server refusing an SN in use or a brand', async () => {
  const container = await open()
  await tapButton(container, '.add-printer')
  typeInto(container, 'printer-sn', '12')
  await tapButton(container, '.save-printer')
  expect(screen.getByText('设备编号为 4–32 位字母或数字')).toBeTruthy()
  expect(bodies('POST /v1/mobile/stores/sto_1/printers')).toHaveLength(0)

  routes['POST /v1/mobile/stores/sto_1/printers'] = () => error(409, 'device_already_bound', '设备已被绑定', 'sn')
  typeInto(container, 'printer-sn', '920500001')
  typeInto(container, 'printer-key', 'k3y')
  await tapButton(container, '.save-printer')
  expect(container.querySelector('.printer-sn')!.textContent).toContain('设备已被绑定')

  routes['POST /v1/mobile/stores/sto_1/printers'] = () => error(400, 'device_brand_unsupported', '暂不支持该品牌', 'brand')
  fireEvent.click(screen.getByText('智联博众'))
  await tapButton(container, '.save-printer')
  expect(screen.getByText('暂不支持该品牌')).toBeTruthy()
  expect(bodies('POST /v1/mobile/stores/sto_1/printers')).toHaveLength(2)
})

test('adds a speaker with its volume', async () => {
  routes['POST /v1/mobile/stores/sto_1/speakers'] = () => ({ statusCode: 201, data: speaker({ id: 'spk_2' }) })
  const container = await open()
  await tapButton(container, '.add-speaker')
  typeInto(container, 'speaker-sn', 'SPK0002')
  await plus(container.querySelector('.new-speaker-volume .van-stepper__plus'))
  await tapButton(container, '.save-speaker')
  expect(bodies('POST /v1/mobile/stores/sto_1/speakers')).toEqual([{ brand: 'brhk', sn: 'SPK0002', volume: 70, qrCodeId: null }])
})

test('edits enabled, copies and volume in place', async () => {
  routes['PATCH /v1/mobile/printers/prn_1'] = (req) => ({ statusCode: 200, data: printer(req.data as object) })
  routes['PATCH /v1/mobile/speakers/spk_1'] = (req) => ({ statusCode: 200, data: speaker(req.data as object) })
  const container = await open()
  await tap(container.querySelector('.printer-enabled'))
  await plus(container.querySelector('.printer-copies .van-stepper__plus'))
  await tap(container.querySelector('.speaker-enabled'))
  await plus(container.querySelector('.speaker-volume .van-stepper__plus'))
  expect(bodies('PATCH /v1/mobile/printers/prn_1')).toEqual([{ enabled: false }, { copies: 3 }])
  expect(bodies('PATCH /v1/mobile/speakers/spk_1')).toEqual([{ enabled: false }, { volume: 70 }])
})

test('deletes a printer after confirmation', async () => {
  routes['DELETE /v1/mobile/printers/prn_1'] = () => ({ statusCode: 200, data: { id: 'prn_1', deleted: true, vendorUnbound: true } })
  ;(Taro.showModal as unknown as jest.Mock).mockResolvedValueOnce({ confirm: false }).mockResolvedValueOnce({ confirm: true })
  const container = await open()
  await tapButton(container, '.remove-printer')
  expect(bodies('DELETE /v1/mobile/printers/prn_1')).toHaveLength(0)
  await tapButton(container, '.remove-printer')
  expect(bodies('DELETE /v1/mobile/printers/prn_1')).toHaveLength(1)
})
