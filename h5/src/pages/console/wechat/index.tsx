import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { ConsoleShell } from '../../../components/console-shell'
import { Action, NoticeMessage } from '../../../components/ui'
import { ListItem, ListStatus } from '../../../components/ui/list'
import { openBinding } from '../../../lib/console-state'
import { formatTime } from '../../../lib/format'
import { useConsoleData } from '../../../lib/use-async'
import { useNotice } from '../../../lib/use-notice'
import { listWechatIdentities, unbindWechatIdentity } from '../../../services/console'

/** 微信号绑定: the WeChat identities bound to this console account (T1). */
export default function WechatIdentities () {
  const list = useConsoleData(listWechatIdentities, [])
  const [confirming, setConfirming] = useState<string | null>(null)
  const { notice, setNotice, run } = useNotice()

  const unbind = (id: string): void => {
    setConfirming(null)
    run(async () => {
      await unbindWechatIdentity(id)
      list.reload()
      return '已解除绑定'
    })
  }

  return (
    <ConsoleShell
      active='wechat'
      title='微信号绑定'
      actions={<Button type='primary' size='small' className='wechat__bind' onClick={() => { openBinding(false) }}>扫码绑定买单助手管理员微信号</Button>}
    >
      <View className='hint wechat__hint'>一个云支付后台账号可以绑定多个微信号。绑定微信买单服务商助手时，使用的是这里绑定的微信号。</View>
      <NoticeMessage notice={notice} className='wechat__message' />
      <ListStatus list={list} rows={list.data ?? undefined} empty='还没有绑定微信号' />
      {list.data?.map((w) => (
        <ListItem
          key={w.id}
          className='wechat__item'
          name={w.nickname ?? '微信用户'}
          meta={(
            <>
              <Text className='mono'>{w.openidMasked}</Text>
              <Text>{`公众号 ${w.appId}`}</Text>
              <Text>{`绑定于 ${formatTime(w.boundAt)}`}</Text>
            </>
          )}
          actions={confirming === w.id
            ? (
              <>
                <Action danger onClick={() => { unbind(w.id) }}>确认解绑</Action>
                <Action onClick={() => { setConfirming(null) }}>取消</Action>
              </>
              )
            : <Action danger onClick={() => { setNotice(null); setConfirming(w.id) }}>解绑</Action>}
        />
      ))}
    </ConsoleShell>
  )
}
