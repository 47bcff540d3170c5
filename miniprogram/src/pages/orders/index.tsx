import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { fen, formatFen, ORDER_STATUS_LABELS, STORE_PAYMENT_TYPE_LABELS, type List, type OrderDto } from '@yima/shared'
import { PageState } from '../../components/page-state'
import { go, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { chinaShortTime } from '../../lib/china-time'
import { storeOrders } from '../../services/orders'
import './index.scss'

/**
 * The first page comes from useData (so it reloads when the page shows again); later pages are
 * appended here and dropped whenever the first page is reloaded, since the list may have moved.
 */
function useStoreOrders (storeId: string) {
  const first = useData(async () => await storeOrders(storeId), [storeId])
  const [later, setLater] = useState<List<OrderDto> | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  // The first page a "load more" started from: its answer is dropped if the list reloaded meanwhile.
  const base = useRef(first.data)
  base.current = first.data
  useEffect(() => { setLater(null) }, [first.data])

  const orders = [...(first.data?.data ?? []), ...(later?.data ?? [])]
  const hasMore = later?.hasMore ?? first.data?.hasMore ?? false

  const loadMore = async (): Promise<void> => {
    const last = orders[orders.length - 1]
    if (loadingMore || !hasMore || last === undefined) return
    const startedFrom = first.data
    setLoadingMore(true)
    try {
      const page = await storeOrders(storeId, last.id)
      if (base.current !== startedFrom) return
      setLater((prev) => ({ object: 'list', data: [...(prev?.data ?? []), ...page.data], hasMore: page.hasMore }))
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setLoadingMore(false)
    }
  }
  return { first, orders, hasMore, loadingMore, loadMore }
}

function OrderRow ({ order }: { order: OrderDto }) {
  return (
    <Cell
      className='orders__row'
      isLink
      title={STORE_PAYMENT_TYPE_LABELS[order.payPlatform]}
      value={formatFen(fen(order.amountFen))}
      renderLabel={(
        <View className='orders__meta'>
          <Text>{chinaShortTime(order.paidAt ?? order.createdAt)}</Text>
          <Text className={`orders__status orders__status--${order.status}`}>{ORDER_STATUS_LABELS[order.status]}</Text>
          {order.refundedFen > 0 && <Text className='orders__refunded'>已退 {formatFen(fen(order.refundedFen))}</Text>}
        </View>
      )}
      onClick={() => go('/pages/order/index', { id: order.id })}
    />
  )
}

export default function Orders () {
  const storeId = param('storeId')
  const { first, orders, hasMore, loadingMore, loadMore } = useStoreOrders(storeId)
  useReachBottom(loadMore)

  return (
    <View className='orders'>
      <PageState
        loading={first.loading && first.data === null}
        error={first.error}
        empty={orders.length === 0 && '暂无交易'}
        onRetry={() => first.reload()}
      >
        <CellGroup>
          {orders.map((o) => <OrderRow key={o.id} order={o} />)}
        </CellGroup>
        <View className='orders__footer'>
          {hasMore
            ? <Button className='orders__more' size='small' plain loading={loadingMore} onClick={loadMore}>加载更多</Button>
            : <Text className='orders__end'>没有更多了</Text>}
        </View>
      </PageState>
    </View>
  )
}
