import { AddStaffBody, CreateMerchantBody, CreateSubServiceProviderBody, UpdateMerchantBody, UpdateSubServiceProviderBody } from '@yima/shared'
import { bodyPreparer, buildBody, validateForm, type FieldSpec, type FormValues, type Prepared } from './forms'

/** T6, seed 000 配置子服务商. serviceProviderId and accountId are fixed once created. */
export const SSP_FIELDS: readonly FieldSpec[] = [
  { key: 'serviceProviderId' },
  { key: 'accountId' },
  { key: 'name' },
  { key: 'adminName' },
  { key: 'phone' },
  { key: 'wechatRebateBp', kind: 'bp' },
  { key: 'alipayRebateBp', kind: 'bp' },
  { key: 'remark' },
]
const SSP_EDITABLE = SSP_FIELDS.filter((f) => f.key !== 'serviceProviderId' && f.key !== 'accountId')

export const prepareSspBody = bodyPreparer(CreateSubServiceProviderBody, UpdateSubServiceProviderBody, SSP_FIELDS, SSP_EDITABLE)

/** T7, seed 000 配置子商户. The WeChat sub_mch_id is fixed once created. */
export const MERCHANT_FIELDS: readonly FieldSpec[] = [
  { key: 'serviceProviderId' },
  { key: 'subServiceProviderId' },
  { key: 'name' },
  { key: 'shortName' },
  { key: 'adminName' },
  { key: 'adminEmail' },
  { key: 'logoUrl' },
  { key: 'adUrl' },
  { key: 'adImageUrl' },
  { key: 'remark' },
  { key: 'wechatSubMchId' },
]
const MERCHANT_EDITABLE = MERCHANT_FIELDS.filter((f) => !['serviceProviderId', 'subServiceProviderId', 'wechatSubMchId'].includes(f.key))

export const prepareMerchantBody = bodyPreparer(CreateMerchantBody, UpdateMerchantBody, MERCHANT_FIELDS, MERCHANT_EDITABLE)

export const STAFF_FIELDS: readonly FieldSpec[] = [{ key: 'name' }, { key: 'phone' }, { key: 'email' }]

/** A new admin: empty phone/email are left out; refund permission as ticked. */
export function prepareStaffBody (values: FormValues, refundPermission: boolean): Prepared<AddStaffBody> {
  const built = buildBody(STAFF_FIELDS, values, null)
  return validateForm(AddStaffBody, { ...built, body: { ...built.body, refundPermission } })
}
