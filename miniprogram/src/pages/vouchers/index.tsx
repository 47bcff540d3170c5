import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Cell, CellGroup, Empty, Switch, Tag } from '@antmjs/vantui'
import type { VoucherBatchDto } from '@yima/shared'
import { MerchantPicker } from '../../components/merchant-picker'
import { PageState } from '../../components/page-state'
import { param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { faceText, fundingText, scenarioText, usesText, validityText, wechatStatusText } from '../../lib/voucher-text'
import { getMe } from '../../services/staff'
import { listStores } from '../../services/stores'
import { getVoucherSetup, setBatchPaused, setStorePaused, voucherMerchants, type VoucherMerchant } from '../../services/vouchers'
import './index.scss'

interface PausableStore { storeId: string, storeName: string }

/** The merchant's batches and the stores this person may pause them at. */
async function loadVouchers (m: VoucherMerchant): Promise<{ batches: VoucherBatchDto[], stores: PausableStore[] }> {
  const [setup, stores] = await Promise.all([
    getVoucherSetup(m.merchantId),
    m.admin
      ? listStores(m.merchantId).then((list) => list.map((s) => ({ storeId: s.id, storeName: s.branchName === null || s.branchName === '' ? s.name : `${s.name}（${s.branchName}）` })))
      : Promise.resolve(m.managedStores),
  ])
  return { batches: setup.batches, stores }
}

/** One batch: its facts, 下架 / 上架 for the admin, and a 暂停发券 switch per store. */
function Batch ({ batch, admin, stores, onChanged }: { batch: VoucherBatchDto, admin: boolean, stores: PausableStore[], onChanged: (b: VoucherBatchDto) => void }) {
  const [busy, setBusy] = useState(false)
  const change = async (action: () => Promise<VoucherBatchDto>, done: string): Promise<void> => {
    if (busy) return
    setBusy(true)
    try {
      onChanged(await action())
      toast(done)
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className={`vouchers__batch vouchers__batch--${batch.id}${batch.paused ? ' vouchers__batch--paused' : ''}`}>
      <View className='vouchers__head'>
        <Text className='vouchers__name'>{batch.name}</Text>
        <Text className='vouchers__face'>{faceText(batch)}</Text>
        {batch.paused && <Tag type='danger' plain className='vouchers__paused'>已下架</Tag>}
      </View>
      <CellGroup>
        <Cell title='有效期' value={validityText(batch)} />
        <Cell title='每人限领' value={`${batch.maxPerUser} 张`} />
        <Cell title='营销类型' value={fundingText(batch.noCash)} />
        <Cell title='核销场景' value={scenarioText(batch)} />
        <Cell title='微信状态' value={wechatStatusText(batch.wechatStatus)} />
        <Cell title='已发 / 已核销' value={`${batch.issued} / ${batch.redeemed} 张`} />
        <Cell title='用途' value={usesText(batch)} />
      </CellGroup>
      {batch.paused && <View className='vouchers__note vouchers__paused-note'>已下架：所有门店都不发放该批次（已发出的券仍可使用）</View>}
      {admin && (
        <View className='vouchers__actions'>
          <Button
            size='small'
            type={batch.paused ? 'primary' : 'default'}
            loading={busy}
            className='vouchers__pause'
            onClick={() => { change(async () => await setBatchPaused(batch.id, !batch.paused), batch.paused ? '已上架' : '已下架').catch(() => {}) }}
          >
            {batch.paused ? '上架' : '下架'}
          </Button>
        </View>
      )}
      {stores.length > 0 && (
        <View className='vouchers__stores'>
          <View className='vouchers__stores-title'>暂停发券</View>
          {stores.map((s) => {
            const paused = batch.pausedStoreIds.includes(s.storeId)
            return (
              <View key={s.storeId} className={`vouchers__store vouchers__store--${s.storeId}`}>
                <View className='vouchers__store-text'>
                  <Text className='vouchers__store-name'>{s.storeName}</Text>
                  <Text className={`vouchers__store-state${paused ? ' vouchers__store-state--paused' : ''}`}>{paused ? '已暂停发券' : '发券中'}</Text>
                </View>
                <Switch
                  className='vouchers__store-switch'
                  size='24px'
                  checked={paused}
                  disabled={busy}
                  onChange={(e) => {
                    const next = Boolean(e.detail)
                    change(async () => await setStorePaused(batch.id, s.storeId, next), next ? '已暂停本店发券' : '已恢复本店发券').catch(() => {})
                  }}
                />
              </View>
            )
          })}
        </View>
      )}
    </View>
  )
}

function MerchantVouchers ({ merchant }: { merchant: VoucherMerchant }) {
  const loaded = useData(async () => await loadVouchers(merchant), [merchant.merchantId])
  const [batches, setBatches] = useState<VoucherBatchDto[] | null>(null)
  useEffect(() => { if (loaded.data !== null) setBatches(loaded.data.batches) }, [loaded.data])
  if (loaded.data === null || batches === null || loaded.error !== null) {
    return <PageState loading={loaded.loading} error={loaded.error} onRetry={() => { loaded.reload() }} />
  }
  if (batches.length === 0) {
    return (
      <View className='vouchers__none'>
        <Empty description='还没有代金券' />
        <View className='vouchers__note'>请服务商在管理后台导入微信代金券批次。</View>
      </View>
    )
  }
  const replace = (b: VoucherBatchDto): void => { setBatches((old) => old?.map((x) => (x.id === b.id ? b : x)) ?? old) }
  return (
    <>
      {batches.map((b) => <Batch key={b.id} batch={b} admin={merchant.admin} stores={loaded.data?.stores ?? []} onChanged={replace} />)}
      <View className='vouchers__note'>
        {merchant.admin
          ? '下架可暂停某批次的发放；打开门店的“暂停发券”，该门店的付款和支付完成页不再发放这个批次。'
          : '打开本店的“暂停发券”，本店的付款和支付完成页不再发放这个批次。'}
      </View>
    </>
  )
}

/**
 * 代金券 (C1–C4; seed 000 腾券发券手册): for merchant admins and store managers, the merchant's
 * imported batches with their rules, 下架 / 上架 (admins), and 暂停发券 per store (admins any store,
 * managers their own).
 */
export default function Vouchers () {
  const me = useData(async () => voucherMerchants((await getMe()).roles))
  const [picked, setPicked] = useState<string | null>(null)
  const merchants = me.data ?? []
  const wanted = picked ?? param('merchant')
  const merchant = merchants.find((m) => m.merchantId === wanted) ?? merchants[0]
  return (
    <View className='vouchers'>
      <PageState
        loading={me.loading && me.data === null}
        error={me.error}
        empty={me.data !== null && merchants.length === 0 && '只有商户管理员和店长可以管理代金券'}
        onRetry={() => { me.reload() }}
      >
        {merchant !== undefined && (
          <>
            <MerchantPicker className='vouchers__merchant' merchants={merchants} value={merchant.merchantId} onChange={setPicked} />
            <MerchantVouchers key={merchant.merchantId} merchant={merchant} />
          </>
        )}
      </PageState>
    </View>
  )
}
