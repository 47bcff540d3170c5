import { useEffect, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { Field } from '../../../components/field'
import { Message } from '../../../components/ui'
import { queryParam } from '../../../lib/format'
import { errorMessage } from '../../../lib/forms'
import { ROUTES } from '../../../lib/routes'
import { loadSession, login } from '../../../services/session'
import '../../../components/ui/index.scss'
import './index.scss'

/** Only console pages are valid places to return to. */
function target (redirect: string | undefined): string {
  return redirect?.startsWith('/pages/console/') === true && !redirect.startsWith(ROUTES.login) ? redirect : ROUTES.serviceProviders
}

export default function Login () {
  const router = useRouter()
  const redirect = target(queryParam(router.params, 'redirect'))
  const [account, setAccount] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (loadSession() !== null) Taro.reLaunch({ url: redirect }).catch(() => {})
  }, [])

  const submit = async (): Promise<void> => {
    if (account.trim() === '' || password === '') { setError('请输入账号和密码'); return }
    setError(null)
    setBusy(true)
    try {
      await login(account.trim(), password)
      await Taro.reLaunch({ url: redirect })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='login'>
      <View className='login__card'>
        <View className='login__title'>云支付服务商后台</View>
        <View className='login__subtitle'>服务商、子服务商与子商户的配置和管理</View>
        {error !== null && <Message className='login__error'>{error}</Message>}
        <Field name='login' label='账号' value={account} onChange={setAccount} placeholder='请输入账号' />
        <Field name='password' label='密码' value={password} onChange={setPassword} password placeholder='请输入密码' onConfirm={() => { submit().catch(() => {}) }} />
        <View className='login__actions'>
          <Button type='primary' block loading={busy} className='login__submit' onClick={() => { submit().catch(() => {}) }}>登录</Button>
        </View>
      </View>
    </View>
  )
}
