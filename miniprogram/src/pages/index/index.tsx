import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button, Cell, CellGroup, Empty, Tag } from '@antmjs/vantui'
import { formatFen, fen, type MobileRoleDto, type MpLinkCodeDto, type TodayTakingsDto } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { chinaShortTime } from '../../lib/china-time'
import { go, toast } from '../../lib/nav'
import { errorText, signIn } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { getLinkCode, getTodayTakings } from '../../services/home'
import { clockIn, clockOut } from '../../services/duty'
import { memberMerchants } from '../../services/members'
import { getMe } from '../../services/staff'
import { adMerchants, voucherMerchants } from '../../services/vouchers'
import './index.scss'

const works = (r: MobileRoleDto): boolean => (r.role === 'clerk' || r.role === 'store_manager') && r.storeId !== null

/**
 * 商户助手 home: who is signed in, today's takings, clocking in and out, and the way to every
 * store. Before that: sign-in, and in the mini-program the link to the official-account identity.
 */
export default function Index () {
  const me = useData(async () => {
    const session = await signIn()
    return { session, me: await getMe() }
  })
  const takings = useData(async () => await getTodayTakings(), [me.data])

  if (me.error !== null && me.data === null) return <SignedOut error={me.error} linkNeeded={me.errorCode === 'mini_program_not_linked'} handleRetry={me.reload} />
  return (
    <View className='index'>
      <PageState loading={me.loading && me.data === null} error={null}>
        {me.data !== null && (
          <>
            <View className='index__hello'>
              <Text className='index__name'>{me.data.me.name}</Text>
              <View className='index__roles'>
                {me.data.me.roles.map((r) => <Tag key={r.staffId} type='primary' plain className='index__role'>{roleText(r)}</Tag>)}
              </View>
            </View>
            <Takings data={takings.data} error={takings.error} />
            <Duty roles={me.data.me.roles.filter(works)} onChanged={() => { me.reload() }} />
            <CellGroup title='管理'>
              <Cell title='我的门店' isLink onClick={() => { go('/pages/stores/index') }} className='index__stores' />
              <Cell title='交易汇总' isLink onClick={() => { go('/pages/report/index') }} className='index__report' />
              {memberMerchants(me.data.me.roles).length > 0 && (
                <Cell title='会员管理' isLink onClick={() => { go('/pages/members/index') }} className='index__members' />
              )}
              <MarketingEntries roles={me.data.me.roles} />
              <Cell title='收款消息设置' isLink onClick={() => { go('/pages/settings/index') }} />
            </CellGroup>
            {me.data.session.kind === 'cookie' && <LinkCode />}
          </>
        )}
      </PageState>
    </View>
  )
}

/** 代金券 for merchant admins and store managers; 支付完成页广告 for merchant admins (C1–C4). */
function MarketingEntries ({ roles }: { roles: MobileRoleDto[] }) {
  const vouchers = voucherMerchants(roles)[0]
  const ads = adMerchants(roles)[0]
  return (
    <>
      {vouchers !== undefined && (
        <Cell title='代金券' isLink onClick={() => { go('/pages/vouchers/index', { merchant: vouchers.merchantId }) }} className='index__vouchers' />
      )}
      {ads !== undefined && (
        <Cell title='支付完成页广告' isLink onClick={() => { go('/pages/merchant-ad/index', { merchant: ads.merchantId }) }} className='index__merchant-ad' />
      )}
    </>
  )
}

const roleText = (r: MobileRoleDto): string => `${r.storeName ?? r.merchantName ?? ''} ${r.roleLabel}`.trim()

function Takings ({ data, error }: { data: TodayTakingsDto | null, error: string | null }) {
  if (error !== null) return <View className='index__note'>{error}</View>
  if (data === null) return null
  return (
    <CellGroup title={`今日收款（${data.date}）`} className='index__takings'>
      <View className='index__net'>
        <Text className='index__net-label'>实收</Text>
        <Text className='index__net-amount'>{formatFen(fen(data.total.netFen))}</Text>
        <Text className='index__net-detail'>{`收款 ${data.total.paymentCount} 笔 ${formatFen(fen(data.total.paymentFen))} · 退款 ${data.total.refundCount} 笔 ${formatFen(fen(data.total.refundFen))}`}</Text>
      </View>
      {data.stores.length > 1 && data.stores.map((s) => (
        <Cell key={s.storeId} title={s.storeName} label={`收款 ${s.paymentCount} 笔`} value={formatFen(fen(s.netFen))} isLink onClick={() => { go('/pages/store/index', { id: s.storeId }) }} />
      ))}
      {data.stores.length === 0 && <View className='index__note'>店员上班打卡后可查看本店今日收款</View>}
    </CellGroup>
  )
}

/** Clerks and managers clock in and out here too (H1); the store page has the same button. */
function Duty ({ roles, onChanged }: { roles: MobileRoleDto[], onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null)
  if (roles.length === 0) return null
  const toggle = async (r: MobileRoleDto): Promise<void> => {
    if (r.storeId === null) return
    setBusy(r.staffId)
    try {
      if (r.onDuty) await clockOut(r.storeId)
      else await clockIn(r.storeId)
      toast(r.onDuty ? '已下班' : '已上班')
      onChanged()
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setBusy(null)
    }
  }
  return (
    <CellGroup title='上下班'>
      {roles.map((r) => (
        <View key={r.staffId} className='index__duty'>
          <View className='index__duty-store'>
            <Text className='index__duty-name'>{r.storeName ?? ''}</Text>
            <Text className='index__duty-state'>{r.onDuty ? '在班：收款消息会发给您' : '不在班：收不到收款消息'}</Text>
          </View>
          <Button
            size='small'
            type={r.onDuty ? 'default' : 'primary'}
            loading={busy === r.staffId}
            className='index__duty-button'
            onClick={() => { toggle(r).catch(() => {}) }}
          >
            {r.onDuty ? '下班打卡' : '上班打卡'}
          </Button>
        </View>
      ))}
    </CellGroup>
  )
}

/** In the official account: the code that brings the same roles into the mini-program. */
function LinkCode () {
  const [code, setCode] = useState<MpLinkCodeDto | null>(null)
  const show = async (): Promise<void> => {
    try {
      setCode(await getLinkCode())
    } catch (e) {
      toast(errorText(e), 'none')
    }
  }
  return (
    <CellGroup title='在小程序中使用'>
      {code === null
        ? <Cell title='获取小程序关联码' label='在「yima 商户助手」小程序中输入，5 分钟内有效' isLink onClick={() => { show().catch(() => {}) }} />
        : <Cell title='关联码' label={`${chinaShortTime(code.expiresAt)} 前有效，只能使用一次`} value={code.linkCode} className='index__link-code' />}
    </CellGroup>
  )
}

/** Not signed in, or not linked yet (mini-program): what to do next. */
function SignedOut ({ error, linkNeeded, handleRetry }: { error: string, linkNeeded: boolean, handleRetry: () => void }) {
  return (
    <View className='index index--signed-out'>
      <Empty image='default' description={linkNeeded ? '请先关联您的员工身份' : error} />
      <View className='index__actions'>
        {linkNeeded
          ? <Button type='primary' block className='index__link' onClick={() => { go('/pages/link/index') }}>关联身份</Button>
          : <Button type='primary' block onClick={handleRetry}>重试</Button>}
        <View className='index__note'>员工请先用微信扫描店长或管理员给您的激活二维码；管理员可扫描门店的管理二维码进入。</View>
      </View>
    </View>
  )
}
