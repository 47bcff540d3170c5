import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { LedgerPageDto } from '@yima/shared'
import { browser } from '../../../lib/browser'
import { addDays, cardFailure, chinaClock, chinaToday, ledgerLabel, ledgerQuery, ledgerRangeLabel, ledgerStore, signedYuan } from '../../../lib/card-view'
import { getCardLedger } from '../../../services/cards'

const SPANS = [{ days: 1, label: '单日' }, { days: 7, label: '近 7 天' }] as const

/**
 * 会员卡流水: the member's own entries, one China day at a time by default (the seed's 默认显示单天
 * 流水), with the previous and next day, or seven days at a time. `version` changes after a
 * recharge so the list shows it.
 */
export function Ledger ({ cardId, authUrl, version }: { cardId: string, authUrl: string, version: number }) {
  const today = chinaToday()
  const [end, setEnd] = useState(today)
  const [days, setDays] = useState(1)
  const [page, setPage] = useState<LedgerPageDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [round, setRound] = useState(0)
  const seq = useRef(0)

  useEffect(() => {
    const mine = ++seq.current
    setLoading(true)
    setError(null)
    getCardLedger(cardId, ledgerQuery(end, days)).then((p) => {
      if (mine !== seq.current) return
      setPage(p)
      setLoading(false)
    }, (e: unknown) => {
      if (mine !== seq.current) return
      const f = cardFailure(e, '流水加载失败，请稍后再试')
      if (f.kind === 'auth') browser.replace(authUrl)
      else setError(f.message)
      setLoading(false)
    })
    return () => { seq.current++ }
  }, [cardId, authUrl, end, days, version, round])

  const last = end >= today
  const step = days === 1 ? '天' : ` ${days} 天`
  const entries = page?.data ?? []
  return (
    <View className='card-section card-ledger'>
      <View className='card-ledger__head'>
        <View className='card-section__title'>会员卡流水</View>
        <View className='card-ledger__spans'>
          {SPANS.map((s) => (
            <View key={s.days} className={`card-ledger__span ${days === s.days ? 'card-ledger__span--on' : ''}`} onClick={() => { setDays(s.days) }}>{s.label}</View>
          ))}
        </View>
      </View>
      <View className='card-ledger__nav'>
        <View className='card-ledger__prev' onClick={() => { setEnd(addDays(end, -days)) }}>{`‹ 前一${step}`}</View>
        <View className='card-ledger__range'>{ledgerRangeLabel(end, days, today)}</View>
        <View className={`card-ledger__next ${last ? 'card-ledger__next--off' : ''}`} onClick={last ? undefined : () => { const next = addDays(end, days); setEnd(next > today ? today : next) }}>{`后一${step} ›`}</View>
      </View>
      {error !== null
        ? (
          <View className='card-ledger__error'>
            <View className='card-error'>{error}</View>
            <View className='card-ledger__retry' onClick={() => { setRound((n) => n + 1) }}>重试</View>
          </View>
          )
        : loading && page === null
          ? <View className='card-ledger__empty'>加载中…</View>
          : entries.length === 0
            ? <View className='card-ledger__empty'>{days === 1 ? '当天没有流水' : `这 ${days} 天没有流水`}</View>
            : (
              <View className='card-ledger__list'>
                {entries.map((e) => (
                  <View key={e.id} className='card-ledger__entry'>
                    <View className='card-ledger__row'>
                      <Text className='card-ledger__kind'>{ledgerLabel(e)}</Text>
                      <Text className={`card-ledger__amount card-ledger__amount--${e.amountFen < 0 ? 'out' : 'in'}`}>{signedYuan(e.amountFen)}</Text>
                    </View>
                    <View className='card-ledger__meta'>{`${ledgerStore(e)} · ${chinaClock(e.createdAt, days > 1)}`}</View>
                  </View>
                ))}
                {page?.hasMore === true ? <View className='card-ledger__more'>{`仅显示最近的 ${entries.length} 条流水`}</View> : null}
              </View>
              )}
    </View>
  )
}
