import { useState } from 'react'
import { Text } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { ServiceProviderDTO } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Action, NoticeMessage } from '../../../components/ui'
import { ListItem, ListStatus } from '../../../components/ui/list'
import { errorMessage } from '../../../lib/forms'
import { OA_STATUS_LABELS } from '../../../lib/labels'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useNotice } from '../../../lib/use-notice'
import { bindMaidan, listServiceProviders } from '../../../services/service-providers'

/** 服务商账户管理: every provider with its official-account and 买单 assistant status (seed 000). */
export default function ServiceProviders () {
  const list = useConsoleData(async () => await listServiceProviders(), [])
  const [more, setMore] = useState<ServiceProviderDTO[]>([])
  const [hasMore, setHasMore] = useState<boolean | null>(null)
  const { notice, setNotice, run } = useNotice()
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
      setNotice({ tone: 'error', text: errorMessage(e) })
    }
  }
  const bind = (sp: ServiceProviderDTO): void => {
    run(async () => {
      await bindMaidan(sp.id)
      setMore([])
      setHasMore(null)
      list.reload()
      return `${sp.name} 已绑定微信买单服务商助手`
    })
  }

  return (
    <ConsoleShell
      active='sp'
      title='服务商账户管理'
      actions={<Button type='primary' size='small' className='sp-list__add' onClick={() => { go(ROUTES.serviceProviderEdit) }}>添加服务商</Button>}
    >
      <NoticeMessage notice={notice} className='sp-list__message' />
      <ListStatus list={list} rows={list.data === null ? undefined : items} empty='还没有服务商，单击“添加服务商”开始。' />
      {items.map((sp) => (
        <ListItem
          key={sp.id}
          className='sp-list__item'
          name={sp.name}
          onOpen={() => { go(ROUTES.serviceProvider, { id: sp.id }) }}
          meta={(
            <>
              <Text>{`微信支付商户号 ${sp.wechatPay?.mchId ?? '未配置'}`}</Text>
              <Text className={`tag ${sp.officialAccount.status === 'authorized' ? 'tag--ok' : 'tag--warn'}`}>{`公众号${OA_STATUS_LABELS[sp.officialAccount.status]}`}</Text>
              <Text className={`tag ${sp.maidan.bound ? 'tag--ok' : ''}`}>{sp.maidan.bound ? '已绑定买单服务商助手' : '未绑定买单服务商助手'}</Text>
            </>
          )}
          actions={(
            <>
              {!sp.maidan.bound && <Action className='sp-list__bind' onClick={() => { bind(sp) }}>立即绑定</Action>}
              <Action onClick={() => { go(ROUTES.serviceProvider, { id: sp.id }) }}>详情</Action>
              <Action onClick={() => { go(ROUTES.serviceProviderEdit, { id: sp.id }) }}>编辑</Action>
            </>
          )}
        />
      ))}
      {moreAvailable && <Action onClick={() => { loadMore().catch(() => {}) }}>加载更多</Action>}
    </ConsoleShell>
  )
}
