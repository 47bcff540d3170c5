import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import './index.scss'

export interface Bar {
  key: string
  /** Under the bar ('11-05', '09时'). */
  label: string
  value: number
  /** The value for people ('¥1,234.00'). */
  text: string
}

/** Labels under at most this many bars; the others show theirs when tapped. */
const MAX_LABELS = 16

/**
 * Bars of plain views, their heights in percent of the largest value: no chart library. Tapping a
 * bar shows its label and value above the chart.
 */
export function BarChart ({ bars, className = '' }: { bars: readonly Bar[], className?: string }) {
  const [picked, setPicked] = useState<string | null>(null)
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0)
  const every = Math.max(1, Math.ceil(bars.length / MAX_LABELS))
  const shown = bars.find((b) => b.key === picked) ?? null
  const wide = bars.length > 48

  return (
    <View className={`bar-chart ${className}`}>
      <View className='bar-chart__caption'>
        {shown === null
          ? <Text className='bar-chart__hint'>{`最高 ${bars.find((b) => b.value === max && max > 0)?.text ?? '—'}，单击柱子查看数值`}</Text>
          : <Text className='bar-chart__picked'>{`${shown.label}：${shown.text}`}</Text>}
      </View>
      <View className={`bar-chart__plot ${wide ? 'bar-chart__plot--wide' : ''}`}>
        {bars.map((b, i) => {
          const pct = max <= 0 || b.value <= 0 ? 0 : Math.max(1, (b.value / max) * 100)
          return (
            <View
              key={b.key}
              className={`bar-chart__col ${b.key === picked ? 'bar-chart__col--picked' : ''}`}
              onClick={() => { setPicked(b.key === picked ? null : b.key) }}
            >
              <View className='bar-chart__track'>
                <View className='bar-chart__bar' style={{ height: `${pct}%` }} />
              </View>
              <View className='bar-chart__label'>{i % every === 0 ? b.label : ''}</View>
            </View>
          )
        })}
      </View>
    </View>
  )
}
