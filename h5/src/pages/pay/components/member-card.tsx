import { Text, View } from '@tarojs/components'
import { fen, formatFen, type PayPageDto } from '@yima/shared'
import { browser } from '../../../lib/browser'

export type PayMethod = 'wechat' | 'card'
type MemberCard = NonNullable<PayPageDto['memberCard']>

/**
 * The card page through the server's `/card/:id?code=` route (OAuth, then the card page with this
 * store's code, so the recharge counts under the store). Same origin as the pay page.
 */
export const cardRechargeUrl = (cardId: string, code: string): string =>
  `/card/${encodeURIComponent(cardId)}?code=${encodeURIComponent(code)}`

/**
 * The merchant's membership card on the one-code page (seed 000 使用会员卡（顾客）): in WeChat,
 * 会员卡余额充值 (the card page) and, for an activated member, the choice to pay from the balance
 * (会员卡余额付款); in Alipay only a note, the card lives in the WeChat wallet.
 */
export function MemberCardBar ({ page, card, balanceFen, method, onMethod }: {
  page: Pick<PayPageDto, 'code' | 'platform'>
  card: MemberCard
  balanceFen: number | null
  method: PayMethod
  onMethod: (m: PayMethod) => void
}) {
  if (page.platform === 'alipay') {
    return <View className='pay-card pay-card--alipay'>本店会员卡存放在微信卡包中，仅支持在微信中充值和付款</View>
  }
  if (page.platform !== 'wechat') return null
  return (
    <View className='pay-card'>
      <View className='pay-card__bar'>
        <View className='pay-card__text'>
          <Text className='pay-card__title'>{card.title}</Text>
          {balanceFen === null ? null : <Text className='pay-card__balance'>{`余额 ${formatFen(fen(balanceFen))}`}</Text>}
        </View>
        <View className='pay-card__recharge' onClick={() => { browser.assign(cardRechargeUrl(card.id, page.code)) }}>会员卡余额充值</View>
      </View>
      {card.active
        ? (
          <View className='pay-card__methods'>
            <View className={`pay-card__method pay-card__method--wechat ${method === 'wechat' ? 'pay-card__method--on' : ''}`} onClick={() => { onMethod('wechat') }}>微信支付</View>
            <View className={`pay-card__method pay-card__method--card ${method === 'card' ? 'pay-card__method--on' : ''}`} onClick={() => { onMethod('card') }}>会员卡余额付款</View>
          </View>
          )
        : null}
    </View>
  )
}
