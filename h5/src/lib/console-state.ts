import { useEffect, useSyncExternalStore } from 'react'
import type { ConsoleMeDTO } from '@yima/shared'
import { createBindingFlow, type BindingFlow, type BindingView } from './binding-flow'
import { createWechatBinding, getMe, getWechatBinding } from '../services/console'
import { onSessionEvent } from '../services/session'
import { currentPageUrl, relaunch, ROUTES } from './routes'

/**
 * What every console page shares: the signed-in account, the WeChat binding dialog (T1) and a
 * counter that tells pages to load again once binding made the API usable.
 */
export interface ConsoleState {
  me: ConsoleMeDTO | null
  binding: {
    open: boolean
    /** Opened because nothing works before binding: no close button. */
    forced: boolean
    view: BindingView
  }
  reloadKey: number
  notice: string | null
}

let state: ConsoleState = { me: null, binding: { open: false, forced: false, view: { phase: 'idle' } }, reloadKey: 0, notice: null }
const listeners = new Set<() => void>()
let flow: BindingFlow | null = null
let noticeTimer: ReturnType<typeof setTimeout> | undefined

function update (patch: Partial<ConsoleState>): void {
  state = { ...state, ...patch }
  for (const fn of [...listeners]) fn()
}
const subscribe = (fn: () => void): (() => void) => {
  listeners.add(fn)
  return () => { listeners.delete(fn) }
}
export const getConsoleState = (): ConsoleState => state

export function useConsoleState (): ConsoleState {
  return useSyncExternalStore(subscribe, getConsoleState, getConsoleState)
}

/** A short message at the top of the console (e.g. 微信号绑定成功). */
export function showNotice (text: string, ms = 3000): void {
  if (noticeTimer !== undefined) clearTimeout(noticeTimer)
  update({ notice: text })
  noticeTimer = setTimeout(() => { update({ notice: null }) }, ms)
}

let meLoading: Promise<unknown> | null = null
/** Loads the account unless it is known or on its way (every console page asks on mount). */
export function ensureMe (): void {
  if (state.me !== null || meLoading !== null) return
  meLoading = loadMe().finally(() => { meLoading = null })
}

/** Loads the account; an unbound one gets the binding dialog in front of everything. */
export async function loadMe (): Promise<ConsoleMeDTO | null> {
  try {
    const me = await getMe()
    update({ me })
    if (!me.wechatBound) openBinding(true)
    return me
  } catch {
    // 401 signs out and 403 wechat_binding_required opens the dialog (session.ts); nothing else to do.
    return null
  }
}

export function openBinding (forced: boolean): void {
  const alreadyOpen = state.binding.open
  update({ binding: { ...state.binding, open: true, forced: forced || (alreadyOpen && state.binding.forced) } })
  if (alreadyOpen && flow !== null && flow.view().phase !== 'error') return
  flow?.stop()
  flow = createBindingFlow({
    create: createWechatBinding,
    get: getWechatBinding,
    onChange: (view) => { update({ binding: { ...state.binding, view } }) },
    onBound: () => {
      closeBinding()
      showNotice('微信号绑定成功')
      // Pages that were refused with wechat_binding_required load again.
      loadMe().then(() => { update({ reloadKey: state.reloadKey + 1 }) }, () => {})
    },
  })
  flow.start()
}

/** "二维码已失效，点击刷新": a new QR. */
export function refreshBinding (): void {
  flow?.start()
}

export function closeBinding (): void {
  flow?.stop()
  flow = null
  update({ binding: { open: false, forced: false, view: { phase: 'idle' } } })
}

/** Signing out forgets everything. */
export function resetConsoleState (): void {
  closeBinding()
  update({ me: null })
}

/** Runs `fn` now and again whenever the console says pages should reload (after binding). */
export function useConsoleReload (fn: () => void, deps: readonly unknown[]): void {
  const { reloadKey } = useConsoleState()
  useEffect(fn, [reloadKey, ...deps])
}

// One subscription for the whole app, however many console pages are mounted.
let signingOut = false
onSessionEvent((e) => {
  if (e === 'binding-required') {
    openBinding(true)
    return
  }
  if (signingOut) return
  signingOut = true
  resetConsoleState()
  relaunch(ROUTES.login, { redirect: currentPageUrl() })
  setTimeout(() => { signingOut = false }, 1000)
})
