import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Image, Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import {
  CARD_COLORS, CARD_SUB_MERCHANT_STATUSES, CardSubMerchantBody, fen, formatFen, MEMBER_CARD_STATUSES, RECHARGE_MODES,
  type CardSetupDto, type MemberCardDto, type MerchantCardDto,
} from '@yima/shared'
import { copyText } from '../../lib/clipboard'
import { formatTime } from '../../lib/format'
import { validateWith } from '../../lib/forms'
import { go, ROUTES } from '../../lib/routes'
import { useConsoleData } from '../../lib/use-async'
import { useEntityForm } from '../../lib/use-entity-form'
import { useNotice } from '../../lib/use-notice'
import { deleteMemberCard, getMerchantCard, setCardSubMerchant, syncMerchantCard } from '../../services/member-cards'
import { Field, FormErrors } from '../field'
import { Modal } from '../modal'
import { QrCode } from '../qr-code'
import { InfoList, Loading, Message, NoticeMessage, Section, type InfoItem } from '../ui'
import { CARD_TONES, MEMBER_CARD_EDIT_PAGE, SUB_MERCHANT_TONES, tierText } from './card-text'
import { Swatch } from './swatch'
import './index.scss'

/** Opens the card's add-or-edit page for this merchant. */
export function openMemberCardEdit (merchantId: string): void {
  Taro.navigateTo({ url: `${MEMBER_CARD_EDIT_PAGE}?merchant=${encodeURIComponent(merchantId)}` }).catch(() => {})
}

/**
 * The merchant's stored-value membership card (issue 8, M1–M2; seed 000 配置会员卡): the SP's
 * 微信卡券权限, the merchant's card sub-merchant (卡券子商户) and its review, then the card itself,
 * its review and, once approved, the claim and recharge links customers scan.
 */
export function MemberCardPanel ({ merchantId, serviceProviderId }: { merchantId: string, serviceProviderId?: string }) {
  const state = useConsoleData(async () => await getMerchantCard(merchantId), [merchantId])
  const data = state.data
  if (data === null) {
    return (
      <Section title='会员卡' className='card-setup'>
        {state.error !== null && <Message className='card-setup__error'>{state.error}</Message>}
        {state.error === null && <Loading />}
      </Section>
    )
  }
  const reload = (): void => { state.reload() }
  /** 同步: asks WeChat for both review states, then tells what they are. */
  const sync = async (): Promise<string> => {
    const fresh = await syncMerchantCard(merchantId)
    reload()
    return syncedText(fresh)
  }
  return (
    <>
      <SetupSection merchantId={merchantId} setup={data.setup} serviceProviderId={serviceProviderId} sync={sync} onChanged={reload} />
      <CardSection merchantId={merchantId} setup={data.setup} card={data.card} sync={sync} onChanged={reload} />
    </>
  )
}

function syncedText ({ setup, card }: MerchantCardDto): string {
  const parts = [`卡券子商户${setup.cardSubMerchantStatus === null ? '未配置' : CARD_SUB_MERCHANT_STATUSES[setup.cardSubMerchantStatus]}`]
  if (card !== null) parts.push(`会员卡${MEMBER_CARD_STATUSES[card.status]}`)
  return `已同步：${parts.join('，')}`
}

