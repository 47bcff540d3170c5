import { TextEncoder } from 'node:util'
import Taro from '@tarojs/taro'
import { act, fireEvent, render, waitFor } from '@testing-library/react'
import type { MerchantDTO, MerchantPayCredentialsDto, StoreDTO, VoucherBatchDto, VoucherSetupDto } from '@yima/shared'
import { VoucherPanel } from '../src/components/voucher-panel'
import MerchantDetail from '../src/pages/console/merchant-detail/index'
import { answer, list, me, resetConsole, sent, serve, settle, tap, tapButton, withParams, type Routes, type Sent } from './helpers/console'

// The shared mock renders Textarea as a bare div; the private key is typed into a real <textarea> here.
jest.mock('@tarojs/components', () => {
  const React = jest.requireActual('react')
  const actual = jest.requireActual('@tarojs/components')
  const Textarea = ({ className, value, placeholder, onInput }: { className?: string, value?: string, placeholder?: string, onInput?: (e: { detail: { value: string } }) => void }) =>
    React.createElement('textarea', { className, value, placeholder, onChange: (e: { target: { value: string } }) => { onInput?.({ detail: { value: e.target.value } }) } })
  return new Proxy(actual, { get: (t, k) => (k === 'Textarea' ? Textarea : t[k]) })
})

// jsdom has no TextEncoder, which the QR encoder needs.
globalThis.TextEncoder ??= TextEncoder

const setClipboardData = jest.mocked(Taro.setClipboardData)

const VOUCHERS = '/v1/merchants/mch_1/vouchers'
const CREDENTIALS = '/v1/merchants/mch_1/pay-credentials'
const BATCHES = '/v1/merchants/mch_1/voucher-batches'
const PAGE_URL = 'https://yima.test/v/Abc123'
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
const KEY = 'bda1890daa6cbf2ec632dd8c38a86444'

const batch = (id: string, over: Partial<VoucherBatchDto> = {}): VoucherBatchDto => ({
  id,
  merchantId: 'mch_1',
  stockId: '16246120',
  creatorMchId: '1539458761',
  name: '满50减5元代金券',
  amountFen: 500,
  thresholdFen: 5000,
  noCash: false,
  availableFrom: '2026-11-01T00:00:00+08:00',
  availableTo: '2027-01-29T23:59:59+08:00',
  maxPerUser: 3,
  maxCoupons: 1000,
  distributed: 120,
  wechatStatus: 'running',
  scenario: 'store',
  goodsTags: ['MUTEX_STORE', 'NO_MUTEX_STORE'],
  uses: [],
  spendGiftMinFen: null,
  paused: false,
  pausedStoreIds: [],
  issued: 40,
  redeemed: 12,
  syncedAt: '2026-11-07T01:00:00.000Z',
  ...over,
})

const credentials = (over: Partial<MerchantPayCredentialsDto> = {}): MerchantPayCredentialsDto => ({
  mchIds: ['1600000001', '1600000002'],
  certificateSerial: '6EE8A1B2C3D45964',
  secrets: { privateKey: true, apiV3Key: true },
  updatedAt: '2026-11-05T02:00:00.000Z',
  ...over,
})

const store = (id: string, name: string): StoreDTO => ({
  id,
  merchantId: 'mch_1',
  outShopId: `SHOP${id}`,
  name,
  branchName: null,
  address: '深圳',
  phone: null,
  status: 'open',
  paymentTypes: ['wechat_pay'],
  currency: 'CNY',
  goodsTag: null,
  wechatSubMchId: null,
  alipayUserId: null,
  maidanStoreId: null,
  memberCardEnabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
})

const STORES = [store('sto_1', '科技园店'), store('sto_2', '海岸城店')]

