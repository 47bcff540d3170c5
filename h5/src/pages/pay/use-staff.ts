import { useCallback, useEffect, useRef, useState } from 'react'
import type { PayPageDto } from '@yima/shared'
import { browser } from '../../lib/browser'
import { asksStaff, clock, getPayStaff, staffFailure, type PayStaff } from '../../lib/pay-staff'

export interface StaffBarState {
  /** Null for a customer (and until `/staff` answers): no bar. */
  staff: PayStaff | null
  busy: boolean
  error: string | null
  /** The 下班打卡 confirmation is open. */
  confirming: boolean
  clockIn: () => void
  askClockOut: () => void
  cancelClockOut: () => void
  confirmClockOut: () => void
}

/**
 * The staff bar of a store code's pay page (H1): asks `/staff` once the page is known, beside the
 * keypad (which never waits for it), then clocks in or out. Any failure of the lookup leaves the
 * page as a customer sees it. One action at a time.
 */
export function useStaff (page: PayPageDto, toast: (text: string) => void): StaffBarState {
  const [staff, setStaff] = useState<PayStaff | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const running = useRef(false)
  const live = useRef(true)
  useEffect(() => {
    live.current = true
    return () => { live.current = false }
  }, [])

  const asks = asksStaff(page)
  useEffect(() => {
    if (!asks) return
    let current = true
    getPayStaff(page.code).then((s) => { if (current) setStaff(s) }, () => { /* not shown: the customer's page */ })
    return () => { current = false }
  }, [asks, page.code])

  const run = useCallback((action: 'in' | 'out') => {
    if (running.current) return
    running.current = true
    setBusy(true)
    setError(null)
    clock(page.code, action).then((s) => {
      if (!live.current) return
      setStaff((prev) => ({ ...s, name: s.name === '' ? prev?.name ?? '' : s.name }))
      toast(action === 'in' ? '已上班' : '已下班')
    }, (e: unknown) => {
      if (!live.current) return
      const f = staffFailure(e)
      if (f.kind === 'auth') {
        browser.replace(page.authUrl)
      } else if (f.kind === 'gone') {
        setStaff(null)
        toast(f.message)
      } else {
        if (f.kind === 'onDuty') setStaff((prev) => prev === null ? null : { ...prev, onDuty: f.onDuty })
        setError(f.message)
      }
    }).finally(() => {
      running.current = false
      if (live.current) setBusy(false)
    })
  }, [page.code, page.authUrl, toast])

  const clockIn = useCallback(() => { run('in') }, [run])
  const askClockOut = useCallback(() => { if (!running.current) setConfirming(true) }, [])
  const cancelClockOut = useCallback(() => { setConfirming(false) }, [])
  const confirmClockOut = useCallback(() => {
    setConfirming(false)
    run('out')
  }, [run])
  return { staff, busy, error, confirming, clockIn, askClockOut, cancelClockOut, confirmClockOut }
}
