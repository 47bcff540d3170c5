import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import Index from '../src/pages/index/index'
import { mockApi, type Reply, routeNotFound, type Sent } from './helpers/api'
import { tap, tapButton } from './helpers/ui'

let sent: Sent[] = []
let answer: (req: Sent) => Reply

const clerk = { staffId: 'stf_c', role: 'clerk', roleLabel: '店员', name: '王小明', merchantId: 'mch_1', merchantName: '演示餐厅', storeId: 'sto_1', storeName: '科技园店', refundPermission: false, onDuty: false }
const takings = (netFen: number, stores: unknown[]) => ({ date: '2026-11-23', stores, total: { paymentCount: 2, paymentFen: netFen, refundCount: 0, refundFen: 0, netFen } })

beforeEach(() => {
  sent = mockApi((req) => answer(req))
  ;(Taro.showToast as unknown as jest.Mock).mockReset()
})

test("shows the person, today's takings and clocks in", async () => {
  let onDuty = false
  answer = (req) => {
    if (req.url === '/v1/mobile/me') return { statusCode: 200, data: { name: '王小明', roles: [{ ...clerk, onDuty }] } }
    if (req.url === '/v1/mobile/takings/today') return { statusCode: 200, data: onDuty ? takings(2500, [{ storeId: 'sto_1', storeName: '科技园店', paymentCount: 2, paymentFen: 2500, refundCount: 0, refundFen: 0, netFen: 2500 }]) : takings(0, []) }
    if (req.url === '/v1/mobile/stores/sto_1/clock-in') { onDuty = true; return { statusCode: 201, data: {} } }
    return routeNotFound()
  }
  const { container } = render(<Index />)
  await waitFor(() => { expect(screen.getByText('王小明')).toBeTruthy() })
  expect(screen.getByText('科技园店 店员')).toBeTruthy()
  await waitFor(() => { expect(screen.getByText('店员上班打卡后可查看本店今日收款')).toBeTruthy() })

  await tapButton(container, '.index__duty-button')
  expect(sent.find((r) => r.url === '/v1/mobile/stores/sto_1/clock-in')?.method).toBe('POST')
  await waitFor(() => { expect(screen.getByText('¥25.00')).toBeTruthy() })
  expect(screen.getByText('下班打卡')).toBeTruthy()
})

test('offers linking when the mini-program user is not linked yet', async () => {
  answer = () => ({ statusCode: 401, data: { error: { type: 'authentication', code: 'mini_program_not_linked', message: '请先关联身份' } } })
  const { container } = render(<Index />)
  await waitFor(() => { expect(screen.getByText('请先关联您的员工身份')).toBeTruthy() })
  fireEvent.click(container.querySelector('.index__link .van-native-button')!)
  expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/link/index' })
})

test('explains how to sign in without a session, and hands out a link code inside the official account', async () => {
  answer = () => ({ statusCode: 401, data: { error: { type: 'authentication', code: 'unauthenticated', message: '请重新扫描管理二维码' } } })
  const { unmount } = render(<Index />)
  await waitFor(() => { expect(screen.getByText('请重新扫描管理二维码')).toBeTruthy() })
  expect(screen.queryByText('关联身份')).toBeNull()
  unmount()

  answer = (req) => {
    if (req.url === '/v1/mobile/me') return { statusCode: 200, data: { name: '王小明', roles: [clerk] } }
    if (req.url === '/v1/mobile/link-code') return { statusCode: 200, data: { linkCode: 'ABCD2345', expiresAt: '2026-11-23T02:05:00.000Z' } }
    return { statusCode: 200, data: takings(0, []) }
  }
  render(<Index />)
  await waitFor(() => { expect(screen.getByText('获取小程序关联码')).toBeTruthy() })
  await tap(screen.getByText('获取小程序关联码'))
  await waitFor(() => { expect(screen.getByText('ABCD2345')).toBeTruthy() })
  // China time: 02:05 UTC is 10:05.
  expect(screen.getByText('11-23 10:05 前有效，只能使用一次')).toBeTruthy()
})
