import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, newIdempotencyKey, type VoucherOfferDto } from '@yima/shared'
import { claimable, claimedState, claimFailure, claimingState, initialClaim, type ClaimState } from '../../lib/voucher-view'
import { claimVoucher } from '../../services/vouchers'

export interface Claims {
  stateOf: (offer: VoucherOfferDto) => ClaimState
  claim: (offer: VoucherOfferDto) => void
  /** A claim's POST is out: the page must not navigate away yet. */
  busy: boolean
  /** Some offer still invites 领取 (or is being claimed). */
  open: boolean
}

/**
 * 领取 for a list of voucher offers (the pay-complete page with `orderId`, the merchant's voucher
 * page without). One claim per voucher per visit; a tap on a voucher being claimed is ignored.
 * Each claim carries an Idempotency-Key, reused only when the previous POST got no answer (or is
 * still being processed), so a voucher the server did send is replayed, not sent twice. `onAuth` runs when the payer cookie is
 * gone: it returns the message to show, or null when it leaves the page (OAuth).
 */
export function useClaims (offers: readonly VoucherOfferDto[], o: { orderId?: string, onAuth: () => string | null }): Claims {
  const { orderId, onAuth } = o
  const [states, setStates] = useState<Record<string, ClaimState>>({})
  const running = useRef(new Set<string>())
  const keys = useRef<Record<string, string>>({})
  const live = useRef(true)
  useEffect(() => {
    live.current = true
    return () => { live.current = false }
  }, [])

  const stateOf = useCallback((offer: VoucherOfferDto): ClaimState => states[offer.batchId] ?? initialClaim(offer), [states])

  const claim = useCallback((offer: VoucherOfferDto) => {
    const id = offer.batchId
    if (running.current.has(id) || stateOf(offer).status !== 'open') return
    running.current.add(id)
    const set = (s: ClaimState): void => { if (live.current) setStates((prev) => ({ ...prev, [id]: s })) }
    set(claimingState)
    const key = keys.current[id] ?? newIdempotencyKey()
    keys.current[id] = key
    claimVoucher(orderId === undefined ? { batchId: id } : { batchId: id, orderId }, key).then(() => {
      running.current.delete(id)
      delete keys.current[id]
      set(claimedState)
    }, (e: unknown) => {
      running.current.delete(id)
      // No answer, or the first POST still running on the server: the next tap must replay it.
      if (!(e instanceof ApiError && (e.status === 0 || e.code === 'idempotency_key_in_flight'))) delete keys.current[id]
      if (!live.current) return
      const f = claimFailure(e)
      if (f.kind === 'state') {
        set(f.state)
        return
      }
      const message = onAuth()
      // Leaving for OAuth: the card stays busy until the page goes.
      if (message !== null) set({ status: 'open', label: '领取', message, tone: 'error' })
    })
  }, [orderId, onAuth, stateOf])

  const current = offers.map(stateOf)
  return {
    stateOf,
    claim,
    busy: current.some((s) => s.status === 'claiming'),
    open: current.some(claimable),
  }
}
