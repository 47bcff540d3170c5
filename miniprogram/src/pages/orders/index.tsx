import { View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import { CellGroup } from '@antmjs/vantui'
import { LoadMore } from '../../components/load-more'
import { OrderRow } from '../../components/order-row'
import { PageState } from '../../components/page-state'
import { param } from '../../lib/nav'
import { useData } from '../../lib/use-data'
import { useMorePages } from '../../lib/use-more-pages'
import { storeOrders } from '../../services/orders'
import './index.scss'

/**
 * The first page comes from useData (so it reloads when the page shows again); later pages are
 * appended by useMorePages and dropped whenever the first page is reloaded, since the list may have moved.
 */
function useStoreOrders (storeId: string) {
  const first = useData(async () => await storeOrders(storeId), [storeId])
  const { items: orders, hasMore, loadingMore, loadMore } = useMorePages(first.data, (page) => page, async (after) => await storeOrders(storeId, after))
  return { first, orders, hasMore, loadingMore, loadMore }
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
          {orders.map((o) => <OrderRow key={o.id} className='orders__row' order={o} />)}
        </CellGroup>
        <LoadMore hasMore={hasMore} loading={loadingMore} onMore={loadMore} moreClassName='orders__more' />
      </PageState>
    </View>
  )
}