/** The server as these tests need it: the setup as given (changed by the handlers), the stores, and the batch calls. */
function voucherRoutes (initial: VoucherSetupDto, more: Routes = {}): { setup: () => VoucherSetupDto, routes: Routes } {
  let setup = initial
  const patchBatch = (id: string, change: (b: VoucherBatchDto) => VoucherBatchDto): unknown => {
    const b = setup.batches.find((x) => x.id === id)
    if (b === undefined) return answer(404, { error: { type: 'not_found', code: 'voucher_batch_not_found', message: '代金券批次不存在' } })
    const next = change(b)
    setup = { ...setup, batches: setup.batches.map((x) => (x.id === id ? next : x)) }
    return answer(200, next)
  }
  const routes: Routes = {
    [`GET ${VOUCHERS}`]: () => answer(200, setup),
    'GET /v1/merchants/mch_1/stores': () => answer(200, list(STORES)),
    ...Object.fromEntries(initial.batches.flatMap((b) => [
      [`PATCH /v1/voucher-batches/${b.id}`, (req: Sent) => patchBatch(b.id, (x) => ({ ...x, ...(req.data as object) }))],
      [`POST /v1/voucher-batches/${b.id}/sync`, () => patchBatch(b.id, (x) => ({ ...x, wechatStatus: 'paused', distributed: 130 }))],
      [`DELETE /v1/voucher-batches/${b.id}`, () => { setup = { ...setup, batches: setup.batches.filter((x) => x.id !== b.id) }; return answer(204, null) }],
      ...STORES.map((s) => [`PUT /v1/voucher-batches/${b.id}/stores/${s.id}`, (req: Sent) => patchBatch(b.id, (x) => {
        const paused = (req.data as { paused: boolean }).paused
        return { ...x, pausedStoreIds: paused ? [...x.pausedStoreIds, s.id] : x.pausedStoreIds.filter((i) => i !== s.id) }
      })]),
    ])),
    ...more,
  }
  return { setup: () => setup, routes }
}

const setupOf = (over: Partial<VoucherSetupDto> = {}): VoucherSetupDto => ({ credentials: null, batches: [], pageUrl: PAGE_URL, ...over })

const text = (selector: string): string => document.querySelector(selector)?.textContent ?? '(none)'
const calls = (method: string, path: string) => sent.filter((r) => r.method === method && r.url.split('?')[0] === path)

async function type (selector: string, value: string): Promise<void> {
  const el = document.querySelector(selector)
  if (el === null) throw new Error(`no input ${selector}`)
  await act(async () => { fireEvent.change(el, { target: { value } }) })
}

async function open (setup: VoucherSetupDto, more: Routes = {}): Promise<() => VoucherSetupDto> {
  const server = voucherRoutes(setup, more)
  serve(server.routes)
  render(<VoucherPanel merchantId='mch_1' />)
  await settle()
  return server.setup
}

const batchEl = (id: string): Element => {
  const el = document.querySelector(`.voucher-batch--${id}`)
  if (el === null) throw new Error(`no batch ${id}`)
  return el
}
const useEl = (id: string, use: string): Element | null => batchEl(id).querySelector(`.voucher-use--${use}`)
const tapIn = async (id: string, cls: string): Promise<void> => { await tap(batchEl(id).querySelector(`.${cls} .van-native-button`) ?? batchEl(id).querySelector(`.${cls}`)) }

beforeEach(() => {
  resetConsole()
  setClipboardData.mockReset()
  setClipboardData.mockResolvedValue({ errMsg: 'ok' } as never)
})

