import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { WECHAT_CHANNEL_LABELS } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice } from '../../../components/field'
import { ManagementQrDialog } from '../../../components/staff-panel/management-qr'
import { Action } from '../../../components/ui'
import { ListItem, ListStatus } from '../../../components/ui/list'
import { queryParam } from '../../../lib/format'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { useServiceProviderOptions, useSubServiceProviderOptions } from '../../../lib/use-options'
import { listMerchants } from '../../../services/merchants'

/** 子商户管理 (T7, T8; seed 000 配置子商户). */
export default function Merchants () {
  const params = useRouter().params
  const [spId, setSpId] = useState(queryParam(params, 'serviceProviderId') ?? '')
  const [sspId, setSspId] = useState(queryParam(params, 'subServiceProviderId') ?? '')
  const sps = useServiceProviderOptions()
  const ssps = useSubServiceProviderOptions(spId)
  const list = useConsoleData(async () => await listMerchants({ serviceProviderId: spId === '' ? undefined : spId, subServiceProviderId: sspId === '' ? undefined : sspId }), [spId, sspId])
  const [qrFor, setQrFor] = useState<{ id: string, name: string } | null>(null)

  return (
    <ConsoleShell
      active='merchant'
      title='子商户管理'
      actions={<Button type='primary' size='small' className='merchant-list__add' onClick={() => { go(ROUTES.merchantEdit, { serviceProviderId: spId, subServiceProviderId: sspId }) }}>添加子商户</Button>}
    >
      <View className='filters'>
        <Choice name='serviceProviderId' label='服务商' options={[{ value: '', label: '全部' }, ...sps.options]} value={spId} onChange={(v) => { setSpId(v); setSspId('') }} />
        {spId !== '' && ssps.options.length > 0 && (
          <Choice name='subServiceProviderId' label='子服务商' options={[{ value: '', label: '全部' }, ...ssps.options]} value={sspId} onChange={setSspId} />
        )}
      </View>
      <ListStatus list={list} rows={list.data?.data} empty='还没有子商户，单击“添加子商户”开始。' />
      {list.data?.data.map((m) => (
        <ListItem
          key={m.id}
          className='merchant-list__item'
          name={m.name}
          onOpen={() => { go(ROUTES.merchant, { id: m.id }) }}
          meta={(
            <>
              <Text>{`子商户号 ${m.wechatSubMchId}`}</Text>
              <Text className='mono'>{m.outSubMchId}</Text>
              <Text className={`tag ${m.wechatChannel === 'maidan' ? 'tag--ok' : ''}`}>{WECHAT_CHANNEL_LABELS[m.wechatChannel]}</Text>
              <Text className={`tag ${m.alipay === null ? '' : m.alipay.tokenValid ? 'tag--ok' : 'tag--bad'}`}>
                {m.alipay === null ? '支付宝未授权' : m.alipay.tokenValid ? '支付宝已授权' : '支付宝授权已失效'}
              </Text>
            </>
          )}
          actions={(
            <>
              <Action onClick={() => { go(ROUTES.merchant, { id: m.id }) }}>详情</Action>
              <Action onClick={() => { setQrFor({ id: m.id, name: m.name }) }}>二维码</Action>
            </>
          )}
        />
      ))}
      {qrFor !== null && (
        <ManagementQrDialog
          owner={{ kind: 'merchant', id: qrFor.id }}
          title={`${qrFor.name} 管理二维码`}
          caption='商户管理员激活后，扫码进入手机端子商户管理后台'
          onClose={() => { setQrFor(null) }}
        />
      )}
    </ConsoleShell>
  )
}
