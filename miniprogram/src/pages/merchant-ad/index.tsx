import { useEffect, useState } from 'react'
import { Image, Text, View } from '@tarojs/components'
import { Button, CellGroup, Field } from '@antmjs/vantui'
import { UpdateMerchantBody } from '@yima/shared'
import { MerchantPicker } from '../../components/merchant-picker'
import { PageState } from '../../components/page-state'
import { confirm, param, toast } from '../../lib/nav'
import { errorText } from '../../lib/session'
import { useData } from '../../lib/use-data'
import { getMe } from '../../services/staff'
import { adMerchants, merchantAd, updateMerchantAd, type MerchantAd, type VoucherMerchant } from '../../services/vouchers'
import './index.scss'

/** The merchant's own rules for ad URLs (http/https, at most 500 characters). */
const AdBody = UpdateMerchantBody.pick({ adImageUrl: true, adUrl: true })

type AdErrors = Partial<Record<keyof MerchantAd, string>>

/** The ad to PATCH ('' → null), or what is wrong with it. */
function prepareAd (image: string, link: string): { ok: true, ad: MerchantAd } | { ok: false, errors: AdErrors } {
  const parsed = AdBody.safeParse({ adImageUrl: image, adUrl: link })
  if (!parsed.success) {
    const errors: AdErrors = {}
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof MerchantAd
      errors[key] ??= issue.message
    }
    return { ok: false, errors }
  }
  const adImageUrl = parsed.data.adImageUrl ?? ''
  const adUrl = parsed.data.adUrl ?? ''
  if (adImageUrl === '') return { ok: false, errors: { adImageUrl: adUrl === '' ? '请填写广告图片网址；不再展示广告请点“清除广告”' : '有跳转链接时需要广告图片' } }
  return { ok: true, ad: { adImageUrl, adUrl: adUrl === '' ? null : adUrl } }
}

const isHttp = (s: string): boolean => /^https?:\/\/\S+$/.test(s.trim())

function AdForm ({ merchant }: { merchant: VoucherMerchant }) {
  const [image, setImage] = useState('')
  const [link, setLink] = useState('')
  const [errors, setErrors] = useState<AdErrors>({})
  const [saved, setSaved] = useState<MerchantAd | null>(null)
  const [busy, setBusy] = useState(false)

  // Start from the ad customers see now; the form stays usable if it cannot be read.
  useEffect(() => {
    let live = true
    merchantAd(merchant.merchantId).then((ad) => {
      if (!live) return
      setSaved(ad)
      setImage(ad.adImageUrl ?? '')
      setLink(ad.adUrl ?? '')
    }).catch(() => {})
    return () => { live = false }
  }, [merchant.merchantId])

  const send = async (ad: MerchantAd, done: string): Promise<void> => {
    setBusy(true)
    try {
      const answer = await updateMerchantAd(merchant.merchantId, ad)
      setSaved(answer)
      setImage(answer.adImageUrl ?? '')
      setLink(answer.adUrl ?? '')
      toast(done)
    } catch (e) {
      toast(errorText(e), 'none')
    } finally {
      setBusy(false)
    }
  }
  const save = (): void => {
    const prepared = prepareAd(image, link)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    send(prepared.ad, '已保存').catch(() => {})
  }
  const clear = async (): Promise<void> => {
    if (!await confirm('清除广告', '清除后支付完成页不再展示商户广告')) return
    setErrors({})
    await send({ adImageUrl: null, adUrl: null }, '已清除')
  }

  return (
    <>
      <CellGroup title='广告内容' className='merchant-ad__form'>
        <Field
          className='merchant-ad__image'
          label='广告图片'
          placeholder='图片网址 https://…'
          value={image}
          errorMessage={errors.adImageUrl ?? ''}
          onChange={(e) => { setImage(String(e.detail)) }}
        />
        <Field
          className='merchant-ad__url'
          label='跳转链接'
          placeholder='可不填 https://…'
          value={link}
          errorMessage={errors.adUrl ?? ''}
          onChange={(e) => { setLink(String(e.detail)) }}
        />
      </CellGroup>
      {isHttp(image) && (
        <View className='merchant-ad__preview'>
          <Text className='merchant-ad__preview-title'>预览</Text>
          <Image className='merchant-ad__preview-image' src={image.trim()} mode='widthFix' />
          <Text className='merchant-ad__preview-link'>{isHttp(link) ? `点击图片打开 ${link.trim()}` : '没有跳转链接：点击图片不跳转'}</Text>
        </View>
      )}
      {saved !== null && (
        <View className='merchant-ad__saved'>{saved.adImageUrl === null ? '当前没有商户广告' : '已保存，顾客付款成功后会看到这张广告'}</View>
      )}
      <View className='merchant-ad__actions'>
        <Button type='primary' block loading={busy} className='merchant-ad__save' onClick={save}>保存</Button>
        <Button block disabled={busy} className='merchant-ad__clear' onClick={() => { clear().catch(() => {}) }}>清除广告</Button>
      </View>
      <View className='merchant-ad__note'>
        顾客付款成功后，在支付完成页看到这张广告图片，点击打开跳转链接。保存会替换当前的广告；清除后不再展示商户广告。
      </View>
    </>
  )
}

/** 支付完成页广告 (C4): the merchant admin's image and link on the pay-complete page. */
export default function MerchantAdPage () {
  const me = useData(async () => adMerchants((await getMe()).roles))
  const [picked, setPicked] = useState<string | null>(null)
  const merchants = me.data ?? []
  const wanted = picked ?? param('merchant')
  const merchant = merchants.find((m) => m.merchantId === wanted) ?? merchants[0]
  return (
    <View className='merchant-ad'>
      <PageState
        loading={me.loading && me.data === null}
        error={me.error}
        empty={me.data !== null && merchants.length === 0 && '只有商户管理员可以设置支付完成页广告'}
        onRetry={() => { me.reload() }}
      >
        {merchant !== undefined && (
          <>
            <MerchantPicker merchants={merchants} value={merchant.merchantId} onChange={setPicked} />
            <AdForm key={merchant.merchantId} merchant={merchant} />
          </>
        )}
      </PageState>
    </View>
  )
}