describe('the voucher panel', () => {
  test('a merchant with nothing set up: credentials not configured, no batches, the voucher page QR and copy', async () => {
    await open(setupOf())
    expect(text('.pay-credentials__none')).toContain('未配置')
    expect(text('.pay-credentials__edit')).toBe('配置')
    expect(document.querySelector('.pay-credentials__delete')).toBeNull()
    expect(text('.vouchers__empty')).toBe('还没有导入代金券批次')
    expect(document.querySelector('.voucher-page .qr__url')?.getAttribute('href')).toBe(PAGE_URL)
    await waitFor(() => { expect(document.querySelector('.voucher-page img.qr__img')?.getAttribute('data-url')).toBe(PAGE_URL) })
    await tapButton('voucher-page__copy')
    expect(setClipboardData).toHaveBeenCalledWith({ data: PAGE_URL })
    expect(text('.voucher-page__copy')).toBe('已复制')
  })

  test('a failed load says why', async () => {
    serve({
      [`GET ${VOUCHERS}`]: () => answer(403, { error: { type: 'permission', code: 'forbidden', message: '无权查看该商户' } }),
      'GET /v1/merchants/mch_1/stores': () => answer(200, list([])),
    })
    render(<VoucherPanel merchantId='mch_1' />)
    await settle()
    expect(text('.vouchers__error')).toBe('无权查看该商户')
  })

  test('a batch shows its rules, scenario, WeChat status and counts', async () => {
    await open(setupOf({ batches: [batch('vbt_1', { noCash: true, scenario: 'both_mutex', goodsTags: ['MUTEX_STORE', 'MUTEX_ONLINE'], paused: true })] }))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__name')).toBe('满50减5元代金券')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__face')).toBe('满 50 减 5')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__validity .info__value')).toBe('2026-11-01 至 2027-01-29')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__per-user .info__value')).toBe('3 张')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__funding .info__value')).toBe('免充值')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__scenario')).toBe('门店收银、线上商城 · 互斥（MUTEX_STORE MUTEX_ONLINE）')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__wechat-status')).toBe('微信：运营中')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__distributed .info__value')).toBe('120 / 1000 张')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__counts')).toBe('已发 40 张 · 已核销 12 张')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__paused')).toBe('已下架')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__pause')).toBe('上架')
  })

  test('a threshold-free batch reads 无门槛', async () => {
    await open(setupOf({ batches: [batch('vbt_1', { thresholdFen: 0, amountFen: 250 })] }))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__face')).toBe('无门槛减 2.5')
  })
})

