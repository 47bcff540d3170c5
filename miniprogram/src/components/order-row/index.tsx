import { Text, View } from '@tarojs/components'
import { Cell } from '@antmjs/vantui'
import { fen, formatFen, ORDER_STATUS_LABELS, STORE_PAYMENT_TYPE_LABELS, type OrderDto } from '@yima/shared'
import { chinaShortTime } from '../../lib/china-time'
import { go } from '../../lib/nav'
import './index.scss'

interface Props {
  order: OrderDto
  /** The page's own class for the row (`orders__row`), beside `order-row`. */
  className?: string
  /** Shows the merchant order number too. */
  showOutTradeNo?: boolean
}

/**
 * One order in a list: channel and amount; paid (else created) time in China, status, what was
 * refunded. A tap opens the order.
 */
export function OrderRow ({ order, className, showOutTradeNo = false }: Props) {
  return (
    <Cell
      className={className === undefined ? 'order-row' : `order-row ${className}`}
      isLink
      title={STORE_PAYMENT_TYPE_LABELS[order.payPlatform]}
      value={formatFen(fen(order.amountFen))}
      renderLabel={(
        <View className='order-row__meta'>
          <Text>{chinaShortTime(order.paidAt ?? order.createdAt)}</Text>
          <Text className={`order-row__status order-row__status--${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</Text>
          {order.refundedFen > 0 && <Text className='order-row__refunded'>已退 {formatFen(fen(order.refundedFen))}</Text>}
          {showOutTradeNo && <Text className='order-row__no'>{order.outTradeNo}</Text>}
        </View>
      )}
      onClick={() => { go('/pages/order/index', { id: order.id }) }}
    />
  )
}
