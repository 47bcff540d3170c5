import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { fen, formatFen, type PayPageDto } from '@yima/shared'
import { clampQuantity, maxQuantity, quantityTotal, remarkForOrder } from '../../../lib/pay-amount'
import type { usePay } from '../use-pay'
import { RemarkField } from './remark'
import { Stepper } from './stepper'

/** Fixed-amount codes (S4): the unit price, a quantity, and the total. The server charges unit × quantity itself. */
export function FixedAmount ({ page, unitPriceFen, payment, payLabel = '付款' }: { page: PayPageDto, unitPriceFen: number, payment: ReturnType<typeof usePay>, payLabel?: string }) {
  const max = maxQuantity(unitPriceFen, page.limits)
  const [quantity, setQuantity] = useState(1)
  const [remark, setRemark] = useState('')
  const total = quantityTotal(unitPriceFen, quantity)
  const usable = max >= 1
  const message = payment.error?.message ?? (usable ? '' : '该商品单价超过单笔限额，暂时无法付款')
  const disabled = !usable || payment.paying
  const onPay = (): void => {
    const note = remarkForOrder(remark, page.limits.remarkMaxLength)
    payment.pay(note === undefined ? { quantity } : { quantity, remark: note })
  }
  return (
    <View className='pay__body'>
      <View className='pay__card'>
        {page.itemName === undefined || page.itemName === '' ? null : <View className='pay__item'>{page.itemName}</View>}
        <View className='pay__row'>
          <Text className='pay__row-label'>单价</Text>
          <Text className='pay__unit-price'>{formatFen(fen(unitPriceFen))}</Text>
        </View>
        <View className='pay__row'>
          <Text className='pay__row-label'>数量</Text>
          <Stepper value={quantity} max={max} onChange={(n) => { payment.clearError(); setQuantity(clampQuantity(n, max)) }} />
        </View>
        <View className='pay__row pay__row--total'>
          <Text className='pay__row-label'>合计</Text>
          <Text className='pay__total'>{formatFen(total)}</Text>
        </View>
        <RemarkField value={remark} maxLength={page.limits.remarkMaxLength} onChange={setRemark} />
      </View>
      <View className='pay__error'>{message}</View>
      <View className={`pay__button pay__submit ${disabled ? 'pay__submit--disabled' : ''}`} onClick={disabled ? undefined : onPay}>
        {payment.paying ? '支付中…' : `${payLabel} ${formatFen(total)}`}
      </View>
    </View>
  )
}
