import { useState } from 'react'
import Taro from '@tarojs/taro'
import { View } from '@tarojs/components'
import { Button, CellGroup, Field } from '@antmjs/vantui'
import { rememberLinked } from '../../lib/login'
import { toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { linkWithCode } from '../../services/home'
import './index.scss'

/**
 * Links the mini-program user to their staff identity. Staff are activated through the service
 * provider's official account, whose openid is not the mini-program's: the official-account
 * pages (商户助手 → 获取小程序关联码) show a one-time code, typed or scanned here.
 */
export default function Link () {
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (value: string): Promise<void> => {
    if (value.trim() === '') { setError('请填写关联码'); return }
    setBusy(true)
    setError(null)
    try {
      await linkWithCode(value)
      rememberLinked()
      toast('关联成功')
      Taro.reLaunch({ url: '/pages/index/index' })
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const scan = async (): Promise<void> => {
    try {
      const { result } = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode'] })
      setCode(result)
      await submit(result)
    } catch {
      // Cancelled: nothing to say.
    }
  }

  return (
    <View className='link'>
      <View className='link__intro'>在微信中打开服务商公众号的「商户助手」，点「获取小程序关联码」，把 8 位关联码填在这里。</View>
      <CellGroup>
        <Field
          label='关联码'
          placeholder='8 位字母或数字'
          value={code}
          maxlength={64}
          errorMessage={error ?? ''}
          className='link__code'
          onChange={(e) => { setCode(String(e.detail)) }}
        />
      </CellGroup>
      <View className='link__actions'>
        <Button type='primary' block loading={busy} className='link__submit' onClick={() => { submit(code).catch(() => {}) }}>关联身份</Button>
        {process.env.TARO_ENV === 'weapp' && <Button block plain type='primary' className='link__scan' onClick={() => { scan().catch(() => {}) }}>扫码关联</Button>}
      </View>
    </View>
  )
}
