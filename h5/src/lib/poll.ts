/**
 * Polls `load` every `intervalMs` until `done` says so (the first load runs at once). Failed loads
 * are reported and retried. Returns a cancel function; nothing is reported after it is called.
 */
export function poll<T> (o: {
  load: () => Promise<T>
  done: (value: T) => boolean
  onUpdate: (value: T) => void
  onError?: (e: unknown) => void
  intervalMs: number
}): () => void {
  let cancelled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const tick = (): void => {
    o.load().then((value) => {
      if (cancelled) return
      o.onUpdate(value)
      if (!o.done(value)) timer = setTimeout(tick, o.intervalMs)
    }, (e: unknown) => {
      if (cancelled) return
      o.onError?.(e)
      timer = setTimeout(tick, o.intervalMs)
    })
  }
  tick()
  return () => {
    cancelled = true
    if (timer !== undefined) clearTimeout(timer)
  }
}