/** 卡券权限 and 卡券子商户 (M1). */
function SetupSection ({ merchantId, setup, serviceProviderId, sync, onChanged }: {
  merchantId: string
  setup: CardSetupDto
  serviceProviderId?: string
  sync: () => Promise<string>
  onChanged: () => void
}) {
  const { notice, setNotice, run } = useNotice()
  const [editing, setEditing] = useState(false)
  const status = setup.cardSubMerchantStatus
  const configured = setup.cardSubMerchantId !== null
  return (
    <Section
      title='卡券子商户'
      className='card-setup'
      actions={(
        <>
          {configured && <Button size='small' className='card-setup__sync' onClick={() => { run(sync) }}>同步状态</Button>}
          <Button size='small' type={configured ? 'default' : 'primary'} className='card-setup__edit' onClick={() => { setNotice(null); setEditing(true) }}>{configured ? '修改' : '添加'}</Button>
        </>
      )}
    >
      <InfoList items={[
        ['卡券权限', <Text key='p' className={`tag card-setup__permission ${setup.cardPermission ? 'tag--ok' : 'tag--bad'}`}>{setup.cardPermission ? '已授权' : '未授权'}</Text>],
        ['卡券子商户ID', setup.cardSubMerchantId === null ? '未配置' : <Text key='i' className='mono card-setup__id'>{setup.cardSubMerchantId}</Text>],
        ['审核状态', status === null
          ? null
          : <Text key='s' className={`tag card-setup__status card-setup__status--${status} tag--${SUB_MERCHANT_TONES[status]}`}>{CARD_SUB_MERCHANT_STATUSES[status]}</Text>],
        ...(setup.cardSubMerchantReason !== null && setup.cardSubMerchantReason !== '' ? [['未通过原因', setup.cardSubMerchantReason] satisfies InfoItem] : []),
        ['同步时间', setup.syncedAt === null ? null : formatTime(setup.syncedAt)],
      ]}
      />
      {!setup.cardPermission && (
        <Message className='card-setup__no-permission'>
          服务商公众号尚未授权“微信卡券权限”，无法为子商户制作会员卡。请到服务商详情的“公众号授权”中单击“重新授权”，在微信授权页面勾选“微信卡券权限”。
          {serviceProviderId !== undefined && (
            <Text className='card-setup__sp-link' onClick={() => { go(ROUTES.serviceProvider, { id: serviceProviderId }) }}>前往服务商详情</Text>
          )}
        </Message>
      )}
      {status === 'CHECKING' && <Message tone='info' className='card-setup__checking'>卡券子商户审核中：审核通过后才能添加会员卡。可单击“同步状态”查看最新审核结果。</Message>}
      {(status === 'REJECTED' || status === 'EXPIRED') && (
        <Message className='card-setup__rejected'>{`卡券子商户${CARD_SUB_MERCHANT_STATUSES[status]}：请在微信公众平台重新提交子商户资料，审核通过后单击“同步状态”。`}</Message>
      )}
      <NoticeMessage notice={notice} className='card-setup__message' />
      <View className='hint'>
        卡券子商户ID 在微信公众平台“卡券功能 → 子商户列表 → 详情”中查看（服务商公众号需具备第三方代制能力）。注意是卡券子商户ID，不是微信支付的子商户号。
      </View>
      {editing && (
        <SubMerchantDialog
          merchantId={merchantId}
          setup={setup}
          onClose={() => { setEditing(false) }}
          onSaved={(saved) => {
            setEditing(false)
            setNotice({ tone: 'success', text: `已保存卡券子商户ID，审核状态：${saved.cardSubMerchantStatus === null ? '未知' : CARD_SUB_MERCHANT_STATUSES[saved.cardSubMerchantStatus]}` })
            onChanged()
          }}
        />
      )}
    </Section>
  )
}

/** 添加 / 修改 the 卡券子商户ID: the server saves it and asks WeChat for its review status at once. */
function SubMerchantDialog ({ merchantId, setup, onClose, onSaved }: { merchantId: string, setup: CardSetupDto, onClose: () => void, onSaved: (s: CardSetupDto) => void }) {
  const form = useEntityForm({
    fields: [{ key: 'cardSubMerchantId' }],
    dto: setup.cardSubMerchantId === null ? null : { cardSubMerchantId: setup.cardSubMerchantId },
    prepare: (values) => validateWith(CardSubMerchantBody, { cardSubMerchantId: values.cardSubMerchantId ?? '' }),
    save: async (body) => { onSaved(await setCardSubMerchant(merchantId, body)) },
  })
  return (
    <Modal
      title={setup.cardSubMerchantId === null ? '添加卡券子商户' : '修改卡券子商户'}
      className='card-sub-merchant'
      onClose={onClose}
      footer={(
        <>
          <Button size='small' onClick={onClose}>取消</Button>
          <Button size='small' type='primary' loading={form.busy} className='card-sub-merchant__submit' onClick={() => { form.submit() }}>保存</Button>
        </>
      )}
    >
      <FormErrors errors={form.errors} fields={form.keys} />
      <Field
        {...form.bind('cardSubMerchantId')}
        label='卡券子商户ID'
        required
        placeholder='数字，例如 123456789'
        hint='微信公众平台“卡券功能 → 子商户列表 → 详情”中的卡券子商户ID，不是微信支付的子商户号。保存后会自动同步审核状态。'
        onConfirm={() => { form.submit() }}
      />
    </Modal>
  )
}

