import { View } from '@tarojs/components'
import type { KeypadKey } from '../../../lib/pay-amount'

const KEYS: ReadonlyArray<{ key: KeypadKey, name: string }> = [
  ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((k) => ({ key: k as KeypadKey, name: k })),
  { key: '.', name: 'dot' },
]

/**
 * The amount keypad: digits and a dot on the left, delete and 付款 on the right, as in the apps'
 * own pay screens. The system keyboard never opens for the amount.
 */
export function Keypad ({ onKey, onPay, payDisabled, payLabel }: { onKey: (key: KeypadKey) => void, onPay: () => void, payDisabled: boolean, payLabel: string }) {
  return (
    <View className='keypad'>
      <View className='keypad__keys'>
        {KEYS.map(({ key, name }) => (
          <View key={name} className={`keypad__key keypad__key--${name}`} onClick={() => { onKey(key) }}>{key}</View>
        ))}
      </View>
      <View className='keypad__side'>
        <View className='keypad__key keypad__key--del' onClick={() => { onKey('del') }}>删除</View>
        <View className={`keypad__pay pay__submit ${payDisabled ? 'pay__submit--disabled' : ''}`} onClick={payDisabled ? undefined : onPay}>{payLabel}</View>
      </View>
    </View>
  )
}
