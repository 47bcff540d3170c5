import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import {
  SUMMARY_FIGURES, SUMMARY_GROUP_LABELS, SUMMARY_GROUPS,
  type SummaryDto, type SummaryFigures, type SummaryGroup, type SummaryGroupDto,
} from '@yima/shared'
import { BarChart } from '../../../components/bar-chart'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice } from '../../../components/field'
import { Loading, Message, NoticeMessage, Section } from '../../../components/ui'
import { queryParam } from '../../../lib/format'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useNotice } from '../../../lib/use-notice'
import { getSummary, printedText, printSummary } from '../../../services/reports'
import { useMerchantStoreOptions } from './filters'
import { chinaDayHour, DateRangeFilter, presetRange, rangeQuery, type DateRange } from './range'
import { chartBars, figureText, FIGURES, GROUP_FILTER } from './summary-view'
import './index.scss'

const isGroup = (s: string | undefined): s is SummaryGroup => (SUMMARY_GROUPS as readonly string[]).includes(s ?? '')

/** 交易汇总 (R1): the eight figures of a range, grouped, charted by day or hour, printable per store. */
export default function Reports () {
  const params = useRouter().params
  const [range, setRange] = useState<DateRange>(() => {
    const start = queryParam(params, 'start')
    const end = queryParam(params, 'end')
    return start !== undefined && end !== undefined ? { start, end } : presetRange('last7')
  })
  const [merchantId, setMerchantId] = useState(queryParam(params, 'merchantId') ?? '')
  const [storeId, setStoreId] = useState(queryParam(params, 'storeId') ?? '')
  const [groupBy, setGroupBy] = useState<SummaryGroup | ''>(() => {
    const g = queryParam(params, 'groupBy')
    return g === 'none' ? '' : isGroup(g) ? g : 'day'
  })
  const options = useMerchantStoreOptions(merchantId)
  const q = rangeQuery(range)
  const from = q.ok ? q.from : ''
  const to = q.ok ? q.to : ''
  // A refused range never reaches the server.
  const summary = useConsoleData(async () => (from === ''
    ? null
    : await getSummary({ from, to, merchantId: merchantId === '' ? undefined : merchantId, storeId: storeId === '' ? undefined : storeId, groupBy: groupBy === '' ? undefined : groupBy })), [from, to, merchantId, storeId, groupBy])
  const { notice, setNotice, run } = useNotice()
  const s = summary.data

  const print = (): void => {
    if (!q.ok || storeId === '') return
    run(async () => printedText(await printSummary({ from: q.from, to: q.to, storeId, ...(groupBy === 'staff' ? { groupBy: 'staff' as const } : {}) })))
  }
  const openOrders = (g: SummaryGroupDto, by: SummaryGroup): void => {
    const base = { start: range.start, end: range.end, merchantId, storeId }
    if (by === 'day' && g.key !== null) {
      const ms = Date.parse(g.key)
      const day = Number.isNaN(ms) ? g.label.slice(0, 10) : chinaDayHour(ms).day
      go(ROUTES.orders, { ...base, start: day, end: day })
      return
    }
    const filter = GROUP_FILTER[by]
    if (filter !== undefined && g.key !== null) go(ROUTES.orders, { ...base, [filter]: g.key })
  }

  return (
    <ConsoleShell
      active='reports'
      title='交易汇总'
      actions={(
        <>
          {storeId !== '' && <Button size='small' className='reports__print' disabled={!q.ok} onClick={print}>{groupBy === 'staff' ? '打印（含店员）' : '打印'}</Button>}
          <Button size='small' type='primary' className='reports__orders' onClick={() => { go(ROUTES.orders, { start: range.start, end: range.end, merchantId, storeId }) }}>交易明细</Button>
        </>
      )}
    >
      <View className='filters'>
        <DateRangeFilter value={range} onChange={(r) => { setRange(r); setNotice(null) }} error={q.ok ? undefined : q.error} />
        <Choice name='merchantId' label='商户' options={options.merchants} value={merchantId} onChange={(v) => { setMerchantId(v); setStoreId(''); setNotice(null) }} />
        {merchantId !== '' && (
          <Choice name='storeId' label='门店' options={options.stores} value={storeId} onChange={(v) => { setStoreId(v); setNotice(null) }} empty='该商户还没有门店' />
        )}
        <Choice
          name='groupBy'
          label='分组'
          options={[{ value: '', label: '不分组' }, ...SUMMARY_GROUPS.map((g) => ({ value: g, label: SUMMARY_GROUP_LABELS[g] }))]}
          value={groupBy}
          onChange={(v) => { setGroupBy(isGroup(v) ? v : '') }}
        />
      </View>
      <NoticeMessage notice={notice} className='reports__notice' />
      {summary.error !== null && <Message className='reports__error'>{summary.error}</Message>}
      {summary.loading && s === null && q.ok && <Loading />}
      {s !== null && (
        <>
          <Figures figures={s.total} />
          {s.total.tradeCount === 0 && s.total.refundCount === 0 && <View className='list__empty reports__empty'>该时间段没有交易</View>}
          {(s.groupBy === 'day' || s.groupBy === 'hour') && (
            <Section title={s.groupBy === 'day' ? '每日交易金额' : '每小时交易金额'} className='reports__chart'>
              <BarChart bars={chartBars(s)} />
            </Section>
          )}
          {s.groupBy !== null && (
            <Section title={`分组明细（${SUMMARY_GROUP_LABELS[s.groupBy]}）`} className='reports__groups'>
              <GroupTable summary={s} onOpen={openOrders} />
            </Section>
          )}
        </>
      )}
    </ConsoleShell>
  )
}

function Figures ({ figures }: { figures: SummaryFigures }) {
  return (
    <View className='report-figures'>
      {FIGURES.map((key) => (
        <View key={key} className={`report-figure report-figure--${key}`}>
          <View className='report-figure__label'>{SUMMARY_FIGURES[key].label}</View>
          <View className='report-figure__value'>{figureText(key, figures)}</View>
          <View className='report-figure__definition'>{SUMMARY_FIGURES[key].definition}</View>
        </View>
      ))}
    </View>
  )
}

function GroupTable ({ summary, onOpen }: { summary: SummaryDto, onOpen: (g: SummaryGroupDto, by: SummaryGroup) => void }) {
  const by = summary.groupBy
  if (by === null) return null
  if (summary.groups.length === 0) return <View className='list__empty'>没有数据</View>
  const linked = by === 'day' || GROUP_FILTER[by] !== undefined
  return (
    <View className='report-table'>
      <View className='report-table__row report-table__row--head'>
        <View className='report-table__cell report-table__cell--label'>{SUMMARY_GROUP_LABELS[by].replace('按', '')}</View>
        {FIGURES.map((key) => <View key={key} className='report-table__cell'>{SUMMARY_FIGURES[key].label}</View>)}
        {linked && <View className='report-table__cell report-table__cell--action' />}
      </View>
      {summary.groups.map((g, i) => (
        <View key={g.key ?? `none-${i}`} className='report-table__row'>
          <View className='report-table__cell report-table__cell--label'>{g.label}</View>
          {FIGURES.map((key) => <View key={key} className={`report-table__cell report-table__cell--${key}`}>{figureText(key, g)}</View>)}
          {linked && (
            <View className='report-table__cell report-table__cell--action'>
              {g.key !== null && <Text className='action report-table__open' onClick={() => { onOpen(g, by) }}>明细</Text>}
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