describe('微信API证书配置', () => {
  test('stored credentials: merchant ids and serial shown, secrets only as 已配置', async () => {
    await open(setupOf({ credentials: credentials({ secrets: { privateKey: true, apiV3Key: false } }) }))
    expect([...document.querySelectorAll('.pay-credentials__mch-id')].map((e) => e.textContent)).toEqual(['1600000001', '1600000002'])
    expect(text('.pay-credentials__serial')).toBe('6EE8A1B2C3D45964')
    expect(text('.pay-credentials__private-key')).toBe('已配置')
    expect(text('.pay-credentials__api-v3-key')).toBe('未配置')
    expect(text('.pay-credentials__edit')).toBe('修改')

    // The form starts from what is stored, except the write-only secrets.
    await tapButton('pay-credentials__edit')
    expect((document.querySelector('.field--mchIds-0 input') as HTMLInputElement).value).toBe('1600000001')
    expect((document.querySelector('.field--mchIds-1 input') as HTMLInputElement).value).toBe('1600000002')
    expect((document.querySelector('.field--certificateSerial input') as HTMLInputElement).value).toBe('6EE8A1B2C3D45964')
    expect((document.querySelector('.field--privateKey textarea') as HTMLTextAreaElement).value).toBe('')
    expect((document.querySelector('.field--apiV3Key input') as HTMLInputElement).value).toBe('')
    expect(text('.field--privateKey .field__hint')).toContain('已配置')
  })

  test('checked before saving: merchant ids, PEM, serial and the APIv3 key rule; then PUT whole', async () => {
    await open(setupOf(), {
      [`PUT ${CREDENTIALS}`]: (req) => answer(200, { ...credentials(), mchIds: (req.data as { mchIds: string[] }).mchIds }),
    })
    await tapButton('pay-credentials__edit')
    await tapButton('pay-credentials-form__submit')
    expect(text('.pay-credentials-form__mch-error')).toBe('至少填写一个微信商户号')
    expect(text('.field--privateKey .field__error')).toBe('证书私钥须为 PEM 格式（apiclient_key.pem 的内容）')
    expect(text('.field--certificateSerial .field__error')).toBe('证书序列号为十六进制')
    expect(text('.field--apiV3Key .field__error')).toBe('APIv3 密钥由 32 个字符组成，只允许数字和英文大小写字母')

    await type('.field--mchIds-0 input', '1600000001')
    await tap(document.querySelector('.pay-credentials-form__add'))
    await type('.field--mchIds-1 input', '16000x')
    await tap(document.querySelector('.pay-credentials-form__add'))
    await type('.field--mchIds-2 input', '1600000001')
    await type('.field--privateKey textarea', 'not a key')
    await type('.field--certificateSerial input', '6EE8A1B2C3D45964')
    await type('.field--apiV3Key input', 'bda1890daa6cbf2ec632dd8c38a8644') // 31
    await tapButton('pay-credentials-form__submit')
    expect(text('.field--mchIds-1 .field__error')).toBe('微信商户号为 8–12 位数字')
    expect(text('.field--privateKey .field__error')).toBe('证书私钥须为 PEM 格式（apiclient_key.pem 的内容）')
    expect(text('.field--apiV3Key .field__error')).toBe('APIv3 密钥由 32 个字符组成，只允许数字和英文大小写字母')

    await type('.field--apiV3Key input', 'bda1890daa6cbf2ec632dd8c38a8644_') // 32, not a letter or digit
    await type('.field--mchIds-1 input', '')
    await type('.field--privateKey textarea', PEM)
    await tapButton('pay-credentials-form__submit')
    expect(text('.field--apiV3Key .field__error')).toBe('APIv3 密钥由 32 个字符组成，只允许数字和英文大小写字母')
    // The blank row is left out; the repeated id is refused as a whole.
    expect(text('.pay-credentials-form__mch-error')).toBe('微信商户号重复')
    expect(calls('PUT', CREDENTIALS)).toHaveLength(0)

    await tap(document.querySelector('.pay-credentials-form__mch-row--2 .pay-credentials-form__remove'))
    await type('.field--mchIds-1 input', '1600000002')
    await type('.field--apiV3Key input', KEY)
    await tapButton('pay-credentials-form__submit')
    expect(calls('PUT', CREDENTIALS).map((r) => r.data)).toEqual([{
      mchIds: ['1600000001', '1600000002'],
      privateKey: PEM,
      certificateSerial: '6EE8A1B2C3D45964',
      apiV3Key: KEY,
    }])
    expect(document.querySelector('.pay-credentials-form')).toBeNull()
    expect(text('.pay-credentials__message')).toBe('已保存微信API证书配置')
    // Reloaded after saving.
    expect(calls('GET', VOUCHERS)).toHaveLength(2)
  })

  test('a refusal naming a field goes next to it', async () => {
    await open(setupOf(), {
      [`PUT ${CREDENTIALS}`]: () => answer(400, { error: { type: 'invalid_request', code: 'invalid_credentials', message: '证书私钥与证书序列号不匹配', param: 'certificateSerial' } }),
    })
    await tapButton('pay-credentials__edit')
    await type('.field--mchIds-0 input', '1600000001')
    await type('.field--privateKey textarea', PEM)
    await type('.field--certificateSerial input', 'abcdef12')
    await type('.field--apiV3Key input', KEY)
    await tapButton('pay-credentials-form__submit')
    expect(text('.field--certificateSerial .field__error')).toBe('证书私钥与证书序列号不匹配')
    expect(document.querySelector('.pay-credentials-form')).not.toBeNull()
  })

  test('deleting asks first, then DELETEs', async () => {
    let current = setupOf({ credentials: credentials() })
    serve({
      ...voucherRoutes(current).routes,
      [`GET ${VOUCHERS}`]: () => answer(200, current),
      [`DELETE ${CREDENTIALS}`]: () => { current = setupOf(); return answer(204, null) },
    })
    render(<VoucherPanel merchantId='mch_1' />)
    await settle()
    await tapButton('pay-credentials__delete')
    expect(text('.pay-credentials__delete-warning')).toContain('以服务商身份发放')
    expect(calls('DELETE', CREDENTIALS)).toHaveLength(0)
    await tapButton('pay-credentials__confirm-delete')
    expect(calls('DELETE', CREDENTIALS)).toHaveLength(1)
    expect(text('.pay-credentials__message')).toBe('已删除微信API证书配置')
    expect(text('.pay-credentials__none')).toContain('未配置')
  })
})

