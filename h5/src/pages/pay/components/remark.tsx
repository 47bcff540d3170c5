import { Input, View } from '@tarojs/components'

/** The optional remark (备注) the customer may leave for the merchant. */
export function RemarkField ({ value, maxLength, onChange }: { value: string, maxLength: number, onChange: (v: string) => void }) {
  return (
    <View className='pay__remark'>
      <Input
        className='pay__remark-input'
        value={value}
        maxlength={maxLength}
        placeholder={`添加备注（选填，最多 ${maxLength} 字）`}
        onInput={(e) => { onChange(e.detail.value) }}
      />
    </View>
  )
}
