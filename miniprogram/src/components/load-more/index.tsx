import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import './index.scss'

interface Props {
  hasMore: boolean
  loading: boolean
  onMore: () => void
  /** The page's own class for the 加载更多 button (`orders__more`), beside `load-more__button`. */
  moreClassName: string
}

/** Under a paged list: 加载更多 while there are more pages, else 没有更多了. */
export function LoadMore ({ hasMore, loading, onMore, moreClassName }: Props) {
  return (
    <View className='load-more'>
      {hasMore
        ? <Button className={`load-more__button ${moreClassName}`} size='small' plain loading={loading} onClick={() => { onMore() }}>加载更多</Button>
        : <Text className='load-more__end'>没有更多了</Text>}
    </View>
  )
}
