import { Picker, Text, View } from '@tarojs/components'
import { QUICK_RANGES, rangeProblem, type DayRange } from '../../services/reports'
import './controls.scss'

/**
 * The controls 交易汇总 and 交易明细 share: a row of choices, and the China-day range picker. Plain
 * Views take the taps (a vantui Button inside a Cell did not receive them on weapp).
 */

export interface Choice<T> { value: T, label: string }

/** One of a few choices, as a row of chips; the chosen one is highlighted. */
export function Chips<T> ({ className, choices, value, onChange }: { className: string, choices: ReadonlyArray<Choice<T>>, value: T, onChange: (value: T) => void }) {
  return (
    <View className={`chips ${className}`}>
      {choices.map((c) => (
        <View
          key={c.label}
          className={`chips__chip${c.value === value ? ' chips__chip--on' : ''}`}
          onClick={() => { onChange(c.value) }}
        >
          {c.label}
        </View>
      ))}
    </View>
  )
}

/**
 * 今天/昨天/近7天/近30天 and a start and an end day (never after today). A range the server would
 * refuse (over 90 days, start after end) is said here; the pages then send nothing.
 */
export function RangePicker ({ value, today, onChange }: { value: DayRange, today: string, onChange: (range: DayRange) => void }) {
  const problem = rangeProblem(value)
  return (
    <View className='range'>
      <View className='chips range__quick'>
        {QUICK_RANGES.map((q) => {
          const r = q.range(today)
          const on = r.start === value.start && r.end === value.end
          return (
            <View key={q.label} className={`chips__chip${on ? ' chips__chip--on' : ''}`} onClick={() => { onChange(r) }}>{q.label}</View>
          )
        })}
      </View>
      <View className='range__days'>
        <Picker className='range__start' mode='date' value={value.start} end={today} onChange={(e) => { onChange({ ...value, start: e.detail.value }) }}>
          <View className='range__day'>{value.start}</View>
        </Picker>
        <Text className='range__to'>至</Text>
        <Picker className='range__end' mode='date' value={value.end} end={today} onChange={(e) => { onChange({ ...value, end: e.detail.value }) }}>
          <View className='range__day'>{value.end}</View>
        </Picker>
      </View>
      {problem !== null && <View className='range__problem'>{problem}</View>}
    </View>
  )
}
