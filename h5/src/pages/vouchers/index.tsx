import { useCallback, useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Image, View } from '@tarojs/components'
import { ApiError, type MerchantVoucherPageDto } from '@yima/shared'
import { authLoop, markAuth } from '../../lib/auth-loop'
import { browser } from '../../lib/browser'
import { queryParam } from '../../lib/format'
import { voucherMessage } from '../../lib/voucher-view'
import { getVoucherPage } from '../../services/vouchers'
import { OfferList } from './components/offer-list'
import { useClaims } from './use-claims'
import './index.scss'

type State =
  | { phase: 'loading' }
  | { phase: 'auth' }
  | { phase: 'error', title: string, detail: string, retry: boolean }
  | { phase: 'ready', page: MerchantVoucherPageDto }

const AUTH_MARK = 'yima:voucher-auth'
/** Apart from AUTH_MARK, which the page's own load clears: a claim refused twice within a minute stops. */
const CLAIM_AUTH_MARK = 'yima:voucher-claim-auth'
const AUTH_LOOP_DETAIL = '请确认没有禁用 Cookie，然后重新扫码领取。'

function Message ({ title, detail, className }: { title: string, detail: string, className: string }) {
  return (
    <View className={`voucher-message ${className}`}>
      <View className='voucher-message__title'>{title}</View>
      <View className='voucher-message__detail'>{detail}</View>
    </View>
  )
}

/** The merchant's logo (or its first character) and name. */
function MerchantHead ({ merchant }: { merchant: MerchantVoucherPageDto['merchant'] }) {
  const name = merchant.shortName !== '' ? merchant.shortName : merchant.name
  return (
    <View className='voucher-head'>
      {merchant.logoUrl === null || merchant.logoUrl === ''
        ? <View className='voucher-head__logo voucher-head__logo--text'>{Array.from(name)[0] ?? '店'}</View>
        : <Image className='voucher-head__logo' src={merchant.logoUrl} mode='aspectFill' />}
      <View className='voucher-head__name'>{name}</View>
      {merchant.name !== '' && merchant.name !== name ? <View className='voucher-head__full'>{merchant.name}</View> : null}
    </View>
  )
}

/** A known WeChat payer: the offers with 领取. The payer cookie gone → OAuth again, once. */
function Claimable ({ code, page }: { code: string, page: MerchantVoucherPageDto }) {
  const onAuth = useCallback((): string | null => {
    if (authLoop(CLAIM_AUTH_MARK, code)) return `无法获取您的身份，${AUTH_LOOP_DETAIL}`
    markAuth(CLAIM_AUTH_MARK, code)
    browser.replace(page.authUrl)
    return null
  }, [code, page.authUrl])
  const claims = useClaims(page.offers, { onAuth })
  if (page.offers.length === 0) return <Message className='voucher-message--empty' title='暂无可领取的代金券' detail='商户的代金券已领完或暂停发放，请稍后再来看看。' />
  return <OfferList title='本店代金券' offers={page.offers} claims={claims} />
}

/**
 * The merchant's voucher page (C3, 商户二维码: the merchant's permanent page showing its vouchers)
 * for `code`. WeChat only: an unknown WeChat payer goes through OAuth once; other apps are asked
 * to open it in WeChat.
 */
export function VoucherScreen ({ code }: { code: string | undefined }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const [round, setRound] = useState(0)

  useEffect(() => {
    if (code === undefined) return
    let live = true
    getVoucherPage(code).then((page) => {
      if (!live) return
      // Vouchers go to a WeChat openid: other apps get a message, not a trip through OAuth.
      if (page.platform === 'wechat' && !page.payerKnown) {
        if (authLoop(AUTH_MARK, code)) {
          setState({ phase: 'error', title: '无法获取您的身份', detail: AUTH_LOOP_DETAIL, retry: false })
          return
        }
        markAuth(AUTH_MARK, code)
        setState({ phase: 'auth' })
        browser.replace(page.authUrl)
        return
      }
      markAuth(AUTH_MARK, null)
      setState({ phase: 'ready', page })
    }, (e: unknown) => {
      if (!live) return
      // 404 (merchant_not_found): a code that names no voucher page; the merchant's words for it would puzzle a customer.
      if (e instanceof ApiError && e.status === 404) setState({ phase: 'error', title: '二维码无效', detail: '没有找到该商户的代金券，请确认扫描的是商户的代金券二维码。', retry: false })
      else setState({ phase: 'error', title: '页面加载失败', detail: voucherMessage(e, '请稍后重新打开。'), retry: true })
    })
    return () => { live = false }
  }, [code, round])

  if (code === undefined) return <Message className='voucher-message--invalid' title='链接无效' detail='链接中缺少商户码，请重新扫描商户的代金券二维码。' />
  if (state.phase === 'loading') return <View className='voucher-loading'>加载中…</View>
  if (state.phase === 'auth') return <View className='voucher-loading'>正在获取身份…</View>
  if (state.phase === 'error') {
    return (
      <View className='voucher-page'>
        <Message className='voucher-message--error' title={state.title} detail={state.detail} />
        {state.retry ? <View className='voucher-message__retry' onClick={() => { setState({ phase: 'loading' }); setRound((r) => r + 1) }}>重新加载</View> : null}
      </View>
    )
  }
  const page = state.page
  return (
    <View className='voucher-page'>
      <MerchantHead merchant={page.merchant} />
      <View className='voucher-page__body'>
        {page.platform === 'wechat'
          ? <Claimable code={code} page={page} />
          : (
            <>
              <Message className='voucher-message--wechat-only' title='请在微信中打开领取代金券' detail='代金券发放到微信卡包，请使用微信扫描商户的代金券二维码。' />
              <OfferList title='本店代金券' offers={page.offers} claims={null} />
            </>
            )}
      </View>
    </View>
  )
}

export default function VouchersPage () {
  return <VoucherScreen code={queryParam(useRouter().params, 'code')} />
}
