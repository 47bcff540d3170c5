import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import { Button, CellGroup, Field } from '@antmjs/vantui'
import {
  isYuanString, ORDER_STATUS_LABELS, ORDER_STATUSES, STORE_PAYMENT_TYPE_LABELS, yuanStringToFen,
  type List, type OrderDto, type OrderStatus,
} from '@yima/shared'
import { LoadMore } from '../../components/load-more'
import { OrderRow } from '../../components/order-row'
import { PageState } from '../../components/page-state'
import { chinaToday } from '../../lib/china-time'
import { param } from '../../lib/nav'
import { useData } from '../../lib/use-data'
import { useMorePages } from '../../lib/use-more-pages'
import { instantRange, rangeProblem, searchOrders, type DayRange, type InstantRange, type OrderFilters } from '../../services/reports'
import { Chips, RangePicker, type Choice } from '../report/controls'
import './index.scss'

type Channel = '' | 'wechat_pay' | 'alipay'
type Status = '' | OrderStatus

const CHANNELS: Array<Choice<Channel>> = [
  { value: '', label: '全部渠道' },
  { value: 'wechat_pay', label: STORE_PAYMENT_TYPE_LABELS.wechat_pay },
  { value: 'alipay', label: STORE_PAYMENT_TYPE_LABELS.alipay },
]

const STATUSES: Array<Choice<Status>> = [
  { value: '', label: '全部状态' },
  ...ORDER_STATUSES.map((s) => ({ value: s, label: ORDER_STATUS_LABELS[s] })),
]

/** What the person typed: amounts in yuan as text, the order number. Sent only on 查询. */
interface Typed { min: string, max: string, outTradeNo: string }
const NOTHING_TYPED: Typed = { min: '', max: '', outTradeNo: '' }

