import { useState } from 'react'
import { View } from '@tarojs/components'
import { Cell, CellGroup, Switch } from '@antmjs/vantui'
import type { MobileRoleDto, StaffNotificationsBody, StaffNotificationsDto } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { getMe, getMyNotifications, updateMyNotifications } from '../../services/staff'
import './index.scss'

interface StoreSettings { role: MobileRoleDto, settings: StaffNotificationsDto }

/** My clerk and manager roles, one per store (a person holds at most one role in a store). */
async function loadMySettings (): Promise<StoreSettings[]> {
  const me = await getMe()
  const stores = me.roles.filter((r) => (r.role === 'clerk' || r.role === 'store_manager') && r.storeId !== null)
  return await Promise.all(stores.map(async (role) => ({ role, settings: await getMyNotifications(role.storeId ?? '') })))
}

/**
 * 收款消息 (N1): whether I am told about each payment at each of my stores. Clerks are told only
 * while on duty; a manager may choose to be told off duty as well.
 */
export default function Settings () {
  const s = useData(loadMySettings, [])
  return (
    <View className='settings'>
      <PageState
        loading={s.loading && s.data === null}
        error={s.error}
        empty={s.data?.length === 0 && '你还不是任何门店的店长或店员，没有收款消息可设置'}
        onRetry={() => { s.reload() }}
      >
        {s.data?.map(({ role, settings }) => <StoreSwitches key={role.staffId} role={role} initial={settings} />)}
        <View className='settings__hint'>收款消息通过公众号发送；发送失败时改发短信到你的手机号。</View>
      </PageState>
    </View>
  )
}

function StoreSwitches ({ role, initial }: { role: MobileRoleDto, initial: StaffNotificationsDto }) {
  const [settings, setSettings] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const isManager = settings.role === 'store_manager'

  const change = async (patch: Omit<StaffNotificationsBody, 'storeId'>): Promise<void> => {
    setBusy(true)
    setFailure(null)
    try {
      setSettings(await updateMyNotifications({ storeId: settings.storeId, ...patch }))
      toast('已保存')
    } catch (e) {
      setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <CellGroup title={`${role.storeName ?? '门店'}（${role.roleLabel}）`} className='settings__store'>
      <Cell title='接收收款通知' label={isManager ? undefined : '上班期间接收'}>
        <Switch
          className='receive-messages'
          size='24px'
          checked={settings.receiveMessages}
          disabled={busy}
          onChange={(e) => { change({ receiveMessages: Boolean(e.detail) }) }}
        />
      </Cell>
      {isManager && (
        <Cell title='下班也接收' label='下班打卡后仍接收本店收款通知'>
          <Switch
            className='receive-off-duty'
            size='24px'
            checked={settings.receiveOffDuty}
            disabled={busy || !settings.receiveMessages}
            onChange={(e) => { change({ receiveOffDuty: Boolean(e.detail) }) }}
          />
        </Cell>
      )}
      {failure !== null && <View className='settings__error'>{failure}</View>}
    </CellGroup>
  )
}
