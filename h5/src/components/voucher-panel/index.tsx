import { useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { MAX_REWARD_BATCHES, type VoucherBatchDto } from '@yima/shared'
import { copyText } from '../../lib/clipboard'
import { useConsoleData } from '../../lib/use-async'
import { useNotice } from '../../lib/use-notice'
import { listMerchantStores } from '../../services/reports'
import { getVoucherSetup } from '../../services/vouchers-console'
import { QrCode } from '../qr-code'
import { Loading, Message, NoticeMessage, Section } from '../ui'
import { BatchCard, type UseLimits } from './batch'
import { CredentialsSection } from './credentials'
import { ImportDialog } from './import-dialog'
import { FUNDING_HINT } from './voucher-text'
import './index.scss'

/**
 * The merchant's WeChat Pay vouchers (issue 9, C1–C4; seed 002, seed 000 腾券发券手册): its own API
 * credentials for issuing, the imported batches with how yima hands each out (开卡有礼, 消费有礼,
 * the pay-complete page's 主券 and 奖励券), 下架 and per-store pauses, and the merchant's voucher
 * page (商户二维码).
 */
export function VoucherPanel ({ merchantId }: { merchantId: string }) {
  const state = useConsoleData(async () => await getVoucherSetup(merchantId), [merchantId])
  const stores = useConsoleData(async () => await listMerchantStores(merchantId), [merchantId])
  const [batches, setBatches] = useState<VoucherBatchDto[] | null>(null)
  useEffect(() => { if (state.data !== null) setBatches(state.data.batches) }, [state.data])

  const data = state.data
  if (data === null || batches === null) {
    return (
      <Section title='代金券' className='vouchers'>
        {state.error !== null && <Message className='vouchers__error'>{state.error}</Message>}
        {state.error === null && <Loading />}
      </Section>
    )
  }
  return (
    <>
      <CredentialsSection merchantId={merchantId} credentials={data.credentials} onChanged={() => { state.reload() }} />
      <BatchesSection
        merchantId={merchantId}
        ownMchIds={data.credentials?.mchIds ?? []}
        batches={batches}
        stores={stores.data}
        storesError={stores.error}
        onBatches={setBatches}
      />
      <PageLinkSection url={data.pageUrl} />
    </>
  )
}

function BatchesSection ({ merchantId, ownMchIds, batches, stores, storesError, onBatches }: {
  merchantId: string
  ownMchIds: readonly string[]
  batches: VoucherBatchDto[]
  stores: Parameters<typeof BatchCard>[0]['stores']
  storesError: string | null
  onBatches: (f: (old: VoucherBatchDto[] | null) => VoucherBatchDto[] | null) => void
}) {
  const { notice, setNotice } = useNotice()
  const [importing, setImporting] = useState(false)
  const limits: UseLimits = {
    main: batches.find((b) => b.uses.includes('main')),
    rewardCount: batches.filter((b) => b.uses.includes('reward')).length,
  }
  const replace = (b: VoucherBatchDto): void => { onBatches((old) => old?.map((x) => (x.id === b.id ? b : x)) ?? old) }
  const drop = (b: VoucherBatchDto): void => {
    onBatches((old) => old?.filter((x) => x.id !== b.id) ?? old)
    setNotice({ tone: 'success', text: `已删除批次“${b.name}”，已发出的代金券仍然有效` })
  }
  return (
    <Section
      title='代金券'
      className='vouchers'
      actions={<Button size='small' type='primary' className='vouchers__import' onClick={() => { setNotice(null); setImporting(true) }}>导入批次</Button>}
    >
      <NoticeMessage notice={notice} className='vouchers__message' />
      {batches.length === 0 && <View className='vouchers__empty'>还没有导入代金券批次</View>}
      {batches.map((b) => (
        <BatchCard key={b.id} batch={b} limits={limits} stores={stores} storesError={storesError} onChanged={replace} onDeleted={drop} />
      ))}
      <View className='hint vouchers__hint'>
        <View>开卡有礼：顾客首次激活会员卡时发放；消费有礼：微信支付金额达到最低消费时发放。</View>
        <View>{`支付完成页：展示主券，并从奖励券中随机选用一个批次。主券只能设置一个批次，奖励券最多 ${MAX_REWARD_BATCHES} 个批次。`}</View>
        <View>{FUNDING_HINT}</View>
        <View>下架可暂停某批次的发放，也可在“门店发券”中暂停某门店的发券能力。请勿同时在微信商户后台用二维码或满额送发放这些批次，券配好后也不要在微信支付后台修改券参数（数量、状态）。</View>
        <View>支付完成页的商户广告（图片和链接）在“编辑”子商户中设置。</View>
      </View>
      {importing && (
        <ImportDialog
          merchantId={merchantId}
          ownMchIds={ownMchIds}
          onClose={() => { setImporting(false) }}
          onImported={(b) => {
            setImporting(false)
            onBatches((old) => (old === null ? [b] : [...old.filter((x) => x.id !== b.id), b]))
            setNotice({ tone: 'success', text: `已导入批次“${b.name}”` })
          }}
        />
      )}
    </Section>
  )
}

/** 商户二维码: the merchant's one page of its vouchers, permanent, to print or share. */
function PageLinkSection ({ url }: { url: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  return (
    <Section title='商户领券页' className='voucher-page'>
      <View className='voucher-page__body'>
        <QrCode url={url} caption='顾客用微信扫码领取代金券' />
        <Button size='small' className='voucher-page__copy' onClick={() => { copyText(url).then(setCopied, () => { setCopied(false) }) }}>
          {copied === true ? '已复制' : '复制链接'}
        </Button>
        {copied === false && <View className='voucher-page__copy-failed'>浏览器不允许复制，请手动选中上面的链接复制</View>}
      </View>
      <View className='hint'>
        商户二维码是商户唯一的宣传页，永久有效，展示设为主券和奖励券的代金券。可在员工朋友圈传播，或制作码牌、海报放在收银台和门店外，引导顾客扫码领券。
      </View>
    </Section>
  )
}
