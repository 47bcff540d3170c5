import { useCallback, useRef, useState } from 'react'
import { ApiError, fen, newIdempotencyKey, type CreatePayOrderBody, type PayPageDto } from '@yima/shared'
import { browser } from '../../lib/browser'
import { quantityTotal } from '../../lib/pay-amount'
import { payFailure } from '../../lib/pay-api'
import { replace, ROUTES } from '../../lib/routes'
import { payWithCard, type CardPayResultDto } from '../../services/cards'
import type { PayError } from './use-pay'

/**
 * 会员卡余额付款 on the one-code page (M3): the amount typed (or unit × quantity of a fixed-amount
 * code) is paid from the membership card's balance, with no cashier: the server answers with the
 * payment and the balance left. Same rules as usePay: one at a time, the Idempotency-Key reused only
 * after a POST that got no answer. The shape matches usePay's, so the amount forms take either.
 */
export function useCardPay (page: PayPageDto, cardId: string): {
  pay: (body: Omit<CreatePayOrderBody, 'code'>) => void
  paying: boolean
  error: PayError | null
  clearError: () => void
  result: CardPayResultDto | null
  reset: () => void
} {
  const [paying, setPaying] = useState(false)
  const [error, setError] = useState<PayError | null>(null)
  const [result, setResult] = useState<CardPayResultDto | null>(null)
  const busy = useRef(false)
  const unanswered = useRef<{ body: string, key: string } | null>(null)

  const run = useCallback(async (amountFen: number, remark: string | undefined): Promise<void> => {
    let leaving = false
    try {
      const body = remark === undefined ? { code: page.code, amountFen: fen(amountFen) } : { code: page.code, amountFen: fen(amountFen), remark }
      const json = JSON.stringify(body)
      const key = unanswered.current?.body === json ? unanswered.current.key : newIdempotencyKey()
      unanswered.current = { body: json, key }
      let paid: CardPayResultDto
      try {
        paid = await payWithCard(cardId, body, key)
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 0)) unanswered.current = null
        throw e
      }
      unanswered.current = null
      setResult(paid)
    } catch (e) {
      const f = payFailure(e)
      if (f.kind === 'problem') {
        leaving = true
        replace(ROUTES.scanResult, { problem: f.problem })
      } else if (f.kind === 'auth') {
        leaving = true
        browser.replace(page.authUrl)
      } else {
        // balance_insufficient, member_not_active…: the server's words.
        setError(f.param === undefined ? { message: f.message } : { message: f.message, param: f.param })
      }
    } finally {
      if (!leaving) {
        busy.current = false
        setPaying(false)
      }
    }
  }, [page.code, page.authUrl, cardId])

  const pay = useCallback((body: Omit<CreatePayOrderBody, 'code'>) => {
    if (busy.current) return
    const amountFen = body.amountFen ?? (page.unitPriceFen !== undefined && body.quantity !== undefined ? quantityTotal(page.unitPriceFen, body.quantity) : undefined)
    if (amountFen === undefined) return
    busy.current = true
    setPaying(true)
    setError(null)
    run(amountFen, body.remark).catch(() => {})
  }, [run, page.unitPriceFen])

  const clearError = useCallback(() => { setError(null) }, [])
  const reset = useCallback(() => {
    setResult(null)
    setError(null)
  }, [])
  return { pay, paying, error, clearError, result, reset }
}
