import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { StaffDTO } from '@yima/shared'
import { prepareStaffBody, STAFF_FIELDS } from '../../lib/entity-forms'
import { formatTime } from '../../lib/format'
import { useConsoleData } from '../../lib/use-async'
import { useEntityForm } from '../../lib/use-entity-form'
import { useNotice } from '../../lib/use-notice'
import { addStaff, deleteStaff, getActivationQr, getManagementQr, listStaff, type StaffOwner } from '../../services/staff'
import { Field, FormErrors } from '../field'
import { Modal } from '../modal'
import { Action, NoticeMessage, QrDialog, Section } from '../ui'
import { ListStatus } from '../ui/list'
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
  const { notice, setNotice, run } = useNotice()
  const ownerName = OWNER_NAMES[owner.kind]

  const showActivation = (s: StaffDTO): void => {
    setQr({
      title: `${s.name} 的激活二维码`,
      className: 'qr--activation',
      caption: `请${s.name}使用微信扫码，激活${s.roleLabel}身份（二维码只能使用一次）`,
      load: async () => await getActivationQr(s.id),
    })
  }
  const remove = (s: StaffDTO): void => {
    setConfirming(null)
    run(async () => {
      await deleteStaff(s.id)
      staff.reload()
      return `已删除管理员 ${s.name}`
    })
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
      <NoticeMessage notice={notice} className='staff__message' />
      <ListStatus list={staff} rows={staff.data ?? undefined} empty='还没有管理员' />
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
                  <Action danger className='staff__confirm-delete' onClick={() => { remove(s) }}>确认删除</Action>
                  <Action onClick={() => { setConfirming(null) }}>取消</Action>
                </>
                )
              : <Action danger className='staff__delete' onClick={() => { setNotice(null); setConfirming(s.id) }}>删除</Action>}
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
            setNotice({ tone: 'success', text: `已添加管理员 ${s.name}，请让其扫码激活` })
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
  const [refund, setRefund] = useState(refundPermission)
  const form = useEntityForm({
    fields: STAFF_FIELDS,
    dto: null,
    prepare: (values) => prepareStaffBody(values, refund),
    save: async (body) => { onAdded(await addStaff(owner, body)) },
  })
  const { bind } = form

  return (
    <Modal
      title={`添加${ownerName}管理员`}
      className='add-staff'
      onClose={onClose}
      footer={(
        <>
          <Button size='small' onClick={onClose}>取消</Button>
          <Button size='small' type='primary' loading={form.busy} className='add-staff__submit' onClick={() => { form.submit() }}>添加</Button>
        </>
      )}
    >
      <FormErrors errors={form.errors} fields={form.keys} />
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
