import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import type { PayPageDto } from '@yima/shared'
import { authLoop, markAuth } from '../../lib/auth-loop'
import { browser } from '../../lib/browser'
import { queryParam } from '../../lib/format'
import { getPayPage, payFailure, SIM_APP_COOKIE_NAME } from '../../lib/pay-api'
import { replace, ROUTES } from '../../lib/routes'
import { CardPayResult } from './components/card-pay-result'
import { FixedAmount } from './components/fixed-amount'
import { FreeAmount } from './components/free-amount'
import { MemberCardBar, type PayMethod } from './components/member-card'
import { PayHead } from './components/pay-head'
import { StaffBar } from './components/staff-bar'
import { Toast, useToast } from './components/toast'
import { useCardPay } from './use-card-pay'
import { usePay } from './use-pay'
import { useStaff } from './use-staff'
import './index.scss'

type State =
  | { phase: 'loading' }
  | { phase: 'auth' }
  | { phase: 'error', title: string, detail: string }
  | { phase: 'ready', page: PayPageDto }

const AUTH_MARK = 'yima:pay-auth'

function Message ({ title, detail, className }: { title: string, detail: string, className: string }) {
  return (
    <View className={`pay-message ${className}`}>
      <View className='pay-message__title'>{title}</View>
      <View className='pay-message__detail'>{detail}</View>
    </View>
  )
}

function PayForm ({ page }: { page: PayPageDto }) {
  const toast = useToast()
  const payment = usePay(page, toast.show)
  // The store's own clerk or manager (H1): the bar comes when /staff answers; the keypad never waits.
  const staff = useStaff(page, toast.show)
  // The merchant's membership card (M3): 会员卡余额付款 pays the same amount from the balance instead.
  const card = page.memberCard
  const cardPay = useCardPay(page, card?.id ?? '')
  const [method, setMethod] = useState<PayMethod>('wechat')
  const [balanceFen, setBalanceFen] = useState<number | null>(card?.balanceFen ?? null)
  const byCard = method === 'card' && card?.active === true && page.platform === 'wechat'
  const current = byCard ? cardPay : payment
  const payLabel = byCard ? '余额付款' : '付款'
  const choose = (m: PayMethod): void => {
    if (payment.paying || cardPay.paying) return
    payment.clearError()
    cardPay.clearError()
    setMethod(m)
  }
  const paid = cardPay.result
  if (paid !== null) {
    return (
      <View className={`pay pay--${page.kind}`}>
        <PayHead page={page} />
        <CardPayResult page={page} result={paid} onDone={() => { setBalanceFen(paid.member.balanceFen); cardPay.reset() }} />
      </View>
    )
  }
  return (
    <View className={`pay pay--${page.kind}`}>
      <PayHead page={page} />
      <StaffBar bar={staff} />
      {card === undefined ? null : <MemberCardBar page={page} card={card} balanceFen={balanceFen} method={byCard ? 'card' : 'wechat'} onMethod={choose} />}
      {page.kind === 'fixed_amount' && page.unitPriceFen !== undefined
        ? <FixedAmount page={page} unitPriceFen={page.unitPriceFen} payment={current} payLabel={payLabel} />
        : <FreeAmount page={page} payment={current} payLabel={payLabel} />}
      <Toast text={toast.text} />
    </View>
  )
}

/**
 * Against the sandbox only (PayPageDto.simulator): a desktop browser may act as WeChat or Alipay,
 * so a person can try the demo without a phone. The server honours the cookie only then.
 */
function SimulatorChoice ({ onChoose }: { onChoose: (app: 'wechat' | 'alipay') => void }) {
  return (
    <View className='pay-simulator'>
      <View className='pay-simulator__note'>沙箱环境：可以在浏览器中模拟扫码付款</View>
      <View className='pay__button pay-simulator__wechat' onClick={() => { onChoose('wechat') }}>模拟微信付款</View>
      <View className='pay__button pay-simulator__alipay' onClick={() => { onChoose('alipay') }}>模拟支付宝付款</View>
    </View>
  )
}

/** The one-code pay page (P1) for `code`: who is paid, the amount or quantity, 付款. */
export function PayScreen ({ code }: { code: string | undefined }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const [round, setRound] = useState(0)
  const simulate = (app: 'wechat' | 'alipay'): void => {
    document.cookie = `${SIM_APP_COOKIE_NAME}=${app}; path=/; max-age=86400; samesite=lax`
    setState({ phase: 'loading' })
    setRound((r) => r + 1)
  }

  useEffect(() => {
    if (code === undefined) return
    let live = true
    getPayPage(code).then((page) => {
      if (!live) return
      if (page.platform !== 'other' && !page.payerKnown) {
        if (authLoop(AUTH_MARK, code)) {
          setState({ phase: 'error', title: '无法获取您的身份', detail: '请确认没有禁用 Cookie，然后重新扫码付款。' })
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
      const f = payFailure(e)
      if (f.kind === 'problem') replace(ROUTES.scanResult, { problem: f.problem })
      else setState({ phase: 'error', title: '页面加载失败', detail: f.kind === 'message' ? f.message : '请重新扫码付款。' })
    })
    return () => { live = false }
  }, [code, round])

  if (code === undefined) return <Message className='pay-message--invalid' title='收款码无效' detail='链接中缺少收款码，请重新扫描门店的收款码。' />
  if (state.phase === 'loading') return <View className='pay-loading'>加载中…</View>
  if (state.phase === 'auth') return <View className='pay-loading'>正在获取身份…</View>
  if (state.phase === 'error') return <Message className='pay-message--error' title={state.title} detail={state.detail} />
  const page = state.page
  if (page.platform === 'other') {
    return (
      <View className='pay pay--other'>
        <PayHead page={page} />
        <Message className='pay-message--other' title='请使用微信或支付宝扫码付款' detail='当前浏览器无法完成付款。请打开微信或支付宝，扫描门店的收款码。' />
        {page.simulator === true ? <SimulatorChoice onChoose={simulate} /> : null}
      </View>
    )
  }
  return <PayForm page={page} />
}

export default function PayPage () {
  return <PayScreen code={queryParam(useRouter().params, 'code')} />
}
