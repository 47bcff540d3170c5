import { useCallback, useRef, useState } from 'react'
import { useConsoleReload } from './console-state'
import { ApiError } from '@yima/shared'
import { errorMessage } from './forms'

export interface AsyncState<T> {
  data: T | null
  error: string | null
  loading: boolean
  reload: () => void
}

/**
 * Loads once, on `deps` changes, and again after the console became usable (WeChat bound). Late
 * answers of an older load are dropped.
 */
export function useConsoleData<T> (load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const seq = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useConsoleReload(() => {
    const mine = ++seq.current
    setLoading(true)
    setError(null)
    loadRef.current().then((value) => {
      if (mine !== seq.current) return
      setData(value)
      setLoading(false)
    }, (e: unknown) => {
      if (mine !== seq.current) return
      // The binding dialog covers the page and it loads again once bound: no error to show.
      setError(e instanceof ApiError && e.code === 'wechat_binding_required' ? null : errorMessage(e))
      setLoading(false)
    })
  }, [tick, ...deps])

  const reload = useCallback(() => { setTick((t) => t + 1) }, [])
  return { data, error, loading, reload }
}