describe('导入批次', () => {
  test('the form explains the six scenarios and 90 days; errors shown; an imported batch is listed', async () => {
    await open(setupOf({ credentials: credentials() }), {
      [`POST ${BATCHES}`]: (req) => {
        const body = req.data as { stockId: string, creatorMchId: string }
        if (body.stockId === '111111') return answer(409, { error: { type: 'conflict', code: 'voucher_batch_exists', message: '该批次已导入', param: 'stockId' } })
        if (body.stockId === '222222') return answer(400, { error: { type: 'invalid_request', code: 'voucher_batch_unusable', message: '该批次可用时间超过 90 天，不能导入' } })
        return answer(201, batch('vbt_9', { stockId: body.stockId, creatorMchId: body.creatorMchId, name: '新券' }))
      },
    })
    await tapButton('vouchers__import')
    expect(text('.voucher-import__intro')).toContain('90 天内')
    const rows = [...document.querySelectorAll('.voucher-scenarios__row:not(.voucher-scenarios__row--head)')]
    expect(rows.map((r) => [...r.querySelectorAll('.voucher-scenarios__cell')].map((c) => c.textContent))).toEqual([
      ['门店收银', '互斥', 'MUTEX_STORE'],
      ['门店收银', '不互斥', 'MUTEX_STORENO_MUTEX_STORE'],
      ['线上商城', '互斥', 'MUTEX_ONLINE'],
      ['线上商城', '不互斥', 'MUTEX_ONLINENO_MUTEX_ONLINE'],
      ['门店收银、线上商城', '互斥', 'MUTEX_STOREMUTEX_ONLINE'],
      ['门店收银、线上商城', '不互斥', 'MUTEX_STOREMUTEX_ONLINENO_MUTEX_STORENO_MUTEX_ONLINE'],
    ])

    await type('.field--stockId input', '16a')
    await tapButton('voucher-import__submit')
    expect(text('.field--stockId .field__error')).toBe('批次号是 6–20 位数字')
    expect(text('.field--creatorMchId .field__error')).toBe('制券商户号为 8–12 位数字')
    expect(calls('POST', BATCHES)).toHaveLength(0)

    // The merchant's own merchant ids are offered as the creator.
    await tap([...document.querySelectorAll('.voucher-import__own')].find((e) => e.textContent === '使用 1600000002'))
    expect((document.querySelector('.field--creatorMchId input') as HTMLInputElement).value).toBe('1600000002')

    await type('.field--stockId input', '111111')
    await tapButton('voucher-import__submit')
    expect(text('.field--stockId .field__error')).toBe('该批次已导入')

    await type('.field--stockId input', '222222')
    await tapButton('voucher-import__submit')
    expect(text('.voucher-import .form-errors')).toBe('该批次可用时间超过 90 天，不能导入')

    await type('.field--stockId input', ' 16246121 ')
    await tapButton('voucher-import__submit')
    expect(calls('POST', BATCHES).at(-1)?.data).toEqual({ stockId: '16246121', creatorMchId: '1600000002' })
    expect(document.querySelector('.voucher-import')).toBeNull()
    expect(text('.vouchers__message')).toBe('已导入批次“新券”')
    expect(text('.voucher-batch--vbt_9 .voucher-batch__stock-id')).toBe('16246121')
  })
})

