import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import type { ResultView } from '../../lib/scan-result'
import './index.scss'

/** A full-page outcome for phones: icon, title, explanation. */
export function ResultPage ({ view, className = '', children }: { view: ResultView, className?: string, children?: ReactNode }) {
  return (
    <View className={`result result--${view.tone} ${className}`}>
      <View className='result__icon'>{view.tone === 'success' ? '✓' : '!'}</View>
      <View className='result__title'>{view.title}</View>
      <View className='result__detail'>{view.detail}</View>
      {view.next !== undefined && <a className='result__next' href={view.next.href}>{view.next.label}</a>}
      {children}
    </View>
  )
}
