import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { closeBinding, refreshBinding, type ConsoleState } from '../../lib/console-state'
import { QrCode } from '../qr-code'
import { Message } from '../ui'

/**
 * T1: the WeChat binding QR in front of everything. Forced (first sign-in, or the API answered
 * wechat_binding_required) it cannot be closed, only signed out of.
 */
export function BindingDialog ({ binding, onSignOut }: { binding: ConsoleState['binding'], onSignOut: () => void }) {
  const { view, forced } = binding
  return (
    <View className={`binding ${forced ? 'binding--forced' : ''}`}>
      <View className='binding__panel'>
        <View className='binding__title'>扫码绑定微信号</View>
        <View className='binding__desc'>
          {forced
            ? '首次登录需要绑定微信号：请使用微信买单服务商助手的管理员微信号扫描下方二维码，绑定后才能使用云支付后台。'
            : '使用另一个微信买单服务商助手管理员微信号扫码，可将其绑定到当前账号（一个账号可绑定多个微信号）。'}
        </View>
        <View className='binding__qr'>
          {view.phase === 'creating' && <View className='binding__status'>正在生成二维码…</View>}
          {(view.phase === 'pending' || view.phase === 'expired') && view.binding !== null && (
            <QrCode
              className='binding__code'
              url={view.binding.url}
              expiresAt={view.binding.expiresAt}
              expired={view.phase === 'expired'}
              onRefresh={refreshBinding}
            />
          )}
          {view.phase === 'expired' && view.binding === null && (
            <View className='binding__refresh' onClick={refreshBinding}>二维码已失效，点击刷新</View>
          )}
          {view.phase === 'pending' && <View className='binding__status'>等待扫码…二维码 5 分钟内有效</View>}
          {view.phase === 'bound' && <Message tone='success'>绑定成功</Message>}
          {view.phase === 'error' && (
            <View>
              <Message className='binding__error'>{view.message}</Message>
              <Button size='small' onClick={refreshBinding}>重试</Button>
            </View>
          )}
        </View>
        <View className='binding__foot'>
          {forced
            ? <View className='binding__link' onClick={onSignOut}>退出登录</View>
            : <View className='binding__link' onClick={closeBinding}>关闭</View>}
        </View>
      </View>
    </View>
  )
}
