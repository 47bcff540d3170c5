import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import type { AsyncState } from '../../lib/use-async'
import { Loading, Message } from './index'

/** What a loaded list shows besides its rows: why it failed, the first load, or `empty` once there are none. */
export function ListStatus ({ list, rows, empty }: { list: AsyncState<unknown>, rows: readonly unknown[] | undefined, empty: string }) {
  return (
    <>
      {list.error !== null && <Message>{list.error}</Message>}
      {list.loading && list.data === null && <Loading />}
      {rows?.length === 0 && <View className='list__empty'>{empty}</View>}
    </>
  )
}

/** A row of a console list: the name (opens the entity, where there is one), facts below it, actions on the right. */
export function ListItem ({ className, name, onOpen, meta, actions }: { className: string, name: ReactNode, onOpen?: () => void, meta: ReactNode, actions: ReactNode }) {
  return (
    <View className={`list__item ${className}`}>
      <View className='list__main'>
        <View className='list__name' onClick={onOpen}>{name}</View>
        <View className='list__meta'>{meta}</View>
      </View>
      <View className='list__actions'>{actions}</View>
    </View>
  )
}
