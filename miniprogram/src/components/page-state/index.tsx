import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { Button, Empty, Loading } from '@antmjs/vantui'
import './index.scss'

interface Props {
  /** Pass `state.loading && state.data === null`: data already shown stays while it reloads. */
  loading: boolean
  error: string | null
  /** Shown instead of the children when there is nothing to show (e.g. '还没有门店'). */
  empty?: string | false
  onRetry?: () => void
  children?: ReactNode
}

/** The page body while it loads, when it failed (with 重试) and when it is empty. */
export function PageState ({ loading, error, empty, onRetry, children }: Props) {
  if (error !== null) {
    return (
      <View className='page-state'>
        <Empty image='error' description={error} />
        {onRetry !== undefined && <Button size='small' type='primary' onClick={onRetry}>重试</Button>}
      </View>
    )
  }
  if (loading) {
    return <View className='page-state'><Loading size='24px' vertical>加载中…</Loading></View>
  }
  if (typeof empty === 'string') return <View className='page-state'><Empty description={empty} /></View>
  return <>{children}</>
}
