import { useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup, Checkbox, CheckboxGroup, Field, Radio, RadioGroup, Switch } from '@antmjs/vantui'
import {
  ApiError, CreateStoreBody, GOODS_TAG_MAX_LENGTH, STORE_PAYMENT_TYPE_LABELS, STORE_PAYMENT_TYPES, STORE_STATUS_LABELS, STORE_STATUSES,
  UpdateStoreBody, type StoreCurrency, type StoreDTO, type StorePaymentType, type StoreStatus,
} from '@yima/shared'
import type { z } from 'zod'
import { PageState } from '../../components/page-state'
import { param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { createStore, getStore, updateStore } from '../../services/stores'
import './index.scss'

/** Every field of CreateStoreBody as the form holds it: text fields as typed, '' for none. */
interface StoreForm {
  name: string
  branchName: string
  address: string
  phone: string
  status: StoreStatus
  paymentTypes: StorePaymentType[]
  currency: StoreCurrency
  goodsTag: string
  wechatSubMchId: string
  alipayUserId: string
  maidanStoreId: string
  memberCardEnabled: boolean
}
type FormKey = keyof StoreForm
/** The fields that show their own message; a problem with any other goes under the form. */
type MessageKey = Exclude<FormKey, 'currency' | 'memberCardEnabled'>
type TextKey = Exclude<MessageKey, 'status' | 'paymentTypes'>
type Errors = Partial<Record<MessageKey, string>>

/** The store defaults the server would apply: both wallets, CNY, open, member card on, no overrides. */
const NEW_STORE: StoreForm = {
  name: '',
  branchName: '',
  address: '',
  phone: '',
  status: 'open',
  paymentTypes: [...STORE_PAYMENT_TYPES],
  currency: 'CNY',
  goodsTag: '',
  wechatSubMchId: '',
  alipayUserId: '',
  maidanStoreId: '',
  memberCardEnabled: true,
}

const formOf = (s: StoreDTO): StoreForm => ({
  name: s.name,
  branchName: s.branchName ?? '',
  address: s.address ?? '',
  phone: s.phone ?? '',
  status: s.status,
  paymentTypes: s.paymentTypes,
  currency: s.currency,
  goodsTag: s.goodsTag ?? '',
  wechatSubMchId: s.wechatSubMchId ?? '',
  alipayUserId: s.alipayUserId ?? '',
  maidanStoreId: s.maidanStoreId ?? '',
  memberCardEnabled: s.memberCardEnabled,
})

const hasMessage = (k: unknown): k is MessageKey => typeof k === 'string' && k in NEW_STORE && k !== 'currency' && k !== 'memberCardEnabled'

/** The first message per field, as the server's zod would report it. */
function fieldErrors (error: z.ZodError): { errors: Errors, rest: string[] } {
  const errors: Errors = {}
  const rest: string[] = []
  for (const issue of error.issues) {
    const key = issue.path[0]
    if (hasMessage(key)) errors[key] ??= issue.message
    else rest.push(issue.message)
  }
  return { errors, rest }
}

/**
 * 添加门店 (`?merchantId=`) and 编辑门店 (`?id=`), merchant admins only. Checked here with the
 * server's own zod schema; what only the server can check (e.g. a sub-merchant id WeChat Pay does
 * not know) comes back with `param` naming the field.
 */
export default function StoreEditPage () {
  const id = param('id')
  const merchantId = param('merchantId')
  const editing = id !== ''
  useEffect(() => { Taro.setNavigationBarTitle({ title: editing ? '编辑门店' : '添加门店' }) }, [editing])
  const s = useData(async () => (editing ? await getStore(id) : null), [id])
  const missing = !editing && merchantId === '' ? '页面地址缺少门店或商户' : null

  return (
    <View className='store-edit'>
      <PageState loading={editing && s.loading && s.data === null} error={missing ?? s.error} onRetry={() => { s.reload() }}>
        {(!editing || s.data !== null) && (
          <StoreFormView
            key={s.data?.id ?? 'new'}
            initial={s.data === null ? NEW_STORE : formOf(s.data)}
            submit={async (form) => (editing ? await saveEdit(id, form) : await saveNew(merchantId, form))}
          />
        )}
      </PageState>
    </View>
  )
}

/** Null when saved; otherwise what to show. */
type Outcome = { errors: Errors, rest: string[] } | null

async function saveNew (merchantId: string, form: StoreForm): Promise<Outcome> {
  const parsed = CreateStoreBody.safeParse(form)
  if (!parsed.success) return fieldErrors(parsed.error)
  await createStore(merchantId, parsed.data)
  return null
}

async function saveEdit (id: string, form: StoreForm): Promise<Outcome> {
  // Every field is sent: '' clears an optional one, which is what an emptied input means.
  const parsed = UpdateStoreBody.safeParse(form)
  if (!parsed.success) return fieldErrors(parsed.error)
  await updateStore(id, parsed.data)
  return null
}

/** The server's refusal under the field it names (its zod messages start with `field: `). */
function serverErrors (e: unknown): { errors: Errors, rest: string[] } {
  if (e instanceof ApiError && hasMessage(e.param)) {
    const prefix = `${e.param}: `
    return { errors: { [e.param]: e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message }, rest: [] }
  }
  return { errors: {}, rest: [errorText(e)] }
}

function StoreFormView ({ initial, submit }: { initial: StoreForm, submit: (form: StoreForm) => Promise<Outcome> }) {
  const [form, setForm] = useState(initial)
  const [errors, setErrors] = useState<Errors>({})
  const [rest, setRest] = useState<string[]>([])
  const [busy, setBusy] = useState(false)
  const set = <K extends FormKey>(k: K, v: StoreForm[K]): void => { setForm((f) => ({ ...f, [k]: v })) }

  const save = async (): Promise<void> => {
    setBusy(true)
    try {
      const outcome = await submit(form).catch(serverErrors)
      setErrors(outcome?.errors ?? {})
      setRest(outcome?.rest ?? [])
      if (outcome === null) {
        toast('已保存')
        await Taro.navigateBack()
      }
    } finally {
      setBusy(false)
    }
  }

  const text = (k: TextKey, label: string, o: { placeholder?: string, max?: number, required?: boolean } = {}) => (
    <Field
      className={`field-${k}`}
      label={label}
      value={form[k]}
      placeholder={o.placeholder ?? (o.required === true ? `请填写${label}` : '选填')}
      maxlength={o.max ?? 200}
      required={o.required}
      errorMessage={errors[k]}
      onChange={(e) => { set(k, String(e.detail)) }}
    />
  )

  return (
    <>
      <CellGroup title='基本信息'>
        {text('name', '门店名称', { required: true, max: 60 })}
        {text('branchName', '分店名称', { max: 60 })}
        {text('address', '地址')}
        {text('phone', '电话', { placeholder: '手机号或座机号（选填）', max: 20 })}
      </CellGroup>

      <CellGroup title='收款'>
        <View className='store-edit__choices'>
          <RadioGroup className='status-choice' direction='horizontal' value={form.status} onChange={(e) => { set('status', e.detail as StoreStatus) }}>
            {STORE_STATUSES.map((st) => <Radio key={st} name={st} className={`status-${st}`}>{STORE_STATUS_LABELS[st]}</Radio>)}
          </RadioGroup>
        </View>
        {errors.status !== undefined && <View className='store-edit__error'>{errors.status}</View>}
        <Cell title='收款类型' />
        <View className='store-edit__choices'>
          <CheckboxGroup direction='horizontal' value={form.paymentTypes} onChange={(e) => { set('paymentTypes', e.detail as StorePaymentType[]) }}>
            {STORE_PAYMENT_TYPES.map((t) => <Checkbox key={t} name={t} shape='square' className={`payment-${t}`}>{STORE_PAYMENT_TYPE_LABELS[t]}</Checkbox>)}
          </CheckboxGroup>
        </View>
        {errors.paymentTypes !== undefined && <View className='store-edit__error payment-error'>{errors.paymentTypes}</View>}
        {/* WeChat Pay and Alipay in-store payments through a 服务商 settle in CNY only. */}
        <Cell title='币种' value='人民币（CNY）' />
        {text('goodsTag', '订单优惠标记', { placeholder: '微信支付代金券的 goods_tag（选填）', max: GOODS_TAG_MAX_LENGTH })}
      </CellGroup>

      <CellGroup title='门店收款账户（不填则使用商户的）'>
        {text('wechatSubMchId', '微信支付子商户号', { placeholder: '8–12 位数字（选填）', max: 12 })}
        {text('alipayUserId', '支付宝用户 ID', { placeholder: '2088 开头的 16 位数字（选填）', max: 16 })}
        {text('maidanStoreId', '微信买单门店 ID', { placeholder: '商户使用微信买单渠道时填写', max: 64 })}
      </CellGroup>

      <CellGroup title='会员卡'>
        <Cell title='启用会员卡' label='关闭即本门店禁用会员卡'>
          <Switch className='member-card-switch' size='24px' checked={form.memberCardEnabled} onChange={(e) => { set('memberCardEnabled', Boolean(e.detail)) }} />
        </Cell>
      </CellGroup>

      {rest.map((m) => <View key={m} className='store-edit__failure'>{m}</View>)}
      <View className='store-edit__actions'>
        <Button className='save-store' type='primary' block loading={busy} onClick={() => { save() }}>保存</Button>
      </View>
    </>
  )
}
