import { View } from '@tarojs/components'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { STORE_STATUS_LABELS, type MobileRoleDto, type StoreDTO } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { go } from '../../lib/nav'
import { useData } from '../../lib/use-data'
import { getMe } from '../../services/staff'
import { listStores } from '../../services/stores'
import './index.scss'

interface MerchantStores { merchantId: string, merchantName: string, stores: StoreDTO[] }
/** A store the person works at (clerk, manager) and does not already see as its merchant's admin. */
interface Workplace { storeId: string, storeName: string, roleLabel: string }

const worksAtStore = (r: MobileRoleDto): r is MobileRoleDto & { storeId: string } =>
  (r.role === 'clerk' || r.role === 'store_manager') && r.storeId !== null

async function loadMyStores (): Promise<{ merchants: MerchantStores[], workplaces: Workplace[] }> {
  const { roles } = await getMe()
  const admined = new Map<string, string>()
  for (const r of roles) {
    if (r.role === 'merchant_admin' && r.merchantId !== null) admined.set(r.merchantId, r.merchantName ?? '商户')
  }
  const merchants = await Promise.all([...admined].map(async ([merchantId, merchantName]) =>
    ({ merchantId, merchantName, stores: await listStores(merchantId) })))
  const listed = new Set(merchants.flatMap((m) => m.stores.map((s) => s.id)))
  const workplaces = roles.filter(worksAtStore).filter((r) => !listed.has(r.storeId))
    .map((r) => ({ storeId: r.storeId, storeName: r.storeName ?? '门店', roleLabel: r.roleLabel }))
  return { merchants, workplaces }
}

const openStore = (id: string): void => { go('/pages/store/index', { id }) }

/**
 * 我的门店: the stores of every merchant the person administers (with 添加门店, seed 000), then the
 * stores they work at as a manager or clerk.
 */
export default function StoresPage () {
  const s = useData(loadMyStores)
  const nothing = s.data !== null && s.data.merchants.length === 0 && s.data.workplaces.length === 0
  return (
    <View className='stores'>
      <PageState loading={s.loading && s.data === null} error={s.error} empty={nothing && '还没有门店'} onRetry={() => { s.reload() }}>
        {s.data?.merchants.map((m) => <MerchantSection key={m.merchantId} merchant={m} />)}
        {s.data !== null && s.data.workplaces.length > 0 && (
          <CellGroup title='我工作的门店'>
            {s.data.workplaces.map((w) => (
              <Cell key={w.storeId} className='store-cell' title={w.storeName} value={w.roleLabel} isLink onClick={() => { openStore(w.storeId) }} />
            ))}
          </CellGroup>
        )}
      </PageState>
    </View>
  )
}

function MerchantSection ({ merchant }: { merchant: MerchantStores }) {
  return (
    <CellGroup title={merchant.merchantName}>
      {merchant.stores.map((store) => (
        <Cell
          key={store.id}
          className='store-cell'
          title={store.branchName === null ? store.name : `${store.name}（${store.branchName}）`}
          label={store.address ?? undefined}
          value={STORE_STATUS_LABELS[store.status]}
          isLink
          onClick={() => { openStore(store.id) }}
        />
      ))}
      {merchant.stores.length === 0 && <Cell title='该商户还没有添加门店' />}
      <View className='stores__actions'>
        <Button className='add-store' type='primary' size='small' block onClick={() => { go('/pages/store-edit/index', { merchantId: merchant.merchantId }) }}>
          添加门店
        </Button>
      </View>
    </CellGroup>
  )
}
