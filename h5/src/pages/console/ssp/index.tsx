import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice } from '../../../components/field'
import { Action, Loading, Message, QrDialog } from '../../../components/ui'
import { bpToPercent, queryParam } from '../../../lib/format'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useServiceProviderOptions } from '../../../lib/use-options'
import { getManagementQr } from '../../../services/staff'
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
      {list.error !== null && <Message>{list.error}</Message>}
      {list.loading && list.data === null && <Loading />}
      {list.data?.data.length === 0 && <View className='list__empty'>还没有子服务商。添加子服务商之前，需要已经添加好服务商。</View>}
      {list.data?.data.map((s) => (
        <View key={s.id} className='list__item ssp-list__item'>
          <View className='list__main'>
            <View className='list__name' onClick={() => { go(ROUTES.subServiceProvider, { id: s.id }) }}>{s.name}</View>
            <View className='list__meta'>
              <Text>{`服务商 ${spName(s.serviceProviderId)}`}</Text>
              <Text>{`管理员 ${s.adminName} ${s.phone}`}</Text>
              <Text>{`平台账号 ${s.accountId}`}</Text>
              {s.wechatRebateBp !== null && <Text>{`微信返佣 ${bpToPercent(s.wechatRebateBp)}%`}</Text>}
              {s.alipayRebateBp !== null && <Text>{`支付宝返佣 ${bpToPercent(s.alipayRebateBp)}%`}</Text>}
            </View>
          </View>
          <View className='list__actions'>
            <Action onClick={() => { go(ROUTES.subServiceProvider, { id: s.id }) }}>详情</Action>
            <Action onClick={() => { go(ROUTES.subServiceProviderEdit, { id: s.id }) }}>编辑</Action>
            <Action onClick={() => { setQrFor({ id: s.id, name: s.name }) }}>管理二维码</Action>
          </View>
        </View>
      ))}
      {qrFor !== null && (
        <QrDialog
          title={`${qrFor.name} 管理二维码`}
          className='qr--management'
          caption='子服务商管理员激活后，扫码进入手机端管理页面；激活二维码在详情页的管理员列表中'
          load={async () => await getManagementQr({ kind: 'ssp', id: qrFor.id })}
          onClose={() => { setQrFor(null) }}
        />
      )}
    </ConsoleShell>
  )
}
