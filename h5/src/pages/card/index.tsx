import { useCallback, useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { View } from '@tarojs/components'
import type { CustomerCardDto, MemberDto } from '@yima/shared'
import { authLoop, markAuth } from '../../lib/auth-loop'
import { browser } from '../../lib/browser'
import { cardFailure } from '../../lib/card-view'
import { queryParam } from '../../lib/format'
import { getCustomerCard } from '../../services/cards'
import { Activation } from './components/activation'
import { Balance } from './components/balance'
import { CardFace, CardInfo } from './components/card-face'
import { Claim } from './components/claim'
import { Ledger } from './components/ledger'
import { Recharge } from './components/recharge'
import './index.scss'

type State =
  | { phase: 'loading' }
  | { phase: 'auth' }
  | { phase: 'error', title: string, detail: string }
  | { phase: 'ready', card: CustomerCardDto }

const AUTH_MARK = 'yima:card-auth'

function Message ({ title, detail, className }: { title: string, detail: string, className: string }) {
  return (
    <View className={`card-message ${className}`}>
      <View className='card-message__title'>{title}</View>
      <View className='card-message__detail'>{detail}</View>
    </View>
  )
}

/** An active member: balance, recharge, own ledger. */
function MemberHome ({ card, member, recharge, onMember }: { card: CustomerCardDto, member: MemberDto, recharge: boolean, onMember: (m: MemberDto) => void }) {
  const [version, setVersion] = useState(0)
  const credited = useCallback((m: MemberDto) => {
    onMember(m)
    setVersion((v) => v + 1)
  }, [onMember])
  return (
    <>
      <Balance member={member} />
      <Recharge card={card} member={member} focus={recharge} onCredited={credited} />
      <Ledger cardId={card.id} authUrl={card.authUrl} version={version} />
    </>
  )
}

function CardBody ({ card, recharge, onMember }: { card: CustomerCardDto, recharge: boolean, onMember: (m: MemberDto) => void }) {
  // Seed 000 使用会员卡（顾客）: 会员卡是存放在微信卡包中的，不支持通过支付宝手机客户端使用.
  if (card.platform === 'alipay') {
    return <Message className='card-message--alipay' title='会员卡存放在微信卡包中，不支持支付宝' detail='领取、激活、充值和余额付款都需要在微信中操作，请使用微信扫码。' />
  }
  if (card.platform === 'other') {
    return <Message className='card-message--other' title='请在微信中打开' detail='会员卡存放在微信卡包中，请使用微信扫码领取和使用。' />
  }
  if (!card.available) {
    return <Message className='card-message--unavailable' title='会员卡暂不可用' detail='该会员卡已停用或尚未通过审核，请联系商户。' />
  }
  const member = card.member
  if (member === null || member.state === 'removed' || member.state === 'imported') return <Claim card={card} onClaimed={onMember} />
  if (member.state === 'claimed') return <Activation card={card} onActivated={onMember} />
  return <MemberHome card={card} member={member} recharge={recharge} onMember={onMember} />
}

/**
 * The customer's membership card (M3) for `cardId`: claim it into the WeChat wallet, activate it,
 * then the balance, recharges (from a store's one-code page: `code`, counted under that store) and
 * the member's own ledger. `recharge` (the recharge QR, the wallet's 充值 entry) goes straight to
 * the recharge section.
 */
export function CardScreen ({ cardId, code, recharge }: { cardId: string | undefined, code: string | undefined, recharge: boolean }) {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const [round, setRound] = useState(0)

  useEffect(() => {
    if (cardId === undefined) return
    let live = true
    getCustomerCard(cardId, code).then((card) => {
      if (!live) return
      // Only WeChat can use the card; other apps get a message, not a trip through OAuth.
      if (card.platform === 'wechat' && !card.payerKnown) {
        if (authLoop(AUTH_MARK, cardId)) {
          setState({ phase: 'error', title: '无法获取您的身份', detail: '请确认没有禁用 Cookie，然后重新打开会员卡。' })
          return
        }
        markAuth(AUTH_MARK, cardId)
        setState({ phase: 'auth' })
        browser.replace(card.authUrl)
        return
      }
      markAuth(AUTH_MARK, null)
      setState({ phase: 'ready', card })
    }, (e: unknown) => {
      if (!live) return
      const f = cardFailure(e, '请稍后重新打开会员卡。')
      setState({ phase: 'error', title: '会员卡加载失败', detail: f.kind === 'message' ? f.message : '需要重新获取您的身份，请重新打开会员卡。' })
    })
    return () => { live = false }
  }, [cardId, code, round])

  const onMember = useCallback((member: MemberDto) => {
    setState((s) => (s.phase === 'ready' ? { phase: 'ready', card: { ...s.card, member } } : s))
  }, [])

  if (cardId === undefined) return <Message className='card-message--invalid' title='会员卡链接无效' detail='链接中缺少会员卡，请重新扫码或从微信卡包打开。' />
  if (state.phase === 'loading') return <View className='card-loading'>加载中…</View>
  if (state.phase === 'auth') return <View className='card-loading'>正在获取身份…</View>
  if (state.phase === 'error') {
    return (
      <View className='card-page'>
        <Message className='card-message--error' title={state.title} detail={state.detail} />
        <View className='card-message__retry' onClick={() => { setState({ phase: 'loading' }); setRound((r) => r + 1) }}>重新加载</View>
      </View>
    )
  }
  const card = state.card
  return (
    <View className='card-page'>
      <CardFace card={card} />
      <CardBody card={card} recharge={recharge} onMember={onMember} />
      <CardInfo card={card} />
    </View>
  )
}

export default function CardPage () {
  const params = useRouter().params
  return <CardScreen cardId={queryParam(params, 'card')} code={queryParam(params, 'code')} recharge={queryParam(params, 'recharge') === '1'} />
}
