import { useState } from 'react'
import { ScrollView, Text, View } from '@tarojs/components'
import './index.scss'

export interface Bar {
  key: string
  /** Under the bar, short ('01-05', '09'). */
  label: string
  /** Above the chart when the bar is tapped ('2026-01-05 09:00'). */
  title: string
  /** Not negative; a negative value draws as 0. */
  value: number
}

/**
 * Vertical bars drawn with plain Views, each as tall as its share of the largest value (no chart
 * library: none renders in both the weapp and H5 builds without a canvas). Many bars scroll
 * sideways. Tapping a bar shows its value; until then the largest is shown.
 */
export function BarChart ({ bars, format }: { bars: Bar[], format: (value: number) => string }) {
  const [picked, setPicked] = useState<string | null>(null)
  const max = Math.max(0, ...bars.map((b) => b.value))
  const peak = bars.find((b) => b.value === max)
  const shown = bars.find((b) => b.key === picked) ?? peak
  return (
    <View className='bar-chart'>
      {shown !== undefined && (
        <View className='bar-chart__caption'>
          <Text className='bar-chart__caption-title'>{shown === peak && picked === null ? `最高 ${shown.title}` : shown.title}</Text>
          <Text className='bar-chart__caption-value'>{format(shown.value)}</Text>
        </View>
      )}
      <ScrollView className='bar-chart__scroll' scrollX>
        <View className='bar-chart__bars'>
          {bars.map((b) => (
            <View
              key={b.key}
              className={`bar-chart__bar${b.key === shown?.key ? ' bar-chart__bar--on' : ''}`}
              onClick={() => { setPicked(b.key) }}
            >
              <View className='bar-chart__column'>
                <View className='bar-chart__fill' style={{ height: `${heightPercent(b.value, max)}%` }} />
              </View>
              <Text className='bar-chart__label'>{b.label}</Text>
            </View>
          ))}
        </View>
      </ScrollView>
    </View>
  )
}

/** The bar's height as a share of the tallest, rounded to 0.1 %; a value above 0 stays visible. */
export function heightPercent (value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0
  return Math.max(1, Math.round((value / max) * 1000) / 10)
}
