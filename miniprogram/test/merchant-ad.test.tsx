import { screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { MobileRoleDto } from '@yima/shared'
import MerchantAdPage from '../src/pages/merchant-ad/index'
import { type Reply, type Sent, withParams } from './helpers/api'
import { mockStaffApi, roleDto } from './helpers/roles'
import { renderPage, tapButton, typeInto } from './helpers/ui'

jest.mock('@tarojs/components', () => jest.requireActual('./helpers/ui').componentsWithTypedPicker())

const showToast = jest.mocked(Taro.showToast)
const showModal = Taro.showModal as unknown as jest.Mock

const AD_PATH = '/v1/mobile/merchants/mch_1/ad'
const IMAGE = 'https://img.example.com/ad.png'
const LINK = 'https://shop.example.com/new'

let sent: Sent[] = []
let roles: MobileRoleDto[] = []
let answer: (req: Sent) => Reply | undefined

beforeEach(() => {
  showToast.mockReset()
  showModal.mockReset()
  withParams({ merchant: 'mch_1' })
  roles = [roleDto()]
  answer = () => undefined
  sent = mockStaffApi({
    roles: () => roles,
    answer: (req) => answer(req),
    routes: (req) => {
      if (req.method === 'PATCH' && req.url === AD_PATH) return { statusCode: 200, data: req.data }
      return undefined
    },
  })
})
afterEach(() => { jest.restoreAllMocks() })

const patches = (): unknown[] => sent.filter((r) => r.method === 'PATCH' && r.url === AD_PATH).map((r) => r.data)

test('the image and link are checked, previewed, then saved', async () => {
  const container = await renderPage(<MerchantAdPage />)
  await screen.findByText('广告内容')

  await tapButton(container, '.merchant-ad__save')
  expect(screen.getByText('请填写广告图片网址；不再展示广告请点“清除广告”')).toBeTruthy()

  typeInto(container, 'merchant-ad__image', 'img.example.com/ad.png')
  typeInto(container, 'merchant-ad__url', LINK)
  await tapButton(container, '.merchant-ad__save')
  expect(screen.getByText('请填写以 http:// 或 https:// 开头的网址')).toBeTruthy()
  expect(container.querySelector('.merchant-ad__preview')).toBeNull()
  expect(patches()).toHaveLength(0)

  typeInto(container, 'merchant-ad__image', ` ${IMAGE} `)
  expect(container.querySelector('.merchant-ad__preview-image')?.getAttribute('src')).toBe(IMAGE)
  expect(container.querySelector('.merchant-ad__preview-link')?.textContent).toBe(`点击图片打开 ${LINK}`)
  await tapButton(container, '.merchant-ad__save')
  expect(patches()).toEqual([{ adImageUrl: IMAGE, adUrl: LINK }])
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' })) })
  expect(container.querySelector('.merchant-ad__saved')?.textContent).toContain('已保存')

  // Without a link: the image alone, the link sent as null.
  typeInto(container, 'merchant-ad__url', '')
  expect(container.querySelector('.merchant-ad__preview-link')?.textContent).toBe('没有跳转链接：点击图片不跳转')
  await tapButton(container, '.merchant-ad__save')
  expect(patches()[1]).toEqual({ adImageUrl: IMAGE, adUrl: null })
})

test('a link without an image is refused', async () => {
  const container = await renderPage(<MerchantAdPage />)
  await screen.findByText('广告内容')
  typeInto(container, 'merchant-ad__url', LINK)
  await tapButton(container, '.merchant-ad__save')
  expect(screen.getByText('有跳转链接时需要广告图片')).toBeTruthy()
  expect(patches()).toHaveLength(0)
})

test('清除广告 asks first, then sends nulls', async () => {
  showModal.mockResolvedValueOnce({ confirm: false }).mockResolvedValueOnce({ confirm: true })
  const container = await renderPage(<MerchantAdPage />)
  await screen.findByText('广告内容')
  await tapButton(container, '.merchant-ad__clear')
  expect(patches()).toHaveLength(0)
  await tapButton(container, '.merchant-ad__clear')
  expect(patches()).toEqual([{ adImageUrl: null, adUrl: null }])
  await waitFor(() => { expect(container.querySelector('.merchant-ad__saved')?.textContent).toBe('当前没有商户广告') })
})

test('a refusal is told', async () => {
  answer = (req) => req.method === 'PATCH' ? { statusCode: 403, data: { error: { type: 'permission', code: 'forbidden', message: '只有商户管理员可以设置广告' } } } : undefined
  const container = await renderPage(<MerchantAdPage />)
  await screen.findByText('广告内容')
  typeInto(container, 'merchant-ad__image', IMAGE)
  await tapButton(container, '.merchant-ad__save')
  await waitFor(() => { expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '只有商户管理员可以设置广告', icon: 'none' })) })
})

test('store managers are told only merchant admins set the ad', async () => {
  roles = [roleDto({ role: 'store_manager', roleLabel: '店长', storeId: 'sto_1', storeName: '科技园店' })]
  await renderPage(<MerchantAdPage />)
  expect(await screen.findByText('只有商户管理员可以设置支付完成页广告')).toBeTruthy()
})

test('opens with the ad customers see now', async () => {
  answer = (req) => req.method === 'GET' && req.url === AD_PATH ? { statusCode: 200, data: { adImageUrl: IMAGE, adUrl: LINK } } : undefined
  const container = await renderPage(<MerchantAdPage />)
  await waitFor(() => { expect(container.querySelector('.merchant-ad__preview-image')?.getAttribute('src')).toBe(IMAGE) })
  expect(screen.getByText('已保存，顾客付款成功后会看到这张广告')).toBeTruthy()
})
