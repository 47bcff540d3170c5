import { View } from '@tarojs/components'
import { MAX_SUMMARY_RANGE_DAYS } from '@yima/shared'

/*
 * Report ranges are whole China days (UTC+8 all year, no daylight saving), whatever the viewer's
 * time zone: the server's day and hour buckets and the store's receipts are in China time too.
 */

const CHINA_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

const chinaParts = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString()

/** Today's date in China ('2026-11-05'). */
export function chinaToday (now: number = Date.now()): string {
  return chinaParts(now).slice(0, 10)
}

/** The date `days` after `day` ('2026-11-05', -1 → '2026-11-04'). */
export function addDays (day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** '2026-11-05 09:30:12' in China time; '—' for null or unparsable input. */
export function chinaDateTime (iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—'
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return '—'
  const t = chinaParts(ms)
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`
}

/** The China date and hour of an instant ('2026-11-05', 9). */
export function chinaDayHour (ms: number): { day: string, hour: number } {
  const t = chinaParts(ms)
  return { day: t.slice(0, 10), hour: Number(t.slice(11, 13)) }
}

/** The instant a China date starts. */
export const chinaDayStart = (day: string): number => Date.parse(`${day}T00:00:00+08:00`)

/** First and last day, both included. */
export interface DateRange { start: string, end: string }

export type RangePreset = 'today' | 'yesterday' | 'last7' | 'last30'
export const RANGE_PRESETS: ReadonlyArray<{ key: RangePreset, label: string }> = [
  { key: 'today', label: '今天' },
  { key: 'yesterday', label: '昨天' },
  { key: 'last7', label: '近7天' },
  { key: 'last30', label: '近30天' },
]

export function presetRange (preset: RangePreset, now: number = Date.now()): DateRange {
  const today = chinaToday(now)
  switch (preset) {
    case 'today': return { start: today, end: today }
    case 'yesterday': return { start: addDays(today, -1), end: addDays(today, -1) }
    case 'last7': return { start: addDays(today, -6), end: today }
    case 'last30': return { start: addDays(today, -29), end: today }
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const isDate = (s: string): boolean => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && addDays(s, 0) === s

export const RANGE_TOO_LONG = `一次最多查询 ${MAX_SUMMARY_RANGE_DAYS} 天`

/**
 * The API's `from`/`to` for a range of China days: from the first day's 00:00 to the day after the
 * last one (exclusive), with the +08:00 offset. Refuses what the server would: more than 90 days.
 */
export function rangeQuery (r: DateRange): { ok: true, from: string, to: string } | { ok: false, error: string } {
  if (!isDate(r.start)) return { ok: false, error: '请选择开始日期' }
  if (!isDate(r.end)) return { ok: false, error: '请选择结束日期' }
  if (r.end < r.start) return { ok: false, error: '结束日期不能早于开始日期' }
  const next = addDays(r.end, 1)
  if (chinaDayStart(next) - chinaDayStart(r.start) > MAX_SUMMARY_RANGE_DAYS * DAY_MS) return { ok: false, error: RANGE_TOO_LONG }
  return { ok: true, from: `${r.start}T00:00:00+08:00`, to: `${next}T00:00:00+08:00` }
}

/** The start/end date inputs and the quick ranges. */
export function DateRangeFilter ({ value, onChange, error }: { value: DateRange, onChange: (r: DateRange) => void, error?: string }) {
  const active = RANGE_PRESETS.find((p) => {
    const r = presetRange(p.key)
    return r.start === value.start && r.end === value.end
  })?.key
  return (
    <View className={`field field--range${error !== undefined ? ' field--error' : ''}`}>
      <View className='field__label'>时间范围</View>
      <View className='field__control'>
        <View className='range'>
          <input
            type='date'
            className='range__input range__start'
            aria-label='开始日期'
            value={value.start}
            onChange={(e) => { onChange({ ...value, start: e.target.value }) }}
          />
          <View className='range__sep'>至</View>
          <input
            type='date'
            className='range__input range__end'
            aria-label='结束日期'
            value={value.end}
            onChange={(e) => { onChange({ ...value, end: e.target.value }) }}
          />
        </View>
        <View className='choice range__presets'>
          {RANGE_PRESETS.map((p) => (
            <View
              key={p.key}
              className={`choice__item range__preset range__preset--${p.key} ${p.key === active ? 'choice__item--active' : ''}`}
              onClick={() => { onChange(presetRange(p.key)) }}
            >
              {p.label}
            </View>
          ))}
        </View>
        {error !== undefined && <View className='field__error range__error'>{error}</View>}
      </View>
    </View>
  )
}
