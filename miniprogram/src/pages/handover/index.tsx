import { useState } from 'react'
import { Picker, View } from '@tarojs/components'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { fen, formatFen, STORE_PAYMENT_TYPE_LABELS, type HandoverKind, type HandoverSummaryDto } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { addDays, chinaDayRange, chinaShortTime, chinaToday } from '../../lib/china-time'
import { handoverSummaries, printedText, printHandover } from '../../services/orders'
import './index.scss'

/** How each window came about (shared/src/shifts.ts HandoverKind), as a clerk reads it. */
const KIND_LABELS: Record<HandoverKind, string> = {
  closed: '已交班',
  forgot_clock_out: '未下班打卡',
  on_duty: '当班中',
  unassigned: '待交班',
}

const count = (n: number, f: number): string => `${n} 笔 ${formatFen(fen(f))}`

function personOf (s: HandoverSummaryDto): string {
  if (s.staffName !== null) return s.staffName
  return s.kind === 'unassigned' ? '无人当班' : '店员'
}

/** Per channel, only the channels that took or returned money in the window. */
function channelLine (s: HandoverSummaryDto): string {
  return s.byChannel
    .filter((c) => c.paymentCount > 0 || c.refundCount > 0)
    .map((c) => `${STORE_PAYMENT_TYPE_LABELS[c.payPlatform]} 收 ${count(c.paymentCount, c.paymentFen)}，退 ${count(c.refundCount, c.refundFen)}`)
    .join('；')
}

function SummaryCard ({ storeId, summary: s }: { storeId: string, summary: HandoverSummaryDto }) {
  const [printing, setPrinting] = useState(false)
  const shiftId = s.shiftId
  const handlePrint = async (): Promise<void> => {
    if (shiftId === null) return
    setPrinting(true)
    try {
      toast(printedText(await printHandover(storeId, shiftId)), 'none')
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setPrinting(false)
    }
  }
  const channels = channelLine(s)
  return (
    <CellGroup className='handover__card' title={`${personOf(s)} · ${KIND_LABELS[s.kind]}`} inset>
      <Cell title='时段' value={`${chinaShortTime(s.from)} – ${s.to === null ? '至今' : chinaShortTime(s.to)}`} />
      <Cell title='收款' value={count(s.paymentCount, s.paymentFen)} {...(channels === '' ? {} : { label: channels })} />
      <Cell title='退款' value={count(s.refundCount, s.refundFen)} />
      <Cell title='实收' value={formatFen(fen(s.netFen))} className='handover__net' />
      {/* The unassigned window belongs to no shift yet, and the print route prints shifts. */}
      {shiftId !== null && (
        <View className='handover__print'>
          <Button className='handover__print-button' size='small' plain type='primary' loading={printing} onClick={handlePrint}>打印交接单</Button>
        </View>
      )}
    </CellGroup>
  )
}

/** Pick one China day; today is the default and the latest (a future day has nothing yet). */
function DayPicker ({ day, today, onChange }: { day: string, today: string, onChange: (day: string) => void }) {
  return (
    <View className='handover__days'>
      <Button className='handover__prev' size='small' onClick={() => onChange(addDays(day, -1))}>前一天</Button>
      <Picker mode='date' value={day} end={today} onChange={(e) => onChange(e.detail.value)}>
        <View className='handover__day'>{day === today ? `今天 ${day}` : day}</View>
      </Picker>
      <Button className='handover__next' size='small' disabled={day >= today} onClick={() => onChange(addDays(day, 1))}>后一天</Button>
    </View>
  )
}

export default function Handover () {
  const storeId = param('storeId')
  const today = chinaToday()
  const [day, setDay] = useState(today)
  const s = useData(async () => ({ day, summaries: await handoverSummaries(storeId, chinaDayRange(day)) }), [storeId, day])
  // useData keeps the last answer while the next loads: never show one day's summaries under another's date.
  const summaries = s.data?.day === day ? s.data.summaries : null

  return (
    <View className='handover'>
      <DayPicker day={day} today={today} onChange={(d) => setDay(d > today ? today : d)} />
      <PageState
        loading={s.loading && summaries === null}
        error={s.error}
        empty={summaries?.length === 0 && '当天没有交接班记录'}
        onRetry={() => s.reload()}
      >
        {summaries?.map((summary) => (
          <SummaryCard key={`${summary.shiftId ?? 'unassigned'}:${summary.from}`} storeId={storeId} summary={summary} />
        ))}
      </PageState>
    </View>
  )
}
