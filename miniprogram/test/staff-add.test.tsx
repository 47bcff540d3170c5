import { fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import StaffAdd from '../src/pages/staff-add/index'
import { mockApi, type Reply, type Sent, withParams } from './helpers/api'
import { tapButton, typeInto } from './helpers/ui'

let sent: Sent[] = []
let answer: (req: Sent) => Reply

beforeEach(() => {
  sent = mockApi((req) => answer(req))
  withParams({ storeId: 'sto_1' })
  ;(Taro.redirectTo as unknown as jest.Mock).mockReset()
})

const person = { id: 'stf_new', role: 'store_manager', roleLabel: '店长', name: '李四', phone: '13800000000', refundPermission: true, activated: false }

const save = async (container: HTMLElement): Promise<void> => { await tapButton(container, '.save-staff') }

test('adds a manager with refund permission by default and opens their page', async () => {
  answer = () => ({ statusCode: 201, data: person })
  const { container } = render(<StaffAdd />)
  typeInto(container, 'staff-name', '李四')
  typeInto(container, 'staff-phone', '13800000000')
  // A clerk has no refund permission until granted; a manager has it by default.
  expect(container.querySelector('.staff-refund')!.className).not.toContain('van-switch--on')
  fireEvent.click(screen.getByText('店长'))
  expect(container.querySelector('.staff-refund')!.className).toContain('van-switch--on')
  await save(container)

  expect(sent).toHaveLength(1)
  expect(sent[0]!).toMatchObject({ method: 'POST', url: '/v1/mobile/stores/sto_1/staff' })
  expect(sent[0]!.data).toEqual({ name: '李四', phone: '13800000000', role: 'store_manager', refundPermission: true })
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/staff/index?id=stf_new' })
})

test('a clerk is sent without refund permission unless switched on', async () => {
  answer = () => ({ statusCode: 201, data: { ...person, role: 'clerk' } })
  const first = render(<StaffAdd />)
  typeInto(first.container, 'staff-name', '王五')
  await save(first.container)
  expect(sent[0]!.data).toEqual({ name: '王五', role: 'clerk', refundPermission: false })
  // Saved: the page is replaced by the person's page (redirectTo); a new form for the next one.
  first.unmount()

  const { container } = render(<StaffAdd />)
  typeInto(container, 'staff-name', '王五')
  fireEvent.click(container.querySelector('.staff-refund')!)
  await save(container)
  expect(sent[1]!.data).toEqual({ name: '王五', role: 'clerk', refundPermission: true })
})

test('shows field messages and sends nothing when the form is invalid', async () => {
  const { container } = render(<StaffAdd />)
  typeInto(container, 'staff-phone', '123')
  await save(container)
  expect(screen.getByText('请填写姓名')).toBeTruthy()
  expect(screen.getByText('请填写正确的手机号或座机号')).toBeTruthy()
  expect(sent).toHaveLength(0)
  expect(Taro.redirectTo).not.toHaveBeenCalled()
})

test("shows the server's refusal", async () => {
  answer = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'staff_not_manageable', message: '只有商户管理员可以添加店长' } } })
  const { container } = render(<StaffAdd />)
  typeInto(container, 'staff-name', '李四')
  fireEvent.click(screen.getByText('店长'))
  await save(container)
  expect(screen.getByText('只有商户管理员可以添加店长')).toBeTruthy()
  expect(Taro.redirectTo).not.toHaveBeenCalled()
})
