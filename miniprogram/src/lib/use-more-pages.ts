import { useEffect, useRef, useState } from 'react'
import type { List } from '@yima/shared'
import { toast } from './nav'
import { errorText } from './session'

/**
 * 加载更多 after a first page that useData loaded (so it reloads when the page shows again):
 * later pages, asked for after the last item shown, are appended here and dropped whenever `first`
 * changes (the first page reloaded, so the list may have moved); a later page that answers after
 * such a reload is dropped too. A failure is toasted.
 *
 * `pageOf` picks the list out of `first` (null: nothing to show, e.g. the query changed and the
 * first page is still loading); `fetchAfter` asks for the page after `lastId`.
 */
export function useMorePages<F, T extends { id: string }> (
  first: F | null,
  pageOf: (first: F) => List<T> | null,
  fetchAfter: (lastId: string, first: F) => Promise<List<T>>,
) {
  const [later, setLater] = useState<List<T> | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  // The first page a "load more" started from: its answer is dropped if the list reloaded meanwhile.
  const base = useRef(first)
  base.current = first
  useEffect(() => { setLater(null) }, [first])

  const page = first === null ? null : pageOf(first)
  const items = page === null ? [] : [...page.data, ...(later?.data ?? [])]
  const hasMore = page !== null && (later?.hasMore ?? page.hasMore)

  const loadMore = async (): Promise<void> => {
    const last = items[items.length - 1]
    if (loadingMore || !hasMore || last === undefined || first === null) return
    const startedFrom = first
    setLoadingMore(true)
    try {
      const next = await fetchAfter(last.id, startedFrom)
      if (base.current !== startedFrom) return
      setLater((prev) => ({ object: 'list', data: [...(prev?.data ?? []), ...next.data], hasMore: next.hasMore }))
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setLoadingMore(false)
    }
  }
  return { items, hasMore, loadingMore, loadMore }
}
