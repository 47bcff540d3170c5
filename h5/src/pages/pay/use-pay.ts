import { useCallback, useRef, useState } from 'react'
import { ApiError, newIdempotencyKey, type CreatePayOrderBody, type PayPageDto } from '@yima/shared'
import { browser } from '../../lib/browser'
import { createPayOrder, payFailure } from '../../lib/pay-api'
import { openCashier } from '../../lib/pay-bridge'
import { replace, ROUTES } from '../../lib/routes'

export interface PayError { message: string, param?: string }

/**
 * 付款: create the order, open the app's cashier, then the result page (paid), the same page
 * again (cancelled: a new tap is a new order), or a message. One payment at a time: taps while
 * one runs are ignored. A tap after a POST that got no answer reuses its Idempotency-Key, so an
 * order the server did create is replayed instead of made twice.
 */
export function usePay (page: PayPageDto, toast: (text: string) => void): {
  pay: (body: Omit<CreatePayOrderBody, 'code'>) => void
  paying: boolean
  error: PayError | null
  clearError: () => void
} {
  const [paying, setPaying] = useState(false)
  const [error, setError] = useState<PayError | null>(null)
  const busy = useRef(false)
  const unanswered = useRef<{ body: string, key: string } | null>(null)

  const run = useCallback(async (body: Omit<CreatePayOrderBody, 'code'>): Promise<void> => {
    let leaving = false
    try {
      const full = { code: page.code, ...body }
      const json = JSON.stringify(full)
      const key = unanswered.current?.body === json ? unanswered.current.key : newIdempotencyKey()
      unanswered.current = { body: json, key }
      let order
      try {
        order = await createPayOrder(full, key)
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 0)) unanswered.current = null
        throw e
      }
      unanswered.current = null
      const r = await openCashier(order.bridge, page.bridgeScriptUrl === undefined ? {} : { scriptUrl: page.bridgeScriptUrl })
      if (r.outcome === 'ok') {
        leaving = true
        replace(ROUTES.payResult, { id: order.orderId, code: page.code })
      } else if (r.outcome === 'cancel') {
        toast('已取消支付')
      } else {
        setError({ message: r.message })
      }
    } catch (e) {
      const f = payFailure(e)
      if (f.kind === 'problem') {
        leaving = true
        replace(ROUTES.scanResult, { problem: f.problem })
      } else if (f.kind === 'auth') {
        leaving = true
        browser.replace(page.authUrl)
      } else {
        setError(f.param === undefined ? { message: f.message } : { message: f.message, param: f.param })
      }
    } finally {
      // Leaving: the button stays busy until the page goes, so it cannot be tapped twice.
      if (!leaving) {
        busy.current = false
        setPaying(false)
      }
    }
  }, [page, toast])

  const pay = useCallback((body: Omit<CreatePayOrderBody, 'code'>) => {
    if (busy.current) return
    busy.current = true
    setPaying(true)
    setError(null)
    run(body).catch(() => {})
  }, [run])

  const clearError = useCallback(() => { setError(null) }, [])
  return { pay, paying, error, clearError }
}
