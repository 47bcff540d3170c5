import { useEffect } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import { ResultPage } from '../../../components/result'
import { relaunch, ROUTES } from '../../../lib/routes'
import { OA_RESULT_MESSAGE, oaResultView } from '../../../lib/scan-result'

/**
 * The end of the official-account authorization window (T3): the server redirects here with
 * `?status=ok|failed&problem=&sp=`. The console that opened the window is told to re-read the status.
 */
export default function OfficialAccountResult () {
  const params = useRouter().params
  const view = oaResultView(params)
  useEffect(() => {
    try {
      window.opener?.postMessage({ type: OA_RESULT_MESSAGE, status: view.tone === 'success' ? 'ok' : 'failed', sp: view.serviceProviderId }, window.location.origin)
    } catch { /* the opener navigated away or is another origin */ }
  }, [])

  const close = (): void => {
    if (window.opener != null) window.close()
    else if (view.serviceProviderId !== undefined) relaunch(ROUTES.serviceProvider, { id: view.serviceProviderId })
    else relaunch(ROUTES.serviceProviders)
  }
  return (
    <ResultPage view={view} className='oa-result'>
      <View className='oa-result__back' onClick={close}>{view.tone === 'success' ? '完成' : '返回服务商详情'}</View>
    </ResultPage>
  )
}
