import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Cell, CellGroup } from '@antmjs/vantui'
import { fen, formatFen, LEDGER_KINDS, LEDGER_POTS, ONLINE_STORE_NAME, type LedgerEntryDto } from '@yima/shared'
import { chinaDateTime } from '../../lib/china-time'
import { LEDGER_DAYS, type Ledger, type LedgerDays } from '../../lib/use-ledger'
import { Chips } from '../../pages/report/controls'
import { LoadMore } from '../load-more'
import { PageState } from '../page-state'
import './index.scss'

interface Props {
  entry: LedgerEntryDto
  /** Offers 退款 on the entry (a balance payment the person may refund). */
  onRefund?: () => void
}

/** A signed amount: '+¥10.00' credits, '-¥5.00' debits. */
export const signedFen = (amountFen: number): string => `${amountFen > 0 ? '+' : ''}${formatFen(fen(amountFen))}`

/**
 * One balance ledger entry: what changed which pot (本金/赠送金) by how much, where (an entry not made
 * at a store is the online store's), when in China time, and why and by whom when a person did it.
 */
export function LedgerEntry ({ entry, onRefund }: Props) {
  const store = entry.storeId === null ? ONLINE_STORE_NAME : entry.storeName
  const cell = (
    <Cell
      className={`ledger-entry ledger-entry--${entry.kind}`}
      title={`${LEDGER_KINDS[entry.kind]} · ${LEDGER_POTS[entry.pot]}`}
      renderLabel={(
        <View className='ledger-entry__meta'>
          <View className='ledger-entry__line'>
            <Text>{chinaDateTime(entry.createdAt)}</Text>
            <Text>{store}</Text>
          </View>
          {(entry.reason !== null || entry.operatorName !== null) && (
            <View className='ledger-entry__line'>
              {entry.reason !== null && <Text className='ledger-entry__reason'>{entry.reason}</Text>}
              {entry.operatorName !== null && <Text>{`操作人 ${entry.operatorName}`}</Text>}
            </View>
          )}
          <View className='ledger-entry__line ledger-entry__after'>
            <Text>{`变动后 本金 ${formatFen(fen(entry.principalAfterFen))} · 赠送金 ${formatFen(fen(entry.bonusAfterFen))}`}</Text>
          </View>
        </View>
      )}
    >
      <Text className={`ledger-entry__amount ledger-entry__amount--${entry.amountFen < 0 ? 'out' : 'in'}`}>{signedFen(entry.amountFen)}</Text>
    </Cell>
  )
  if (onRefund === undefined) return cell
  // Beside the Cell, not in it: the Cell binds taps itself, and on weapp Taro holds back a tap inside
  // a tap-bound ancestor until the ancestor's own tap arrives (isParentBound in @tarojs/runtime).
  return (
    <>
      {cell}
      <View className='ledger-entry__actions'>
        <View className='ledger-entry__refund' onClick={onRefund}>退款</View>
      </View>
    </>
  )
}

interface ListProps {
  title: string
  days: LedgerDays
  onDays: (days: LedgerDays) => void
  ledger: Ledger
  /** Shown when the range has no entries. */
  empty: string
  /** An entry as the page shows it (with its own actions); a plain LedgerEntry by default. */
  renderEntry?: (entry: LedgerEntryDto) => ReactNode
}

/** 今天/近7天/近30天, then the range's entries newest first with 加载更多. */
export function LedgerList ({ title, days, onDays, ledger, empty, renderEntry }: ListProps) {
  const { first, shown, items, hasMore, loadingMore, loadMore } = ledger
  return (
    <View className='ledger-list'>
      <View className='ledger-list__head'>
        <Text className='ledger-list__title'>{title}</Text>
        <Chips className='ledger-list__days' choices={LEDGER_DAYS} value={days} onChange={onDays} />
      </View>
      <PageState
        loading={shown === null && first.error === null}
        error={first.error}
        empty={shown !== null && items.length === 0 && empty}
        onRetry={() => { first.reload() }}
      >
        <CellGroup>
          {items.map((e) => renderEntry === undefined ? <LedgerEntry key={e.id} entry={e} /> : <View key={e.id}>{renderEntry(e)}</View>)}
        </CellGroup>
        <LoadMore hasMore={hasMore} loading={loadingMore} onMore={() => { loadMore() }} moreClassName='ledger-list__more' />
      </PageState>
    </View>
  )
}
