import { randomBytes } from 'node:crypto'
import { digits } from '../../core/ids'
import type { SimClock } from '../../core/clock'

/** Review states of a card (卡券审核). */
export type CardStatus = 'CARD_STATUS_NOT_VERIFY' | 'CARD_STATUS_VERIFY_FAIL' | 'CARD_STATUS_VERIFY_OK' | 'CARD_STATUS_DELETE'
/** State of one claimed code in a user's wallet (`user_card_status`). */
export type UserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'DELETE' | 'UNAVAILABLE'

export type Json = Record<string, unknown>

export interface Card {
  card_id: string
  appid: string
  card_type: string
  /** The type object as created (`member_card`, `groupon`, …) minus base_info. */
  detail: Json
  base_info: Json
  status: CardStatus
  refuse_reason?: string
  create_time: number
  update_time: number
  /** sku.quantity left to claim, and what it started at. */
  quantity: number
  total_quantity: number
  /** 卡券子商户: the sub-merchant the card is made for, if any. */
  merchant_id?: number
  /** The member-card activation form of `/card/membercard/activateuserform/set`. */
  activate_form?: Json
}

/** One balance or bonus change, kept for the control API (the simulator's own view, not a WeChat API). */
export interface BalanceChange {
  at: string
  via: 'activate' | 'updateuser'
  bonus: number
  balance: number
  add_bonus: number
  add_balance: number
  record_bonus?: string
  record_balance?: string
}

export interface FieldValue { name: string, value: string, value_list?: string[] }

export interface UserCard {
  code: string
  card_id: string
  appid: string
  openid: string
  user_id: string
  status: UserCardStatus
  has_active: boolean
  membership_number: string
  bonus: number
  balance: number
  custom_field_values: [string, string, string]
  common_field_list: FieldValue[]
  custom_field_list: FieldValue[]
  background_pic_url?: string
  outer_str: string
  /** What the wallet appends to merchant URLs instead of the code (`/card/code/decrypt`). */
  encrypt_code: string
  claimed_at: number
  history: BalanceChange[]
}

/** A card QR code of `/card/qrcode/create`. */
export interface CardQr {
  ticket: string
  short: string
  card_id: string
  code?: string
  openid?: string
  is_unique_code: boolean
  outer_str: string
  /** Epoch ms; undefined = permanent. */
  expires_at?: number
  used: boolean
}

/** A form the user submitted in 跳转型一键激活, waiting for `/card/membercard/activatetempinfo/get`. */
export interface ActivateTicket { card_id: string, code: string, common_field_list: FieldValue[], custom_field_list: FieldValue[] }

export type SubMerchantStatus = 'CHECKING' | 'APPROVED' | 'REJECTED' | 'EXPIRED'

/** 卡券子商户 created by the SP's account (`/card/submerchant/submit`). */
export interface SubMerchant {
  merchant_id: number
  owner_appid: string
  app_id: string
  brand_name: string
  logo_url: string
  protocol: string
  agreement_media_id: string
  operator_media_id: string
  primary_category_id: number
  secondary_category_id: number
  begin_time: number
  end_time: number
  create_time: number
  update_time: number
  status: SubMerchantStatus
  reason?: string
}

/** Every card-wallet object, per official account. */
export class CardStore {
  readonly cards = new Map<string, Card>()
  /** Keyed `card_id|code`: custom codes are unique per card only. */
  readonly codes = new Map<string, UserCard>()
  readonly qrcodes = new Map<string, CardQr>()
  readonly activateTickets = new Map<string, ActivateTicket>()
  readonly encrypted = new Map<string, UserCard>()
  readonly submerchants = new Map<number, SubMerchant>()
  /** cardExt signatures that already put a card in a wallet: WeChat refuses a repeated one. */
  readonly usedCardExts = new Set<string>()
  #merchantSeq = 100 + Math.floor(Math.random() * 900)

  constructor (readonly clock: SimClock) {}

  /** 28 characters starting with `p`, like `pbLatjvWOibDc5-TBnbUk1pD12o0`. */
  newCardId (): string { return `p${randomBytes(21).toString('base64url').slice(0, 27)}` }
  /** 12 digits, the default code of a card (`CODE_TYPE_*` renders it). */
  newCode (): string { return digits(12) }
  nextMerchantId (): number { return ++this.#merchantSeq }
  nowS (): number { return Math.floor(this.clock.nowMs() / 1000) }

  addCode (uc: UserCard): void {
    this.codes.set(`${uc.card_id}|${uc.code}`, uc)
    this.encrypted.set(uc.encrypt_code, uc)
  }

  /** A code of this app's cards; card_id narrows it (required by WeChat for custom codes). */
  findCode (appid: string, code: string, cardId?: string): UserCard | undefined {
    if (cardId !== undefined) {
      const uc = this.codes.get(`${cardId}|${code}`)
      return uc?.appid === appid ? uc : undefined
    }
    for (const uc of this.codes.values()) if (uc.appid === appid && uc.code === code) return uc
    return undefined
  }

  codesOf (cardId: string): UserCard[] { return [...this.codes.values()].filter((uc) => uc.card_id === cardId) }

  /** Cards, codes, QR codes and sub-merchants all go: they are business state, like orders. */
  clear (): void {
    this.cards.clear()
    this.codes.clear()
    this.qrcodes.clear()
    this.activateTickets.clear()
    this.encrypted.clear()
    this.submerchants.clear()
    this.usedCardExts.clear()
  }
}

/**
 * The validity window of a claimed code, from base_info.date_info: a fixed range, a term counted
 * from the claim (`fixed_begin_term` days later, for `fixed_term` days), or permanent (end 0).
 */
export function validity (card: Card, uc: UserCard): { begin_time: number, end_time: number } {
  const info = (card.base_info.date_info ?? {}) as Json
  const num = (k: string): number => (typeof info[k] === 'number' ? info[k] : 0)
  if (info.type === 'DATE_TYPE_FIX_TIME_RANGE') return { begin_time: num('begin_timestamp'), end_time: num('end_timestamp') }
  if (info.type === 'DATE_TYPE_FIX_TERM') {
    const begin = uc.claimed_at + num('fixed_begin_term') * 86_400
    return { begin_time: begin, end_time: begin + num('fixed_term') * 86_400 }
  }
  return { begin_time: uc.claimed_at, end_time: 0 }
}

/** The status WeChat reports now: a NORMAL code past its end time has expired. */
export function effectiveStatus (card: Card, uc: UserCard, nowS: number): UserCardStatus {
  if (uc.status !== 'NORMAL') return uc.status
  const { end_time: end } = validity(card, uc)
  return end > 0 && nowS > end ? 'EXPIRE' : 'NORMAL'
}
