import { useCallback, useEffect, useRef, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Image, View } from '@tarojs/components'
import { ApiError, type PayAd, type PayCompleteOffersDto, type PayOrderDto, type VoucherOfferDto } from '@yima/shared'
import { browser } from '../../../lib/browser'
import { queryParam } from '../../../lib/format'
import { getPayOrder, payFailure } from '../../../lib/pay-api'
import { COMPLETE_REDIRECT_SECONDS, isFinalStatus, PAY_POLL_SCHEDULE, payResultView, storeLabel } from '../../../lib/pay-result'
import { poll } from '../../../lib/poll'
import { replace, ROUTES } from '../../../lib/routes'
import { discountLine } from '../../../lib/voucher-view'
import { getPayCompleteOffers } from '../../../services/vouchers'
import { OfferList } from '../../vouchers/components/offer-list'
import { useClaims } from '../../vouchers/use-claims'
import './index.scss'

const ICONS = { success: '✓', waiting: '…', pending: '?', error: '!' } as const

/** Polls the order until it is final or the schedule runs out; `refresh` starts again. */
function useOrder (orderId: string): { order: PayOrderDto | null, gaveUp: boolean, error: string | null, refresh: () => void } {
  const [order, setOrder] = useState<PayOrderDto | null>(null)
  const [gaveUp, setGaveUp] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [round, setRound] = useState(0)
  useEffect(() => {
    setGaveUp(false)
    setError(null)
    const cancel = poll({
      load: async () => await getPayOrder(orderId),
      done: (o) => isFinalStatus(o.status),
      onUpdate: (o) => { setOrder(o) },
      onError: (e) => {
        // Not found or not this payer's: asking again will not change it.
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          cancel()
          const f = payFailure(e)
          setError(f.kind === 'message' ? f.message : '无法查询该订单')
        }
      },
      intervalMs: PAY_POLL_SCHEDULE,
      onGiveUp: () => { setGaveUp(true) },
    })
    return cancel
  }, [orderId, round])
  const refresh = useCallback(() => { setRound((r) => r + 1) }, [])
  return { order, gaveUp, error, refresh }
}

function Ads ({ ads }: { ads: PayAd[] }) {
  if (ads.length === 0) return null
  return (
    <View className='pay-result__ads'>
      {ads.map((ad) => (
        <View
          key={`${ad.owner}:${ad.imageUrl}`}
          className={`pay-result__ad pay-result__ad--${ad.owner}`}
          onClick={ad.linkUrl === null ? undefined : () => { browser.assign(ad.linkUrl ?? '') }}
        >
          <Image className='pay-result__ad-image' src={ad.imageUrl} mode='widthFix' />
        </View>
      ))}
    </View>
  )
}

/**
 * The vouchers offered for a paid order (C3), asked once it succeeded. Any failure leaves the page
 * as it was without them: they are a gift, not part of the payment.
 */
function useOffers (orderId: string | null): VoucherOfferDto[] {
  const [offers, setOffers] = useState<VoucherOfferDto[]>([])
  useEffect(() => {
    if (orderId === null) return
    let live = true
    getPayCompleteOffers(orderId).then((r) => {
      const list = (r as Partial<PayCompleteOffersDto> | null)?.offers
      if (live && Array.isArray(list)) setOffers(list)
    }, () => { /* no vouchers shown */ })
    return () => { live = false }
  }, [orderId])
  return offers
}

const CLAIM_AUTH_MESSAGE = '无法确认您的身份，请重新扫码后领取'
const claimAuth = (): string => CLAIM_AUTH_MESSAGE

/**
 * 完成, and after a few seconds the SP's pay-complete URL on its own. `hold`: a voucher still
 * invites 领取, so the countdown waits, and runs again in full once none does. `busy`: a claim is
 * out; leaving (完成 or the countdown) waits until it has settled.
 */
function Complete ({ url, hold, busy }: { url: string, hold: boolean, busy: boolean }) {
  const [left, setLeft] = useState(COMPLETE_REDIRECT_SECONDS)
  // Each 完成 tap or countdown end asks to leave once; `gone` counts the asks already honoured.
  const [asks, setAsks] = useState(0)
  const gone = useRef(0)
  useEffect(() => {
    if (hold) return
    setLeft(COMPLETE_REDIRECT_SECONDS)
    const go = setTimeout(() => { setAsks((n) => n + 1) }, COMPLETE_REDIRECT_SECONDS * 1000)
    const tick = setInterval(() => { setLeft((n) => Math.max(0, n - 1)) }, 1000)
    return () => {
      clearTimeout(go)
      clearInterval(tick)
    }
  }, [url, hold])
  useEffect(() => {
    if (asks > gone.current && !busy) {
      gone.current = asks
      browser.replace(url)
    }
  }, [asks, busy, url])
  const waiting = busy && asks > gone.current
  const note = waiting ? '正在领取，领取后跳转…' : hold ? null : left > 0 ? `${left} 秒后自动跳转` : '正在跳转…'
  return (
    <View className='pay-result__complete'>
      <View className='pay-result__button pay-result__done' onClick={() => { setAsks((n) => n + 1) }}>完成</View>
      {note === null ? null : <View className='pay-result__countdown'>{note}</View>}
    </View>
  )
}

/** The pay-complete page (P1, C4) for `orderId`; `code` lets a failed payment start again. */
export function PayResult ({ orderId, code }: { orderId: string, code: string | undefined }) {
  const { order, gaveUp, error, refresh } = useOrder(orderId)
  const view = error !== null ? { tone: 'error' as const, title: '查询失败', detail: error } : payResultView(order, gaveUp)
  const paid = order !== null && order.status === 'succeeded' ? order : null
  const again = code !== undefined && (order?.status === 'failed' || order?.status === 'closed')
  const offers = useOffers(paid === null ? null : orderId)
  const claims = useClaims(offers, { orderId, onAuth: claimAuth })
  const discount = paid === null ? null : discountLine(paid)
  return (
    <View className={`pay-result pay-result--${view.tone}`}>
      <View className='pay-result__icon'>{ICONS[view.tone]}</View>
      <View className='pay-result__title'>{view.title}</View>
      {paid !== null ? <View className='pay-result__amount'>{view.detail}</View> : <View className='pay-result__detail'>{view.detail}</View>}
      {discount === null ? null : <View className='pay-result__discount'>{discount}</View>}
      {order === null ? null : <View className='pay-result__store'>{`${order.merchant.shortName} · ${storeLabel(order.store)}`}</View>}
      {view.tone === 'pending' || error !== null ? <View className='pay-result__button pay-result__refresh' onClick={refresh}>刷新</View> : null}
      {again ? <View className='pay-result__button pay-result__again' onClick={() => { replace(ROUTES.pay, { code }) }}>重新付款</View> : null}
      {paid !== null ? <OfferList title='送您代金券' offers={offers} claims={claims} /> : null}
      {paid !== null && paid.payCompleteUrl !== null && paid.payCompleteUrl !== '' ? <Complete url={paid.payCompleteUrl} hold={claims.open} busy={claims.busy} /> : null}
      {paid !== null ? <Ads ads={paid.ads} /> : null}
    </View>
  )
}

export default function PayResultPage () {
  const params = useRouter().params
  const orderId = queryParam(params, 'id')
  if (orderId === undefined) {
    return (
      <View className='pay-result pay-result--error'>
        <View className='pay-result__icon'>!</View>
        <View className='pay-result__title'>订单不存在</View>
      </View>
    )
  }
  return <PayResult orderId={orderId} code={queryParam(params, 'code')} />
}
