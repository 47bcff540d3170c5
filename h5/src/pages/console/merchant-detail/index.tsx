import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { WECHAT_CHANNEL_LABELS, type MerchantDTO, type WechatChannel } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { ServerQr } from '../../../components/merchant-created/server-qr'
import { MemberCardPanel } from '../../../components/member-card-panel'
import { StaffPanel } from '../../../components/staff-panel'
import { ManagementQrDialog } from '../../../components/staff-panel/management-qr'
import { InfoList, Loading, Message, NoticeMessage, Section } from '../../../components/ui'
import { VoucherPanel } from '../../../components/voucher-panel'
import { formatTime, queryParam } from '../../../lib/format'
import { errorMessage } from '../../../lib/forms'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useNotice } from '../../../lib/use-notice'
import { getAlipayAuthorization, getMerchant, switchWechatChannel, updateMerchant } from '../../../services/merchants'

/** 子商户详情: ids and keys' public half, WeChat channel (T8), Alipay authorization (T7), member card (issue 8), admins. */
export default function MerchantDetail () {
  const id = queryParam(useRouter().params, 'id') ?? ''
  const merchant = useConsoleData(async () => await getMerchant(id), [id])
  const [qr, setQr] = useState(false)
  const m = merchant.data

  return (
    <ConsoleShell
      active='merchant'
      title={m?.name ?? '子商户详情'}
      actions={m !== null
        ? (
          <>
            <Button size='small' className='merchant-detail__qr' onClick={() => { setQr(true) }}>管理二维码</Button>
            <Button size='small' type='primary' onClick={() => { go(ROUTES.merchantEdit, { id }) }}>编辑</Button>
          </>
          )
        : undefined}
    >
      {merchant.error !== null && <Message>{merchant.error}</Message>}
      {m === null && merchant.loading && <Loading />}
      {m !== null && (
        <>
          <Section title='子商户信息'>
            <InfoList items={[
              ['子商户名称', m.name],
              ['子商户简称', m.shortName],
              ['管理员姓名', m.adminName],
              ['管理员邮箱', m.adminEmail],
              ['服务商编号', <Text key='a' className='mono'>{m.outMchId}</Text>],
              ['子商户编号', <Text key='b' className='mono merchant-detail__out-sub-mch-id'>{m.outSubMchId}</Text>],
              ['订单前缀', <Text key='c' className='mono merchant-detail__order-prefix'>{m.orderPrefix}</Text>],
              ['认证类型', m.authenType],
              ['签名类型', m.signType],
              ['验签公钥', <View key='d' className='mono'>{m.verifyPublicKey}</View>],
              ['子商户 logo', m.logoUrl],
              ['广告 URL', m.adUrl],
              ['广告图片', m.adImageUrl],
              ['备注', m.remark],
              ['创建时间', formatTime(m.createdAt)],
            ]}
            />
            <View className='hint'>认证密钥和签名私钥只在添加子商户时显示一次，云支付不保存可查看的副本。</View>
          </Section>
          <WechatSection merchant={m} onChanged={() => { merchant.reload() }} />
          <AlipaySection merchant={m} onChanged={() => { merchant.reload() }} />
          <PermissionsSection merchant={m} onChanged={() => { merchant.reload() }} />
          <MemberCardPanel merchantId={m.id} serviceProviderId={m.serviceProviderId} />
          <VoucherPanel merchantId={m.id} />
          <StaffPanel owner={{ kind: 'merchant', id: m.id }} refundPermission />
        </>
      )}
      {qr && m !== null && (
        <ManagementQrDialog
          owner={{ kind: 'merchant', id: m.id }}
          title='子商户管理二维码'
          caption='商户管理员激活后，扫码进入手机端子商户管理后台'
          onClose={() => { setQr(false) }}
        />
      )}
    </ConsoleShell>
  )
}

