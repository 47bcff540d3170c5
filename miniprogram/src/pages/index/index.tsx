import { useState } from 'react'
import { View } from '@tarojs/components'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { feeFen, fen, formatFen } from '@yima/shared'
import './index.scss'

const SAMPLE_AMOUNT = fen(123456)
const SAMPLE_RATE_BP = 38

export default function Index () {
  const [showFee, setShowFee] = useState(false)
  return (
    <View className='index'>
      <View className='index__title'>yima 商户助手</View>
      <CellGroup title='收款示例'>
        <Cell title='示例金额' value={formatFen(SAMPLE_AMOUNT)} />
        {showFee && <Cell title='手续费（0.38%）' value={formatFen(feeFen(SAMPLE_AMOUNT, SAMPLE_RATE_BP))} />}
      </CellGroup>
      <View className='index__actions'>
        <Button type='primary' block onClick={() => setShowFee(true)}>计算手续费</Button>
      </View>
    </View>
  )
}
