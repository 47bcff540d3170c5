import { type CardSubMerchantStatus, type MemberCardStatus, type RechargeTier } from '@yima/shared'
import { yuan } from '../../lib/pay-amount'

/** Fen as yuan for people typing or reading amounts: 10000 → '100', 1050 → '10.50'. */
export const yuanText = (f: number): string => yuan(f).replace(/\.00$/, '')

/** '充 100 元送 10 元'; a tier without bonus is just '充 100 元'. */
export const tierText = (t: RechargeTier): string =>
  t.bonusFen > 0 ? `充 ${yuanText(t.amountFen)} 元送 ${yuanText(t.bonusFen)} 元` : `充 ${yuanText(t.amountFen)} 元`

type Tone = 'ok' | 'warn' | 'bad'

/** The tag colour of each review state. */
export const SUB_MERCHANT_TONES: Record<CardSubMerchantStatus, Tone> = { CHECKING: 'warn', APPROVED: 'ok', REJECTED: 'bad', EXPIRED: 'bad' }
export const CARD_TONES: Record<MemberCardStatus, Tone> = { reviewing: 'warn', approved: 'ok', rejected: 'bad' }

/** The page that adds or edits a merchant's card (`?merchant=`); registered in app.config.ts. */
export const MEMBER_CARD_EDIT_PAGE = '/pages/console/member-card-edit/index'
