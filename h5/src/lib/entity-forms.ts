import {
  AddStaffBody, CreateMerchantBody, CreateSubServiceProviderBody, UpdateMerchantBody, UpdateSubServiceProviderBody,
  type MerchantDTO, type SubServiceProviderDTO,
} from '@yima/shared'
import { bpToPercent } from './format'
import { buildBody, validateForm, type FieldSpec, type FormValues, type Prepared } from './forms'

const blank = (specs: readonly FieldSpec[]): FormValues => Object.fromEntries(specs.map((f) => [f.key, '']))

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

export function sspFormFromDto (dto: SubServiceProviderDTO | null): FormValues {
  const values = blank(SSP_FIELDS)
  if (dto === null) return values
  return {
    ...values,
    serviceProviderId: dto.serviceProviderId,
    accountId: dto.accountId,
    name: dto.name,
    adminName: dto.adminName,
    phone: dto.phone,
    wechatRebateBp: bpToPercent(dto.wechatRebateBp),
    alipayRebateBp: bpToPercent(dto.alipayRebateBp),
    remark: dto.remark ?? '',
  }
}

export function prepareSspBody (values: FormValues, initial: FormValues | null): Prepared<CreateSubServiceProviderBody | UpdateSubServiceProviderBody> {
  const built = buildBody(initial === null ? SSP_FIELDS : SSP_EDITABLE, values, initial)
  if (Object.keys(built.errors).length > 0) return { ok: false, errors: built.errors }
  return initial === null ? validateForm(CreateSubServiceProviderBody, built) : validateForm(UpdateSubServiceProviderBody, built)
}

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

export function merchantFormFromDto (dto: MerchantDTO | null): FormValues {
  const values = blank(MERCHANT_FIELDS)
  if (dto === null) return values
  return {
    ...values,
    serviceProviderId: dto.serviceProviderId,
    subServiceProviderId: dto.subServiceProviderId ?? '',
    name: dto.name,
    shortName: dto.shortName,
    adminName: dto.adminName,
    adminEmail: dto.adminEmail,
    logoUrl: dto.logoUrl ?? '',
    adUrl: dto.adUrl ?? '',
    adImageUrl: dto.adImageUrl ?? '',
    remark: dto.remark ?? '',
    wechatSubMchId: dto.wechatSubMchId,
  }
}

export function prepareMerchantBody (values: FormValues, initial: FormValues | null): Prepared<CreateMerchantBody | UpdateMerchantBody> {
  const built = buildBody(initial === null ? MERCHANT_FIELDS : MERCHANT_EDITABLE, values, initial)
  if (Object.keys(built.errors).length > 0) return { ok: false, errors: built.errors }
  return initial === null ? validateForm(CreateMerchantBody, built) : validateForm(UpdateMerchantBody, built)
}

export const STAFF_FIELDS: readonly FieldSpec[] = [{ key: 'name' }, { key: 'phone' }, { key: 'email' }]

/** A new admin: empty phone/email are left out; refund permission as ticked. */
export function prepareStaffBody (values: FormValues, refundPermission: boolean): Prepared<AddStaffBody> {
  const built = buildBody(STAFF_FIELDS, values, null)
  return validateForm(AddStaffBody, { ...built, body: { ...built.body, refundPermission } })
}
