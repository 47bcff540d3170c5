import { Picker, Text, View } from '@tarojs/components'
import './index.scss'

interface Choice { merchantId: string, merchantName: string }

/** The merchant picker, shown to people who hold roles at more than one merchant. */
export function MerchantPicker ({ merchants, value, onChange, className = '' }: { merchants: readonly Choice[], value: string, onChange: (merchantId: string) => void, className?: string }) {
  if (merchants.length < 2) return null
  const index = merchants.findIndex((m) => m.merchantId === value)
  return (
    <Picker
      className={`merchant-picker ${className}`}
      mode='selector'
      range={merchants.map((m) => m.merchantName)}
      value={Math.max(index, 0)}
      onChange={(e) => {
        const picked = merchants[Number(e.detail.value)]
        if (picked !== undefined) onChange(picked.merchantId)
      }}
    >
      <View className='merchant-picker__choice'>
        <Text className='merchant-picker__label'>商户</Text>
        <Text className='merchant-picker__name'>{merchants[index]?.merchantName ?? ''}</Text>
      </View>
    </Picker>
  )
}
