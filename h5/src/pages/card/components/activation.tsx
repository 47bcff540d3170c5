import { useEffect, useRef, useState } from 'react'
import { Input, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import type { CustomerCardDto, MemberDto } from '@yima/shared'
import { browser } from '../../../lib/browser'
import { cardFailure, checkActivation, type ActivationErrors } from '../../../lib/card-view'
import { activateCard } from '../../../services/cards'

/** 激活会员卡: the member's name and mobile number; then the card can be recharged and paid with. */
export function Activation ({ card, onActivated }: { card: CustomerCardDto, onActivated: (member: MemberDto) => void }) {
  const [name, setName] = useState(card.member?.name ?? '')
  const [phone, setPhone] = useState(card.member?.phone ?? '')
  const [errors, setErrors] = useState<ActivationErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const running = useRef(false)
  const live = useRef(true)
  useEffect(() => () => { live.current = false }, [])

  const submit = (): void => {
    if (running.current) return
    const found = checkActivation(name, phone)
    setErrors(found)
    setError(null)
    if (found.name !== undefined || found.phone !== undefined) return
    running.current = true
    setBusy(true)
    activateCard(card.id, { name: name.trim(), phone: phone.trim() }).then((member) => {
      if (live.current) onActivated(member)
    }, (e: unknown) => {
      const f = cardFailure(e, '激活失败，请稍后再试')
      if (f.kind === 'auth') browser.replace(card.authUrl)
      else if (live.current) setError(f.message)
    }).finally(() => {
      running.current = false
      if (live.current) setBusy(false)
    })
  }

  return (
    <View className='card-section card-activate'>
      <View className='card-section__title'>激活会员卡</View>
      <View className='card-activate__hint'>会员卡已放入微信卡包。填写信息激活后，即可使用余额充值和付款。</View>
      <View className={`card-input card-input--name ${errors.name === undefined ? '' : 'card-input--error'}`}>
        <View className='card-input__label'>姓名</View>
        <Input className='card-input__control card-activate__name' value={name} maxlength={20} placeholder='请输入姓名' onInput={(e) => { setName(e.detail.value) }} />
      </View>
      {errors.name === undefined ? null : <View className='card-error'>{errors.name}</View>}
      <View className={`card-input card-input--phone ${errors.phone === undefined ? '' : 'card-input--error'}`}>
        <View className='card-input__label'>手机号</View>
        <Input className='card-input__control card-activate__phone' type='number' value={phone} maxlength={11} placeholder='请输入 11 位手机号' onInput={(e) => { setPhone(e.detail.value) }} />
      </View>
      {errors.phone === undefined ? null : <View className='card-error'>{errors.phone}</View>}
      {error === null ? null : <View className='card-error'>{error}</View>}
      <Button className='card-activate__button' type='primary' block round color={card.color} loading={busy} loadingText='激活中…' onClick={submit}>
        立即激活
      </Button>
    </View>
  )
}
