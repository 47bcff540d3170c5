import { useState } from 'react'
import { Picker, Text, View } from '@tarojs/components'
import { Button, Cell, CellGroup, Empty, Field, Tag } from '@antmjs/vantui'
import { fen, formatFen, MEMBER_CARD_STATUSES, MEMBER_STATES, MemberSearchQuery, type MemberCardDto, type MemberDto } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { go, param } from '../../lib/nav'
import { useData } from '../../lib/use-data'
import { getMemberCard, memberMerchants, searchMembers, type MemberMerchant } from '../../services/members'
import { getMe } from '../../services/staff'
import './index.scss'

const money = (n: number): string => formatFen(fen(n))

/** The merchant picker, shown to people who manage members of more than one merchant. */
function MerchantPicker ({ merchants, value, onChange }: { merchants: MemberMerchant[], value: string, onChange: (merchantId: string) => void }) {
  if (merchants.length < 2) return null
  const index = merchants.findIndex((m) => m.merchantId === value)
  return (
    <Picker
      className='members__merchant'
      mode='selector'
      range={merchants.map((m) => m.merchantName)}
      value={Math.max(index, 0)}
      onChange={(e) => {
        const picked = merchants[Number(e.detail.value)]
        if (picked !== undefined) onChange(picked.merchantId)
      }}
    >
      <View className='members__merchant-choice'>
        <Text className='members__merchant-label'>商户</Text>
        <Text className='members__merchant-name'>{merchants[index]?.merchantName ?? ''}</Text>
      </View>
    </Picker>
  )
}

function CardHead ({ card }: { card: MemberCardDto }) {
  return (
    <View className='members__card'>
      <View className='members__card-title'>
        <Text className='members__card-name'>{card.title}</Text>
        <Tag plain type={card.status === 'approved' ? 'success' : 'warning'}>{MEMBER_CARD_STATUSES[card.status]}</Tag>
      </View>
      <View className='members__card-figures'>
        <Text className='members__count'>{`会员 ${card.memberCount} 人`}</Text>
        <Text>{`余额合计 ${money(card.totalBalanceFen)}`}</Text>
      </View>
    </View>
  )
}

function MemberRow ({ merchantId, member }: { merchantId: string, member: MemberDto }) {
  return (
    <Cell
      className='members__row'
      isLink
      title={member.name ?? '未填写姓名'}
      value={money(member.balanceFen)}
      renderLabel={(
        <View className='members__row-meta'>
          <View className='members__row-line'>
            <Text>{member.phone ?? '未登记手机号'}</Text>
            <Text className={`members__state members__state--${member.state}`}>{MEMBER_STATES[member.state]}</Text>
          </View>
          <Text>{`本金 ${money(member.principalFen)} · 赠送金 ${money(member.bonusFen)}`}</Text>
        </View>
      )}
      onClick={() => { go('/pages/member/index', { merchant: merchantId, id: member.id }) }}
    />
  )
}

/** 会员信息: members whose phone starts with, or whose name contains, what was typed. */
function MemberSearch ({ merchantId }: { merchantId: string }) {
  const [typed, setTyped] = useState('')
  const [q, setQ] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const found = useData(async () => q === '' ? null : { q, list: await searchMembers(merchantId, q) }, [q])
  const shown = found.data?.q === q ? found.data : null

  const search = (): void => {
    const parsed = MemberSearchQuery.safeParse({ q: typed })
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? '请输入手机号或姓名')
      return
    }
    setProblem(null)
    if (parsed.data.q === q) found.reload()
    else setQ(parsed.data.q)
  }

  return (
    <CellGroup title='会员信息' className='members__search-group'>
      <Field
        className='members__q'
        label='查询会员'
        placeholder='手机号或姓名'
        value={typed}
        errorMessage={problem ?? ''}
        confirmType='search'
        onChange={(e) => { setTyped(String(e.detail)) }}
        onConfirm={search}
      />
      <View className='members__actions'>
        <Button className='members__search' size='small' type='primary' onClick={search}>查询</Button>
      </View>
      {q !== '' && (
        <PageState
          loading={shown === null && found.error === null}
          error={found.error}
          empty={shown !== null && shown.list.data.length === 0 && `没有找到“${q}”的会员`}
          onRetry={() => { found.reload() }}
        >
          {shown?.list.data.map((m) => <MemberRow key={m.id} merchantId={merchantId} member={m} />)}
          {shown?.list.hasMore === true && <View className='members__note'>只显示前 {shown.list.data.length} 位，请输入更完整的手机号或姓名</View>}
        </PageState>
      )}
    </CellGroup>
  )
}

/** One merchant's card, member search and the ways to its ledger and imports. */
function MerchantMembers ({ merchant }: { merchant: MemberMerchant }) {
  const card = useData(async () => ({ card: await getMemberCard(merchant.merchantId) }), [merchant.merchantId])
  if (card.data === null || card.error !== null) {
    return <PageState loading={card.loading} error={card.error} onRetry={() => { card.reload() }} />
  }
  if (card.data.card === null) {
    return (
      <View className='members__no-card'>
        <Empty description='商户还没有会员卡' />
        <View className='members__note'>请商户管理员在管理后台创建会员卡。</View>
      </View>
    )
  }
  const merchantId = merchant.merchantId
  return (
    <>
      <CardHead card={card.data.card} />
      <MemberSearch merchantId={merchantId} />
      <CellGroup title='更多' className='members__more'>
        <Cell className='members__ledger' title='会员卡余额流水' label='按手机号查询' isLink onClick={() => { go('/pages/member-ledger/index', { merchant: merchantId }) }} />
        {merchant.admin && (
          <Cell className='members__import' title='导入旧会员余额' label='从原会员系统导出的 CSV 文件' isLink onClick={() => { go('/pages/member-import/index', { merchant: merchantId }) }} />
        )}
      </CellGroup>
    </>
  )
}

/**
 * 会员管理 (M4, seed 000): for merchant admins and store managers, the merchant's card, its members
 * by phone or name (each opens 会员信息 with the ledger and 修改余额), 会员卡余额流水 by phone, and for
 * admins the import of legacy balances.
 */
export default function Members () {
  const me = useData(async () => memberMerchants((await getMe()).roles))
  const [picked, setPicked] = useState<string | null>(null)
  const merchants = me.data ?? []
  const wanted = picked ?? param('merchant')
  const merchant = merchants.find((m) => m.merchantId === wanted) ?? merchants[0]
  return (
    <View className='members'>
      <PageState
        loading={me.loading && me.data === null}
        error={me.error}
        empty={me.data !== null && merchants.length === 0 && '只有商户管理员和店长可以管理会员'}
        onRetry={() => { me.reload() }}
      >
        {merchant !== undefined && (
          <>
            <MerchantPicker merchants={merchants} value={merchant.merchantId} onChange={setPicked} />
            <MerchantMembers key={merchant.merchantId} merchant={merchant} />
          </>
        )}
      </PageState>
    </View>
  )
}
