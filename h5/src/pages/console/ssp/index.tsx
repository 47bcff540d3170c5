import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice } from '../../../components/field'
import { ManagementQrDialog } from '../../../components/staff-panel/management-qr'
import { Action } from '../../../components/ui'
import { ListItem, ListStatus } from '../../../components/ui/list'
import { bpToPercent, queryParam } from '../../../lib/format'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useServiceProviderOptions } from '../../../lib/use-options'
import { listSubServiceProviders } from '../../../services/sub-service-providers'

/** 子服务商管理 (T6; seed 000 配置子服务商). */
export default function SubServiceProviders () {
  const [spId, setSpId] = useState(queryParam(useRouter().params, 'serviceProviderId') ?? '')
  const sps = useServiceProviderOptions()
  const list = useConsoleData(async () => await listSubServiceProviders({ serviceProviderId: spId === '' ? undefined : spId }), [spId])
  const [qrFor, setQrFor] = useState<{ id: string, name: string } | null>(null)
  const spName = (id: string): string => sps.options.find((o) => o.value === id)?.label ?? id

  return (
    <ConsoleShell
      active='ssp'
      title='子服务商管理'
      actions={<Button type='primary' size='small' className='ssp-list__add' onClick={() => { go(ROUTES.subServiceProviderEdit, { serviceProviderId: spId }) }}>添加子服务商</Button>}
    >
      <View className='filters'>
        <Choice name='serviceProviderId' label='所属服务商' options={[{ value: '', label: '全部' }, ...sps.options]} value={spId} onChange={setSpId} />
      </View>
      <ListStatus list={list} rows={list.data?.data} empty='还没有子服务商。添加子服务商之前，需要已经添加好服务商。' />
      {list.data?.data.map((s) => (
        <ListItem
          key={s.id}
          className='ssp-list__item'
          name={s.name}
          onOpen={() => { go(ROUTES.subServiceProvider, { id: s.id }) }}
          meta={(
            <>
              <Text>{`服务商 ${spName(s.serviceProviderId)}`}</Text>
              <Text>{`管理员 ${s.adminName} ${s.phone}`}</Text>
              <Text>{`平台账号 ${s.accountId}`}</Text>
              {s.wechatRebateBp !== null && <Text>{`微信返佣 ${bpToPercent(s.wechatRebateBp)}%`}</Text>}
              {s.alipayRebateBp !== null && <Text>{`支付宝返佣 ${bpToPercent(s.alipayRebateBp)}%`}</Text>}
            </>
          )}
          actions={(
            <>
              <Action onClick={() => { go(ROUTES.subServiceProvider, { id: s.id }) }}>详情</Action>
              <Action onClick={() => { go(ROUTES.subServiceProviderEdit, { id: s.id }) }}>编辑</Action>
              <Action onClick={() => { setQrFor({ id: s.id, name: s.name }) }}>管理二维码</Action>
            </>
          )}
        />
      ))}
      {qrFor !== null && (
        <ManagementQrDialog
          owner={{ kind: 'ssp', id: qrFor.id }}
          title={`${qrFor.name} 管理二维码`}
          caption='子服务商管理员激活后，扫码进入手机端管理页面；激活二维码在详情页的管理员列表中'
          onClose={() => { setQrFor(null) }}
        />
      )}
    </ConsoleShell>
  )
}
