import { Image, View } from '@tarojs/components'
import type { PayPageDto } from '@yima/shared'
import { storeLabel } from '../../../lib/pay-result'

/** Whom the customer pays: merchant logo (or its first character), store and branch, 收款人. */
export function PayHead ({ page }: { page: Pick<PayPageDto, 'store' | 'merchant' | 'staffName'> }) {
  const name = page.merchant.shortName !== '' ? page.merchant.shortName : page.merchant.name
  return (
    <View className='pay-head'>
      {page.merchant.logoUrl === null
        ? <View className='pay-head__logo pay-head__logo--text'>{Array.from(name)[0] ?? '店'}</View>
        : <Image className='pay-head__logo' src={page.merchant.logoUrl} mode='aspectFill' />}
      <View className='pay-head__text'>
        <View className='pay-head__store'>{storeLabel(page.store)}</View>
        <View className='pay-head__merchant'>{name}</View>
        {page.staffName === undefined || page.staffName === '' ? null : <View className='pay-head__payee'>{`收款人：${page.staffName}`}</View>}
      </View>
    </View>
  )
}
