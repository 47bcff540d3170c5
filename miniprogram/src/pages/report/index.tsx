import { useState } from 'react'
import { Picker, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import {
  fen, formatFen, SUMMARY_FIGURES, SUMMARY_GROUP_LABELS,
  type SummaryDto, type SummaryFigure, type SummaryFigures, type SummaryGroup, type SummaryGroupDto,
} from '@yima/shared'
import { BarChart, type Bar } from '../../components/bar-chart'
import { PageState } from '../../components/page-state'
import { addDays, chinaDateTime, chinaToday } from '../../lib/china-time'
import { go, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import {
  getSummary, instantRange, printResultText, printSummary, rangeDays, rangeProblem, reportStores,
  type DayRange, type InstantRange, type ReportStores,
} from '../../services/reports'
import { Chips, RangePicker, type Choice } from './controls'
import './index.scss'

/** The store choice that means every store the person may see (merchant admins only). */
const ALL = ''

const money = (n: number): string => formatFen(fen(n))

/** The eight figures in the order SUMMARY_FIGURES defines them. */
const FIGURES = Object.keys(SUMMARY_FIGURES) as SummaryFigure[]

const figureText = (figures: SummaryFigures, f: SummaryFigure): string =>
  f === 'tradeCount' || f === 'refundCount' ? String(figures[f]) : money(figures[f])

const STORE_GROUPS: SummaryGroup[] = ['staff', 'qr_code', 'device', 'day', 'hour']

function groupChoices (allStores: boolean): Array<Choice<SummaryGroup>> {
  return (allStores ? ['store' as const, ...STORE_GROUPS] : STORE_GROUPS).map((g) => ({ value: g, label: SUMMARY_GROUP_LABELS[g] }))
}

/** Until the person picks a grouping: by hour for one day, by day for longer. */
const autoGroup = (range: DayRange): SummaryGroup => rangeDays(range) === 1 ? 'hour' : 'day'

/** More hourly bars than a week's would not fit a phone; the list below still has every hour. */
const HOUR_CHART_MAX_DAYS = 7
const HOUR_MS = 3_600_000

/**
 * The chart's bars: every day or hour of the range, those without takings at 0 (the server lists
 * only buckets with something in them). A bucket's key is its start as ISO 8601.
 */
function chartBars (summary: SummaryDto, range: DayRange, instants: InstantRange): Bar[] | null {
  if (summary.groupBy !== 'day' && summary.groupBy !== 'hour') return null
  if (summary.groupBy === 'hour' && rangeDays(range) > HOUR_CHART_MAX_DAYS) return null
  const takings = new Map<number, number>()
  for (const g of summary.groups) {
    if (g.key === null) continue
    const start = Date.parse(g.key)
    takings.set(start, (takings.get(start) ?? 0) + g.tradeFen)
  }
  const bars: Bar[] = []
  if (summary.groupBy === 'day') {
    for (let d = range.start; d <= range.end; d = addDays(d, 1)) {
      bars.push({ key: d, label: d.slice(5), title: d, value: takings.get(Date.parse(`${d}T00:00:00+08:00`)) ?? 0 })
    }
  } else {
    const end = Date.parse(instants.to)
    for (let t = Date.parse(instants.from); t < end; t += HOUR_MS) {
      const at = chinaDateTime(new Date(t).toISOString())
      bars.push({ key: String(t), label: at.slice(11, 13), title: at.slice(5), value: takings.get(t) ?? 0 })
    }
  }
  return bars
}

function FigureGrid ({ figures }: { figures: SummaryFigures }) {
  // The definitions are the shared ones the server counts by; a tap explains a figure.
  const explain = async (f: SummaryFigure): Promise<void> => {
    await Taro.showModal({ title: SUMMARY_FIGURES[f].label, content: SUMMARY_FIGURES[f].definition, showCancel: false, confirmText: '知道了' })
  }
  return (
    <View className='report__figures'>
      {FIGURES.map((f) => (
        <View key={f} className={`report__figure report__figure--${f}`} onClick={() => { explain(f).catch(() => {}) }}>
          <Text className='report__figure-label'>{SUMMARY_FIGURES[f].label}</Text>
          <Text className='report__figure-value'>{figureText(figures, f)}</Text>
        </View>
      ))}
    </View>
  )
}

function GroupRow ({ group, onOpen }: { group: SummaryGroupDto, onOpen?: () => void }) {
  const detail = `交易 ${group.tradeCount} 笔 · 退款 ${group.refundCount} 笔 ${money(group.refundFen)} · 实收 ${money(group.realReceivedFen)}`
  return (
    <Cell
      className='report__group'
      title={group.label}
      label={detail}
      value={money(group.tradeFen)}
      {...(onOpen === undefined ? {} : { isLink: true, onClick: onOpen })}
    />
  )
}

/** 打印 and 按店员打印: the summary slip on the store's own cloud printers. */
function PrintActions ({ storeId, instants }: { storeId: string, instants: InstantRange }) {
  const [printing, setPrinting] = useState<'total' | 'staff' | null>(null)
  const print = async (what: 'total' | 'staff'): Promise<void> => {
    if (printing !== null) return
    setPrinting(what)
    try {
      const body = what === 'staff' ? { ...instants, storeId, groupBy: 'staff' as const } : { ...instants, storeId }
      toast(printResultText(await printSummary(body)), 'none')
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setPrinting(null)
    }
  }
  return (
    <View className='report__actions'>
      <Button className='report__print' size='small' plain type='primary' loading={printing === 'total'} onClick={() => { print('total') }}>打印</Button>
      <Button className='report__print-staff' size='small' plain type='primary' loading={printing === 'staff'} onClick={() => { print('staff') }}>按店员打印</Button>
    </View>
  )
}

interface SummaryProps {
  /** ALL, or one store. */
  storeId: string
  range: DayRange
  groupBy: SummaryGroup
  onGroupBy: (g: SummaryGroup) => void
}

function Summary ({ storeId, range, groupBy, onGroupBy }: SummaryProps) {
  const problem = rangeProblem(range)
  const key = `${storeId}|${range.start}|${range.end}|${groupBy}`
  const s = useData(async () => {
    // The range picker says what is wrong; nothing the server would refuse is sent.
    if (problem !== null) return null
    // "Now" is taken at each load, so today's summary reaches the time it was asked.
    const instants = instantRange(range)
    const summary = await getSummary({ ...instants, ...(storeId === ALL ? {} : { storeId }), groupBy })
    return { key, instants, summary }
  }, [key])
  if (problem !== null) return null
  // useData keeps the last answer while the next loads: never show one range's figures under another.
  const shown = s.data?.key === key ? s.data : null
  const bars = shown === null ? null : chartBars(shown.summary, range, shown.instants)
  // Hours and days list only those with something in them.
  const groups = shown?.summary.groups.filter((g) => (groupBy !== 'day' && groupBy !== 'hour') || g.tradeCount > 0 || g.refundCount > 0) ?? []
  const openStaff = (g: SummaryGroupDto): (() => void) | undefined => groupBy !== 'staff' || g.key === null
    ? undefined
    : () => { go('/pages/report-orders/index', { ...(storeId === ALL ? {} : { storeId }), staffId: g.key ?? '', start: range.start, end: range.end }) }

  return (
    <PageState loading={shown === null && s.error === null} error={s.error} onRetry={() => { s.reload() }}>
      {shown !== null && (
        <>
          <FigureGrid figures={shown.summary.total} />
          {storeId !== ALL && <PrintActions storeId={storeId} instants={shown.instants} />}
          <View className='report__grouping'>
            <Chips className='report__group-by' choices={groupChoices(storeId === ALL)} value={groupBy} onChange={onGroupBy} />
          </View>
          {bars !== null && (
            <CellGroup title={groupBy === 'day' ? '每天交易金额' : '每小时交易金额'} className='report__chart'>
              <BarChart bars={bars} format={money} />
            </CellGroup>
          )}
          {bars === null && groupBy === 'hour' && <View className='report__note'>{`按小时的图表最多显示 ${HOUR_CHART_MAX_DAYS} 天，下方列出每个有交易的小时`}</View>}
          <CellGroup title={`${SUMMARY_GROUP_LABELS[groupBy]}汇总`}>
            {groups.map((g) => <GroupRow key={g.key ?? 'none'} group={g} onOpen={openStaff(g)} />)}
            {groups.length === 0 && <Cell className='report__no-groups' title='这段时间没有交易' />}
          </CellGroup>
        </>
      )}
    </PageState>
  )
}

/** The store picker: admins choose 全部门店 or one of their stores; people at several stores, one of them. */
function StorePicker ({ stores, storeId, onChange }: { stores: ReportStores, storeId: string, onChange: (id: string) => void }) {
  const options = [...(stores.all ? [{ id: ALL, name: '全部门店' }] : []), ...stores.stores]
  if (options.length < 2) return null
  const index = options.findIndex((o) => o.id === storeId)
  return (
    <Picker
      className='report__store'
      mode='selector'
      range={options.map((o) => o.name)}
      value={Math.max(index, 0)}
      onChange={(e) => {
        const picked = options[Number(e.detail.value)]
        if (picked !== undefined) onChange(picked.id)
      }}
    >
      <View className='report__store-choice'>
        <Text className='report__store-label'>门店</Text>
        <Text className='report__store-name'>{options[index]?.name ?? '本门店'}</Text>
      </View>
    </Picker>
  )
}

/** The store to show before the person picks one: the page's, else all (admins), else where they work. */
function defaultStore (fromPage: string, stores: ReportStores | null): string | undefined {
  if (fromPage !== '') return fromPage
  if (stores === null) return undefined
  return stores.all ? ALL : stores.stores[0]?.id
}

/**
 * 交易汇总 (R1, seed 000 查看交易汇总): the eight figures of a range of China days for one store or,
 * for merchant admins, all of theirs; grouped by clerk, code, device, day or hour, with the takings
 * drawn per day or hour; and the slip printed on the store's printers.
 */
export default function Report () {
  const fromPage = param('storeId')
  const [today] = useState(() => chinaToday())
  const [range, setRange] = useState<DayRange>({ start: today, end: today })
  const [picked, setPicked] = useState<string | null>(null)
  const [chosenGroup, setChosenGroup] = useState<SummaryGroup | null>(null)
  const stores = useData(reportStores)

  const storeId = picked ?? defaultStore(fromPage, stores.data)
  // 按门店 only makes sense across stores; after picking one store it falls back to the default.
  const groupBy = chosenGroup !== null && (chosenGroup !== 'store' || storeId === ALL) ? chosenGroup : autoGroup(range)

  return (
    <View className='report'>
      <RangePicker value={range} today={today} onChange={setRange} />
      {stores.data !== null && storeId !== undefined && <StorePicker stores={stores.data} storeId={storeId} onChange={setPicked} />}
      {storeId === undefined
        ? (
          <PageState
            loading={stores.loading}
            error={stores.error}
            empty={stores.data !== null && '没有可查看交易的门店'}
            onRetry={() => { stores.reload() }}
          />
          )
        : <Summary storeId={storeId} range={range} groupBy={groupBy} onGroupBy={setChosenGroup} />}
    </View>
  )
}
