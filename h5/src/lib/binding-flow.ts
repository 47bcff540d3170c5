import type { WechatBindingDTO } from '@yima/shared'
import { errorMessage } from './forms'

/** What the binding dialog shows (T1). */
export type BindingView =
  | { phase: 'idle' }
  | { phase: 'creating' }
  | { phase: 'pending', binding: WechatBindingDTO }
  | { phase: 'expired', binding: WechatBindingDTO | null }
  | { phase: 'bound', binding: WechatBindingDTO }
  | { phase: 'error', message: string }

export interface BindingFlowDeps {
  create: () => Promise<WechatBindingDTO>
  get: (id: string) => Promise<WechatBindingDTO>
  onChange: (view: BindingView) => void
  onBound?: (binding: WechatBindingDTO) => void
  /** Poll period; 2 s. */
  intervalMs?: number
  now?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export interface BindingFlow {
  /** Asks for a new binding QR and polls it; also how "二维码已失效，点击刷新" starts over. */
  start: () => void
  /** Stops polling; answers still in flight are ignored. */
  stop: () => void
  view: () => BindingView
}

/** The server decides; past expiresAt plus this margin the dialog stops waiting for it. */
export const LOCAL_EXPIRY_GRACE_MS = 10_000

const viewKey = (v: BindingView): string =>
  `${v.phase}:${'binding' in v ? (v.binding?.id ?? '') : ''}:${v.phase === 'error' ? v.message : ''}`

const hasStatus = (e: unknown, status: number): boolean => typeof e === 'object' && e !== null && (e as { status?: unknown }).status === status

/**
 * The binding QR's state machine: creating → pending (polled every 2 s) → bound | expired, with
 * errors on creation shown and transient poll failures retried. Every start() begins a new
 * generation, so a late answer for an older QR never changes what is shown.
 */
export function createBindingFlow (deps: BindingFlowDeps): BindingFlow {
  const interval = deps.intervalMs ?? 2000
  const now = deps.now ?? Date.now
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms))
  const clearTimer = deps.clearTimer ?? ((h: unknown) => { clearTimeout(h as ReturnType<typeof setTimeout>) })
  let view: BindingView = { phase: 'idle' }
  let generation = 0
  let timer: unknown

  // Polls that change nothing (still pending, same QR) do not re-render the dialog.
  const set = (next: BindingView): void => {
    const same = viewKey(next) === viewKey(view)
    view = next
    if (!same) deps.onChange(next)
  }
  const cancelTimer = (): void => {
    if (timer !== undefined) clearTimer(timer)
    timer = undefined
  }
  const locallyExpired = (b: WechatBindingDTO): boolean => {
    const at = Date.parse(b.expiresAt)
    return Number.isFinite(at) && now() > at + LOCAL_EXPIRY_GRACE_MS
  }
  const apply = (b: WechatBindingDTO, gen: number): void => {
    if (gen !== generation) return
    if (b.status === 'bound') {
      set({ phase: 'bound', binding: b })
      deps.onBound?.(b)
      return
    }
    if (b.status === 'expired' || locallyExpired(b)) {
      set({ phase: 'expired', binding: b })
      return
    }
    set({ phase: 'pending', binding: b })
    schedule(b, gen)
  }
  const schedule = (b: WechatBindingDTO, gen: number): void => {
    timer = setTimer(() => {
      timer = undefined
      if (gen !== generation) return
      deps.get(b.id).then((next) => { apply(next, gen) }, (e: unknown) => {
        if (gen !== generation) return
        // A binding the server no longer knows is as good as expired; anything else is retried.
        if (hasStatus(e, 404)) set({ phase: 'expired', binding: b })
        else if (locallyExpired(b)) set({ phase: 'expired', binding: b })
        else schedule(b, gen)
      })
    }, interval)
  }

  return {
    start: () => {
      cancelTimer()
      const gen = ++generation
      set({ phase: 'creating' })
      deps.create().then((b) => { apply(b, gen) }, (e: unknown) => {
        if (gen === generation) set({ phase: 'error', message: errorMessage(e) })
      })
    },
    stop: () => {
      generation++
      cancelTimer()
    },
    view: () => view,
  }
}
