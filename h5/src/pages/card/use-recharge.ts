import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, fen, newIdempotencyKey, type CustomerCardDto, type MemberDto, type RechargeDto } from '@yima/shared'
import { browser } from '../../lib/browser'
import { cardFailure, rechargeSuccessText } from '../../lib/card-view'
import { openCashier } from '../../lib/pay-bridge'
import { PAY_POLL_SCHEDULE } from '../../lib/pay-result'
import { poll } from '../../lib/poll'
import { createRecharge, getRecharge } from '../../services/cards'

/**
 * - idle: nothing running (`notice` may say the last one was cancelled)
 * - paying: the order is being made, or WeChat's cashier is open
 * - confirming: the cashier said paid; asking the server until the order is credited or failed
 * - credited: the balance has it (`text`: 充值成功，到账 …)
 * - unknown: the schedule ran out while still unpaid: the customer may ask again (刷新)
 */
export type RechargeStep =
  | { step: 'idle' }
  | { step: 'paying' }
  | { step: 'confirming', orderId: string }
  | { step: 'credited', text: string }
  | { step: 'unknown', orderId: string }

export interface RechargeState {
  state: RechargeStep
  error: string | null
  notice: string | null
  busy: boolean
  recharge: (amountFen: number) => void
  /** Asks about the last order again (after `unknown`). */
  confirmAgain: () => void
  clear: () => void
}

/**
 * 充值: POST the recharge (Idempotency-Key, reused only after a POST that got no answer), open
 * WeChat's cashier with the order's JSAPI parameters, then poll the order: the server credits the
 * balance when WeChat Pay says paid, never the page. `onCredited` gets the member as the server
 * has it then.
 */
export function useRecharge (card: CustomerCardDto, onCredited: (member: MemberDto) => void): RechargeState {
  const [state, setState] = useState<RechargeStep>({ step: 'idle' })
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const unanswered = useRef<{ body: string, key: string } | null>(null)
  const stopPoll = useRef<() => void>(() => {})
  const busyRef = useRef(false)
  const live = useRef(true)
  const credited = useRef(onCredited)
  credited.current = onCredited
  useEffect(() => {
    live.current = true
    return () => {
      live.current = false
      stopPoll.current()
    }
  }, [])

  const fail = useCallback((e: unknown, fallback: string) => {
    const f = cardFailure(e, fallback)
    if (f.kind === 'auth') browser.replace(card.authUrl)
    else setError(f.message)
  }, [card.authUrl])

  const confirm = useCallback((orderId: string) => {
    stopPoll.current()
    setState({ step: 'confirming', orderId })
    const settle = (): void => { busyRef.current = false }
    const stop = poll<RechargeDto>({
      load: async () => await getRecharge(card.id, orderId),
      done: (r) => r.status !== 'pending',
      onUpdate: (r) => {
        if (!live.current) return
        if (r.status === 'credited') {
          settle()
          credited.current(r.member)
          setState({ step: 'credited', text: rechargeSuccessText(r.amountFen, r.bonusFen) })
        } else if (r.status === 'failed') {
          settle()
          setState({ step: 'idle' })
          setError('充值未成功，未扣款。您可以重新充值。')
        }
      },
      onError: (e) => {
        // Not found or not this payer's: asking again will not change it.
        if (!live.current || !(e instanceof ApiError) || e.status < 400 || e.status >= 500 || e.status === 429) return
        stop()
        settle()
        setState({ step: 'idle' })
        fail(e, '无法查询充值结果')
      },
      intervalMs: PAY_POLL_SCHEDULE,
      onGiveUp: () => {
        if (!live.current) return
        settle()
        setState({ step: 'unknown', orderId })
      },
    })
    stopPoll.current = stop
  }, [card.id, fail])

  const run = useCallback(async (amountFen: number): Promise<void> => {
    let polling = false
    try {
      const body = card.store === null ? { amountFen: fen(amountFen) } : { amountFen: fen(amountFen), code: card.store.code }
      const json = JSON.stringify(body)
      const key = unanswered.current?.body === json ? unanswered.current.key : newIdempotencyKey()
      unanswered.current = { body: json, key }
      let order: RechargeDto
      try {
        order = await createRecharge(card.id, body, key)
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 0)) unanswered.current = null
        throw e
      }
      unanswered.current = null
      if (!live.current) return
      if (order.status === 'credited') {
        credited.current(order.member)
        setState({ step: 'credited', text: rechargeSuccessText(order.amountFen, order.bonusFen) })
        return
      }
      if (order.bridge !== undefined) {
        const r = await openCashier(order.bridge, card.bridgeScriptUrl === undefined ? {} : { scriptUrl: card.bridgeScriptUrl })
        if (!live.current) return
        if (r.outcome === 'cancel') {
          setState({ step: 'idle' })
          setNotice('已取消充值')
          return
        }
        if (r.outcome === 'fail') {
          setState({ step: 'idle' })
          setError(r.message)
          return
        }
      }
      polling = true
      confirm(order.orderId)
    } catch (e) {
      if (!live.current) return
      setState({ step: 'idle' })
      fail(e, '充值失败，请稍后再试')
    } finally {
      if (!polling) busyRef.current = false
    }
  }, [card.id, card.store, card.bridgeScriptUrl, confirm, fail])

  const recharge = useCallback((amountFen: number) => {
    if (busyRef.current) return
    busyRef.current = true
    setError(null)
    setNotice(null)
    setState({ step: 'paying' })
    run(amountFen).catch(() => {})
  }, [run])

  const confirmAgain = useCallback(() => {
    if (busyRef.current || state.step !== 'unknown') return
    busyRef.current = true
    confirm(state.orderId)
  }, [state, confirm])

  const clear = useCallback(() => {
    setError(null)
    setNotice(null)
    setState((s) => (s.step === 'credited' ? { step: 'idle' } : s))
  }, [])

  const busy = state.step === 'paying' || state.step === 'confirming'
  return { state, error, notice, busy, recharge, confirmAgain, clear }
}
