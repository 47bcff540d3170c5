import { Image, Text, View } from '@tarojs/components'
import type { CustomerCardDto } from '@yima/shared'
import { balanceText } from '../../../lib/card-view'

const HEX = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i

/** The card as the wallet shows it: the merchant's colour, logo, name, the card's title, and the member's number and balance. */
export function CardFace ({ card }: { card: CustomerCardDto }) {
  const member = card.member
  const active = member?.state === 'active'
  return (
    <View className='card-face' style={{ backgroundColor: HEX.test(card.color) ? card.color : '#63b359' }}>
      <View className='card-face__head'>
        {card.logoUrl === ''
          ? <View className='card-face__logo card-face__logo--text'>{Array.from(card.merchantName)[0] ?? '店'}</View>
          : <Image className='card-face__logo' src={card.logoUrl} mode='aspectFill' />}
        <View className='card-face__names'>
          <View className='card-face__merchant'>{card.merchantName}</View>
          <View className='card-face__title'>{card.title}</View>
        </View>
      </View>
      {active && member !== null
        ? (
          <View className='card-face__balance'>
            <Text className='card-face__balance-label'>余额</Text>
            <Text className='card-face__balance-value'>{balanceText(member.balanceFen)}</Text>
          </View>
          )
        : null}
      {member !== null && member.code !== null && member.state !== 'removed'
        ? <View className='card-face__code'>{`卡号 ${member.code}`}</View>
        : null}
    </View>
  )
}

/** 使用提醒 and 使用说明, under everything else. */
export function CardInfo ({ card }: { card: Pick<CustomerCardDto, 'notice' | 'description'> }) {
  if (card.notice === '' && card.description === '') return null
  return (
    <View className='card-section card-info'>
      {card.notice === '' ? null : <View className='card-info__notice'>{card.notice}</View>}
      {card.description === '' ? null : <View className='card-info__description'>{card.description}</View>}
    </View>
  )
}
