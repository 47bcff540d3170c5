import { View } from '@tarojs/components'

/** − n + for the quantity of a fixed-amount code, within 1…max. */
export function Stepper ({ value, max, onChange }: { value: number, max: number, onChange: (n: number) => void }) {
  const canDown = value > 1
  const canUp = value < max
  return (
    <View className='stepper'>
      <View className={`stepper__minus ${canDown ? '' : 'stepper__btn--off'}`} onClick={canDown ? () => { onChange(value - 1) } : undefined}>−</View>
      <View className='stepper__value'>{value}</View>
      <View className={`stepper__plus ${canUp ? '' : 'stepper__btn--off'}`} onClick={canUp ? () => { onChange(value + 1) } : undefined}>+</View>
    </View>
  )
}
