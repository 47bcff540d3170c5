import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { PayPageDto } from '@yima/shared'
import { checkAmount, pressKey, remarkForOrder, type KeypadKey } from '../../../lib/pay-amount'
import type { usePay } from '../use-pay'
import { Keypad } from './keypad'
import { RemarkField } from './remark'

/** Store and clerk codes: the customer types the amount on the keypad. `payLabel`: 余额付款 when paying from the membership card. */
export function FreeAmount ({ page, payment, payLabel = '付款' }: { page: PayPageDto, payment: ReturnType<typeof usePay>, payLabel?: string }) {
  const [input, setInput] = useState('')
  const [remark, setRemark] = useState('')
  const check = checkAmount(input, page.limits)
  const message = payment.error?.message ?? (check.ok ? '' : check.message)
  const onKey = (key: KeypadKey): void => {
    payment.clearError()
    setInput((current) => pressKey(current, key))
  }
  const onPay = (): void => {
    if (!check.ok) return
    const note = remarkForOrder(remark, page.limits.remarkMaxLength)
    payment.pay(note === undefined ? { amountFen: check.fen } : { amountFen: check.fen, remark: note })
  }
  return (
    <View className='pay__body pay__body--keypad'>
      <View className='pay__card'>
        <View className='pay__label'>付款金额</View>
        <View className={`pay__amount ${input === '' ? 'pay__amount--empty' : ''}`}>
          <Text className='pay__currency'>¥</Text>
          <Text className='pay__amount-value'>{input}</Text>
          <View className='pay__cursor' />
        </View>
        <RemarkField value={remark} maxLength={page.limits.remarkMaxLength} onChange={setRemark} />
      </View>
      <View className='pay__error'>{message}</View>
      <Keypad onKey={onKey} onPay={onPay} payDisabled={!check.ok || payment.paying} payLabel={payment.paying ? '支付中…' : payLabel} />
    </View>
  )
}
