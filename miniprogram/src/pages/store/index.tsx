import { useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup, Tag } from '@antmjs/vantui'
import { STORE_PAYMENT_TYPE_LABELS, STORE_STATUS_LABELS, type OnDutyDto, type StaffDTO, type StoreDTO } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { chinaDateTime } from '../../lib/china-time'
import { confirm, go, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { clockIn, clockOut, dutyAt } from '../../services/duty'
import { getMe } from '../../services/staff'
import { accessAt, deleteStore, getStore, listStoreStaff, type StoreAccess } from '../../services/stores'
import './index.scss'

interface StorePageData {
  store: StoreDTO
  access: StoreAccess
  /** Null unless the person works at this store (clerk, manager). */
  duty: OnDutyDto | null
  /** Null unless they manage its people (merchant admin, this store's manager): others get 403. */
  staff: StaffDTO[] | null
}

async function loadStorePage (id: string): Promise<StorePageData> {
  const [store, me] = await Promise.all([getStore(id), getMe()])
  const access = accessAt(me.roles, store)
  const [duty, staff] = await Promise.all([
    access.worker === undefined ? null : dutyAt(store.id),
    access.manages ? listStoreStaff(store.id) : null,
  ])
  return { store, access, duty, staff }
}

/**
 * 门店信息页 (seed 000 配置门店): the store's settings, clocking in and out for the people who work
 * there, its staff, and the ways into its codes, devices, orders and handovers. Admins also edit
 * and delete it.
 */
export default function StorePage () {
  const id = param('id')
  const s = useData(async () => await loadStorePage(id), [id])
  const page = s.data
  return (
    <View className='store'>
      <PageState loading={s.loading && page === null} error={s.error} onRetry={() => { s.reload() }}>
        {page !== null && (
          <>
            <StoreInfo store={page.store} />
            {page.duty !== null && <Duty key={page.duty.staffId} storeId={page.store.id} loaded={page.duty} />}
            {page.staff !== null && <StaffSection storeId={page.store.id} staff={page.staff} />}
            <StoreLinks storeId={page.store.id} access={page.access} />
            {page.access.admin && <AdminActions store={page.store} />}
          </>
        )}
      </PageState>
    </View>
  )
}

const orNone = (v: string | null, none = '未填写'): string => v === null || v === '' ? none : v

function StoreInfo ({ store }: { store: StoreDTO }) {
  return (
    <CellGroup title='门店信息'>
      <Cell title='门店名称' value={store.name} />
      {store.branchName !== null && <Cell title='分店名称' value={store.branchName} />}
      <Cell title='状态' renderExtra={<Tag type={store.status === 'open' ? 'success' : 'danger'}>{STORE_STATUS_LABELS[store.status]}</Tag>} />
      <Cell title='地址' value={orNone(store.address)} />
      <Cell title='电话' value={orNone(store.phone)} />
      <Cell title='收款类型' value={store.paymentTypes.map((t) => STORE_PAYMENT_TYPE_LABELS[t]).join('、')} />
      <Cell title='币种' value={store.currency} />
      <Cell title='订单优惠标记' value={orNone(store.goodsTag)} />
      {/* Per-store overrides: without one, payments go to the merchant's own accounts. */}
      <Cell title='门店微信支付子商户号' value={orNone(store.wechatSubMchId, '使用商户的')} />
      <Cell title='门店支付宝用户 ID' value={orNone(store.alipayUserId, '使用商户的')} />
      <Cell title='微信买单门店 ID' value={orNone(store.maidanStoreId)} />
      <Cell title='会员卡' value={store.memberCardEnabled ? '已启用' : '本门店禁用'} />
      <Cell title='门店编号' value={store.outShopId} />
    </CellGroup>
  )
}

/** 上下班打卡 (H1): on duty, a clerk gets payment messages and may see the store's orders. */
function Duty ({ storeId, loaded }: { storeId: string, loaded: OnDutyDto }) {
  const [duty, setDuty] = useState(loaded)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => { setDuty(loaded) }, [loaded])

  const punch = async (): Promise<void> => {
    setBusy(true)
    setFailure(null)
    try {
      const after = duty.onDuty ? await clockOut(storeId) : await clockIn(storeId)
      setDuty(after)
      toast(after.onDuty ? '已上班' : '已下班')
    } catch (e) {
      setFailure(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const since = duty.onDuty && duty.shift !== null ? `上班时间 ${chinaDateTime(duty.shift.clockInAt)}` : undefined
  return (
    <CellGroup title='上下班打卡'>
      <Cell className='duty-state' title={duty.name} label={since} value={duty.onDuty ? '上班中' : '未上班'} />
      {failure !== null && <View className='store__error duty-error'>{failure}</View>}
      <View className='store__actions'>
        <Button className='duty-button' type='primary' block loading={busy} onClick={() => { punch() }}>
          {duty.onDuty ? '下班打卡' : '上班打卡'}
        </Button>
      </View>
    </CellGroup>
  )
}

function StaffSection ({ storeId, staff }: { storeId: string, staff: StaffDTO[] }) {
  return (
    <CellGroup title='员工'>
      {staff.map((p) => (
        <Cell
          key={p.id}
          className='staff-cell'
          renderTitle={(
            <View className='store__staff-name'>
              {p.name}
              {!p.activated && <Tag plain type='warning'>未激活</Tag>}
            </View>
          )}
          value={p.roleLabel}
          isLink
          onClick={() => { go('/pages/staff/index', { id: p.id }) }}
        />
      ))}
      {staff.length === 0 && <Cell title='还没有员工' />}
      <View className='store__actions'>
        <Button className='add-staff' size='small' block onClick={() => { go('/pages/staff-add/index', { storeId }) }}>添加员工</Button>
      </View>
    </CellGroup>
  )
}

/** A plain clerk sees no people or device management: those answer 403 for them. */
function StoreLinks ({ storeId, access }: { storeId: string, access: StoreAccess }) {
  const link = (title: string, page: string) => (
    <Cell key={page} title={title} isLink onClick={() => { go(page, { storeId }) }} />
  )
  return (
    <CellGroup title='门店管理'>
      {link('收款二维码', '/pages/qr-codes/index')}
      {access.manages && link('收银设备', '/pages/devices/index')}
      {access.manages && link('云打印机与云喇叭', '/pages/printers/index')}
      {link('交易记录', '/pages/orders/index')}
      {link('交易汇总', '/pages/report/index')}
      {link('交易明细', '/pages/report-orders/index')}
      {link('交接班', '/pages/handover/index')}
    </CellGroup>
  )
}

/** 近一个月内产生过交易的门店不允许删除 (seed 004): the server says so, and the page shows it. */
function AdminActions ({ store }: { store: StoreDTO }) {
  const [failure, setFailure] = useState<string | null>(null)
  const remove = async (): Promise<void> => {
    if (!await confirm('删除门店', `确定删除“${store.name}”吗？门店的店员一并移除，收银设备解绑，交易记录保留。`)) return
    setFailure(null)
    try {
      await deleteStore(store.id)
      toast('已删除')
      await Taro.navigateBack()
    } catch (e) {
      setFailure(errorText(e))
    }
  }
  return (
    <View className='store__actions'>
      {failure !== null && <View className='store__error delete-error'>{failure}</View>}
      <Button className='store__action edit-store' type='primary' plain block onClick={() => { go('/pages/store-edit/index', { id: store.id }) }}>编辑门店</Button>
      <Button className='store__action delete-store' type='danger' plain block onClick={() => { remove() }}>删除门店</Button>
    </View>
  )
}
