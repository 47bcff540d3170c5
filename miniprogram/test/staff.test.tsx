import { inflateSync } from 'node:zlib'
import { fireEvent, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { create } from 'qrcode'
import StaffPage from '../src/pages/staff/index'
import { mockApi, type Routes, type Sent, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

let sent: Sent[] = []
let routes: Routes = {}

const ACTIVATION_URL = 'https://pay.example.com/scan/activate?t=abcdefghijklmnopqrstuvwxyz012345'
const clerk = {
  id: 'stf_1',
  role: 'clerk',
  roleLabel: '店员',
  name: '张三',
  phone: '13800000000',
  email: null,
  refundPermission: false,
  activated: false,
  activatedAt: null,
  storeId: 'sto_1',
}

beforeEach(() => {
  routes = {
    'GET /v1/mobile/staff/stf_1': () => ({ statusCode: 200, data: clerk }),
    'GET /v1/mobile/staff/stf_1/activation-qr': () => ({ statusCode: 200, data: { staffId: 'stf_1', url: ACTIVATION_URL, expiresAt: '2030-01-02T03:04:00.000Z' } }),
  }
  sent = mockApi(routes)
  withParams({ id: 'stf_1' })
  for (const fn of [Taro.showModal, Taro.navigateBack, Taro.showToast]) (fn as unknown as jest.Mock).mockReset()
})

const open = async (): Promise<HTMLElement> => await renderPage(<StaffPage />)
const calls = (method: string, url: string): Sent[] => sent.filter((r) => r.method === method && r.url === url)

/** The PNG's pixels, read back: rows of 1-bit grayscale after the filter byte (0 = black). */
function decodePng (dataUrl: string): { side: number, dark: (x: number, y: number) => boolean } {
  const png = Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  let side = 0
  const idat: Buffer[] = []
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    if (type === 'IHDR') side = png.readUInt32BE(at + 8)
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len))
    at += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat)) // checks the zlib checksum too
  const rowBytes = Math.ceil(side / 8)
  expect(raw.length).toBe((rowBytes + 1) * side)
  return { side, dark: (x, y) => ((raw.readUInt8(y * (rowBytes + 1) + 1 + (x >> 3)) >> (7 - (x & 7))) & 1) === 0 }
}

test('an unactivated clerk: details and an activation QR that encodes the link', async () => {
  const container = await open()
  expect(screen.getByText('张三')).toBeTruthy()
  expect(screen.getByText('店员')).toBeTruthy()
  expect(screen.getByText('13800000000')).toBeTruthy()
  expect(screen.getByText('未激活')).toBeTruthy()
  expect(screen.getByText('请店员用微信扫码激活')).toBeTruthy()
  expect(container.querySelector('.activation-url')!.textContent).toBe(ACTIVATION_URL)
  expect(screen.getByText('有效期至 2030-01-02 11:04')).toBeTruthy() // China time
  expect(calls('GET', '/v1/mobile/staff/stf_1/activation-qr')).toHaveLength(1)

  // The image is drawn on the phone: every module of the QR for the link, at a whole-pixel scale.
  const src = container.querySelector('.qr-image img')!.getAttribute('src')!
  expect(src).toMatch(/^data:image\/png;base64,/)
  const { side, dark } = decodePng(src)
  // (As bytes: jsdom, like the mini-program, has no TextEncoder for qrcode's string path.)
  const { modules } = create([{ mode: 'byte', data: Buffer.from(ACTIVATION_URL) }], { errorCorrectionLevel: 'M' })
  let margin = 0
  while (!dark(margin, margin)) margin++
  const scale = (side - 2 * margin) / modules.size
  expect(Number.isInteger(scale)).toBe(true)
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      expect(dark(margin + c * scale + scale / 2, margin + r * scale + scale / 2)).toBe(Boolean(modules.get(r, c)))
    }
  }
  expect(dark(1, 1)).toBe(false) // the quiet zone
})

test('an activated person has no activation QR', async () => {
  routes['GET /v1/mobile/staff/stf_1'] = () => ({ statusCode: 200, data: { ...clerk, activated: true, activatedAt: '2024-05-01T00:00:00.000Z' } })
  const container = await open()
  expect(screen.getByText('已激活')).toBeTruthy()
  expect(container.querySelector('.activation-url')).toBeNull()
  expect(calls('GET', '/v1/mobile/staff/stf_1/activation-qr')).toHaveLength(0)
})

test('grants refund permission', async () => {
  routes['POST /v1/mobile/staff/stf_1/refund-permission'] = (req) => ({ statusCode: 200, data: { ...clerk, refundPermission: (req.data as { refundPermission: boolean }).refundPermission } })
  const container = await open()
  const toggle = (): HTMLElement => container.querySelector('.refund-switch')!
  expect(toggle().className).not.toContain('van-switch--on')
  await tap(toggle())
  expect(calls('POST', '/v1/mobile/staff/stf_1/refund-permission').map((r) => r.data)).toEqual([{ refundPermission: true }])
  expect(toggle().className).toContain('van-switch--on')
})

test("shows the server's 403 when the caller may not change refund permission", async () => {
  const message = '没有权限管理该员工：店长只能管理本店店员，商户管理员可管理所有门店员工'
  routes['POST /v1/mobile/staff/stf_1/refund-permission'] = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'staff_not_manageable', message } } })
  const container = await open()
  await tap(container.querySelector('.refund-switch'))
  expect(container.querySelector('.refund-error')!.textContent).toBe(message)
  expect(container.querySelector('.refund-switch')!.className).not.toContain('van-switch--on')
})

test('edits name and phone; an invalid phone is not sent', async () => {
  routes['PATCH /v1/mobile/staff/stf_1'] = (req) => ({ statusCode: 200, data: { ...clerk, ...(req.data as object) } })
  const container = await open()
  const phone = container.querySelector('.edit-phone input')!
  fireEvent.change(phone, { target: { value: '12' } })
  await tapButton(container, '.save-contact')
  expect(screen.getByText('请填写正确的手机号或座机号')).toBeTruthy()
  expect(calls('PATCH', '/v1/mobile/staff/stf_1')).toHaveLength(0)

  typeInto(container, 'edit-name', '张小三')
  fireEvent.change(phone, { target: { value: '13900000000' } })
  await tapButton(container, '.save-contact')
  expect(calls('PATCH', '/v1/mobile/staff/stf_1').map((r) => r.data)).toEqual([{ name: '张小三', phone: '13900000000' }])
  expect(screen.getByText('张小三')).toBeTruthy()
  expect(screen.getByText('13900000000')).toBeTruthy()
})

test('removes the person only after confirmation', async () => {
  routes['DELETE /v1/mobile/staff/stf_1'] = () => ({ statusCode: 204, data: '' })
  const modal = Taro.showModal as unknown as jest.Mock
  const container = await open()
  modal.mockResolvedValueOnce({ confirm: false })
  await tapButton(container, '.remove-staff')
  expect(calls('DELETE', '/v1/mobile/staff/stf_1')).toHaveLength(0)

  modal.mockResolvedValueOnce({ confirm: true })
  await tapButton(container, '.remove-staff')
  expect(calls('DELETE', '/v1/mobile/staff/stf_1')).toHaveLength(1)
  expect(Taro.navigateBack).toHaveBeenCalled()
})
