import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup, Field, Switch } from '@antmjs/vantui'
import { ApiError, UpdateStaffBody, type StaffDTO } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { QrImage } from '../../components/qr-image'
import { chinaDateTime } from '../../lib/china-time'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { getActivationQr, getStaff, removeStaff, setRefundPermission, updateStaff } from '../../services/staff'
import './index.scss'

/**
 * 店员信息管理页 (seed 000): who the person is, their activation QR until they scanned it
 * (店员身份单独激活), their refund permission (店员退款权限设置), contact details, and removal.
 */
export default function StaffPage () {
  const id = param('id')
  const s = useData(async () => await getStaff(id), [id])
  // What a change on this page answered; a fresh load replaces it.
  const [changed, setChanged] = useState<StaffDTO | null>(null)
  useEffect(() => { setChanged(null) }, [s.data])
  const person = changed ?? s.data

  return (
    <View className='staff'>
      <PageState loading={s.loading && s.data === null} error={s.error} onRetry={() => { s.reload() }}>
        {person !== null && (
          <>
            <CellGroup>
              <Cell title='姓名' value={person.name} />
              <Cell title='角色' value={person.roleLabel} />
              <Cell title='手机号' value={person.phone ?? '未填写'} />
              <Cell title='状态' value={person.activated ? '已激活' : '未激活'} className='staff-status' />
            </CellGroup>
            {!person.activated && <ActivationQr staffId={person.id} />}
            <RefundPermission person={person} onChanged={setChanged} />
            <EditContact key={person.id} person={person} onSaved={setChanged} />
            <RemoveStaff person={person} />
          </>
        )}
      </PageState>
    </View>
  )
}

/** The person's single-use activation code; the link is selectable so it can be sent in a chat too. */
function ActivationQr ({ staffId }: { staffId: string }) {
  const qr = useData(async () => await getActivationQr(staffId), [staffId])
  return (
    <View className='staff__activation'>
      <View className='staff__section-title'>激活二维码</View>
      <PageState loading={qr.loading && qr.data === null} error={qr.error} onRetry={() => { qr.reload() }}>
        {qr.data !== null && (
          <View className='staff__qr'>
            <QrImage value={qr.data.url} />
            <View className='staff__tip'>请店员用微信扫码激活</View>
            <Text className='activation-url' userSelect>{qr.data.url}</Text>
            {qr.data.expiresAt !== null && <View className='staff__expiry'>{`有效期至 ${chinaDateTime(qr.data.expiresAt)}`}</View>}
            <Button size='small' className='copy-activation-url' onClick={() => { Taro.setClipboardData({ data: qr.data?.url ?? '' }) }}>复制链接</Button>
          </View>
        )}
      </PageState>
    </View>
  )
}

/** Only the store's manager or the merchant admin may change it; the server says why not otherwise. */
function RefundPermission ({ person, onChanged }: { person: StaffDTO, onChanged: (p: StaffDTO) => void }) {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const change = async (next: boolean): Promise<void> => {
    setBusy(true)
    setFailure(null)
    try {
      onChanged(await setRefundPermission(person.id, next))
      toast(next ? '已开通退款权限' : '已关闭退款权限')
    } catch (e) {
      setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <CellGroup title='权限'>
      <Cell title='订单退款权限' label={person.role === 'clerk' ? '店员在上班期间才能退款' : '店长不需要上班也能退款'}>
        <Switch className='refund-switch' size='24px' checked={person.refundPermission} loading={busy} onChange={(e) => { change(Boolean(e.detail)) }} />
      </Cell>
      {failure !== null && <View className='staff__error refund-error'>{failure}</View>}
    </CellGroup>
  )
}

/** Name and phone (the SMS number when a payment message cannot be delivered); an empty phone clears it. */
function EditContact ({ person, onSaved }: { person: StaffDTO, onSaved: (p: StaffDTO) => void }) {
  const [name, setName] = useState(person.name)
  const [phone, setPhone] = useState(person.phone ?? '')
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (): Promise<void> => {
    setFailure(null)
    const parsed = UpdateStaffBody.safeParse({ name, phone })
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]).reverse()))
      return
    }
    setErrors({})
    setBusy(true)
    try {
      onSaved(await updateStaff(person.id, parsed.data))
      toast('已保存')
    } catch (e) {
      if (e instanceof ApiError && (e.param === 'name' || e.param === 'phone')) setErrors({ [e.param]: e.message })
      else setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <CellGroup title='修改信息'>
      <Field className='edit-name' label='姓名' value={name} errorMessage={errors.name} onChange={(e) => { setName(String(e.detail)) }} />
      <Field className='edit-phone' label='手机号' type='number' placeholder='收款消息发送失败时短信通知' value={phone} errorMessage={errors.phone} onChange={(e) => { setPhone(String(e.detail)) }} />
      {failure !== null && <View className='staff__error'>{failure}</View>}
      <View className='staff__actions'>
        <Button className='save-contact' type='primary' size='small' loading={busy} onClick={() => { save() }}>保存修改</Button>
      </View>
    </CellGroup>
  )
}

/** Removal also voids the person's unused activation code; the last manager of a store stays. */
function RemoveStaff ({ person }: { person: StaffDTO }) {
  const [failure, setFailure] = useState<string | null>(null)
  const remove = async (): Promise<void> => {
    if (!await confirm(`删除${person.roleLabel}`, `确定删除${person.name}吗？删除后不能再用其身份收款和管理。`)) return
    setFailure(null)
    try {
      await removeStaff(person.id)
      toast('已删除')
      await Taro.navigateBack()
    } catch (e) {
      setFailure(errorText(e))
    }
  }
  return (
    <View className='staff__remove'>
      {failure !== null && <View className='staff__error remove-error'>{failure}</View>}
      <Button className='remove-staff' type='danger' plain block onClick={() => { remove() }}>{`删除${person.roleLabel}`}</Button>
    </View>
  )
}
