import { Text, View } from '@tarojs/components'
import type { VoucherOfferDto } from '@yima/shared'
import { offerView, type ClaimState } from '../../../lib/voucher-view'
import type { Claims } from '../use-claims'
import './offer-list.scss'

/** One voucher: ¥ amount and threshold on the left, name, role and validity, then 领取 (or its state). */
function OfferCard ({ offer, state, onClaim }: { offer: VoucherOfferDto, state: ClaimState | null, onClaim: () => void }) {
  const v = offerView(offer)
  const done = state !== null && (state.status === 'claimed' || state.status === 'closed')
  return (
    <View className={`voucher voucher--${offer.role}${done ? ' voucher--done' : ''}`}>
      <View className='voucher__body'>
        <View className='voucher__value'>
          <View className='voucher__amount'><Text className='voucher__currency'>¥</Text><Text className='voucher__yuan'>{v.amount}</Text></View>
          <View className='voucher__threshold'>{v.threshold}</View>
        </View>
        <View className='voucher__info'>
          <View className='voucher__name'>
            {v.role === null ? null : <Text className='voucher__role'>{v.role}</Text>}
            <Text>{offer.name}</Text>
          </View>
          {v.validity === '' ? null : <View className='voucher__validity'>{v.validity}</View>}
        </View>
        {state === null
          ? null
          : <View className={`voucher__button voucher__button--${state.status}`} onClick={state.status === 'open' ? onClaim : undefined}>{state.label}</View>}
      </View>
      {state === null || state.message === null
        ? null
        : <View className={`voucher__message voucher__message--${state.tone ?? 'error'}`}>{state.message}</View>}
    </View>
  )
}

/**
 * The voucher cards of the pay-complete page and the merchant's voucher page. Without `claims`
 * (an Alipay or desktop visitor) the cards are shown without 领取.
 */
export function OfferList ({ title, offers, claims }: { title: string, offers: readonly VoucherOfferDto[], claims: Claims | null }) {
  if (offers.length === 0) return null
  return (
    <View className='vouchers'>
      <View className='vouchers__title'>{title}</View>
      {offers.map((offer) => (
        <OfferCard
          key={offer.batchId}
          offer={offer}
          state={claims === null ? null : claims.stateOf(offer)}
          onClaim={() => { claims?.claim(offer) }}
        />
      ))}
    </View>
  )
}
