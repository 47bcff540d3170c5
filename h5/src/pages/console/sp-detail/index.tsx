import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { OA_AUTH_PROBLEMS, type MaidanSyncDTO, type ServiceProviderDTO } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { QrCode } from '../../../components/qr-code'
import { Modal } from '../../../components/modal'
import { StaffPanel } from '../../../components/staff-panel'
import { InfoList, Loading, Message, Section } from '../../../components/ui'
import { bpToPercent, formatTime, queryParam } from '../../../lib/format'
import { errorMessage } from '../../../lib/forms'
import { OA_STATUS_LABELS, yesNo } from '../../../lib/labels'
import { poll } from '../../../lib/poll'
import { OA_RESULT_MESSAGE } from '../../../lib/scan-result'
import { go, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import {
  bindMaidan, getMaidanSync, getServiceProvider, startMaidanSync, startOfficialAccountAuthorization,
} from '../../../services/service-providers'

const set = (on: boolean | undefined): string => (on === true ? '已设置' : '未设置')

/** 服务商详情: settings, official-account authorization (T3), 买单 (T8) and admins (T4, T5). */
export default function ServiceProviderDetail () {
  const params = useRouter().params
  const id = queryParam(params, 'id') ?? ''
  const sp = useConsoleData(async () => await getServiceProvider(id), [id])

  // The authorization window reports back (oa-result page), and coming back to this tab re-reads the status.
  useEffect(() => {
    const onMessage = (e: MessageEvent): void => {
      const data = e.data as { type?: unknown } | null
      if (e.origin === window.location.origin && data?.type === OA_RESULT_MESSAGE) sp.reload()
    }
    const onFocus = (): void => { sp.reload() }
    window.addEventListener('message', onMessage)
    window.addEventListener('focus', onFocus)
    return () => {
      window.removeEventListener('message', onMessage)
      window.removeEventListener('focus', onFocus)
    }
  }, [])

  return (
    <ConsoleShell
      active='sp'
      title={sp.data?.name ?? '服务商详情'}
      actions={sp.data !== null
        ? (
          <>
            <Button size='small' onClick={() => { go(ROUTES.subServiceProviders, { serviceProviderId: id }) }}>子服务商</Button>
            <Button size='small' onClick={() => { go(ROUTES.merchants, { serviceProviderId: id }) }}>子商户</Button>
            <Button size='small' type='primary' className='sp-detail__edit' onClick={() => { go(ROUTES.serviceProviderEdit, { id }) }}>编辑</Button>
          </>
          )
        : undefined}
    >
      {queryParam(params, 'saved') === '1' && <Message tone='success' className='sp-detail__saved'>服务商信息已保存。请完成公众号授权，再让管理员扫码激活。</Message>}
      {sp.error !== null && <Message>{sp.error}</Message>}
      {sp.data === null && sp.loading && <Loading />}
      {sp.data !== null && (
        <>
          <OfficialAccountSection sp={sp.data} />
          <BasicsSection sp={sp.data} />
          <MaidanSection sp={sp.data} onChanged={() => { sp.reload() }} />
          <StaffPanel owner={{ kind: 'sp', id: sp.data.id }} />
        </>
      )}
    </ConsoleShell>
  )
}

function BasicsSection ({ sp }: { sp: ServiceProviderDTO }) {
  const wx = sp.wechatPay
  const ali = sp.alipay
  return (
    <>
      <Section title='基本信息'>
        <InfoList items={[
          ['服务商名称', sp.name],
          ['服务商简称', sp.shortName],
          ['服务商编号', <Text key='id' className='mono sp-detail__out-mch-id'>{sp.outMchId}</Text>],
          ['管理员姓名', sp.adminName],
          ['管理员手机', sp.adminPhone],
          ['交易完成回调 URL', sp.tradeCallbackUrl],
          ['服务商 logo', sp.logoUrl],
          ['广告 URL', sp.adUrl],
          ['广告图片', sp.adImageUrl],
          ['支付完成页 URL', sp.payCompleteUrl],
          ['备注', sp.remark],
          ['创建时间', formatTime(sp.createdAt)],
        ]}
        />
      </Section>
      <Section title='微信支付信息'>
        {wx === null
          ? <View className='list__empty'>尚未配置微信支付信息</View>
          : (
            <InfoList items={[
              ['微信支付商户号', wx.mchId],
              ['APIv3 密钥', set(wx.secrets.apiV3Key)],
              ['API 密钥（v2）', set(wx.secrets.apiV2Key)],
              ['商户 API 私钥', set(wx.secrets.privateKey)],
              ['证书序列号', wx.certificateSerial],
              ['商户 API 证书', wx.hasCertificate ? '已上传' : '未上传'],
              ['微信支付平台证书', wx.hasPlatformCertificate ? '已上传' : '未上传'],
              ['微信支付公钥 ID', wx.publicKeyId],
              ['公众号 AppID', wx.officialAccountAppId],
              ['公众号 AppSecret', set(wx.secrets.officialAccountSecret)],
              ['返佣比例', wx.rebateBp === null ? null : `${bpToPercent(wx.rebateBp)}%`],
            ]}
            />
            )}
      </Section>
      <Section title='支付宝信息'>
        {ali === null
          ? <View className='list__empty'>尚未配置支付宝信息</View>
          : (
            <InfoList items={[
              ['服务商应用 ID', ali.appId],
              ['合作者身份 ID', ali.pid],
              ['应用签名私钥', set(ali.secrets.privateKey)],
              ['支付宝验签公钥', set(ali.secrets.alipayPublicKey)],
              ['返佣比例', ali.rebateBp === null ? null : `${bpToPercent(ali.rebateBp)}%`],
            ]}
            />
            )}
      </Section>
    </>
  )
}

/** T3: the SP's official account must grant 网页服务权限 to the platform before admins can scan. */
function OfficialAccountSection ({ sp }: { sp: ServiceProviderDTO }) {
  const oa = sp.officialAccount
  const [error, setError] = useState<string | null>(null)
  const [fallbackUrl, setFallbackUrl] = useState<string | null>(null)
  const warnings: string[] = []
  if (oa.status === 'authorized' && !oa.webAuthorized) warnings.push(OA_AUTH_PROBLEMS.web_not_authorized)
  if (oa.verified === false) warnings.push(OA_AUTH_PROBLEMS.not_verified)

  const authorize = async (): Promise<void> => {
    setError(null)
    setFallbackUrl(null)
    // Opened inside the click, or popup blockers refuse it; the address comes once the server answers.
    const win = window.open('', '_blank')
    win?.document.write('<!doctype html><meta charset="utf-8"><title>公众号授权</title><p style="font-family:sans-serif;padding:2em">正在打开微信公众平台授权页面…</p>')
    try {
      const { url } = await startOfficialAccountAuthorization(sp.id)
      if (win === null || win.closed) setFallbackUrl(url)
      else win.location.href = url
    } catch (e) {
      win?.close()
      setError(errorMessage(e))
    }
  }

  return (
    <Section
      title='公众号授权'
      className='oa'
      actions={<Button size='small' type='primary' className='oa__authorize' onClick={() => { authorize().catch(() => {}) }}>{oa.status === 'none' ? '授权' : '重新授权'}</Button>}
    >
      <InfoList items={[
        ['授权状态', <Text key='s' className={`tag oa__status oa__status--${oa.status} ${oa.status === 'authorized' ? 'tag--ok' : 'tag--warn'}`}>{OA_STATUS_LABELS[oa.status]}</Text>],
        ['公众号 AppID', oa.appId ?? sp.wechatPay?.officialAccountAppId ?? null],
        ['微信认证', yesNo(oa.verified, '已认证', '未认证')],
        ['网页服务权限', yesNo(oa.webAuthorized, '已授权', '未授权')],
        ['卡券权限', yesNo(oa.cardAuthorized, '已授权', '未授权')],
        ['授权时间', formatTime(oa.authorizedAt)],
      ]}
      />
      {oa.problem !== null && <Message className='oa__problem'>{oa.problem}</Message>}
      {oa.problem === null && warnings.map((w) => <Message key={w} className='oa__problem'>{w}</Message>)}
      {error !== null && <Message className='oa__error'>{error}</Message>}
      {fallbackUrl !== null && (
        <Message tone='info'>
          浏览器拦截了新窗口，请<a href={fallbackUrl} target='_blank' rel='noreferrer'>单击这里打开授权页面</a>。
        </Message>
      )}
      <View className='hint'>
        单击“{oa.status === 'none' ? '授权' : '重新授权'}”会打开微信公众平台的授权页面：请公众号管理员用微信扫码，选择服务商的公众号，并勾选“网页服务权限”完成授权。
      </View>
    </Section>
  )
}

/** T8: bind the 买单 assistant and import 买单 sub-merchants (asynchronous, with progress). */
function MaidanSection ({ sp, onChanged }: { sp: ServiceProviderDTO, onChanged: () => void }) {
  const [message, setMessage] = useState<{ tone: 'error' | 'success', text: string } | null>(null)
  const [bindQr, setBindQr] = useState<string | null>(null)
  const [sync, setSync] = useState<MaidanSyncDTO | null>(null)
  const [syncError, setSyncError] = useState<string | null>(null)
  const running = sync !== null && (sync.status === 'queued' || sync.status === 'running')

  useEffect(() => {
    if (sync === null || !running) return
    return poll({
      load: async () => await getMaidanSync(sync.id),
      done: (s) => s.status === 'succeeded' || s.status === 'failed',
      onUpdate: setSync,
      intervalMs: 1000,
    })
  }, [sync?.id, running])

  const bind = async (): Promise<void> => {
    setMessage(null)
    try {
      const answer = await bindMaidan(sp.id) as { url?: unknown } | null
      // With several WeChat identities bound, the 买单 admin confirms by scanning.
      if (typeof answer?.url === 'string') setBindQr(answer.url)
      else setMessage({ tone: 'success', text: '已绑定微信买单服务商助手' })
      onChanged()
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) })
    }
  }
  const startSync = async (): Promise<void> => {
    setSyncError(null)
    try {
      setSync(await startMaidanSync(sp.id))
    } catch (e) {
      setSyncError(errorMessage(e))
    }
  }

  const pct = sync?.total != null && sync.total > 0 ? Math.min(100, Math.round(sync.processed / sync.total * 100)) : null
  return (
    <Section
      title='微信买单'
      className='maidan'
      actions={(
        <>
          <Button size='small' className='maidan__bind' onClick={() => { bind().catch(() => {}) }}>绑定微信买单服务商助手</Button>
          <Button size='small' className='maidan__sync' disabled={running} onClick={() => { startSync().catch(() => {}) }}>同步买单子商户</Button>
        </>
      )}
    >
      <InfoList items={[
        ['买单服务商助手', <Text key='b' className={`tag maidan__status ${sp.maidan.bound ? 'tag--ok' : ''}`}>{sp.maidan.bound ? '已绑定' : '未绑定'}</Text>],
        ['绑定时间', formatTime(sp.maidan.boundAt)],
      ]}
      />
      {message !== null && <Message tone={message.tone} className='maidan__message'>{message.text}</Message>}
      {syncError !== null && <Message className='maidan__message'>{syncError}</Message>}
      {sync !== null && (
        <View className={`progress maidan__progress maidan__progress--${sync.status}`}>
          <View className='progress__bar'>
            <View
              className={`progress__fill ${pct === null && running ? 'progress__fill--indeterminate' : ''}`}
              style={pct === null ? (running ? undefined : { width: '100%' }) : { width: `${pct}%` }}
            />
          </View>
          <View className='progress__text'>
            {sync.status === 'queued' && '排队中…'}
            {sync.status === 'running' && (sync.total === null ? '正在获取买单子商户列表…' : `正在同步 ${sync.processed}/${sync.total}`)}
            {sync.status === 'succeeded' && `同步完成：共 ${sync.total ?? sync.processed} 个`}
            {sync.status === 'failed' && `同步失败：${sync.error ?? '请稍后重试'}`}
            {`，新增 ${sync.created} 个，跳过 ${sync.skipped} 个（已存在）`}
          </View>
        </View>
      )}
      <View className='hint'>绑定后，在微信买单服务商助手小程序进件的商户可以同步到云支付后台；同步可能需要较长时间，可以离开本页。</View>
      {bindQr !== null && (
        <Modal title='扫码确认绑定' onClose={() => { setBindQr(null); onChanged() }}>
          <QrCode url={bindQr} caption='请使用微信买单服务商助手的管理员微信扫码，并单击“确认绑定”' />
        </Modal>
      )}
    </Section>
  )
}
