import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { SCAN_PROBLEMS, STAFF_ROLE_LABELS } from '@yima/shared'
import { ResultPage } from '../../components/result'
import { queryParam } from '../../lib/format'
import { STAFF_APP_URL } from '../../lib/scan-result'
import { errorMessage } from '../../lib/forms'
import { ENTITY_KINDS, getManagedEntity, type EntityKind, type ManagedEntity } from '../../services/mobile'
import { ApiError } from '../../services/api'
import './index.scss'

const KIND_LABELS: Record<EntityKind, string> = { sp: '服务商', ssp: '子服务商', merchant: '子商户', store: '门店' }

type State = { phase: 'loading' } | { phase: 'ok', entity: ManagedEntity } | { phase: 'denied' } | { phase: 'error', message: string }

/** What the management QR opens on a phone (T4): the entity and its admins, for activated admins only. */
export default function Manage () {
  const params = useRouter().params
  const kindParam = queryParam(params, 'kind')
  const kind = ENTITY_KINDS.find((k) => k === kindParam)
  const id = queryParam(params, 'id')
  const [state, setState] = useState<State>({ phase: 'loading' })

  useEffect(() => {
    if (kind === undefined || id === undefined) return
    let live = true
    getManagedEntity(kind, id).then((entity) => { if (live) setState({ phase: 'ok', entity }) }, (e: unknown) => {
      if (!live) return
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setState({ phase: 'denied' })
      else setState({ phase: 'error', message: errorMessage(e) })
    })
    return () => { live = false }
  }, [kind, id])

  if (kind === undefined || id === undefined) {
    return <ResultPage view={{ tone: 'error', title: SCAN_PROBLEMS.code_unknown.title, detail: SCAN_PROBLEMS.code_unknown.remedy }} className='manage manage--invalid' />
  }
  if (state.phase === 'denied') {
    return <ResultPage view={{ tone: 'error', title: SCAN_PROBLEMS.not_an_admin.title, detail: SCAN_PROBLEMS.not_an_admin.remedy }} className='manage manage--denied' />
  }
  if (state.phase === 'error') {
    return <ResultPage view={{ tone: 'error', title: '加载失败', detail: state.message }} className='manage manage--error' />
  }
  if (state.phase === 'loading') return <View className='manage manage--loading'><View className='manage__loading'>加载中…</View></View>

  const e = state.entity
  return (
    <View className='manage manage--ok'>
      <View className='manage__head'>
        <View className='manage__kind'>{`${KIND_LABELS[e.kind]}管理`}</View>
        <View className='manage__name'>{e.name}</View>
        <View className='manage__role'>{`您的身份：${STAFF_ROLE_LABELS[e.role]}`}</View>
      </View>
      <View className='manage__section'>
        <View className='manage__section-title'>管理员</View>
        {e.admins.map((a) => (
          <View key={a.id} className='manage__admin'>
            <View>
              <Text className='manage__admin-name'>{a.name}</Text>
              <Text className='manage__admin-role'>{a.roleLabel}</Text>
            </View>
            <Text className={`manage__admin-state ${a.activated ? 'manage__admin-state--on' : ''}`}>{a.activated ? '已激活' : '未激活'}</Text>
          </View>
        ))}
      </View>
      <a className='manage__staff-app' href={STAFF_APP_URL}>进入商户助手（门店、店员、设备、交易）</a>
      <View className='manage__note'>商户进件、二维码批次等更多功能请在电脑上登录云支付后台操作。</View>
    </View>
  )
}
