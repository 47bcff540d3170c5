import { View } from '@tarojs/components'
import { CARD_COLORS, type CardColor } from '@yima/shared'
import './swatch.scss'

/** One of WeChat's card colours as a small square; with `onClick`, a choice in a picker. */
export function Swatch ({ color, active = false, small = false, onClick }: { color: CardColor, active?: boolean, small?: boolean, onClick?: () => void }) {
  return (
    <View
      className={`swatch swatch--${color}${small ? ' swatch--small' : ''}${active ? ' swatch--active' : ''}`}
      style={{ background: CARD_COLORS[color] }}
      onClick={onClick}
    />
  )
}

/** The twelve colours `/card/create` takes, to pick one. */
export function SwatchPicker ({ value, onChange }: { value: CardColor, onChange: (c: CardColor) => void }) {
  return (
    <View className='swatches'>
      {(Object.keys(CARD_COLORS) as CardColor[]).map((c) => <Swatch key={c} color={c} active={c === value} onClick={() => { onChange(c) }} />)}
    </View>
  )
}
