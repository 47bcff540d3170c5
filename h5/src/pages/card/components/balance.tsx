import { Text, View } from '@tarojs/components'
import type { MemberDto } from '@yima/shared'
import { balanceText } from '../../../lib/card-view'

/** 余额: the total, and what it is made of (本金 paid in, 赠送金 given by recharges). */
export function Balance ({ member }: { member: MemberDto }) {
  return (
    <View className='card-section card-balance'>
      <View className='card-balance__total'>
        <Text className='card-balance__label'>会员卡余额</Text>
        <Text className='card-balance__value'>{balanceText(member.balanceFen)}</Text>
      </View>
      <View className='card-balance__parts'>
        <View className='card-balance__part card-balance__principal'>
          <Text className='card-balance__part-label'>本金</Text>
          <Text className='card-balance__part-value'>{balanceText(member.principalFen)}</Text>
        </View>
        <View className='card-balance__part card-balance__bonus'>
          <Text className='card-balance__part-label'>赠送金</Text>
          <Text className='card-balance__part-value'>{balanceText(member.bonusFen)}</Text>
        </View>
      </View>
    </View>
  )
}
