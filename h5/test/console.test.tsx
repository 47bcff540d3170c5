import { render, screen } from '@testing-library/react'
import WechatIdentities from '../src/pages/console/wechat/index'
import Manage from '../src/pages/manage/index'
import { answer, me, resetConsole, serve, settle, signIn, taroRequest, withParams } from './helpers/console'

beforeEach(() => { resetConsole({ signedIn: false }) })

test('an unbound account gets the binding QR in front of everything, with the URL exposed', async () => {
  signIn()
  const forbidden = answer(403, { error: { type: 'permission', code: 'wechat_binding_required', message: '请先扫码绑定微信号' } })
  serve({
    'GET /v1/console/me': () => me(false),
    'GET /v1/console/wechat-identities': () => forbidden,
    'POST /v1/console/wechat-bindings': () => answer(201, { id: 'wxb_1', url: 'http://yima.test/wx/bind/abc', status: 'pending', expiresAt: '2099-01-01T00:00:00Z' }),
  })
  render(<WechatIdentities />)
  await settle()
  expect(screen.getByText('扫码绑定微信号')).toBeTruthy()
  const link = document.querySelector('.binding .qr__url')
  expect(link?.getAttribute('href')).toBe('http://yima.test/wx/bind/abc')
  // Forced: it can only be signed out of, not closed.
  expect(screen.getByText('退出登录')).toBeTruthy()
  expect(screen.queryByText('关闭')).toBeNull()
  // The 403 of the page's own call and the unbound account open one dialog, one binding.
  expect(taroRequest.mock.calls.filter(([r]) => (r as { method: string }).method === 'POST')).toHaveLength(1)
})

test('a bound account sees its WeChat identities', async () => {
  signIn()
  serve({
    'GET /v1/console/me': () => me(),
    'GET /v1/console/wechat-identities': () => answer(200, { data: [{ id: 'wxi_1', appId: 'wx0123456789abcdef', openidMasked: 'oAbc****xyz', nickname: '张三', boundAt: '2024-05-01T00:00:00Z' }] }),
  })
  render(<WechatIdentities />)
  await settle()
  expect(screen.getByText('张三')).toBeTruthy()
  expect(screen.getByText('oAbc****xyz')).toBeTruthy()
  expect(document.querySelector('.binding')).toBeNull()
})

test('the management page: a WeChat user who is not an admin is told so', async () => {
  withParams({ kind: 'merchant', id: 'mch_1' })
  serve({ 'GET /v1/mobile/entities/merchant/mch_1': () => answer(403, { error: { type: 'permission', code: 'forbidden', message: '没有权限执行该操作' } }) })
  render(<Manage />)
  await settle()
  expect(screen.getByText('没有管理权限')).toBeTruthy()
  expect((taroRequest.mock.calls[0]?.[0] as { credentials?: string }).credentials).toBe('include')
})

test('the management page lists the admins', async () => {
  withParams({ kind: 'sp', id: 'sp_1' })
  serve({
    'GET /v1/mobile/entities/sp/sp_1': () => answer(200, {
      kind: 'sp',
      id: 'sp_1',
      name: '示例服务商',
      role: 'sp_admin',
      admins: [{ id: 'stf_1', role: 'sp_admin', roleLabel: '服务商管理员', name: '张三', activated: true }],
    }),
  })
  render(<Manage />)
  await settle()
  expect(screen.getByText('示例服务商')).toBeTruthy()
  expect(screen.getByText('您的身份：服务商管理员')).toBeTruthy()
  expect(screen.getByText('已激活')).toBeTruthy()
})