/** The typed filters in fen (string arithmetic, never a float), or why they cannot be sent. */
function typedFilters (t: Typed): { ok: true, filters: Pick<OrderFilters, 'minFen' | 'maxFen' | 'outTradeNo'> } | { ok: false, problem: string } {
  const amount = (text: string): number | undefined | null => {
    const s = text.trim()
    if (s === '') return undefined
    if (!isYuanString(s)) return null
    const f = yuanStringToFen(s)
    return f < 0 ? null : f
  }
  const minFen = amount(t.min)
  const maxFen = amount(t.max)
  if (minFen === null || maxFen === null) return { ok: false, problem: '金额格式不正确，最多两位小数' }
  if (minFen !== undefined && maxFen !== undefined && minFen > maxFen) return { ok: false, problem: '最低金额不能高于最高金额' }
  const outTradeNo = t.outTradeNo.trim()
  return {
    ok: true,
    filters: {
      ...(minFen === undefined ? {} : { minFen }),
      ...(maxFen === undefined ? {} : { maxFen }),
      ...(outTradeNo === '' ? {} : { outTradeNo }),
    },
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The range the page opens with: the days it was given (from 交易汇总), else today. */
function openingRange (today: string): DayRange {
  const start = param('start')
  const end = param('end')
  return DAY.test(start) && DAY.test(end) && end <= today ? { start, end } : { start: today, end: today }
}

interface Page { key: string, instants: InstantRange, list: List<OrderDto> }

/**
 * The first page comes from useData (so it reloads when the page shows again, and whenever the
 * query changes); later pages are appended by useMorePages and dropped whenever the first page reloads.
 */
function useOrderSearch (range: DayRange, filters: OrderFilters) {
  const problem = rangeProblem(range)
  const key = JSON.stringify({ range, filters })
  const first = useData(async (): Promise<Page | null> => {
    if (problem !== null) return null
    const instants = instantRange(range)
    return { key, instants, list: await searchOrders(instants, filters) }
  }, [key])
  const shown = first.data?.key === key ? first.data : null
  const { items: orders, hasMore, loadingMore, loadMore } = useMorePages(
    first.data,
    (page) => (page.key === key ? page.list : null),
    // The same instants as the first page: "now" must not move under a keyset cursor.
    async (after, page) => await searchOrders(page.instants, filters, after),
  )
  return { problem, first, shown, orders, hasMore, loadingMore, loadMore }
}

/**
 * 交易明细 (R2): a store's orders created in a range of China days, filtered by channel, status,
 * amount and order number, newest first, 20 at a time. Each row opens the order.
 */
export default function ReportOrders () {
  const storeId = param('storeId')
  const [today] = useState(() => chinaToday())
  const [range, setRange] = useState<DayRange>(() => openingRange(today))
  const [staffId, setStaffId] = useState(() => param('staffId'))
  const [channel, setChannel] = useState<Channel>('')
  const [status, setStatus] = useState<Status>('')
  const [typed, setTyped] = useState<Typed>(NOTHING_TYPED)
  const [applied, setApplied] = useState<Typed>(NOTHING_TYPED)
  const [typedProblem, setTypedProblem] = useState<string | null>(null)

  const appliedTyped = typedFilters(applied)
  const filters: OrderFilters = {
    ...(storeId === '' ? {} : { storeId }),
    ...(staffId === '' ? {} : { staffId }),
    ...(channel === '' ? {} : { payPlatform: channel }),
    ...(status === '' ? {} : { status }),
    ...(appliedTyped.ok ? appliedTyped.filters : {}),
  }
  const { problem, first, shown, orders, hasMore, loadingMore, loadMore } = useOrderSearch(range, filters)
  useReachBottom(() => { loadMore() })

  const search = (): void => {
    const checked = typedFilters(typed)
    setTypedProblem(checked.ok ? null : checked.problem)
    if (checked.ok) setApplied(typed)
  }
  const reset = (): void => {
    setTyped(NOTHING_TYPED)
    setApplied(NOTHING_TYPED)
    setTypedProblem(null)
    setChannel('')
    setStatus('')
  }
  const type = (field: keyof Typed) => (e: { detail: unknown }) => { setTyped((t) => ({ ...t, [field]: String(e.detail) })) }

  return (
    <View className='report-orders'>
      <RangePicker value={range} today={today} onChange={setRange} />
      <View className='report-orders__filters'>
        <Chips className='report-orders__channel' choices={CHANNELS} value={channel} onChange={setChannel} />
        <Chips className='report-orders__status-filter' choices={STATUSES} value={status} onChange={setStatus} />
        {staffId !== '' && (
          <View className='report-orders__staff'>
            <Text>仅看所选店员的交易</Text>
            <View className='report-orders__staff-clear' onClick={() => { setStaffId('') }}>看全部店员</View>
          </View>
        )}
      </View>
      <CellGroup className='report-orders__typed'>
        <Field className='filter-min' label='最低金额' type='digit' placeholder='元，选填' value={typed.min} onChange={type('min')} />
        <Field className='filter-max' label='最高金额' type='digit' placeholder='元，选填' value={typed.max} onChange={type('max')} />
        <Field className='filter-no' label='商户订单号' placeholder='完整订单号，选填' value={typed.outTradeNo} onChange={type('outTradeNo')} />
      </CellGroup>
      {typedProblem !== null && <View className='report-orders__problem'>{typedProblem}</View>}
      <View className='report-orders__actions'>
        <Button className='report-orders__search' type='primary' size='small' onClick={search}>查询</Button>
        <Button className='report-orders__reset' size='small' plain onClick={reset}>重置</Button>
      </View>
      {problem === null && (
        <PageState
          loading={shown === null && first.error === null}
          error={first.error}
          empty={shown !== null && orders.length === 0 && '没有符合条件的交易'}
          onRetry={() => { first.reload() }}
        >
          <CellGroup>
            {orders.map((o) => <OrderRow key={o.id} className='report-orders__row' order={o} showOutTradeNo />)}
          </CellGroup>
          <LoadMore hasMore={hasMore} loading={loadingMore} onMore={() => { loadMore() }} moreClassName='report-orders__more' />
        </PageState>
      )}
    </View>
  )
}
