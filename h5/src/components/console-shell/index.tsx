import { useEffect, type ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { ensureMe, openBinding, resetConsoleState, useConsoleState } from '../../lib/console-state'
import { currentPageUrl, relaunch, ROUTES, type Route } from '../../lib/routes'
import { loadSession, logout } from '../../services/session'
import { BindingDialog } from './binding-dialog'
import '../ui/index.scss'
import './index.scss'

export type ConsoleMenu = 'sp' | 'ssp' | 'merchant' | 'reports' | 'orders' | 'wechat'

const MENU: ReadonlyArray<{ key: ConsoleMenu, label: string, route: Route }> = [
  { key: 'sp', label: '服务商账户管理', route: ROUTES.serviceProviders },
  { key: 'ssp', label: '子服务商管理', route: ROUTES.subServiceProviders },
  { key: 'merchant', label: '子商户管理', route: ROUTES.merchants },
  { key: 'reports', label: '交易汇总', route: ROUTES.reports },
  { key: 'orders', label: '交易明细', route: ROUTES.orders },
  { key: 'wechat', label: '微信号绑定', route: ROUTES.wechat },
]

export async function signOut (): Promise<void> {
  await logout()
  resetConsoleState()
  relaunch(ROUTES.login)
}

/**
 * The console frame: a sidebar on wide screens (a top bar on phones), the account and the
 * "扫码绑定买单助手管理员微信号" button in the header, and the WeChat binding dialog (T1).
 */
export function ConsoleShell ({ active, title, actions, children }: { active: ConsoleMenu, title: string, actions?: ReactNode, children?: ReactNode }) {
  const s = useConsoleState()
  useEffect(() => {
    if (loadSession() === null) {
      relaunch(ROUTES.login, { redirect: currentPageUrl() })
      return
    }
    ensureMe()
  }, [])

  return (
    <View className='console'>
      <View className='console__side'>
        <View className='console__brand' onClick={() => { relaunch(ROUTES.serviceProviders) }}>云支付后台</View>
        <View className='console__menu'>
          {MENU.map((m) => (
            <View
              key={m.key}
              className={`console__menu-item console__menu-item--${m.key} ${m.key === active ? 'console__menu-item--active' : ''}`}
              onClick={() => { relaunch(m.route) }}
            >
              {m.label}
            </View>
          ))}
        </View>
      </View>
      <View className='console__main'>
        <View className='console__header'>
          <View className='console__account'>
            <Text className='console__account-name'>{s.me?.displayName ?? loadSession()?.account.displayName ?? ''}</Text>
            <View className='console__header-action console__bind-button' onClick={() => { openBinding(false) }}>扫码绑定买单助手管理员微信号</View>
            <View className='console__header-action console__logout' onClick={() => { signOut().catch(() => {}) }}>退出</View>
          </View>
        </View>
        <View className='console__title-row'>
          <Text className='console__title'>{title}</Text>
          {actions !== undefined && <View className='console__actions'>{actions}</View>}
        </View>
        {s.notice !== null && <View className='console__notice'>{s.notice}</View>}
        <View className='console__body'>{children}</View>
      </View>
      {s.binding.open && <BindingDialog binding={s.binding} onSignOut={() => { signOut().catch(() => {}) }} />}
    </View>
  )
}
