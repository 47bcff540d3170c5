import { useRouter } from '@tarojs/taro'
import { Button } from '@antmjs/vantui'
import { ConsoleShell } from '../../../components/console-shell'
import { StaffPanel } from '../../../components/staff-panel'
import { InfoList, Loading, Message, Section } from '../../../components/ui'
import { bpToPercent, formatTime, queryParam } from '../../../lib/format'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { getServiceProvider } from '../../../services/service-providers'
import { getSubServiceProvider } from '../../../services/sub-service-providers'

/** 子服务商详情: its settings and admins, with their activation and management QR codes (T4, T6). */
export default function SubServiceProviderDetail () {
  const params = useRouter().params
  const id = queryParam(params, 'id') ?? ''
  const ssp = useConsoleData(async () => await getSubServiceProvider(id), [id])
  const spId = ssp.data?.serviceProviderId
  const sp = useConsoleData(async () => (spId === undefined ? null : await getServiceProvider(spId).catch(() => null)), [spId])

  return (
    <ConsoleShell
      active='ssp'
      title={ssp.data?.name ?? '子服务商详情'}
      actions={ssp.data !== null
        ? (
          <>
            <Button size='small' onClick={() => { go(ROUTES.merchants, { serviceProviderId: ssp.data?.serviceProviderId, subServiceProviderId: id }) }}>子商户</Button>
            <Button size='small' type='primary' onClick={() => { go(ROUTES.subServiceProviderEdit, { id }) }}>编辑</Button>
          </>
          )
        : undefined}
    >
      {queryParam(params, 'saved') === '1' && <Message tone='success'>子服务商已保存。请在下方管理员列表中打开激活二维码，让子服务商管理员扫码激活。</Message>}
      {ssp.error !== null && <Message>{ssp.error}</Message>}
      {ssp.data === null && ssp.loading && <Loading />}
      {ssp.data !== null && (
        <>
          <Section title='子服务商信息'>
            <InfoList items={[
              ['子服务商名称', ssp.data.name],
              ['所属服务商', sp.data?.name ?? ssp.data.serviceProviderId],
              ['平台账号 ID', ssp.data.accountId],
              ['管理员姓名', ssp.data.adminName],
              ['联系电话', ssp.data.phone],
              ['微信支付返佣比例', ssp.data.wechatRebateBp === null ? null : `${bpToPercent(ssp.data.wechatRebateBp)}%`],
              ['支付宝返佣比例', ssp.data.alipayRebateBp === null ? null : `${bpToPercent(ssp.data.alipayRebateBp)}%`],
              ['备注', ssp.data.remark],
              ['创建时间', formatTime(ssp.data.createdAt)],
            ]}
            />
          </Section>
          <StaffPanel owner={{ kind: 'ssp', id: ssp.data.id }} />
        </>
      )}
    </ConsoleShell>
  )
}
