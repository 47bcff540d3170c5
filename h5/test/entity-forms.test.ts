import type { MerchantDTO, SubServiceProviderDTO } from '@yima/shared'
import { MERCHANT_FIELDS, prepareMerchantBody, prepareSspBody, prepareStaffBody, SSP_FIELDS } from '../src/lib/entity-forms'
import { errorsFromServer, formFromDto } from '../src/lib/forms'
import { ApiError } from '../src/services/api'

test('a new merchant: the seed fields, empty optional ones left out', () => {
  const r = prepareMerchantBody({
    serviceProviderId: 'sp_1',
    subServiceProviderId: '',
    name: '示例咖啡馆',
    shortName: '咖啡馆',
    adminName: '李四',
    adminEmail: 'lisi@example.com',
    logoUrl: '',
    adUrl: '',
    adImageUrl: '',
    remark: '',
    wechatSubMchId: '1900000101',
  }, null)
  expect(r).toEqual({
    ok: true,
    body: { serviceProviderId: 'sp_1', name: '示例咖啡馆', shortName: '咖啡馆', adminName: '李四', adminEmail: 'lisi@example.com', wechatSubMchId: '1900000101' },
  })
})

test('a merchant edit never sends the fixed ids', () => {
  const dto = {
    id: 'mch_1',
    serviceProviderId: 'sp_1',
    subServiceProviderId: null,
    name: '示例咖啡馆',
    shortName: '咖啡馆',
    adminName: '李四',
    adminEmail: 'lisi@example.com',
    logoUrl: null,
    adUrl: null,
    adImageUrl: null,
    remark: null,
    wechatSubMchId: '1900000101',
  } as unknown as MerchantDTO
  const initial = formFromDto(MERCHANT_FIELDS, dto)
  expect(initial).toEqual({ ...formFromDto(MERCHANT_FIELDS, null), serviceProviderId: 'sp_1', name: '示例咖啡馆', shortName: '咖啡馆', adminName: '李四', adminEmail: 'lisi@example.com', wechatSubMchId: '1900000101' })
  expect(prepareMerchantBody({ ...initial, remark: '备注', wechatSubMchId: '1900000102' }, initial)).toEqual({ ok: true, body: { remark: '备注' } })
})

test('a sub-service provider with rebate ratios in percent', () => {
  const r = prepareSspBody({
    serviceProviderId: 'sp_1', accountId: 'acct_1', name: '渠道商', adminName: '王五', phone: '13800000003', wechatRebateBp: '12.5', alipayRebateBp: '', remark: '',
  }, null)
  expect(r).toEqual({ ok: true, body: { serviceProviderId: 'sp_1', accountId: 'acct_1', name: '渠道商', adminName: '王五', phone: '13800000003', wechatRebateBp: 1250 } })
})

test('a sub-service provider edit starts with its stored values, rebates in percent', () => {
  const dto = {
    id: 'ssp_1', serviceProviderId: 'sp_1', accountId: 'acct_1', name: '渠道商', adminName: '王五', phone: '13800000003', wechatRebateBp: 1250, alipayRebateBp: null, remark: null,
  } as unknown as SubServiceProviderDTO
  expect(formFromDto(SSP_FIELDS, dto)).toEqual({
    serviceProviderId: 'sp_1', accountId: 'acct_1', name: '渠道商', adminName: '王五', phone: '13800000003', wechatRebateBp: '12.5', alipayRebateBp: '', remark: '',
  })
})

test('an admin: phone and email optional, refund permission explicit', () => {
  expect(prepareStaffBody({ name: '赵六', phone: '', email: '' }, true)).toEqual({ ok: true, body: { name: '赵六', refundPermission: true } })
  const bad = prepareStaffBody({ name: '', phone: '12', email: '' }, false)
  expect(!bad.ok && bad.errors).toEqual({ name: '请填写姓名', phone: '请填写正确的手机号或座机号' })
})

test('server errors go next to the field named by `param`, else on top of the form', () => {
  const fields = ['wechatSubMchId', 'name']
  expect(errorsFromServer(new ApiError(400, 'invalid_request', 'sub_mch_not_special', '该子商户号不是本服务商的特约商户', 'wechatSubMchId'), fields))
    .toEqual({ wechatSubMchId: '该子商户号不是本服务商的特约商户' })
  expect(errorsFromServer(new ApiError(409, 'conflict', 'merchant_exists', '子商户已存在'), fields)).toEqual({ '': '子商户已存在' })
  expect(errorsFromServer(new ApiError(400, 'invalid_request', 'validation_failed', '请求参数不正确', 'other.path'), fields)).toEqual({ '': '请求参数不正确' })
})
