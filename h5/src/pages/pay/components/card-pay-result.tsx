import { View } from '@tarojs/components'
import { fen, formatFen, type PayPageDto } from '@yima/shared'
import { storeLabel } from '../../../lib/pay-result'
import type { CardPayResultDto } from '../../../services/cards'

/** 余额付款成功: the amount, where, and the balance left. 完成 returns to the pay page. */
export function CardPayResult ({ page, result, onDone }: { page: Pick<PayPageDto, 'store' | 'merchant'>, result: CardPayResultDto, onDone: () => void }) {
  const merchant = page.merchant.shortName !== '' ? page.merchant.shortName : page.merchant.name
  return (
    <View className='pay-card-result'>
      <View className='pay-card-result__icon'>✓</View>
      <View className='pay-card-result__title'>余额付款成功</View>
      <View className='pay-card-result__amount'>{formatFen(fen(result.payment.amountFen))}</View>
      <View className='pay-card-result__store'>{`${merchant} · ${storeLabel(page.store)}`}</View>
      <View className='pay-card-result__balance'>{`会员卡余额 ${formatFen(fen(result.member.balanceFen))}`}</View>
      <View className='pay__button pay-card-result__done' onClick={onDone}>完成</View>
    </View>
  )
}
