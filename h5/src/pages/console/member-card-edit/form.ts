import { isYuanString, MAX_BALANCE_CAP_FEN, MemberCardBody, yuanStringToFen, type CardColor, type MemberCardDto, type RechargeMode, type RechargeTier } from '@yima/shared'
import { validateWith, type FieldErrors, type Prepared } from '../../../lib/forms'
import { yuanText } from '../../../components/member-card-panel/card-text'

/** One tier as typed, in yuan; `id` keeps React's rows apart while rows come and go. */
export interface TierRow { id: number, amount: string, bonus: string }

/** The form: text as typed, amounts in yuan. */
export interface CardForm {
  title: string
  logoUrl: string
  color: CardColor
  notice: string
  description: string
  rechargeMode: RechargeMode
  tiers: TierRow[]
  balanceCap: string
}

export type TextKey = 'title' | 'logoUrl' | 'notice' | 'description' | 'balanceCap'

export const MAX_TIERS = 8

/** A starting 使用说明 (WeChat requires one); it says how balances are spent, as the server does it. */
export const DEFAULT_DESCRIPTION = '1. 本卡为储值会员卡，在本商户门店付款时可使用卡内余额；\n2. 余额包括充值本金和充值赠送金额，付款时按两者的比例扣减；\n3. 如有疑问，请咨询门店工作人员。'

let nextRow = 0
export const tierRow = (amount = '', bonus = ''): TierRow => ({ id: ++nextRow, amount, bonus })

/** The form for the stored card, or a new one (fixed amounts, one empty tier, the merchant's logo). */
export function formFromCard (card: MemberCardDto | null, preset: { logoUrl?: string | null } = {}): CardForm {
  if (card === null) {
    return {
      title: '',
      logoUrl: preset.logoUrl ?? '',
      color: 'Color010',
      notice: '',
      description: DEFAULT_DESCRIPTION,
      rechargeMode: 'fixed',
      tiers: [tierRow()],
      balanceCap: '',
    }
  }
  return {
    title: card.title,
    logoUrl: card.logoUrl,
    color: card.color,
    notice: card.notice,
    description: card.description,
    rechargeMode: card.rechargeMode,
    tiers: card.tiers.map((t) => tierRow(yuanText(t.amountFen), t.bonusFen === 0 ? '' : yuanText(t.bonusFen))),
    balanceCap: yuanText(card.balanceCapFen),
  }
}

/** Switching to 任意金额 drops the rows left empty; switching to 固定金额 starts one if there is none. */
export function switchMode (form: CardForm, mode: RechargeMode): CardForm {
  if (mode === 'any') return { ...form, rechargeMode: mode, tiers: form.tiers.filter((t) => t.amount.trim() !== '' || t.bonus.trim() !== '') }
  return { ...form, rechargeMode: mode, tiers: form.tiers.length === 0 ? [tierRow()] : form.tiers }
}

const FORMAT = '金额格式不正确，最多两位小数'

/** Typed yuan as fen: '' when blank, or the reason it is not an amount. */
function toFen (text: string): number | '' | { error: string } {
  const s = text.trim()
  if (s === '') return ''
  if (!isYuanString(s) || s.startsWith('-')) return { error: FORMAT }
  return yuanStringToFen(s)
}

/** Every path an error can be shown at: the body's fields, and each tier's (`tiers.0.amountFen`). */
export const errorKeys = (form: CardForm): string[] => [
  'title', 'logoUrl', 'color', 'notice', 'description', 'rechargeMode', 'tiers', 'balanceCapFen',
  ...form.tiers.flatMap((_, i) => [`tiers.${i}.amountFen`, `tiers.${i}.bonusFen`]),
]

const sameTiers = (a: readonly RechargeTier[], b: readonly RechargeTier[]): boolean =>
  a.length === b.length && a.every((t, i) => t.amountFen === b[i]?.amountFen && t.bonusFen === b[i]?.bonusFen)

/**
 * The form as a create body, checked with the server's own schema (MemberCardBody): amounts in
 * fen, an empty bonus as 0. Errors are keyed by the body's paths (`tiers.0.amountFen`).
 */
export function checkCardForm (form: CardForm): Prepared<MemberCardBody> {
  const errors: FieldErrors = {}
  const tiers = form.tiers.map((row, i) => {
    const amount = toFen(row.amount)
    const bonus = toFen(row.bonus)
    if (amount === '') errors[`tiers.${i}.amountFen`] = '请填写充值金额'
    else if (typeof amount === 'object') errors[`tiers.${i}.amountFen`] = amount.error
    else if (amount === 0) errors[`tiers.${i}.amountFen`] = '充值金额须大于 0'
    if (typeof bonus === 'object') errors[`tiers.${i}.bonusFen`] = bonus.error
    return { amountFen: typeof amount === 'number' ? amount : 0, bonusFen: typeof bonus === 'number' ? bonus : 0 }
  })
  const cap = toFen(form.balanceCap)
  if (cap === '') errors.balanceCapFen = '请填写余额上限'
  else if (typeof cap === 'object') errors.balanceCapFen = cap.error
  else if (cap === 0) errors.balanceCapFen = '余额上限须大于 0'
  else if (cap > MAX_BALANCE_CAP_FEN) errors.balanceCapFen = `余额上限最多 ${yuanText(MAX_BALANCE_CAP_FEN)} 元`

  const checked = validateWith(MemberCardBody, {
    title: form.title,
    logoUrl: form.logoUrl.trim(),
    color: form.color,
    notice: form.notice,
    description: form.description,
    rechargeMode: form.rechargeMode,
    tiers,
    // An unreadable cap is already reported: the largest one keeps the tiers' cap check quiet.
    balanceCapFen: typeof cap === 'number' && cap > 0 ? cap : MAX_BALANCE_CAP_FEN,
  })
  // A tier that is not an amount is reported as such: the schema's checks across tiers (repeated
  // amounts among blank rows) would only confuse.
  const tierTyping = Object.keys(errors).some((k) => k.startsWith('tiers.'))
  if (!checked.ok) {
    for (const [k, m] of Object.entries(checked.errors)) if (!(tierTyping && k.startsWith('tiers'))) errors[k] ??= m
  }
  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors }
  return checked
}

/**
 * An edit: only what differs from the stored card ({} when nothing does). The recharge mode and
 * the tiers go together, as each is only valid with the other.
 */
export function cardPatch (body: MemberCardBody, card: MemberCardDto): Partial<MemberCardBody> {
  const patch: Partial<MemberCardBody> = {}
  for (const k of ['title', 'logoUrl', 'color', 'notice', 'description', 'balanceCapFen'] as const) {
    if (body[k] !== card[k]) Object.assign(patch, { [k]: body[k] })
  }
  if (body.rechargeMode !== card.rechargeMode || !sameTiers(body.tiers, card.tiers)) {
    patch.rechargeMode = body.rechargeMode
    patch.tiers = body.tiers
  }
  return patch
}
