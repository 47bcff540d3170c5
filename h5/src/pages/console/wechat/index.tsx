import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ConsoleShell } from '../../../components/console-shell'
import { Action, Loading, Message } from '../../../components/ui'
import { openBinding } from '../../../lib/console-state'
import { formatTime } from '../../../lib/format'
import { errorMessage } from '../../../lib/forms'
import { useConsoleData } from '../../../lib/use-async'
import { listWechatIdentities, unbindWechatIdentity } from '../../../services/console'

/** 微信号绑定: the WeChat identities bound to this console account (T1). */
export default function WechatIdentities () {
  const list = useConsoleData(listWechatIdentities, [])
  const [confirming, setConfirming] = useState<string | null>(null)
  const [message, setMessage] = useState<{ tone: 'error' | 'success', text: string } | null>(null)

  const unbind = async (id: string): Promise<void> => {
    setConfirming(null)
    try {
      await unbindWechatIdentity(id)
      setMessage({ tone: 'success', text: '已解除绑定' })
      list.reload()
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) })
    }
  }

  return (
    <ConsoleShell
      active='wechat'
      title='微信号绑定'
      actions={<Button type='primary' size='small' className='wechat__bind' onClick={() => { openBinding(false) }}>扫码绑定买单助手管理员微信号</Button>}
    >
      <View className='hint wechat__hint'>一个云支付后台账号可以绑定多个微信号。绑定微信买单服务商助手时，使用的是这里绑定的微信号。</View>
      {message !== null && <Message tone={message.tone} className='wechat__message'>{message.text}</Message>}
      {list.error !== null && <Message>{list.error}</Message>}
      {list.loading && list.data === null && <Loading />}
      {list.data?.length === 0 && <View className='list__empty'>还没有绑定微信号</View>}
      {list.data?.map((w) => (
        <View key={w.id} className='list__item wechat__item'>
          <View className='list__main'>
            <View className='list__name'>{w.nickname ?? '微信用户'}</View>
            <View className='list__meta'>
              <Text className='mono'>{w.openidMasked}</Text>
              <Text>{`公众号 ${w.appId}`}</Text>
              <Text>{`绑定于 ${formatTime(w.boundAt)}`}</Text>
            </View>
          </View>
          <View className='list__actions'>
            {confirming === w.id
              ? (
                <>
                  <Action danger onClick={() => { unbind(w.id).catch(() => {}) }}>确认解绑</Action>
                  <Action onClick={() => { setConfirming(null) }}>取消</Action>
                </>
                )
              : <Action danger onClick={() => { setMessage(null); setConfirming(w.id) }}>解绑</Action>}
          </View>
        </View>
      ))}
    </ConsoleShell>
  )
}
