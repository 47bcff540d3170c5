import { screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import StoreEditPage from '../src/pages/store-edit/index'
import { mockApi, type Routes, type Sent, storeDto, withParams } from './helpers/api'
import { renderPage, tap, tapButton, typeInto } from './helpers/ui'

const navigateBack = Taro.navigateBack as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
let sent: Sent[] = []
let routes: Routes = {}

const STORE = storeDto({ phone: '13800000000', paymentTypes: ['wechat_pay'], goodsTag: 'MEMBER_DAY' })

beforeEach(() => {
  routes = {
    'GET /v1/mobile/stores/sto_1': () => ({ statusCode: 200, data: STORE }),
    'POST /v1/mobile/merchants/mch_1/stores': (req) => ({ statusCode: 201, data: { ...STORE, id: 'sto_2', ...(req.data as object) } }),
    'PATCH /v1/mobile/stores/sto_1': (req) => ({ statusCode: 200, data: { ...STORE, ...(req.data as object) } }),
  }
  sent = mockApi(routes)
  for (const fn of [navigateBack, showToast]) fn.mockReset()
})

async function open (params: Record<string, string>): Promise<HTMLElement> {
  withParams(params)
  return await renderPage(<StoreEditPage />)
}
const calls = (method: string, url: string): Sent[] => sent.filter((r) => r.method === method && r.url === url)
const input = (c: HTMLElement, field: string): HTMLInputElement => c.querySelector(`.field-${field} input`)!
const type = (c: HTMLElement, field: string, value: string): void => { typeInto(c, `field-${field}`, value) }
const fieldError = (c: HTMLElement, field: string): string | undefined => c.querySelector(`.field-${field} .van-field__error-message`)?.textContent ?? undefined
const save = async (c: HTMLElement): Promise<void> => { await tapButton(c, '.save-store') }

test('adds a store with every field, after the same checks the server makes', async () => {
  const c = await open({ merchantId: 'mch_1' })
  expect(Taro.setNavigationBarTitle).toHaveBeenCalledWith({ title: '添加门店' })
  expect(calls('GET', '/v1/mobile/stores/sto_1')).toHaveLength(0)

  await save(c)
  expect(fieldError(c, 'name')).toBe('请填写门店名称')
  expect(calls('POST', '/v1/mobile/merchants/mch_1/stores')).toHaveLength(0)

  type(c, 'name', '南山店')
  type(c, 'branchName', '二店')
  type(c, 'address', '深圳市南山区')
  type(c, 'phone', '12345')
  type(c, 'goodsTag', 'bad tag!')
  type(c, 'wechatSubMchId', '12')
  type(c, 'alipayUserId', '1234')
  await save(c)
  expect(fieldError(c, 'name')).toBeUndefined()
  expect(fieldError(c, 'phone')).toBe('请填写正确的手机号或座机号')
  expect(fieldError(c, 'goodsTag')).toContain('订单优惠标记仅支持字母、数字、下划线、中划线')
  expect(fieldError(c, 'wechatSubMchId')).toBe('微信支付子商户号为 8–12 位数字')
  expect(fieldError(c, 'alipayUserId')).toBe('支付宝用户 ID 以 2088 开头，共 16 位数字')
  expect(calls('POST', '/v1/mobile/merchants/mch_1/stores')).toHaveLength(0)

  type(c, 'phone', '0755-12345678')
  type(c, 'goodsTag', 'MEMBER_DAY')
  type(c, 'wechatSubMchId', '1900000109')
  type(c, 'alipayUserId', '2088000000000001')
  type(c, 'maidanStoreId', 'md_001')
  await tap(c.querySelector('.payment-alipay .van-checkbox__icon-wrap'))
  await tap(c.querySelector('.status-closed .van-radio__icon-wrap'))
  await tap(c.querySelector('.member-card-switch'))
  await save(c)

  expect(calls('POST', '/v1/mobile/merchants/mch_1/stores').map((r) => r.data)).toEqual([{
    name: '南山店',
    branchName: '二店',
    address: '深圳市南山区',
    phone: '0755-12345678',
    status: 'closed',
    paymentTypes: ['wechat_pay'],
    currency: 'CNY',
    goodsTag: 'MEMBER_DAY',
    wechatSubMchId: '1900000109',
    alipayUserId: '2088000000000001',
    maidanStoreId: 'md_001',
    memberCardEnabled: false,
  }])
  expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' }))
  expect(navigateBack).toHaveBeenCalledTimes(1)
})

test('a store takes at least one payment type', async () => {
  const c = await open({ merchantId: 'mch_1' })
  type(c, 'name', '南山店')
  await tap(c.querySelector('.payment-wechat_pay .van-checkbox__icon-wrap'))
  await tap(c.querySelector('.payment-alipay .van-checkbox__icon-wrap'))
  await save(c)
  expect(c.querySelector('.payment-error')!.textContent).toBe('请至少选择一种收款类型')
  expect(calls('POST', '/v1/mobile/merchants/mch_1/stores')).toHaveLength(0)
})

test('edits a store: the form starts from it, and an emptied field clears', async () => {
  const c = await open({ id: 'sto_1' })
  expect(Taro.setNavigationBarTitle).toHaveBeenCalledWith({ title: '编辑门店' })
  expect(input(c, 'name').value).toBe('科技园店')
  expect(input(c, 'phone').value).toBe('13800000000')
  expect(input(c, 'goodsTag').value).toBe('MEMBER_DAY')
  expect(c.querySelector('.member-card-switch')!.className).toContain('van-switch--on')

  type(c, 'name', '科技园旗舰店')
  type(c, 'goodsTag', '')
  await save(c)
  expect(calls('PATCH', '/v1/mobile/stores/sto_1').map((r) => r.data)).toEqual([{
    name: '科技园旗舰店',
    branchName: '',
    address: '深圳市南山区科技园',
    phone: '13800000000',
    status: 'open',
    paymentTypes: ['wechat_pay'],
    currency: 'CNY',
    goodsTag: '',
    wechatSubMchId: '',
    alipayUserId: '',
    maidanStoreId: '',
    memberCardEnabled: true,
  }])
  expect(navigateBack).toHaveBeenCalledTimes(1)
})

test("shows the server's refusal under the field it names, and stays", async () => {
  routes['PATCH /v1/mobile/stores/sto_1'] = () => ({
    statusCode: 400,
    data: { error: { type: 'invalid_request', code: 'sub_mch_not_bound', message: '该子商户号不是本服务商的特约商户', param: 'wechatSubMchId' } },
  })
  const c = await open({ id: 'sto_1' })
  type(c, 'wechatSubMchId', '1900000109')
  await save(c)
  expect(fieldError(c, 'wechatSubMchId')).toBe('该子商户号不是本服务商的特约商户')
  expect(navigateBack).not.toHaveBeenCalled()
  expect(showToast).not.toHaveBeenCalled()

  // The server's own zod message names the field first; the form shows it without the name.
  routes['PATCH /v1/mobile/stores/sto_1'] = () => ({
    statusCode: 400,
    data: { error: { type: 'invalid_request', code: 'validation_failed', message: 'name: 请填写门店名称', param: 'name' } },
  })
  await save(c)
  expect(fieldError(c, 'name')).toBe('请填写门店名称')

  routes['PATCH /v1/mobile/stores/sto_1'] = () => ({ statusCode: 403, data: { error: { type: 'permission', code: 'forbidden', message: '只有商户管理员可以添加、修改或删除门店' } } })
  await save(c)
  expect(screen.getByText('只有商户管理员可以添加、修改或删除门店')).toBeTruthy()
  expect(navigateBack).not.toHaveBeenCalled()
})
