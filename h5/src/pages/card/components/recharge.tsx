import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CustomerCardDto, MemberDto } from '@yima/shared'
import { balanceText, capProblem, checkRechargeInput, plainYuan, tierLabel } from '../../../lib/card-view'
import { useRecharge } from '../use-recharge'

export const RECHARGE_SECTION_ID = 'card-recharge'

/**
 * 会员卡余额充值: the card's tiers (固定金额, with their bonus) or a typed amount (任意金额, no
 * bonus), refused here when it would take the balance over the card's cap (the server checks it
 * again, counting recharges still being paid). From a store's one-code page the recharge counts
 * under that store.
 */
export function Recharge ({ card, member, focus, onCredited }: { card: CustomerCardDto, member: MemberDto, focus: boolean, onCredited: (member: MemberDto) => void }) {
  const r = useRecharge(card, onCredited)
  const [tier, setTier] = useState<number | null>(null)
  const [input, setInput] = useState('')

  useEffect(() => {
    if (!focus) return
    // Opened by the recharge QR code or the wallet's 充值 entry: straight to this section.
    const el = document.getElementById(RECHARGE_SECTION_ID)
    if (el !== null && typeof el.scrollIntoView === 'function') el.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }, [focus])

  const fixed = card.rechargeMode === 'fixed'
  const chosen = fixed && tier !== null ? card.tiers[tier] : undefined
  let amountFen: number | null = null
  let problem = ''
  if (fixed) {
    if (chosen !== undefined) {
      const cap = capProblem(card, member.balanceFen, chosen.amountFen, chosen.bonusFen)
      if (cap === null) amountFen = chosen.amountFen
      else problem = cap
    }
  } else {
    const c = checkRechargeInput(input, card, member.balanceFen)
    if (c.ok) amountFen = c.amountFen
    else problem = c.message
  }
  const message = r.error ?? (problem === '' ? r.notice : problem)
  const pay = (): void => { if (amountFen !== null) r.recharge(amountFen) }
  const label = amountFen === null ? '立即充值' : `立即充值 ${balanceText(amountFen)}`

  return (
    <View className='card-section card-recharge' id={RECHARGE_SECTION_ID}>
      <View className='card-section__title'>会员卡余额充值</View>
      {card.store === null ? null : <View className='card-recharge__store'>{`在 ${card.store.name} 门店充值`}</View>}
      {fixed
        ? (
          <View className='card-recharge__tiers'>
            {card.tiers.map((t, i) => {
              const over = capProblem(card, member.balanceFen, t.amountFen, t.bonusFen) !== null
              return (
                <View
                  key={t.amountFen}
                  className={`card-tier ${tier === i ? 'card-tier--on' : ''} ${over ? 'card-tier--over' : ''}`}
                  style={tier === i ? { borderColor: card.color, color: card.color } : undefined}
                  onClick={() => { r.clear(); setTier(i) }}
                >
                  <Text className='card-tier__amount'>{`${plainYuan(t.amountFen)} 元`}</Text>
                  <Text className='card-tier__label'>{tierLabel(t)}</Text>
                </View>
              )
            })}
          </View>
          )
        : (
          <View className='card-input card-input--amount'>
            <View className='card-input__label'>充值金额</View>
            <Input
              className='card-input__control card-recharge__input'
              type='digit'
              value={input}
              focus={focus}
              placeholder={`0.01 – ${plainYuan(card.maxRechargeFen)} 元`}
              onInput={(e) => { r.clear(); setInput(e.detail.value) }}
            />
            <Text className='card-input__unit'>元</Text>
          </View>
          )}
      <View className='card-recharge__rule'>
        {fixed ? '充值金额和赠送金额一起计入余额。' : '任意金额充值不赠送余额。'}
        {`会员卡余额上限 ${plainYuan(card.balanceCapFen)} 元。`}
      </View>
      {r.state.step === 'credited' ? <View className='card-success'>{r.state.text}</View> : null}
      {r.state.step === 'unknown'
        ? (
          <View className='card-pending'>
            <View>充值结果确认中：如已付款，余额稍后到账，请勿重复充值。</View>
            <View className='card-pending__refresh' onClick={() => { r.confirmAgain() }}>刷新充值结果</View>
          </View>
          )
        : null}
      {message === null || message === '' ? null : <View className={r.error === null && problem === '' ? 'card-note' : 'card-error'}>{message}</View>}
      <Button
        className='card-recharge__button'
        type='primary'
        block
        round
        color={card.color}
        disabled={amountFen === null}
        loading={r.busy}
        loadingText={r.state.step === 'confirming' ? '正在确认充值结果…' : '充值中…'}
        onClick={pay}
      >
        {label}
      </Button>
    </View>
  )
}
