import { useRef } from 'react'
import type { LedgerEntryDto, LedgerPageDto, List } from '@yima/shared'
import type { LedgerRange } from '../services/members'
import { addDays, chinaDayRange, chinaToday } from './china-time'
import { useData } from './use-data'
import { useMorePages } from './use-more-pages'

/** The ledger's range choices: today, or the last 7 or 30 China days up to now. */
export type LedgerDays = 1 | 7 | 30

export const LEDGER_DAYS: ReadonlyArray<{ value: LedgerDays, label: string }> = [
  { value: 1, label: '今天' },
  { value: 7, label: '近7天' },
  { value: 30, label: '近30天' },
]

/** From the China midnight `days - 1` days ago to now (rounded up to the second). */
export function ledgerRange (days: LedgerDays, now: number = Date.now()): LedgerRange {
  const today = chinaToday(now)
  return { from: chinaDayRange(addDays(today, 1 - days), now).from, to: chinaDayRange(today, now).to }
}

interface FirstPage { key: string, range: LedgerRange, page: LedgerPageDto }

const asList = (page: LedgerPageDto): List<LedgerEntryDto> =>
  ({ object: 'list', data: page.data, hasMore: page.hasMore && page.nextCursor !== null })

/**
 * A ledger newest first, 20 entries at a time: the first page through useData (reloaded when the
 * page shows again and whenever `key` changes), later pages through useMorePages. The API pages by
 * `nextCursor`, so the cursor after each page is remembered by the page's last entry. `key` null:
 * nothing to ask yet (no phone typed). Later pages keep the first page's range: "now" must not
 * move under a keyset cursor.
 */
export function useLedger (key: string | null, days: LedgerDays, fetchPage: (range: LedgerRange, cursor?: string) => Promise<LedgerPageDto>) {
  const cursors = useRef(new Map<string, string>())
  const remember = (page: LedgerPageDto): LedgerPageDto => {
    const last = page.data[page.data.length - 1]
    if (last !== undefined && page.nextCursor !== null) cursors.current.set(last.id, page.nextCursor)
    return page
  }
  const fullKey = key === null ? null : `${key}|${days}`
  const first = useData(async (): Promise<FirstPage | null> => {
    if (fullKey === null) return null
    const range = ledgerRange(days)
    return { key: fullKey, range, page: remember(await fetchPage(range)) }
  }, [fullKey])
  const shown = first.data !== null && first.data.key === fullKey ? first.data : null
  const more = useMorePages(
    first.data,
    (f) => (f?.key === fullKey ? asList(f.page) : null),
    async (lastId, f) => {
      const cursor = cursors.current.get(lastId)
      if (f === null || cursor === undefined) return { object: 'list', data: [], hasMore: false }
      return asList(remember(await fetchPage(f.range, cursor)))
    },
  )
  return { first, shown, ...more }
}

export type Ledger = ReturnType<typeof useLedger>
