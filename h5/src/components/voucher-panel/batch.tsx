import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { Button, Switch } from '@antmjs/vantui'
import {
  isYuanString, MAX_REWARD_BATCHES, UpdateVoucherBatchBody, VOUCHER_USES, yuanStringToFen,
  type StoreDTO, type VoucherBatchDto, type VoucherUse,
} from '@yima/shared'
import { formatTime } from '../../lib/format'
import { validateWith } from '../../lib/forms'
import { useNotice } from '../../lib/use-notice'
import { deleteVoucherBatch, setVoucherStorePaused, syncVoucherBatch, updateVoucherBatch } from '../../services/vouchers-console'
import { Action, InfoList, Message, NoticeMessage } from '../ui'
import { faceText, fundingText, scenarioText, validityText, wechatStatus, yuan } from './voucher-text'

const USE_ORDER: VoucherUse[] = ['card_gift', 'spend_gift', 'main', 'reward']

const USE_CLASSES: Record<VoucherUse, string> = { card_gift: 'card-gift', spend_gift: 'spend-gift', main: 'main', reward: 'reward' }

/** What the other batches of the merchant already hold: one 主券, at most three 奖励券. */
export interface UseLimits {
  /** The batch set as 主券, if any. */
  main: VoucherBatchDto | undefined
  rewardCount: number
}

/** Why this batch may not take `use` now (another batch holds it), or null. */
function refusal (batch: VoucherBatchDto, use: VoucherUse, limits: UseLimits): string | null {
  if (batch.uses.includes(use)) return null
  if (use === 'main' && limits.main !== undefined && limits.main.id !== batch.id) {
    return `主券只能设置一个批次，当前主券为“${limits.main.name}”，请先取消它的主券用途`
  }
  if (use === 'reward' && limits.rewardCount >= MAX_REWARD_BATCHES) {
    return `奖励券最多设置 ${MAX_REWARD_BATCHES} 个批次，请先取消其他批次的奖励券用途`
  }
  return null
}

const storeName = (s: StoreDTO): string => (s.branchName === null || s.branchName === '' ? s.name : `${s.name}（${s.branchName}）`)

/**
 * One imported batch: its rules as WeChat gave them, how yima hands it out (uses, the 消费有礼
 * minimum), 下架 / 上架, per-store pauses, 同步 and 删除. Every change answers the batch anew.
 */