describe('uses, 下架, 同步, 删除', () => {
  const patches = (id: string): unknown[] => calls('PATCH', `/v1/voucher-batches/${id}`).map((r) => r.data)

  test('toggling uses PATCHes the whole set; 消费有礼 needs its minimum', async () => {
    await open(setupOf({ batches: [batch('vbt_1')] }))
    await tap(useEl('vbt_1', 'card-gift'))
    expect(patches('vbt_1')).toEqual([{ uses: ['card_gift'] }])
    expect(useEl('vbt_1', 'card-gift')?.className).toContain('voucher-use--on')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('已设为开卡有礼')

    await tap(useEl('vbt_1', 'spend-gift'))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('请先填写消费有礼的最低消费金额')
    await type('.voucher-batch--vbt_1 .voucher-batch__spend-input', '50.123')
    await tap(useEl('vbt_1', 'spend-gift'))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('最低消费金额格式不正确，最多两位小数')
    expect(patches('vbt_1')).toHaveLength(1)

    await type('.voucher-batch--vbt_1 .voucher-batch__spend-input', '50')
    await tap(useEl('vbt_1', 'spend-gift'))
    expect(patches('vbt_1')[1]).toEqual({ uses: ['card_gift', 'spend_gift'], spendGiftMinFen: 5000 })

    // The minimum alone; it may not be cleared while 消费有礼 is on.
    await type('.voucher-batch--vbt_1 .voucher-batch__spend-input', '88.8')
    await tap(batchEl('vbt_1').querySelector('.voucher-batch__spend-save'))
    expect(patches('vbt_1')[2]).toEqual({ spendGiftMinFen: 8880 })
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('已保存：消费满 88.8 元送券')
    await type('.voucher-batch--vbt_1 .voucher-batch__spend-input', '')
    await tap(batchEl('vbt_1').querySelector('.voucher-batch__spend-save'))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toContain('消费有礼需要最低消费金额')

    await tap(useEl('vbt_1', 'card-gift'))
    expect(patches('vbt_1')[3]).toEqual({ uses: ['spend_gift'] })
    expect(patches('vbt_1')).toHaveLength(4)
  })

  test('one 主券 at most: the others\' 主券 is disabled with a warning', async () => {
    await open(setupOf({ batches: [batch('vbt_1', { uses: ['main'], name: '主券五元' }), batch('vbt_2')] }))
    expect(useEl('vbt_2', 'main')?.className).toContain('voucher-use--disabled')
    expect(useEl('vbt_1', 'main')?.className).not.toContain('voucher-use--disabled')
    await tap(useEl('vbt_2', 'main'))
    expect(text('.voucher-batch--vbt_2 .voucher-batch__message')).toContain('主券只能设置一个批次，当前主券为“主券五元”')
    expect(patches('vbt_2')).toHaveLength(0)

    // Once the first gives it up, the second may take it.
    await tap(useEl('vbt_1', 'main'))
    expect(patches('vbt_1')).toEqual([{ uses: [] }])
    expect(useEl('vbt_2', 'main')?.className).not.toContain('voucher-use--disabled')
    await tap(useEl('vbt_2', 'main'))
    expect(patches('vbt_2')).toEqual([{ uses: ['main'] }])
  })

  test('three 奖励券 at most', async () => {
    await open(setupOf({ batches: ['vbt_1', 'vbt_2', 'vbt_3', 'vbt_4'].map((id, i) => batch(id, { uses: i < 3 ? ['reward'] : [] })) }))
    expect(useEl('vbt_4', 'reward')?.className).toContain('voucher-use--disabled')
    await tap(useEl('vbt_4', 'reward'))
    expect(text('.voucher-batch--vbt_4 .voucher-batch__message')).toContain('奖励券最多设置 3 个批次')
    expect(patches('vbt_4')).toHaveLength(0)
    // Other uses of the fourth stay free.
    await tap(useEl('vbt_4', 'main'))
    expect(patches('vbt_4')).toEqual([{ uses: ['main'] }])
  })

  test('下架 and 上架, 同步, and 删除 after confirming', async () => {
    await open(setupOf({ batches: [batch('vbt_1'), batch('vbt_2', { name: '第二批' })] }))
    await tapIn('vbt_1', 'voucher-batch__pause')
    expect(patches('vbt_1')).toEqual([{ paused: true }])
    expect(text('.voucher-batch--vbt_1 .voucher-batch__paused')).toBe('已下架')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('已下架：不再发放该批次的代金券')
    await tapIn('vbt_1', 'voucher-batch__pause')
    expect(patches('vbt_1')[1]).toEqual({ paused: false })
    expect(document.querySelector('.voucher-batch--vbt_1 .voucher-batch__paused')).toBeNull()

    await tapIn('vbt_1', 'voucher-batch__sync')
    expect(calls('POST', '/v1/voucher-batches/vbt_1/sync')).toHaveLength(1)
    expect(text('.voucher-batch--vbt_1 .voucher-batch__wechat-status')).toBe('微信：已暂停')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('已同步：微信已暂停，已发放 130 张')

    await tapIn('vbt_2', 'voucher-batch__delete')
    expect(text('.voucher-batch--vbt_2 .voucher-batch__delete-warning')).toContain('已发出的代金券仍然有效')
    await tapIn('vbt_2', 'voucher-batch__confirm-delete')
    expect(calls('DELETE', '/v1/voucher-batches/vbt_2')).toHaveLength(1)
    expect(document.querySelector('.voucher-batch--vbt_2')).toBeNull()
    expect(text('.vouchers__message')).toContain('已删除批次“第二批”')
  })

  test('a refused change shows the server\'s words', async () => {
    await open(setupOf({ batches: [batch('vbt_1')] }), {
      'PATCH /v1/voucher-batches/vbt_1': () => answer(409, { error: { type: 'conflict', code: 'voucher_main_taken', message: '主券只能设置一个批次' } }),
    })
    await tap(useEl('vbt_1', 'main'))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('主券只能设置一个批次')
    expect(useEl('vbt_1', 'main')?.className).not.toContain('voucher-use--on')
  })
})

