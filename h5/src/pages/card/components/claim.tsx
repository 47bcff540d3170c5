import { useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CustomerCardDto, MemberDto } from '@yima/shared'
import { browser } from '../../../lib/browser'
import { addCard } from '../../../lib/card-bridge'
import { cardFailure } from '../../../lib/card-view'
import { claimCard, getAddCardParams } from '../../../services/cards'

/**
 * 领取到卡包: the server signs the card's cardExt, WeChat's add-to-wallet sheet takes the card and
 * answers an encrypted code, which the server turns into the membership (state claimed). Closing the
 * sheet leaves the page as it was.
 */
export function Claim ({ card, onClaimed }: { card: CustomerCardDto, onClaimed: (member: MemberDto) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const running = useRef(false)
  const live = useRef(true)
  useEffect(() => () => { live.current = false }, [])

  const claim = async (): Promise<void> => {
    const params = await getAddCardParams(card.id)
    const r = await addCard(params, card.bridgeScriptUrl === undefined ? {} : { scriptUrl: card.bridgeScriptUrl })
    if (r.outcome === 'cancel') return
    if (r.outcome === 'fail') {
      if (live.current) setError(r.message)
      return
    }
    const member = await claimCard(card.id, { encryptCode: r.encryptCode })
    if (live.current) onClaimed(member)
  }

  const onClick = (): void => {
    if (running.current) return
    running.current = true
    setBusy(true)
    setError(null)
    claim().catch((e: unknown) => {
      const f = cardFailure(e, '领取会员卡失败，请稍后重试')
      if (f.kind === 'auth') browser.replace(card.authUrl)
      else if (live.current) setError(f.message)
    }).finally(() => {
      running.current = false
      if (live.current) setBusy(false)
    })
  }

  const removed = card.member?.state === 'removed'
  return (
    <View className='card-section card-claim'>
      <View className='card-claim__text'>
        {removed ? '您已将会员卡从微信卡包中删除，可以重新领取。' : '领取会员卡到微信卡包，激活后即可余额充值和付款。'}
      </View>
      <Button className='card-claim__button' type='primary' block round color={card.color} loading={busy} loadingText='领取中…' onClick={onClick}>
        领取到卡包
      </Button>
      {error === null ? null : <View className='card-error'>{error}</View>}
    </View>
  )
}