export function BatchCard ({ batch, limits, stores, storesError, onChanged, onDeleted }: {
  batch: VoucherBatchDto
  limits: UseLimits
  stores: StoreDTO[] | null
  storesError: string | null
  onChanged: (b: VoucherBatchDto) => void
  onDeleted: (b: VoucherBatchDto) => void
}) {
  const { notice, setNotice, run } = useNotice()
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [showStores, setShowStores] = useState(false)
  const [minYuan, setMinYuan] = useState(batch.spendGiftMinFen === null ? '' : yuan(batch.spendGiftMinFen))
  const status = wechatStatus(batch.wechatStatus)
  const base = `voucher-batch voucher-batch--${batch.id}${batch.paused ? ' voucher-batch--paused' : ''}`

  /** Runs one change of the batch at a time; the answer replaces the batch shown. */
  const act = (action: () => Promise<VoucherBatchDto>, done: (b: VoucherBatchDto) => string): void => {
    if (busy) return
    setBusy(true)
    run(async () => {
      try {
        const b = await action()
        onChanged(b)
        return done(b)
      } finally {
        setBusy(false)
      }
    })
  }
  const patch = (body: UpdateVoucherBatchBody, done: (b: VoucherBatchDto) => string): void => {
    const checked = validateWith(UpdateVoucherBatchBody, body)
    if (!checked.ok) { setNotice({ tone: 'error', text: Object.values(checked.errors)[0] ?? '请正确填写' }); return }
    act(async () => await updateVoucherBatch(batch.id, checked.body), done)
  }

  /** The typed 最低消费 in fen; undefined when blank, null when not an amount. */
  const typedMin = (): number | undefined | null => {
    const s = minYuan.trim()
    if (s === '') return undefined
    if (!isYuanString(s) || s.startsWith('-')) return null
    const f = yuanStringToFen(s)
    return f > 0 ? f : null
  }

  const toggle = (use: VoucherUse): void => {
    const why = refusal(batch, use, limits)
    if (why !== null) { setNotice({ tone: 'error', text: why }); return }
    const on = !batch.uses.includes(use)
    const uses = on ? USE_ORDER.filter((u) => u === use || batch.uses.includes(u)) : batch.uses.filter((u) => u !== use)
    const body: UpdateVoucherBatchBody = { uses }
    if (use === 'spend_gift' && on) {
      const min = typedMin()
      if (min === undefined || min === null) {
        setNotice({ tone: 'error', text: min === undefined ? '请先填写消费有礼的最低消费金额' : '最低消费金额格式不正确，最多两位小数' })
        return
      }
      if (min !== batch.spendGiftMinFen) body.spendGiftMinFen = min
    }
    patch(body, () => `${on ? '已设为' : '已取消'}${VOUCHER_USES[use]}`)
  }

  const saveMin = (): void => {
    const min = typedMin()
    if (min === null) { setNotice({ tone: 'error', text: '最低消费金额格式不正确，最多两位小数' }); return }
    if (min === undefined && batch.uses.includes('spend_gift')) { setNotice({ tone: 'error', text: '消费有礼需要最低消费金额；不再发放请取消消费有礼' }); return }
    patch({ spendGiftMinFen: min ?? null }, (b) => (b.spendGiftMinFen === null ? '已清除最低消费金额' : `已保存：消费满 ${yuan(b.spendGiftMinFen)} 元送券`))
  }

  const remove = (): void => {
    setConfirming(false)
    run(async () => {
      await deleteVoucherBatch(batch.id)
      onDeleted(batch)
      return `已删除批次“${batch.name}”`
    })
  }

  const pausedStores = batch.pausedStoreIds.length
  return (
    <View className={base}>
      <View className='voucher-batch__head'>
        <Text className='voucher-batch__name'>{batch.name}</Text>
        <Text className='voucher-batch__face'>{faceText(batch)}</Text>
        <Text className={`tag voucher-batch__wechat-status tag--${status.tone}`}>{`微信：${status.label}`}</Text>
        {batch.paused && <Text className='tag tag--bad voucher-batch__paused'>已下架</Text>}
      </View>
      <InfoList items={[
        ['批次号', <Text key='s' className='mono voucher-batch__stock-id'>{batch.stockId}</Text>],
        ['制券商户号', <Text key='c' className='mono'>{batch.creatorMchId}</Text>],
        ['面额 / 门槛', faceText(batch), 'voucher-batch__rule'],
        ['有效期', validityText(batch), 'voucher-batch__validity'],
        ['每人限领', `${batch.maxPerUser} 张`, 'voucher-batch__per-user'],
        ['营销类型', fundingText(batch.noCash), 'voucher-batch__funding'],
        ['核销场景', <Text key='sc' className='voucher-batch__scenario'>{`${scenarioText(batch)}（${batch.goodsTags.join(' ')}）`}</Text>],
        ['微信发放', `${batch.distributed} / ${batch.maxCoupons} 张`, 'voucher-batch__distributed'],
        ['一码发放', <Text key='i' className='voucher-batch__counts'>{`已发 ${batch.issued} 张 · 已核销 ${batch.redeemed} 张`}</Text>],
        ['同步时间', formatTime(batch.syncedAt)],
      ]}
      />
      <View className='voucher-batch__uses'>
        <View className='voucher-batch__label'>用途</View>
        <View className='voucher-batch__use-list'>
          {USE_ORDER.map((use) => {
            const on = batch.uses.includes(use)
            const blocked = refusal(batch, use, limits) !== null
            return (
              <View
                key={use}
                className={`voucher-use voucher-use--${USE_CLASSES[use]}${on ? ' voucher-use--on' : ''}${blocked ? ' voucher-use--disabled' : ''}`}
                onClick={() => { toggle(use) }}
              >
                <Text className='voucher-use__box'>{on ? '✓' : ''}</Text>
                <Text>{VOUCHER_USES[use]}</Text>
              </View>
            )
          })}
        </View>
      </View>
      <View className='voucher-batch__spend'>
        <Text className='voucher-batch__label'>消费有礼最低消费</Text>
        <Input className='voucher-batch__spend-input' type='digit' value={minYuan} placeholder='元，例如 50' onInput={(e) => { setMinYuan(e.detail.value) }} />
        <Text className='voucher-batch__unit'>元</Text>
        <Action className='voucher-batch__spend-save' onClick={saveMin}>保存金额</Action>
      </View>
      {batch.paused && <Message tone='info' className='voucher-batch__paused-note'>已下架：所有门店都不再发放该批次的代金券（已发出的券仍可使用）。</Message>}
      <NoticeMessage notice={notice} className='voucher-batch__message' />
      {confirming && <Message className='voucher-batch__delete-warning'>删除后一码不再发放该批次，已发出的代金券仍然有效。如需再次发放，请重新导入。</Message>}
      <View className='voucher-batch__actions'>
        {confirming
          ? (
            <>
              <Button size='small' type='danger' className='voucher-batch__confirm-delete' onClick={remove}>确认删除</Button>
              <Button size='small' onClick={() => { setConfirming(false) }}>取消</Button>
            </>
            )
          : (
            <>
              <Button
                size='small'
                type={batch.paused ? 'primary' : 'default'}
                className='voucher-batch__pause'
                onClick={() => { patch({ paused: !batch.paused }, (b) => (b.paused ? '已下架：不再发放该批次的代金券' : '已上架：恢复发放该批次的代金券')) }}
              >
                {batch.paused ? '上架' : '下架'}
              </Button>
              <Button size='small' className='voucher-batch__sync' onClick={() => { act(async () => await syncVoucherBatch(batch.id), (b) => `已同步：微信${wechatStatus(b.wechatStatus).label}，已发放 ${b.distributed} 张`) }}>同步</Button>
              <Button size='small' className='voucher-batch__delete' onClick={() => { setNotice(null); setConfirming(true) }}>删除</Button>
            </>
            )}
      </View>
      <Action className='voucher-batch__stores-toggle' onClick={() => { setShowStores(!showStores) }}>
        {`${showStores ? '收起' : '门店发券'}${pausedStores > 0 ? `（${pausedStores} 家门店已暂停）` : ''}`}
      </Action>
      {showStores && (
        <View className='voucher-stores'>
          {storesError !== null && <Message className='voucher-stores__error'>{storesError}</Message>}
          {storesError === null && stores === null && <View className='hint'>加载门店中…</View>}
          {stores?.length === 0 && <View className='hint'>该商户还没有门店</View>}
          {stores?.map((s) => {
            const paused = batch.pausedStoreIds.includes(s.id)
            return (
              <View key={s.id} className={`voucher-store voucher-store--${s.id}${paused ? ' voucher-store--paused' : ''}`}>
                <View className='voucher-store__name'>{storeName(s)}</View>
                <Text className='voucher-store__state'>{paused ? '已暂停发券' : '发券中'}</Text>
                <Switch
                  className='voucher-store__switch'
                  size='20px'
                  checked={paused}
                  disabled={busy}
                  onChange={(e) => {
                    const next = Boolean(e.detail)
                    act(async () => await setVoucherStorePaused(batch.id, s.id, next), () => `${storeName(s)}${next ? '已暂停发放' : '已恢复发放'}该批次`)
                  }}
                />
              </View>
            )
          })}
          <View className='hint'>打开“暂停发券”后，该门店的付款和支付完成页不再发放这个批次的代金券。</View>
        </View>
      )}
    </View>
  )
}
