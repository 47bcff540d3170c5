import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, CellGroup, Field, Radio, RadioGroup, Switch, Cell } from '@antmjs/vantui'
import { AddStoreStaffBody, ApiError, STAFF_ROLE_LABELS, type StoreStaffRole } from '@yima/shared'
import { errorText } from '../../lib/session'
import { param } from '../../lib/nav'
import { addStoreStaff } from '../../services/staff'
import './index.scss'

type Errors = Partial<Record<string, string>>

/**
 * 添加店员 (seed 000 添加店员并激活): name, phone (the SMS fallback for payment messages), role and
 * refund permission. Saved, it opens the person's page, where the activation QR is shown.
 */
export default function StaffAdd () {
  const storeId = param('storeId')
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [role, setRole] = useState<StoreStaffRole>('clerk')
  // Untouched, it follows the role: 店长默认有订单退款权限, a clerk only when granted.
  const [refund, setRefund] = useState<boolean | null>(null)
  const refundPermission = refund ?? role === 'store_manager'
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (): Promise<void> => {
    setFailure(null)
    const parsed = AddStoreStaffBody.safeParse({ name, phone: phone.trim() === '' ? undefined : phone, role, refundPermission })
    if (!parsed.success) {
      // The first message of each field.
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]).reverse()))
      return
    }
    setErrors({})
    setBusy(true)
    let person
    try {
      person = await addStoreStaff(storeId, parsed.data)
    } catch (e) {
      if (e instanceof ApiError && (e.param === 'name' || e.param === 'phone')) setErrors({ [e.param]: e.message })
      else setFailure(errorText(e))
      setBusy(false)
      return
    }
    // Replaces this page, so "back" from the person returns to the store, not to an emptied form. No
    // state changes after this: the page and its inputs are going away.
    await Taro.redirectTo({ url: `/pages/staff/index?id=${encodeURIComponent(person.id)}` })
  }

  return (
    <View className='staff-add'>
      <CellGroup>
        <Field
          className='staff-name'
          label='姓名'
          required
          placeholder='店员姓名'
          value={name}
          errorMessage={errors.name}
          onChange={(e) => { setName(String(e.detail)) }}
        />
        <Field
          className='staff-phone'
          label='手机号'
          type='number'
          placeholder='收款消息发送失败时短信通知'
          value={phone}
          errorMessage={errors.phone}
          onChange={(e) => { setPhone(String(e.detail)) }}
        />
        <Cell title='角色'>
          <RadioGroup className='staff-role' direction='horizontal' value={role} onChange={(e) => { setRole(e.detail as StoreStaffRole) }}>
            <Radio name='clerk'>{STAFF_ROLE_LABELS.clerk}</Radio>
            <Radio name='store_manager'>{STAFF_ROLE_LABELS.store_manager}</Radio>
          </RadioGroup>
        </Cell>
        <Cell title='退款权限' label={role === 'clerk' ? '店员在上班期间才能退款' : '店长不需要上班也能退款'}>
          <Switch className='staff-refund' size='24px' checked={refundPermission} onChange={(e) => { setRefund(Boolean(e.detail)) }} />
        </Cell>
      </CellGroup>
      {errors.role !== undefined && <View className='staff-add__error'>{errors.role}</View>}
      {failure !== null && <View className='staff-add__error form-error'>{failure}</View>}
      <View className='staff-add__actions'>
        <Button className='save-staff' type='primary' block loading={busy} onClick={() => { save() }}>保存</Button>
      </View>
      <View className='staff-add__hint'>保存后显示激活二维码，请店员用微信扫码激活身份。</View>
    </View>
  )
}
