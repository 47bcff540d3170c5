import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { StaffDTO } from '@yima/shared'
import { prepareStaffBody, STAFF_FIELDS } from '../../lib/entity-forms'
import { formatTime } from '../../lib/format'
import { errorMessage, errorsFromServer, type FieldErrors, type FormValues } from '../../lib/forms'
import { useConsoleData } from '../../lib/use-async'
import { addStaff, deleteStaff, getActivationQr, getManagementQr, listStaff, type StaffOwner } from '../../services/staff'
import { Field, FormErrors } from '../field'
import { Modal } from '../modal'
import { Action, Loading, Message, QrDialog, Section } from '../ui'
import './index.scss'

const OWNER_NAMES: Record<StaffOwner['kind'], string> = { sp: '服务商', ssp: '子服务商', merchant: '子商户' }

/**
 * An entity's admins (T4, T5): add, delete (the server refuses the last admin and the last one
 * with refund permission), each admin's single-use activation QR, and the entity's management QR.
 */
export function StaffPanel ({ owner, refundPermission = false }: { owner: StaffOwner, refundPermission?: boolean }) {
  const staff = useConsoleData(async () => await listStaff(owner), [owner.kind, owner.id])
  const [adding, setAdding] = useState(false)
  const [qr, setQr] = useState<{ title: string, className: string, caption?: string, load: () => ReturnType<typeof getActivationQr> } | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [message, setMessage] = useState<{ tone: 'error' | 'success', text: string } | null>(null)
  const ownerName = OWNER_NAMES[owner.kind]

  const showActivation = (s: StaffDTO): void => {
    setQr({
      title: `${s.name} 的激活二维码`,
      className: 'qr--activation',
      caption: `请${s.name}使用微信扫码，激活${s.roleLabel}身份（二维码只能使用一次）`,
      load: async () => await getActivationQr(s.id),
    })
  }
  const remove = async (s: StaffDTO): Promise<void> => {
    setConfirming(null)
    try {
      await deleteStaff(s.id)
      setMessage({ tone: 'success', text: `已删除管理员 ${s.name}` })
      staff.reload()
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) })
    }
  }

  return (
    <Section
      title='管理员'
      className='staff'
      actions={(
        <>
          <Button size='small' className='staff__management-qr' onClick={() => { setQr({ title: `${ownerName}管理二维码`, className: 'qr--management', caption: '已激活的管理员扫码进入手机端管理页面', load: async () => await getManagementQr(owner) }) }}>管理二维码</Button>
          <Button size='small' type='primary' className='staff__add' onClick={() => { setAdding(true) }}>添加管理员</Button>
        </>
      )}
    >
      {message !== null && <Message tone={message.tone} className='staff__message'>{message.text}</Message>}
      {staff.loading && staff.data === null && <Loading />}
      {staff.error !== null && <Message>{staff.error}</Message>}
      {staff.data?.length === 0 && <View className='list__empty'>还没有管理员</View>}
      {staff.data?.map((s) => (
        <View key={s.id} className={`staff__row staff__row--${s.activated ? 'active' : 'pending'}`}>
          <View className='staff__main'>
            <Text className='staff__name'>{s.name}</Text>
            <Text className='staff__role'>{s.roleLabel}</Text>
            <Text className={`tag ${s.activated ? 'tag--ok' : 'tag--warn'}`}>{s.activated ? '已激活' : '未激活'}</Text>
            {s.refundPermission && <Text className='tag'>退款权限</Text>}
            <View className='staff__meta'>
              {[s.phone, s.email].filter((x) => x !== null && x !== '').join(' · ')}
              {s.activated && s.activatedAt !== null ? ` 激活于 ${formatTime(s.activatedAt)}` : ''}
            </View>
          </View>
          <View className='staff__actions'>
            {!s.activated && <Action className='staff__activation' onClick={() => { showActivation(s) }}>激活二维码</Action>}
            {confirming === s.id
              ? (
                <>
                  <Action danger className='staff__confirm-delete' onClick={() => { remove(s).catch(() => {}) }}>确认删除</Action>
                  <Action onClick={() => { setConfirming(null) }}>取消</Action>
                </>
                )
              : <Action danger className='staff__delete' onClick={() => { setMessage(null); setConfirming(s.id) }}>删除</Action>}
          </View>
        </View>
      ))}
      <View className='staff__hint'>更换管理员：先添加新管理员并扫码激活，再删除原管理员。</View>
      {adding && (
        <AddStaffDialog
          owner={owner}
          ownerName={ownerName}
          refundPermission={refundPermission}
          onClose={() => { setAdding(false) }}
          onAdded={(s) => {
            setAdding(false)
            setMessage({ tone: 'success', text: `已添加管理员 ${s.name}，请让其扫码激活` })
            staff.reload()
            showActivation(s)
          }}
        />
      )}
      {qr !== null && <QrDialog title={qr.title} className={qr.className} caption={qr.caption} load={qr.load} onClose={() => { setQr(null) }} />}
    </Section>
  )
}

function AddStaffDialog ({ owner, ownerName, refundPermission, onClose, onAdded }: {
  owner: StaffOwner
  ownerName: string
  refundPermission: boolean
  onClose: () => void
  onAdded: (s: StaffDTO) => void
}) {
  const [values, setValues] = useState<FormValues>({ name: '', phone: '', email: '' })
  const [refund, setRefund] = useState(refundPermission)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const fields = STAFF_FIELDS.map((f) => f.key)
  const bind = (key: string) => ({ name: key, value: values[key] ?? '', error: errors[key], onChange: (v: string) => { setValues((old) => ({ ...old, [key]: v })) } })

  const submit = async (): Promise<void> => {
    const prepared = prepareStaffBody(values, refund)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      onAdded(await addStaff(owner, prepared.body))
    } catch (e) {
      setErrors(errorsFromServer(e, fields))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      title={`添加${ownerName}管理员`}
      className='add-staff'
      onClose={onClose}
      footer={(
        <>
          <Button size='small' onClick={onClose}>取消</Button>
          <Button size='small' type='primary' loading={busy} className='add-staff__submit' onClick={() => { submit().catch(() => {}) }}>添加</Button>
        </>
      )}
    >
      <FormErrors errors={errors} fields={fields} />
      <Field {...bind('name')} label='姓名' required />
      <Field {...bind('phone')} label='手机号' />
      <Field {...bind('email')} label='邮箱' />
      {owner.kind === 'merchant' && (
        <View className={`toggle ${refund ? 'toggle--on' : ''}`} onClick={() => { setRefund(!refund) }}>
          <Text className='toggle__box'>{refund ? '✓' : ''}</Text>
          <Text>退款权限</Text>
        </View>
      )}
    </Modal>
  )
}
