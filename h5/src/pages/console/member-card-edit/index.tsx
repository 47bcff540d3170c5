import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Input, Text, View } from '@tarojs/components'
import { Button } from '@antmjs/vantui'
import { MAX_RECHARGE_FEN, RECHARGE_MODES, type CardColor, type MemberCardDto, type MerchantDTO, type RechargeMode } from '@yima/shared'
import { ConsoleShell } from '../../../components/console-shell'
import { Choice, Field, FormErrors } from '../../../components/field'
import { yuanText } from '../../../components/member-card-panel/card-text'
import { SwatchPicker } from '../../../components/member-card-panel/swatch'
import { Action, Loading, Message, Section } from '../../../components/ui'
import { queryParam } from '../../../lib/format'
import { errorsFromServer, type FieldErrors } from '../../../lib/forms'
import { back, replace, ROUTES } from '../../../lib/routes'
import { useConsoleData } from '../../../lib/use-async'
import { getMerchant } from '../../../services/merchants'
import { createMemberCard, getMerchantCard, updateMemberCard } from '../../../services/member-cards'
import { cardPatch, checkCardForm, errorKeys, formFromCard, MAX_TIERS, switchMode, tierRow, type CardForm, type TextKey, type TierRow } from './form'
import './index.scss'

/**
 * 会员卡详情 → 添加 / 编辑 (issue 8, M2; seed 000 创建会员卡): `?merchant=` names the sub-merchant;
 * it adds the card when the merchant has none, else edits it. Then back to the merchant's page.
 */
export default function MemberCardEdit () {
  const merchantId = queryParam(useRouter().params, 'merchant')
  const loaded = useConsoleData(async () => {
    if (merchantId === undefined) return null
    const [cards, merchant] = await Promise.all([getMerchantCard(merchantId), getMerchant(merchantId)])
    return { ...cards, merchant }
  }, [merchantId])
  const data = loaded.data
  const ready = data !== null && data.setup.cardPermission && data.setup.cardSubMerchantStatus === 'APPROVED'

  return (
    <ConsoleShell active='merchant' title={data === null ? '会员卡' : data.card === null ? '添加会员卡' : '编辑会员卡'}>
      {merchantId === undefined && <Message>缺少子商户编号，请从子商户详情页进入。</Message>}
      {loaded.error !== null && <Message>{loaded.error}</Message>}
      {merchantId !== undefined && data === null && loaded.error === null && <Loading />}
      {data !== null && data.card === null && !ready && (
        <Message className='member-card-form__not-ready'>服务商公众号授权“微信卡券权限”、子商户的卡券子商户审核通过后才能添加会员卡，现在保存会被拒绝。</Message>
      )}
      {data !== null && <CardFormView key={data.card?.id ?? 'new'} merchant={data.merchant} card={data.card} />}
    </ConsoleShell>
  )
}

