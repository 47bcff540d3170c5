import { useCallback, useEffect, useRef, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { ApiError } from '@yima/shared'
import { errorText } from './session'

export interface DataState<T> {
  data: T | null
  /** The failure in words, null when the last load succeeded. */
  error: string | null
  /** The server's error code of that failure (`mini_program_not_linked`), when it gave one. */
  errorCode: string | null
  loading: boolean
  reload: () => void
}

/**
 * Loads when the page opens, when `deps` change and when the page shows again (back from a page
 * that changed something). An older load's late answer never overwrites a newer one.
 */
export function useData<T> (load: () => Promise<T>, deps: readonly unknown[] = []): DataState<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<{ text: string, code: string | null } | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const seq = useRef(0)
  const shown = useRef(false)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const mine = ++seq.current
    setLoading(true)
    setError(null)
    loadRef.current().then((value) => {
      if (mine !== seq.current) return
      setData(value)
      setLoading(false)
    }, (e: unknown) => {
      if (mine !== seq.current) return
      setError({ text: errorText(e), code: e instanceof ApiError ? e.code : null })
      setLoading(false)
    })
  }, [tick, ...deps])

  const reload = useCallback(() => { setTick((t) => t + 1) }, [])
  useDidShow(() => {
    // The first show is the first load above.
    if (shown.current) reload()
    shown.current = true
  })
  return { data, error: error?.text ?? null, errorCode: error?.code ?? null, loading, reload }
}
