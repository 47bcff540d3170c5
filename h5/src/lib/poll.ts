/**
 * Polls `load` until `done` says so (the first load runs at once). `intervalMs` is either the
 * wait between loads, forever, or a bounded schedule: the wait before each further load, after
 * which `onGiveUp` is called. Failed loads are reported and retried on the same schedule. Returns a
 * cancel function; nothing is reported after it is called.
 */
export function poll<T> (o: {
  load: () => Promise<T>
  done: (value: T) => boolean
  onUpdate: (value: T) => void
  onError?: (e: unknown) => void
  intervalMs: number | readonly number[]
  onGiveUp?: () => void
}): () => void {
  let cancelled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let waits = 0
  const next = (): void => {
    const wait = typeof o.intervalMs === 'number' ? o.intervalMs : o.intervalMs[waits]
    waits++
    if (wait === undefined) o.onGiveUp?.()
    else timer = setTimeout(tick, wait)
  }
  const tick = (): void => {
    o.load().then((value) => {
      if (cancelled) return
      o.onUpdate(value)
      // The callbacks may cancel.
      if (!cancelled && !o.done(value)) next()
    }, (e: unknown) => {
      if (cancelled) return
      o.onError?.(e)
      if (!cancelled) next()
    })
  }
  tick()
  return () => {
    cancelled = true
    if (timer !== undefined) clearTimeout(timer)
  }
}
