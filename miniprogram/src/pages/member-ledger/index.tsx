import { useState } from 'react'
import { View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import { Button, Cell, CellGroup, Empty, Field } from '@antmjs/vantui'
import { BalanceLedgerQuery } from '@yima/shared'
import { LedgerList } from '../../components/ledger-entry'
import { go, param } from '../../lib/nav'
import { useLedger, type LedgerDays } from '../../lib/use-ledger'
import { ledgerByPhone } from '../../services/members'
import './index.scss'

/**
 * 会员卡余额流水 (M4, seed 000): the balance ledger of the member with an 11-digit phone, newest
 * first (今天/近7天/近30天, 20 at a time), with the way to that member's page.
 */
export default function MemberLedgerPage () {
  const merchantId = param('merchant')
  const [typed, setTyped] = useState('')
  const [phone, setPhone] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [days, setDays] = useState<LedgerDays>(30)
  const ledger = useLedger(phone === null ? null : `${merchantId}|${phone}`, days,
    async (range, cursor) => await ledgerByPhone(merchantId, phone ?? '', range, cursor))
  useReachBottom(() => { ledger.loadMore() })

  const search = (): void => {
    const parsed = BalanceLedgerQuery.shape.phone.safeParse(typed)
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? '请输入 11 位手机号')
      return
    }
    setProblem(null)
    if (parsed.data === phone) ledger.first.reload()
    else setPhone(parsed.data)
  }
  const memberId = ledger.items[0]?.memberId

  return (
    <View className='member-ledger'>
      <CellGroup>
        <Field
          className='member-ledger__phone'
          label='手机号'
          type='number'
          maxlength={11}
          placeholder='会员的 11 位手机号'
          value={typed}
          errorMessage={problem ?? ''}
          confirmType='search'
          onChange={(e) => { setTyped(String(e.detail)) }}
          onConfirm={search}
        />
      </CellGroup>
      <View className='member-ledger__actions'>
        <Button className='member-ledger__search' type='primary' size='small' onClick={search}>查询</Button>
      </View>
      {phone !== null && ledger.first.errorCode === 'member_not_found' && (
        <Empty className='member-ledger__none' image='search' description={`没有手机号为 ${phone} 的会员`} />
      )}
      {phone !== null && ledger.first.errorCode !== 'member_not_found' && (
        <>
          {memberId !== undefined && (
            <CellGroup>
              <Cell className='member-ledger__member' title='查看会员信息' isLink onClick={() => { go('/pages/member/index', { merchant: merchantId, id: memberId }) }} />
            </CellGroup>
          )}
          <LedgerList title={`${phone} 的余额流水`} days={days} onDays={setDays} ledger={ledger} empty='这段时间没有余额变动' />
        </>
      )}
    </View>
  )
}
