import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { ServiceProviderDTO } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Action, Loading, Message } from '../../../components/ui'
import { errorMessage } from '../../../lib/forms'
import { OA_STATUS_LABELS } from '../../../lib/labels'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { bindMaidan, listServiceProviders } from '../../../services/service-providers'

/** 服务商账户管理: every provider with its official-account and 买单 assistant status (seed 000). */
export default function ServiceProviders () {
  const list = useConsoleData(async () => await listServiceProviders(), [])
  const [more, setMore] = useState<ServiceProviderDTO[]>([])
  const [hasMore, setHasMore] = useState<boolean | null>(null)
  const [message, setMessage] = useState<{ tone: 'error' | 'success', text: string } | null>(null)
  const items = [...(list.data?.data ?? []), ...more]
  const moreAvailable = hasMore ?? list.data?.hasMore ?? false

  const loadMore = async (): Promise<void> => {
    const last = items[items.length - 1]
    if (last === undefined) return
    try {
      const page = await listServiceProviders({ startingAfter: last.id })
      setMore((old) => [...old, ...page.data])
      setHasMore(page.hasMore)
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) })
    }
  }
  const bind = async (sp: ServiceProviderDTO): Promise<void> => {
    setMessage(null)
    try {
      await bindMaidan(sp.id)
      setMessage({ tone: 'success', text: `${sp.name} 已绑定微信买单服务商助手` })
      setMore([])
      setHasMore(null)
      list.reload()
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) })
    }
  }

  return (
    <ConsoleShell
      active='sp'
      title='服务商账户管理'
      actions={<Button type='primary' size='small' className='sp-list__add' onClick={() => { go(ROUTES.serviceProviderEdit) }}>添加服务商</Button>}
    >
      {message !== null && <Message tone={message.tone} className='sp-list__message'>{message.text}</Message>}
      {list.error !== null && <Message>{list.error}</Message>}
      {list.loading && list.data === null && <Loading />}
      {list.data !== null && items.length === 0 && <View className='list__empty'>还没有服务商，单击“添加服务商”开始。</View>}
      {items.map((sp) => (
        <View key={sp.id} className='list__item sp-list__item'>
          <View className='list__main'>
            <View className='list__name' onClick={() => { go(ROUTES.serviceProvider, { id: sp.id }) }}>{sp.name}</View>
            <View className='list__meta'>
              <Text>{`微信支付商户号 ${sp.wechatPay?.mchId ?? '未配置'}`}</Text>
              <Text className={`tag ${sp.officialAccount.status === 'authorized' ? 'tag--ok' : 'tag--warn'}`}>{`公众号${OA_STATUS_LABELS[sp.officialAccount.status]}`}</Text>
              <Text className={`tag ${sp.maidan.bound ? 'tag--ok' : ''}`}>{sp.maidan.bound ? '已绑定买单服务商助手' : '未绑定买单服务商助手'}</Text>
            </View>
          </View>
          <View className='list__actions'>
            {!sp.maidan.bound && <Action className='sp-list__bind' onClick={() => { bind(sp).catch(() => {}) }}>立即绑定</Action>}
            <Action onClick={() => { go(ROUTES.serviceProvider, { id: sp.id }) }}>详情</Action>
            <Action onClick={() => { go(ROUTES.serviceProviderEdit, { id: sp.id }) }}>编辑</Action>
          </View>
        </View>
      ))}
      {moreAvailable && <Action onClick={() => { loadMore().catch(() => {}) }}>加载更多</Action>}
    </ConsoleShell>
  )
}
