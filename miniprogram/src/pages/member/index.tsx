import { useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { Button, Cell, CellGroup, Field, Radio, RadioGroup } from '@antmjs/vantui'
import {
  AdjustBalanceBody, fen, fenToYuanString, formatFen, isYuanString, LEDGER_POTS, MEMBER_STATES, newIdempotencyKey, yuanStringToFen,
  type CardPaymentDto, type LedgerEntryDto, type LedgerPot, type MemberDto,
} from '@yima/shared'
import { LedgerEntry, LedgerList } from '../../components/ledger-entry'
import { PageState } from '../../components/page-state'
import { chinaDateTime } from '../../lib/china-time'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { useLedger, type LedgerDays } from '../../lib/use-ledger'
import { adjustBalance, getCardPayment, getMember, memberLedger, refundCardPayment } from '../../services/members'
import './index.scss'

const money = (n: number): string => formatFen(fen(n))

/** A message that must be read, not flashed: the server's reason a change was refused. */
async function alertText (title: string, content: string): Promise<void> {
  await Taro.showModal({ title, content, showCancel: false, confirmText: '知道了' })
}

/** A typed yuan amount in fen, or why it cannot be sent. */
function typedFen (text: string): { ok: true, fen: number } | { ok: false, problem: string } {
  const s = text.trim()
  if (!isYuanString(s)) return { ok: false, problem: '请输入金额，最多两位小数' }
  const f = yuanStringToFen(s)
  return f <= 0 ? { ok: false, problem: '金额必须大于 0' } : { ok: true, fen: f }
}

function MemberHead ({ member }: { member: MemberDto }) {
  return (
    <>
      <View className='member__head'>
        <Text className='member__name'>{member.name ?? '未填写姓名'}</Text>
        <Text className='member__balance'>{money(member.balanceFen)}</Text>
        <Text className='member__pots'>{`本金 ${money(member.principalFen)} · 赠送金 ${money(member.bonusFen)}`}</Text>
      </View>
      <CellGroup>
        <Cell title='手机号' value={member.phone ?? '未登记'} />
        <Cell title='状态' value={MEMBER_STATES[member.state]} className='member__state' />
        <Cell title='会员卡号' value={member.code ?? '尚未领卡'} />
        <Cell title='开卡时间' value={chinaDateTime(member.createdAt)} />
        {member.activatedAt !== null && <Cell title='激活时间' value={chinaDateTime(member.activatedAt)} />}
      </CellGroup>
    </>
  )
}

type Direction = 'add' | 'subtract'

/**
 * 修改余额: add to or take from one pot, with a reason. The idempotency key lives as long as the
 * form stays the same: a second tap after a lost answer replays the first change instead of
 * applying it twice; changing anything makes it a new change with a new key.
 */
function AdjustForm ({ merchantId, member, onClose, onAdjusted }: { merchantId: string, member: MemberDto, onClose: () => void, onAdjusted: () => void }) {
  const [direction, setDirection] = useState<Direction>('add')
  const [pot, setPot] = useState<LedgerPot>('principal')
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const [checked, setChecked] = useState(false)
  const [sending, setSending] = useState(false)
  // Taps arrive faster than state updates: this keeps a second tap from opening a second confirm.
  const busy = useRef(false)

  const held = pot === 'principal' ? member.principalFen : member.bonusFen
  const typed = typedFen(amount)
  const amountProblem = !typed.ok
    ? typed.problem
    : direction === 'subtract' && typed.fen > held ? `${LEDGER_POTS[pot]}最多可减少 ${money(held)}` : null
  const reasonProblem = reason.trim() === '' ? '请填写调整原因' : null
  const edit = <T,>(set: (v: T) => void) => (v: T) => { set(v); setKey(newIdempotencyKey()) }

  const handleSubmit = async (): Promise<void> => {
    setChecked(true)
    if (amountProblem !== null || reasonProblem !== null || !typed.ok || busy.current) return
    const parsed = AdjustBalanceBody.safeParse({ pot, amountFen: direction === 'add' ? typed.fen : -typed.fen, reason })
    if (!parsed.success) {
      await alertText('无法修改余额', parsed.error.issues[0]?.message ?? '请检查填写的内容')
      return
    }
    busy.current = true
    try {
      const what = `${LEDGER_POTS[pot]}${direction === 'add' ? '增加' : '减少'} ${money(typed.fen)}`
      if (!await confirm('确认修改余额', `${member.name ?? member.phone ?? '该会员'}的${what}，原因：${parsed.data.reason}`)) return
      setSending(true)
      await adjustBalance(merchantId, member.id, parsed.data, key)
      toast('余额已修改')
      onAdjusted()
    } catch (e) {
      await alertText('修改余额失败', errorText(e))
    } finally {
      busy.current = false
      setSending(false)
    }
  }

  return (
    <CellGroup title='修改余额' className='member__adjust'>
      <Cell title='调整方式'>
        <RadioGroup className='adjust-direction' direction='horizontal' value={direction} onChange={(e) => { edit(setDirection)(e.detail as Direction) }}>
          <Radio name='add' className='adjust-add'>增加</Radio>
          <Radio name='subtract' className='adjust-subtract'>减少</Radio>
        </RadioGroup>
      </Cell>
      <Cell title='余额类型'>
        <RadioGroup className='adjust-pot' direction='horizontal' value={pot} onChange={(e) => { edit(setPot)(e.detail as LedgerPot) }}>
          <Radio name='principal' className='adjust-principal'>{LEDGER_POTS.principal}</Radio>
          <Radio name='bonus' className='adjust-bonus'>{LEDGER_POTS.bonus}</Radio>
        </RadioGroup>
      </Cell>
      <Field
        className='adjust-amount'
        label='金额（元）'
        type='digit'
        placeholder={direction === 'subtract' ? `最多 ${fenToYuanString(fen(held))} 元` : '请输入金额'}
        value={amount}
        errorMessage={checked || amount !== '' ? amountProblem ?? '' : ''}
        onChange={(e) => { edit(setAmount)(String(e.detail)) }}
      />
      <Field
        className='adjust-reason'
        label='调整原因'
        required
        placeholder='必填，如：线下退卡、补录充值'
        maxlength={100}
        value={reason}
        errorMessage={checked ? reasonProblem ?? '' : ''}
        onChange={(e) => { edit(setReason)(String(e.detail)) }}
      />
      <View className='member__form-actions'>
        <Button className='member__adjust-submit' type='primary' block loading={sending} onClick={() => { handleSubmit() }}>确认修改</Button>
        <Button className='member__adjust-cancel' block plain disabled={sending} onClick={onClose}>取消</Button>
      </View>
    </CellGroup>
  )
}

/** The refund form of a balance payment, once the payment (and what was refunded of it) is known. */
function RefundFields ({ merchantId, payment, onClose, onRefunded }: { merchantId: string, payment: CardPaymentDto, onClose: () => void, onRefunded: () => void }) {
  const refundable = payment.amountFen - payment.refundedFen
  const [amount, setAmount] = useState(fenToYuanString(fen(Math.max(refundable, 0))))
  const [reason, setReason] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const [sending, setSending] = useState(false)
  const busy = useRef(false)
  const typed = typedFen(amount)
  const problem = !typed.ok ? typed.problem : typed.fen > refundable ? `最多可退 ${money(refundable)}` : null

  const handleSubmit = async (): Promise<void> => {
    if (problem !== null || !typed.ok || busy.current) return
    busy.current = true
    try {
      if (!await confirm('确认退款', `${money(typed.fen)} 将按付款时的本金和赠送金比例退回会员卡余额，退款后不能撤销。`)) return
      setSending(true)
      const trimmed = reason.trim()
      await refundCardPayment(merchantId, payment.id, { amountFen: fen(typed.fen), ...(trimmed === '' ? {} : { reason: trimmed }) }, key)
      toast('退款成功')
      onRefunded()
    } catch (e) {
      await alertText('退款失败', errorText(e))
    } finally {
      busy.current = false
      setSending(false)
    }
  }

  if (refundable <= 0) {
    return (
      <View className='member__refund-done'>
        <Text>该笔付款已全部退款</Text>
        <View className='member__refund-close' onClick={onClose}>关闭</View>
      </View>
    )
  }
  return (
    <>
      <Cell title='付款金额' value={money(payment.amountFen)} label={`${payment.storeName} · ${chinaDateTime(payment.createdAt)}`} />
      {payment.refundedFen > 0 && <Cell title='已退款' value={money(payment.refundedFen)} />}
      <Field
        className='refund-amount'
        label='退款金额'
        type='digit'
        placeholder={`最多 ${fenToYuanString(fen(refundable))} 元`}
        value={amount}
        errorMessage={problem ?? ''}
        onChange={(e) => { setAmount(String(e.detail)); setKey(newIdempotencyKey()) }}
      />
      <Field
        className='refund-reason'
        label='退款原因'
        placeholder='选填'
        maxlength={80}
        value={reason}
        onChange={(e) => { setReason(String(e.detail)); setKey(newIdempotencyKey()) }}
      />
      <View className='member__form-actions'>
        <Button className='member__refund-submit' type='danger' block loading={sending} disabled={problem !== null} onClick={() => { handleSubmit() }}>确认退款</Button>
        <Button className='member__refund-cancel' block plain disabled={sending} onClick={onClose}>取消</Button>
      </View>
    </>
  )
}

/** 退款 of a balance payment: what is left to refund comes from the payment itself. */
function CardRefundForm ({ merchantId, paymentId, onClose, onRefunded }: { merchantId: string, paymentId: string, onClose: () => void, onRefunded: () => void }) {
  const p = useData(async () => await getCardPayment(merchantId, paymentId), [paymentId])
  return (
    <CellGroup title='余额付款退款' className='member__refund'>
      <PageState loading={p.loading && p.data === null} error={p.error} onRetry={() => { p.reload() }}>
        {p.data !== null && <RefundFields merchantId={merchantId} payment={p.data} onClose={onClose} onRefunded={onRefunded} />}
      </PageState>
    </CellGroup>
  )
}

/** The first entry of each balance payment (one per pot it drew from) offers its refund. */
function refundOffers (entries: readonly LedgerEntryDto[]): Set<string> {
  const seen = new Set<string>()
  const offers = new Set<string>()
  for (const e of entries) {
    if (e.kind !== 'payment' || e.paymentId === null || seen.has(e.paymentId)) continue
    seen.add(e.paymentId)
    offers.add(e.id)
  }
  return offers
}

/**
 * 会员信息 (M4): the member, 修改余额, and their balance ledger newest first (今天/近7天/近30天, 20 at a
 * time), where a balance payment can be refunded.
 */
export default function MemberPage () {
  const merchantId = param('merchant')
  const id = param('id')
  const member = useData(async () => await getMember(merchantId, id), [merchantId, id])
  const [days, setDays] = useState<LedgerDays>(30)
  const ledger = useLedger(`${merchantId}|${id}`, days, async (range, cursor) => await memberLedger(merchantId, id, range, cursor))
  const [adjusting, setAdjusting] = useState(false)
  const [refunding, setRefunding] = useState<string | null>(null)
  useReachBottom(() => { ledger.loadMore() })

  const refresh = (): void => {
    member.reload()
    ledger.first.reload()
  }
  const offers = refundOffers(ledger.items)
  const renderEntry = (e: LedgerEntryDto) => {
    const paymentId = offers.has(e.id) ? e.paymentId : null
    return (
      <>
        <LedgerEntry entry={e} {...(paymentId === null ? {} : { onRefund: () => { setRefunding(paymentId) } })} />
        {paymentId !== null && refunding === paymentId && (
          <CardRefundForm
            merchantId={merchantId}
            paymentId={paymentId}
            onClose={() => { setRefunding(null) }}
            onRefunded={() => { setRefunding(null); refresh() }}
          />
        )}
      </>
    )
  }

  return (
    <View className='member'>
      <PageState loading={member.loading && member.data === null} error={member.error} onRetry={() => { member.reload() }}>
        {member.data !== null && (
          <>
            <MemberHead member={member.data} />
            {adjusting
              ? (
                <AdjustForm
                  merchantId={merchantId}
                  member={member.data}
                  onClose={() => { setAdjusting(false) }}
                  onAdjusted={() => { setAdjusting(false); refresh() }}
                />
                )
              : (
                <View className='member__actions'>
                  <Button className='member__adjust-open' block plain type='primary' onClick={() => { setAdjusting(true) }}>修改余额</Button>
                </View>
                )}
            <LedgerList title='余额流水' days={days} onDays={setDays} ledger={ledger} empty='这段时间没有余额变动' renderEntry={renderEntry} />
          </>
        )}
      </PageState>
    </View>
  )
}