/** 切换渠道 between 官方直连 and 微信买单 (T8). */
function WechatSection ({ merchant, onChanged }: { merchant: MerchantDTO, onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const { notice, setNotice, run } = useNotice()
  const other: WechatChannel = merchant.wechatChannel === 'direct' ? 'maidan' : 'direct'
  const doSwitch = (): void => {
    setConfirming(false)
    run(async () => {
      await switchWechatChannel(merchant.id, other)
      onChanged()
      return `已切换为${WECHAT_CHANNEL_LABELS[other]}`
    })
  }
  return (
    <Section
      title='微信支付'
      className='channel'
      actions={confirming
        ? (
          <>
            <Button size='small' type='primary' className='channel__confirm' onClick={() => { doSwitch() }}>{`确认切换为${WECHAT_CHANNEL_LABELS[other]}`}</Button>
            <Button size='small' onClick={() => { setConfirming(false) }}>取消</Button>
          </>
          )
        : <Button size='small' className='channel__switch' onClick={() => { setNotice(null); setConfirming(true) }}>切换渠道</Button>}
    >
      <InfoList items={[
        ['子商户商户号', merchant.wechatSubMchId],
        ['支付渠道', <Text key='c' className={`tag channel__current channel__current--${merchant.wechatChannel}`}>{WECHAT_CHANNEL_LABELS[merchant.wechatChannel]}</Text>],
      ]}
      />
      <NoticeMessage notice={notice} className='channel__message' />
    </Section>
  )
}

/** 接口权限 (P8): deposits need both the deposit and the refund-API permission, and the 官方直连 channel for WeChat. */
function PermissionsSection ({ merchant, onChanged }: { merchant: MerchantDTO, onChanged: () => void }) {
  const { notice, run } = useNotice()
  const toggle = (key: 'depositEnabled' | 'refundApiEnabled', label: string): void => {
    const on = !merchant[key]
    run(async () => {
      await updateMerchant(merchant.id, { [key]: on })
      onChanged()
      return `已${on ? '开通' : '关闭'}${label}`
    })
  }
  const row = (key: 'depositEnabled' | 'refundApiEnabled', label: string): [string, JSX.Element] => [label, (
    <View key={key} className={`permission permission--${key}`}>
      <Text className={`tag ${merchant[key] ? 'tag--ok' : ''}`}>{merchant[key] ? '已开通' : '未开通'}</Text>
      <Button size='small' className='permission__toggle' onClick={() => { toggle(key, label) }}>{merchant[key] ? '关闭' : '开通'}</Button>
    </View>
  )]
  return (
    <Section title='接口权限' className='permissions'>
      <InfoList items={[row('depositEnabled', '押金权限'), row('refundApiEnabled', '退款 API 权限')]} />
      <View className='hint'>押金（刷卡押金、扫码押金、押金消费与解冻）需要同时开通押金权限和退款 API 权限；微信买单渠道暂不支持押金。</View>
      <NoticeMessage notice={notice} className='permissions__message' />
    </Section>
  )
}

/** Alipay by the SP's authorization QR; another account needs the old user id deleted first (T7). */
function AlipaySection ({ merchant, onChanged }: { merchant: MerchantDTO, onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const ali = merchant.alipay
  const remove = async (): Promise<void> => {
    setConfirming(false)
    setMessage(null)
    try {
      await updateMerchant(merchant.id, { alipayUserId: null })
      onChanged()
    } catch (e) {
      setMessage(errorMessage(e))
    }
  }
  return (
    <Section
      title='支付宝'
      className='alipay'
      actions={ali === null
        ? <Button size='small' onClick={() => { onChanged(); setTick((n) => n + 1) }}>刷新授权状态</Button>
        : confirming
          ? (
            <>
              <Button size='small' type='danger' className='alipay__confirm-delete' onClick={() => { remove().catch(() => {}) }}>确认删除</Button>
              <Button size='small' onClick={() => { setConfirming(false) }}>取消</Button>
            </>
            )
          : <Button size='small' className='alipay__delete' onClick={() => { setConfirming(true) }}>删除支付宝用户 ID</Button>}
    >
      {message !== null && <Message>{message}</Message>}
      {ali === null
        ? (
          <View className='alipay__authorize'>
            <View className='hint'>请使用有支付宝子商户管理权限的支付宝账号扫码授权（授权成功后，请等一分钟再测试支付）。</View>
            <ServerQr
              key={tick}
              className='qr--alipay'
              caption='支付宝授权'
              load={async () => ({ ...await getAlipayAuthorization(merchant.id), expiresAt: null })}
            />
          </View>
          )
        : (
          <>
            <InfoList items={[
              ['支付宝用户 ID', ali.userId],
              ['授权应用 ID', ali.authAppId],
              ['令牌有效期至', formatTime(ali.tokenExpiresAt)],
              ['授权状态', <Text key='t' className={`tag ${ali.tokenValid ? 'tag--ok' : 'tag--bad'}`}>{ali.tokenValid ? '有效' : '无效应用授权令牌'}</Text>],
            ]}
            />
            {!ali.tokenValid && <Message>无效应用授权令牌：支付宝授权已失效，请删除支付宝用户 ID 后让商户重新扫码授权。</Message>}
            <View className='hint'>如需绑定新的支付宝账号，需要先删除原来的支付宝用户 ID，再重新扫码授权。</View>
          </>
          )}
    </Section>
  )
}
