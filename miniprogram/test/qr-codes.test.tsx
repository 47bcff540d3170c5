import { screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import QrCodesPage from '../src/pages/qr-codes/index'
import { listReply, mockApi, type Routes, type Sent, storeDto, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

const showToast = Taro.showToast as unknown as jest.Mock
const scanCode = Taro.scanCode as unknown as jest.Mock
let sent: Sent[] = []
let routes: Routes = {}

const STORE = storeDto({ address: null })
const role = (o: object) => ({ staffId: 'stf_x', name: '张三', merchantId: 'mch_1', merchantName: '好味餐饮', storeId: 'sto_1', storeName: '科技园店', refundPermission: false, onDuty: false, ...o })
const MANAGER = role({ staffId: 'stf_m', role: 'store_manager', roleLabel: '店长' })
const CLERK = role({ staffId: 'stf_c', role: 'clerk', roleLabel: '店员' })
const person = (o: object) => ({ phone: null, email: null, refundPermission: false, activated: true, activatedAt: null, serviceProviderId: 'sp_1', subServiceProviderId: null, merchantId: 'mch_1', storeId: 'sto_1', createdAt: '2026-01-01T00:00:00.000Z', ...o })
const qr = (o: object) => ({
  code: 'abcdefghjkmn',
  displayCode: 'abcd-efgh-jkmn',
  url: 'https://pay.example.com/q/abcdefghjkmn',
  name: null,
  status: 'active',
  storeId: 'sto_1',
  staffId: null,
  unitPriceFen: null,
  boundAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...o,
})
const CODES = [
  qr({ id: 'qr_1', kind: 'store', kindLabel: '门店收款码' }),
  // Renamed after binding: the staff list still says whose code it is.
  qr({ id: 'qr_2', kind: 'staff', kindLabel: '店员收款码', displayCode: 'bcde-fghj-kmnp', name: '收银台 2 号', staffId: 'stf_c' }),
  qr({ id: 'qr_3', kind: 'fixed_amount', kindLabel: '定额二维码', displayCode: 'cdef-ghjk-mnpq', name: '洗车', unitPriceFen: 3000, status: 'disabled' }),
]
const list = (data: object[]) => () => listReply(data)
const me = (...roles: object[]) => () => ({ statusCode: 200, data: { name: '张三', roles } })
const BIND = 'POST /v1/mobile/stores/sto_1/qr-codes/bind'
const env = process.env as Record<string, string | undefined>
/** The build target the page reads; assigning undefined would store the string 'undefined'. */
function setTaroEnv (value: string | undefined): void {
  if (value === undefined) delete env.TARO_ENV
  else env.TARO_ENV = value
}
const TARO_ENV = env.TARO_ENV
afterAll(() => { setTaroEnv(TARO_ENV) })

beforeEach(() => {
  routes = {
    'GET /v1/mobile/stores/sto_1': () => ({ statusCode: 200, data: STORE }),
    'GET /v1/mobile/me': me(MANAGER),
    'GET /v1/mobile/stores/sto_1/qr-codes': list(CODES),
    'GET /v1/mobile/stores/sto_1/staff': () => ({
      statusCode: 200,
      data: { data: [person({ id: 'stf_m', role: 'store_manager', roleLabel: '店长', name: '张店长' }), person({ id: 'stf_c', role: 'clerk', roleLabel: '店员', name: '王小明' })] },
    }),
  }
  sent = mockApi(routes)
  withParams({ storeId: 'sto_1' })
  for (const fn of [showToast, scanCode]) fn.mockReset()
  setTaroEnv(undefined)
})

const open = async (): Promise<HTMLElement> => await renderPage(<QrCodesPage />)
const calls = (method: string, url: string): Sent[] => sent.filter((r) => r.method === method && r.url === url)
const bodies = (): unknown[] => calls('POST', '/v1/mobile/stores/sto_1/qr-codes/bind').map((r) => r.data)

test("lists the store's codes: kind, code, clerk, unit price and status", async () => {
  const container = await open()
  const cells = [...container.querySelectorAll('.qr-cell')].map((el) => el.textContent)
  expect(cells).toHaveLength(3)
  expect(cells[0]).toContain('门店收款码')
  expect(cells[0]).toContain('abcd-efgh-jkmn')
  expect(cells[0]).toContain('使用中')
  expect(cells[1]).toContain('收银台 2 号')
  expect(cells[1]).toContain('店员：王小明')
  expect(cells[2]).toContain('洗车')
  expect(cells[2]).toContain('单价 ¥30.00')
  expect(cells[2]).toContain('已停用')
  expect(container.querySelector('.bind-button')).not.toBeNull()
  // Not the mini-program: no camera button.
  expect(screen.queryByText('扫码绑定')).toBeNull()
})

test('the manager binds a blank plate to the store by its printed code', async () => {
  routes[BIND] = () => ({ statusCode: 200, data: qr({ id: 'qr_9', kind: 'store', kindLabel: '门店收款码', code: 'pqrstuvwxyz2', displayCode: 'pqrs-tuvw-xyz2' }) })
  const container = await open()
  await tapButton(container, '.bind-button')
  expect(container.querySelector('.bind-code .van-field__error-message')!.textContent).toBe('请填写码牌上的编号，或扫码')
  expect(bodies()).toEqual([])

  routes['GET /v1/mobile/stores/sto_1/qr-codes'] = list([...CODES, qr({ id: 'qr_9', kind: 'store', kindLabel: '门店收款码', displayCode: 'pqrs-tuvw-xyz2' })])
  typeInto(container, 'bind-code', ' PQRS-TUVW-XYZ2 ')
  await tapButton(container, '.bind-button')
  expect(bodies()).toEqual([{ code: 'PQRS-TUVW-XYZ2' }])
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已绑定' }))
  expect(calls('GET', '/v1/mobile/stores/sto_1/qr-codes')).toHaveLength(2)
  expect(container.querySelectorAll('.qr-cell')).toHaveLength(4)
  expect(screen.getByText('门店收款码 · 编号 pqrs-tuvw-xyz2')).toBeTruthy()
  expect((container.querySelector('.bind-code input') as HTMLInputElement).value).toBe('')
})

test('a clerk code names the chosen clerk', async () => {
  routes[BIND] = () => ({ statusCode: 200, data: qr({ id: 'qr_9', kind: 'staff', kindLabel: '店员收款码', staffId: 'stf_c', name: '王小明' }) })
  const container = await open()
  typeInto(container, 'bind-code', 'pqrstuvwxyz2')
  await tap(container.querySelector('.target-staff .van-radio__icon-wrap'))
  await tapButton(container, '.bind-button')
  expect(container.querySelector('.staff-error')!.textContent).toBe('请选择店员')
  expect(bodies()).toEqual([])

  expect(screen.getByText('张店长（店长）')).toBeTruthy()
  await tap(container.querySelector('.staff-stf_c .van-radio__icon-wrap'))
  typeInto(container, 'bind-name', '前台')
  await tapButton(container, '.bind-button')
  expect(bodies()).toEqual([{ code: 'pqrstuvwxyz2', staffId: 'stf_c', name: '前台' }])
})

test('shows why the server refuses: a code already bound, an unknown code', async () => {
  const container = await open()
  routes[BIND] = () => ({ statusCode: 409, data: { error: { type: 'conflict', code: 'qr_code_already_bound', message: '该二维码已绑定门店，请先解绑再重新绑定' } } })
  typeInto(container, 'bind-code', 'abcdefghjkmn')
  await tapButton(container, '.bind-button')
  expect(container.querySelector('.bind-error')!.textContent).toBe('该二维码已绑定门店，请先解绑再重新绑定')

  routes[BIND] = () => ({ statusCode: 404, data: { error: { type: 'not_found', code: 'qr_code_not_found', message: '二维码不存在', param: 'code' } } })
  await tapButton(container, '.bind-button')
  expect(container.querySelector('.bind-code .van-field__error-message')!.textContent).toBe('二维码不存在')
  expect(container.querySelector('.bind-error')).toBeNull()
  expect(showToast).not.toHaveBeenCalled()
  expect(calls('GET', '/v1/mobile/stores/sto_1/qr-codes')).toHaveLength(1)
})

test('in the mini-program, 扫码绑定 binds what the camera read', async () => {
  setTaroEnv('weapp')
  routes[BIND] = () => ({ statusCode: 200, data: qr({ id: 'qr_9', kind: 'store', kindLabel: '门店收款码' }) })
  scanCode.mockResolvedValueOnce({ result: 'https://pay.example.com/q/pqrstuvwxyz2', scanType: 'QR_CODE' })
  const container = await open()
  await tapButton(container, '.scan-bind')
  expect(scanCode).toHaveBeenCalledWith({ scanType: ['qrCode'] })
  expect(bodies()).toEqual([{ code: 'https://pay.example.com/q/pqrstuvwxyz2' }])

  // Closing the scanner binds nothing.
  scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' })
  await tapButton(container, '.scan-bind')
  expect(bodies()).toHaveLength(1)
  expect(container.querySelector('.bind-error')).toBeNull()
})

test('a clerk sees the codes but cannot bind, and the staff list is not asked for', async () => {
  routes['GET /v1/mobile/me'] = me(CLERK)
  const container = await open()
  expect(container.querySelectorAll('.qr-cell')).toHaveLength(3)
  // Without the staff list, a clerk code shows the name it carries.
  expect(container.querySelectorAll('.qr-cell')[1]!.textContent).toContain('店员：收银台 2 号')
  expect(container.querySelector('.bind-code')).toBeNull()
  expect(screen.queryByText('绑定空码')).toBeNull()
  expect(calls('GET', '/v1/mobile/stores/sto_1/staff')).toHaveLength(0)
})

test('an empty store says so and still offers binding', async () => {
  routes['GET /v1/mobile/stores/sto_1/qr-codes'] = list([])
  const container = await open()
  expect(screen.getByText('还没有收款二维码')).toBeTruthy()
  expect(container.querySelector('.bind-button')).not.toBeNull()
})
