import Taro from '@tarojs/taro'
import { render, screen } from '@testing-library/react'
import { SCAN_PROBLEMS } from '@yima/shared'
import { oaResultView, scanResultView } from '../src/lib/scan-result'
import { ScanResult } from '../src/pages/scan/result/index'
import ScanResultPage from '../src/pages/scan/result/index'
import OfficialAccountResult from '../src/pages/console/oa-result/index'

const taro = Taro as unknown as { useRouter: () => { params: Record<string, string> } }
const realUseRouter = taro.useRouter
afterEach(() => { taro.useRouter = realUseRouter })

test('activated: the role label and the entity name (still URL-encoded, as the router hands it over)', () => {
  render(<ScanResult params={{ ok: 'activated', role: 'merchant_admin', name: encodeURIComponent('示例咖啡馆') }} />)
  expect(screen.getByText('激活成功')).toBeTruthy()
  expect(screen.getByText('您已成为「示例咖啡馆」的商户管理员。')).toBeTruthy()
  expect(document.querySelector('.result--success')).toBeTruthy()
})

test('bound', () => {
  expect(scanResultView({ ok: 'bound' })).toMatchObject({ tone: 'success', title: '绑定成功' })
  expect(scanResultView({ ok: 'alipay_authorized' })).toMatchObject({ tone: 'success', title: '支付宝授权成功' })
})

test('every scan problem shows its title and remedy', () => {
  for (const [key, p] of Object.entries(SCAN_PROBLEMS)) {
    expect(scanResultView({ problem: key })).toEqual({ tone: 'error', title: p.title, detail: p.remedy })
  }
})

test('a used code, rendered by the page from the router query alone', () => {
  taro.useRouter = () => ({ params: { problem: 'code_used', stamp: '1' } })
  render(<ScanResultPage />)
  expect(screen.getByText('二维码已被使用')).toBeTruthy()
  expect(screen.getByText(SCAN_PROBLEMS.code_used.remedy)).toBeTruthy()
  expect(document.querySelector('.result--error')).toBeTruthy()
})

test('unknown or missing results never look like success', () => {
  expect(scanResultView({ problem: 'toString' }).tone).toBe('error')
  expect(scanResultView({ problem: 'nope' }).title).toBe('扫码失败')
  expect(scanResultView({}).tone).toBe('error')
  expect(scanResultView({ ok: 'activated', role: 'king' }).detail).toBe('您已成为管理员。')
})

test('official-account authorization result', () => {
  expect(oaResultView({ status: 'ok', sp: 'sp_1' })).toMatchObject({ tone: 'success', title: '授权成功', serviceProviderId: 'sp_1' })
  expect(oaResultView({ status: 'failed', problem: 'too_many_authorizations' }).detail).toContain('公众号授权的第三方平台过多')
  expect(oaResultView({ status: 'failed' })).toMatchObject({ tone: 'error', title: '授权失败' })

  taro.useRouter = () => ({ params: { status: 'failed', problem: 'not_verified', sp: 'sp_1' } })
  render(<OfficialAccountResult />)
  expect(screen.getByText('授权失败')).toBeTruthy()
  expect(screen.getByText(/错误码 10005/)).toBeTruthy()
})