describe('门店发券', () => {
  test('each store of the merchant has a 暂停发券 switch that PUTs its state', async () => {
    await open(setupOf({ batches: [batch('vbt_1', { pausedStoreIds: ['sto_1'] })] }))
    expect(text('.voucher-batch--vbt_1 .voucher-batch__stores-toggle')).toBe('门店发券（1 家门店已暂停）')
    await tap(batchEl('vbt_1').querySelector('.voucher-batch__stores-toggle'))
    expect([...document.querySelectorAll('.voucher-store__name')].map((e) => e.textContent)).toEqual(['科技园店', '海岸城店'])
    expect(text('.voucher-store--sto_1 .voucher-store__state')).toBe('已暂停发券')
    expect(document.querySelector('.voucher-store--sto_1 .voucher-store__switch')?.className).toContain('van-switch--on')
    expect(text('.voucher-store--sto_2 .voucher-store__state')).toBe('发券中')

    await tap(document.querySelector('.voucher-store--sto_2 .voucher-store__switch'))
    expect(calls('PUT', '/v1/voucher-batches/vbt_1/stores/sto_2').map((r) => r.data)).toEqual([{ paused: true }])
    expect(text('.voucher-store--sto_2 .voucher-store__state')).toBe('已暂停发券')
    expect(text('.voucher-batch--vbt_1 .voucher-batch__message')).toBe('海岸城店已暂停发放该批次')

    await tap(document.querySelector('.voucher-store--sto_1 .voucher-store__switch'))
    expect(calls('PUT', '/v1/voucher-batches/vbt_1/stores/sto_1').map((r) => r.data)).toEqual([{ paused: false }])
    expect(text('.voucher-batch--vbt_1 .voucher-batch__stores-toggle')).toBe('收起（1 家门店已暂停）')
  })
})

test('the merchant page shows the panel', async () => {
  const merchant = { id: 'mch_1', serviceProviderId: 'sp_1', subServiceProviderId: null, name: '示例咖啡', shortName: '示例咖啡', alipay: null, wechatChannel: 'direct', createdAt: '2026-11-01T00:00:00.000Z' } as unknown as MerchantDTO
  withParams({ id: 'mch_1' })
  serve({
    ...voucherRoutes(setupOf({ batches: [batch('vbt_1')] })).routes,
    'GET /v1/console/me': () => me(),
    'GET /v1/merchants/mch_1': () => answer(200, merchant),
    'GET /v1/merchants/mch_1/staff': () => answer(200, list([])),
    'GET /v1/merchants/mch_1/member-card': () => answer(200, { setup: { cardPermission: true, cardSubMerchantId: null, cardSubMerchantStatus: null, cardSubMerchantReason: null, syncedAt: null }, card: null }),
    'GET /v1/merchants/mch_1/alipay/authorization': () => answer(200, { url: 'https://alipay.test/auth' }),
  })
  render(<MerchantDetail />)
  await settle()
  expect(text('.pay-credentials .section__title')).toBe('微信API证书配置')
  expect(text('.voucher-batch--vbt_1 .voucher-batch__name')).toBe('满50减5元代金券')
  expect(calls('GET', VOUCHERS)).toHaveLength(1)
})