function CardFormView ({ merchant, card }: { merchant: MerchantDTO, card: MemberCardDto | null }) {
  const [form, setForm] = useState<CardForm>(() => formFromCard(card, { logoUrl: merchant.logoUrl }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const done = (): void => { replace(ROUTES.merchant, { id: merchant.id }) }

  const text = (key: TextKey, name: string = key) => ({
    name,
    value: form[key],
    error: errors[name],
    onChange: (v: string) => { setForm((f) => ({ ...f, [key]: v })) },
  })
  const setTier = (id: number, patch: Partial<TierRow>): void => {
    setForm((f) => ({ ...f, tiers: f.tiers.map((t) => (t.id === id ? { ...t, ...patch } : t)) }))
  }

  const submit = async (): Promise<void> => {
    const checked = checkCardForm(form)
    if (!checked.ok) { setErrors(checked.errors); return }
    setErrors({})
    const patch = card === null ? null : cardPatch(checked.body, card)
    if (patch !== null && Object.keys(patch).length === 0) { done(); return }
    setBusy(true)
    try {
      if (patch === null) await createMemberCard(merchant.id, checked.body)
      else await updateMemberCard(merchant.id, patch)
      done()
    } catch (e) {
      setErrors(errorsFromServer(e, errorKeys(form)))
    } finally {
      setBusy(false)
    }
  }

  const fixed = form.rechargeMode === 'fixed'
  return (
    <View className='member-card-form'>
      <View className='member-card-form__merchant'>{`子商户：${merchant.name}`}</View>
      <FormErrors errors={errors} fields={errorKeys(form)} />
      <Section title='会员卡信息'>
        <Field {...text('title')} label='卡名称' required placeholder='例如：示例咖啡会员卡' hint='最多 9 个字，显示在顾客微信卡包的会员卡上' />
        <Field {...text('logoUrl')} label='商户 Logo' required placeholder='https://' hint='Logo 图片的网址（建议 300×300 像素），显示在会员卡上' />
        <ColorPicker value={form.color} error={errors.color} onChange={(color) => { setForm((f) => ({ ...f, color })) }} />
        <Field {...text('notice')} label='使用提醒' required placeholder='例如：付款时可使用卡内余额' hint='最多 16 个字，显示在会员卡上' />
        <Field {...text('description')} label='使用说明' required multiline hint='顾客在会员卡详情中看到的使用规则' />
      </Section>
      <Section title='充值设置'>
        <Choice
          name='rechargeMode'
          label='充值方式'
          required
          options={Object.entries(RECHARGE_MODES).map(([value, label]) => ({ value, label }))}
          value={form.rechargeMode}
          error={errors.rechargeMode}
          onChange={(v) => { setForm((f) => switchMode(f, v as RechargeMode)) }}
        />
        <View className='member-card-form__mode-hint hint'>
          {fixed
            ? '顾客只能按下面的档位充值，每一档可以设置赠送金额。'
            : `顾客可以充值任意金额（单次最多 ${yuanText(MAX_RECHARGE_FEN)} 元），任意金额充值不赠送会员卡余额。`}
        </View>
        {(fixed || form.tiers.length > 0) && (
          <TierEditor
            form={form}
            errors={errors}
            onChange={setTier}
            onAdd={() => { setForm((f) => ({ ...f, tiers: [...f.tiers, tierRow()] })) }}
            onRemove={(id) => { setForm((f) => ({ ...f, tiers: f.tiers.filter((t) => t.id !== id) })) }}
          />
        )}
        <Field
          {...text('balanceCap', 'balanceCapFen')}
          label='余额上限（元）'
          required
          placeholder='例如：5000'
          hint='每位会员卡内余额（充值本金 + 赠送金额）最多可以达到的金额；超过上限的充值会被拒绝'
        />
      </Section>
      {card !== null && <View className='hint'>修改卡名称、Logo、颜色等卡面信息后，可能需要微信重新审核。</View>}
      <View className='form__actions'>
        <Button type='primary' loading={busy} className='member-card-form__submit' onClick={() => { submit().catch(() => {}) }}>保存</Button>
        <Button onClick={() => { back(ROUTES.merchants) }}>取消</Button>
      </View>
    </View>
  )
}

/** WeChat's twelve card colours as swatches (the only ones /card/create takes). */
function ColorPicker ({ value, error, onChange }: { value: CardColor, error?: string, onChange: (c: CardColor) => void }) {
  return (
    <View className={`field field--color${error !== undefined ? ' field--error' : ''}`}>
      <View className='field__label'><Text className='field__required'>*</Text>卡片颜色</View>
      <View className='field__control'>
        <SwatchPicker value={value} onChange={onChange} />
        {error !== undefined && <View className='field__error'>{error}</View>}
      </View>
    </View>
  )
}

/** The recharge tiers of a fixed-amount card: pay this, get that much more (at most eight). */
function TierEditor ({ form, errors, onChange, onAdd, onRemove }: {
  form: CardForm
  errors: FieldErrors
  onChange: (id: number, patch: Partial<TierRow>) => void
  onAdd: () => void
  onRemove: (id: number) => void
}) {
  const fixed = form.rechargeMode === 'fixed'
  return (
    <View className={`field field--tiers${errors.tiers !== undefined ? ' field--error' : ''}`}>
      <View className='field__label'>{fixed && <Text className='field__required'>*</Text>}充值档位</View>
      <View className='field__control'>
        {form.tiers.map((row, i) => {
          const amountError = errors[`tiers.${i}.amountFen`]
          const bonusError = errors[`tiers.${i}.bonusFen`]
          return (
            <View key={row.id} className={`tier tier--${i}`}>
              <View className='tier__row'>
                <Text>充</Text>
                <Input className={`field__input tier__amount${amountError !== undefined ? ' tier__input--error' : ''}`} value={row.amount} placeholder='金额' onInput={(e) => { onChange(row.id, { amount: e.detail.value }) }} />
                <Text>元，送</Text>
                <Input className={`field__input tier__bonus${bonusError !== undefined ? ' tier__input--error' : ''}`} value={row.bonus} placeholder='0' onInput={(e) => { onChange(row.id, { bonus: e.detail.value }) }} />
                <Text>元</Text>
                <Action danger className='tier__remove' onClick={() => { onRemove(row.id) }}>删除</Action>
              </View>
              {amountError !== undefined && <View className='field__error tier__error'>{amountError}</View>}
              {bonusError !== undefined && <View className='field__error tier__error'>{bonusError}</View>}
            </View>
          )
        })}
        {fixed && form.tiers.length < MAX_TIERS && <Action className='tiers__add' onClick={onAdd}>+ 添加充值档位</Action>}
        {errors.tiers !== undefined && <View className='field__error tiers__error'>{errors.tiers}</View>}
        <View className='field__hint'>
          {fixed
            ? `最多 ${MAX_TIERS} 档，金额不能重复；赠送金额不填即不赠送`
            : '任意金额充值不赠送余额：请删除这些充值档位'}
        </View>
      </View>
    </View>
  )
}
