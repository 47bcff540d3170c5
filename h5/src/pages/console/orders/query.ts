import { isYuanString, ORDER_STATUS_LABELS, ORDER_STATUSES, STORE_PAYMENT_TYPE_LABELS, yuanStringToFen, type OrderSearchQuery } from '@yima/shared'
import type { ChoiceOption } from '../../../components/field'
import type { OrderFilterParams } from '../../../services/reports'
import { presetRange, rangeQuery, type DateRange } from '../reports/range'

export type SourceTypeName = NonNullable<OrderSearchQuery['sourceType']>
export type PayPlatformName = NonNullable<OrderSearchQuery['payPlatform']>
export type StatusName = NonNullable<OrderSearchQuery['status']>

/** Cloud Pay's `source_type`, as the console names it. */
export const SOURCE_TYPE_LABELS: Record<SourceTypeName, string> = {
  one_code: '门店一码付',
  staff_outdoor_qr: '店员外出码',
  bound_qr: '绑定码牌',
  fixed_amount_qr: '定额码',
  card_recharge: '会员卡充值',
  temporary_qr: '临时码',
  card_one_code: '会员卡一码付',
}

export const sourceTypeLabel = (s: string): string => (SOURCE_TYPE_LABELS as Record<string, string>)[s] ?? s

const ALL: ChoiceOption = { value: '', label: '全部' }
export const PAY_PLATFORM_OPTIONS: ChoiceOption[] = [ALL, ...(['wechat_pay', 'alipay'] as const).map((p) => ({ value: p, label: STORE_PAYMENT_TYPE_LABELS[p] }))]
export const STATUS_OPTIONS: ChoiceOption[] = [ALL, ...ORDER_STATUSES.map((s) => ({ value: s, label: ORDER_STATUS_LABELS[s] }))]
export const SOURCE_TYPE_OPTIONS: ChoiceOption[] = [ALL, ...(Object.keys(SOURCE_TYPE_LABELS) as SourceTypeName[]).map((s) => ({ value: s, label: SOURCE_TYPE_LABELS[s] }))]

/** The filter form as typed: every field a string ('' = any), amounts in yuan. */
export interface OrderForm {
  range: DateRange
  merchantId: string
  storeId: string
  staffId: string
  deviceId: string
  qrCodeId: string
  payPlatform: string
  status: string
  sourceType: string
  minYuan: string
  maxYuan: string
  outTradeNo: string
}

export const ID_FIELDS = ['merchantId', 'storeId', 'staffId', 'deviceId', 'qrCodeId'] as const

export function emptyForm (): OrderForm {
  return { range: presetRange('last7'), merchantId: '', storeId: '', staffId: '', deviceId: '', qrCodeId: '', payPlatform: '', status: '', sourceType: '', minYuan: '', maxYuan: '', outTradeNo: '' }
}

/** The form a link opened the page with (交易汇总's 明细: a range and a store, clerk, device or QR code). */
export function formFromParams (get: (key: string) => string | undefined): OrderForm {
  const form = emptyForm()
  const start = get('start')
  const end = get('end')
  if (start !== undefined && end !== undefined) form.range = { start, end }
  for (const key of ID_FIELDS) form[key] = get(key) ?? ''
  return form
}

const has = <T extends string>(options: readonly ChoiceOption[], v: string): v is T => v !== '' && options.some((o) => o.value === v)

/** A yuan amount as fen: digits only, at most two decimals; never through a float. */
function amountFen (text: string): number | undefined | null {
  const s = text.trim()
  if (s === '') return undefined
  if (!isYuanString(s) || s.startsWith('-')) return null
  return yuanStringToFen(s)
}

export type FormErrors = Partial<Record<'range' | 'minYuan' | 'maxYuan', string>>

/** The search's query parameters, or why the form cannot be sent (nothing is asked of the server then). */
export function buildFilters (form: OrderForm): { ok: true, filters: OrderFilterParams } | { ok: false, errors: FormErrors } {
  const errors: FormErrors = {}
  const range = rangeQuery(form.range)
  if (!range.ok) errors.range = range.error
  const minFen = amountFen(form.minYuan)
  const maxFen = amountFen(form.maxYuan)
  if (minFen === null) errors.minYuan = '金额格式不正确，最多两位小数'
  if (maxFen === null) errors.maxYuan = '金额格式不正确，最多两位小数'
  if (typeof minFen === 'number' && typeof maxFen === 'number' && minFen > maxFen) errors.maxYuan = '最低金额不能高于最高金额'
  if (!range.ok || Object.keys(errors).length > 0) return { ok: false, errors }

  const filters: OrderFilterParams = { from: range.from, to: range.to }
  for (const key of ID_FIELDS) {
    const v = form[key].trim()
    if (v !== '') filters[key] = v
  }
  if (has<PayPlatformName>(PAY_PLATFORM_OPTIONS, form.payPlatform)) filters.payPlatform = form.payPlatform
  if (has<StatusName>(STATUS_OPTIONS, form.status)) filters.status = form.status
  if (has<SourceTypeName>(SOURCE_TYPE_OPTIONS, form.sourceType)) filters.sourceType = form.sourceType
  if (typeof minFen === 'number') filters.minFen = minFen
  if (typeof maxFen === 'number') filters.maxFen = maxFen
  const outTradeNo = form.outTradeNo.trim()
  if (outTradeNo !== '') filters.outTradeNo = outTradeNo
  return { ok: true, filters }
}
