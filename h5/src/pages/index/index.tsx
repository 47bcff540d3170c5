import { useCallback, useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import { Button, Cell, CellGroup } from '@antmjs/vantui'
import { fen, formatFen } from '@yima/shared'
import { go, ROUTES } from '../../lib/routes'
import { request } from '../../services/api'
import './index.scss'

type Health = 'checking' | 'ok' | 'down'
const HEALTH_LABEL: Record<Health, string> = { checking: '检查中…', ok: '正常', down: '不可用' }

/** Any failure to get `{ status: 'ok' }` (network, 5xx, odd body) shows as 不可用. */
function checkHealth (): Promise<Health> {
  return request<{ status?: unknown } | null>({ path: '/healthz' })
    .then((body) => (body?.status === 'ok' ? 'ok' : 'down'), () => 'down')
}

export default function Index () {
  const [health, setHealth] = useState<Health>('checking')
  const refresh = useCallback(() => {
    setHealth('checking')
    checkHealth().then(setHealth)
  }, [])
  useEffect(refresh, [refresh])

  return (
    <View className='index'>
      <View className='index__hero'>
        <View className='index__name'>yima</View>
        <View className='index__tagline'>服务商、商户与门店的一码付收款平台</View>
      </View>
      <CellGroup title='收款示例'>
        <Cell title='示例金额' value={formatFen(fen(123456))} />
      </CellGroup>
      <View className={`index__health index__health--${health}`}>{`服务状态：${HEALTH_LABEL[health]}`}</View>
      <View className='index__actions'>
        <Button type='primary' block loading={health === 'checking'} onClick={refresh}>重新检查</Button>
      </View>
      <View className='index__console' onClick={() => { go(ROUTES.login) }}>服务商后台登录</View>
    </View>
  )
}