/** 会员卡详情 (M2): add; or the card, its review, its links, edit and delete. */
function CardSection ({ merchantId, setup, card, sync, onChanged }: {
  merchantId: string
  setup: CardSetupDto
  card: MemberCardDto | null
  sync: () => Promise<string>
  onChanged: () => void
}) {
  const { notice, setNotice, run } = useNotice()
  const [confirming, setConfirming] = useState(false)

  if (card === null) {
    const ready = setup.cardPermission && setup.cardSubMerchantStatus === 'APPROVED'
    return (
      <Section
        title='会员卡'
        className='member-card member-card--none'
        actions={ready ? <Button size='small' type='primary' className='member-card__add' onClick={() => { openMemberCardEdit(merchantId) }}>添加会员卡</Button> : undefined}
      >
        <NoticeMessage notice={notice} className='member-card__message' />
        <View className='member-card__empty'>还没有会员卡</View>
        <View className='hint'>
          {ready
            ? '会员卡是放在顾客微信卡包里的储值卡：顾客领卡、充值后，在门店扫码付款时可以用卡内余额支付。添加后需等待微信审核。'
            : `${setup.cardPermission ? '' : '服务商公众号授权“微信卡券权限”、'}卡券子商户审核通过后才能添加会员卡。`}
        </View>
      </Section>
    )
  }

  const remove = (): void => {
    setConfirming(false)
    run(async () => {
      await deleteMemberCard(merchantId)
      onChanged()
      return '已删除会员卡'
    })
  }
  const approved = card.status === 'approved'
  const tiers = (
    <View className='member-card__tiers'>
      {card.tiers.map((t) => <View key={t.amountFen} className='member-card__tier'>{tierText(t)}</View>)}
    </View>
  )
  return (
    <Section
      title='会员卡'
      className={`member-card member-card--${card.status}`}
      actions={confirming
        ? (
          <>
            <Button size='small' type='danger' className='member-card__confirm-delete' onClick={remove}>确认删除</Button>
            <Button size='small' onClick={() => { setConfirming(false) }}>取消</Button>
          </>
          )
        : (
          <>
            <Button size='small' className='member-card__sync' onClick={() => { run(sync) }}>同步审核状态</Button>
            <Button size='small' className='member-card__edit' onClick={() => { openMemberCardEdit(merchantId) }}>编辑</Button>
            <Button size='small' className='member-card__delete' onClick={() => { setNotice(null); setConfirming(true) }}>删除</Button>
          </>
          )}
    >
      {confirming && (
        <Message className='member-card__delete-warning'>删除后顾客不能再领取、充值和使用这张会员卡。会员还有余额时不能删除。</Message>
      )}
      <NoticeMessage notice={notice} className='member-card__message' />
      <View className='member-card__face' style={{ background: CARD_COLORS[card.color] }}>
        {card.logoUrl !== '' && <Image className='member-card__logo' src={card.logoUrl} mode='aspectFill' />}
        <Text className='member-card__title'>{card.title}</Text>
      </View>
      <InfoList items={[
        ['审核状态', <Text key='s' className={`tag member-card__status tag--${CARD_TONES[card.status]}`}>{MEMBER_CARD_STATUSES[card.status]}</Text>],
        ...(card.refuseReason !== null && card.refuseReason !== '' ? [['未通过原因', card.refuseReason] satisfies InfoItem] : []),
        ['卡名称', card.title],
        ['卡片颜色', <Swatch key='c' color={card.color} small />],
        ['充值方式', RECHARGE_MODES[card.rechargeMode]],
        card.rechargeMode === 'fixed' ? ['充值档位', tiers] : ['充值赠送', '任意金额充值，不赠送余额'],
        ['余额上限', formatFen(fen(card.balanceCapFen))],
        ['会员数', String(card.memberCount)],
        ['会员余额合计', formatFen(fen(card.totalBalanceFen))],
        ['使用提醒', card.notice],
        ['微信卡券 ID', <Text key='w' className='mono'>{card.wxCardId}</Text>],
        ['更新时间', formatTime(card.updatedAt)],
      ]}
      />
      {card.status === 'reviewing' && <Message tone='info' className='member-card__reviewing'>会员卡正在等待微信审核，审核通过后才能发放。可单击“同步审核状态”查看最新结果。</Message>}
      {card.status === 'rejected' && <Message className='member-card__rejected'>会员卡未通过微信审核：请按未通过原因修改后保存，会重新提交审核。</Message>}
      {approved && (card.claimUrl !== null || card.rechargeUrl !== null) && (
        <View className='member-card__links'>
          {card.claimUrl !== null && <CardLink className='member-card__claim' label='领取会员卡链接' caption='顾客用微信扫码领取会员卡' url={card.claimUrl} />}
          {card.rechargeUrl !== null && <CardLink className='member-card__recharge' label='充值二维码' caption='会员用微信扫码为会员卡充值' url={card.rechargeUrl} />}
        </View>
      )}
      {approved && <View className='hint'>服务商或商户可以将领取会员卡链接（或二维码）推广给顾客，顾客扫码领卡。</View>}
    </Section>
  )
}

/** A link customers open in WeChat: its QR image, and a button that copies the link. */
function CardLink ({ className, label, caption, url }: { className: string, label: string, caption: string, url: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  return (
    <View className={`card-link ${className}`}>
      <View className='card-link__label'>{label}</View>
      <QrCode url={url} caption={caption} />
      <Button size='small' className='card-link__copy' onClick={() => { copyText(url).then(setCopied, () => { setCopied(false) }) }}>
        {copied === true ? '已复制' : '复制链接'}
      </Button>
      {copied === false && <View className='card-link__copy-failed'>浏览器不允许复制，请手动选中上面的链接复制</View>}
    </View>
  )
}
