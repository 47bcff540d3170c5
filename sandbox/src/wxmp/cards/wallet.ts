import { randomBytes } from 'node:crypto'
import type { WxApp } from '../apps'
import { controlError } from '../errors'
import type { SimUser } from '../users'
import type { CardDeps } from './common'
import type { Card, FieldValue, Json, SubMerchantStatus, UserCard } from './store'

type Review = 'CARD_STATUS_VERIFY_OK' | 'CARD_STATUS_VERIFY_FAIL'

export interface FormInput {
  /** Common fields by id (`USER_FORM_INFO_FLAG_MOBILE` …); mobile, name and sex default to the test user's. */
  fields?: Record<string, string>
  /** Custom fields by name. */
  custom?: Record<string, string>
}

export type FormResult =
  | { activated: true }
  /** 跳转型一键激活: the wallet opens this URL; the merchant reads the form with the ticket and activates. */
  | { activated: false, activate_ticket: string, redirect_url: string }

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/**
 * What happens on the other side of the card APIs: WeChat's reviewers, and customers claiming,
 * activating and deleting cards in their wallets. Each action pushes the event WeChat would.
 */
export class Wallet {
  constructor (private readonly deps: CardDeps) {}

  #card (cardId: string): Card {
    const card = this.deps.store.cards.get(cardId)
    if (card === undefined) throw controlError(404, `no card ${cardId}`)
    return card
  }

  #app (appid: string): WxApp {
    const app = this.deps.apps.get(appid)
    if (app === undefined) throw controlError(404, `no app ${appid}`)
    return app
  }

  #user (ref: string): SimUser {
    const user = this.deps.users.find(ref)
    if (user === undefined) throw controlError(404, `no test user ${ref}`)
    return user
  }

  /** 卡券审核: the card passes or fails review; `card_pass_check` / `card_not_pass_check` is pushed. */
  review (cardId: string, status: Review, reason = ''): Card {
    const card = this.#card(cardId)
    if (card.status === 'CARD_STATUS_DELETE') throw controlError(409, 'the card is deleted')
    card.status = status
    card.update_time = this.deps.store.nowS()
    if (status === 'CARD_STATUS_VERIFY_FAIL') card.refuse_reason = reason
    const event = status === 'CARD_STATUS_VERIFY_OK' ? 'card_pass_check' : 'card_not_pass_check'
    this.deps.events.push(this.#app(card.appid), event, null, { CardId: card.card_id, RefuseReason: status === 'CARD_STATUS_VERIFY_OK' ? '' : reason })
    return card
  }

  /** 子商户审核 of a card sub-merchant; pushes `card_merchant_check_result`. */
  reviewSubMerchant (merchantId: number, status: Extract<SubMerchantStatus, 'APPROVED' | 'REJECTED'>, reason = ''): void {
    const sm = this.deps.store.submerchants.get(merchantId)
    if (sm === undefined) throw controlError(404, `no sub-merchant ${merchantId}`)
    sm.status = status
    sm.update_time = this.deps.store.nowS()
    if (status === 'REJECTED') sm.reason = reason
    this.deps.events.push(this.#app(sm.owner_appid), 'card_merchant_check_result', null, { MerchantId: merchantId, IsPass: status === 'APPROVED' ? 1 : 0, Reason: reason })
  }

  /**
   * A customer adds the card to their wallet (领取到卡包), optionally through a QR ticket that fixes
   * the code, the openid or the outer_str. Pushes `user_get_card`.
   */
  claim (cardId: string, userRef: string, opts: { ticket?: string, code?: string, outer_str?: string } = {}): UserCard {
    const { store, users, world, events } = this.deps
    const card = this.#card(cardId)
    const app = this.#app(card.appid)
    const user = this.#user(userRef)
    const openid = users.openid(app, user)
    if (card.status === 'CARD_STATUS_DELETE') throw controlError(409, 'the card is deleted and can no longer be claimed')
    if (card.status !== 'CARD_STATUS_VERIFY_OK') throw controlError(409, `the card is not approved yet (${card.status})`)
    const qr = opts.ticket === undefined ? undefined : store.qrcodes.get(opts.ticket)
    if (opts.ticket !== undefined) {
      if (qr === undefined || qr.card_id !== cardId) throw controlError(404, 'no such QR ticket for this card')
      if (qr.expires_at !== undefined && world.clock.nowMs() >= qr.expires_at) throw controlError(409, 'the QR code has expired')
      if (qr.openid !== undefined && qr.openid !== openid) throw controlError(409, 'the QR code is for another user')
      if (qr.is_unique_code && qr.used) throw controlError(409, 'the QR code was already used')
    }
    if (card.quantity <= 0) throw controlError(409, 'the card is out of stock')
    const limit = card.base_info.get_limit
    if (typeof limit === 'number' && store.codesOf(cardId).filter((c) => c.user_id === user.id).length >= limit) {
      throw controlError(409, `the user already holds ${limit} of this card (get_limit)`)
    }
    const custom = card.base_info.use_custom_code === true
    const given = opts.code ?? qr?.code
    if (custom && given === undefined) throw controlError(409, 'a custom-code card needs the code from the QR code or the claim')
    if (!custom && opts.code !== undefined) throw controlError(400, 'only custom-code cards take a code')
    const code = custom && given !== undefined ? given : store.newCode()
    if (store.codes.has(`${cardId}|${code}`)) throw controlError(409, `code ${code} is already taken`)

    const auto = card.detail.auto_activate === true
    const uc: UserCard = {
      code,
      card_id: cardId,
      appid: app.appid,
      openid,
      user_id: user.id,
      status: 'NORMAL',
      has_active: auto,
      membership_number: auto ? code : '',
      bonus: 0,
      balance: 0,
      custom_field_values: ['', '', ''],
      common_field_list: [],
      custom_field_list: [],
      outer_str: opts.outer_str ?? qr?.outer_str ?? '',
      encrypt_code: randomBytes(24).toString('base64'),
      claimed_at: store.nowS(),
      history: [],
    }
    card.quantity--
    if (qr !== undefined) qr.used = true
    store.addCode(uc)
    events.push(app, 'user_get_card', openid, {
      CardId: cardId,
      IsGiveByFriend: 0,
      UserCardCode: code,
      FriendUserName: '',
      OuterId: 0,
      OldUserCardCode: '',
      OuterStr: uc.outer_str,
      IsRestoreMemberCard: 0,
      IsRecommendByFriend: 0,
      ...(app.unionid ? { UnionId: users.unionid(user) } : {}),
    })
    return uc
  }

  /**
   * The customer fills WeChat's activation form (一键激活). Without a jump URL WeChat activates the
   * card itself and pushes `submit_membercard_user_info`; with `wx_activate_after_submit` the wallet
   * opens the merchant's URL with an `activate_ticket` instead, and the merchant activates.
   */
  submitForm (cardId: string, code: string, input: FormInput = {}): FormResult {
    const { store, events } = this.deps
    const card = this.#card(cardId)
    if (card.card_type !== 'MEMBER_CARD' || card.detail.wx_activate !== true) throw controlError(409, 'this card does not use WeChat\'s activation form (wx_activate)')
    const uc = store.codes.get(`${cardId}|${code}`)
    if (uc === undefined) throw controlError(404, `no code ${code} for this card`)
    if (uc.status !== 'NORMAL') throw controlError(409, `the code is ${uc.status}`)
    if (uc.has_active) throw controlError(409, 'the card is already activated')
    const user = this.#user(uc.user_id)
    const form = card.activate_form ?? {}
    const part = (k: 'required_form' | 'optional_form'): Json => (form[k] ?? {}) as Json
    const defaults: Record<string, string> = {
      USER_FORM_INFO_FLAG_MOBILE: user.phone,
      USER_FORM_INFO_FLAG_NAME: user.nickname,
      USER_FORM_INFO_FLAG_SEX: user.sex === 2 ? '女' : user.sex === 1 ? '男' : '',
    }
    const collect = (key: 'common_field_id_list' | 'custom_field_list', given: Record<string, string>, fallback: Record<string, string>): FieldValue[] => {
      const values: FieldValue[] = []
      for (const [formKey, required] of [['required_form', true], ['optional_form', false]] as const) {
        for (const name of list(part(formKey)[key])) {
          const value = given[name] ?? fallback[name] ?? ''
          if (required && value === '') throw controlError(400, `required form field ${name} is empty`)
          if (value !== '') values.push({ name, value })
        }
      }
      return values
    }
    uc.common_field_list = collect('common_field_id_list', input.fields ?? {}, defaults)
    uc.custom_field_list = collect('custom_field_list', input.custom ?? {}, {})

    if (card.detail.wx_activate_after_submit === true) {
      const ticket = randomBytes(32).toString('base64url')
      store.activateTickets.set(ticket, { card_id: cardId, code, common_field_list: uc.common_field_list, custom_field_list: uc.custom_field_list })
      const target = str(card.detail.wx_activate_after_submit_url) ?? ''
      const query = new URLSearchParams({ activate_ticket: ticket, openid: uc.openid, card_id: cardId, encrypt_code: uc.encrypt_code, outer_str: uc.outer_str })
      return { activated: false, activate_ticket: ticket, redirect_url: `${target}${target.includes('?') ? '&' : '?'}${query.toString()}` }
    }
    uc.has_active = true
    uc.membership_number = code
    events.push(this.#app(card.appid), 'submit_membercard_user_info', uc.openid, { CardId: cardId, UserCardCode: code })
    return { activated: true }
  }

  /** The customer deletes the card from their wallet; pushes `user_del_card`. */
  remove (cardId: string, code: string): UserCard {
    const uc = this.deps.store.codes.get(`${cardId}|${code}`)
    if (uc === undefined) throw controlError(404, `no code ${code} for this card`)
    if (uc.status === 'DELETE') throw controlError(409, 'the code is already deleted')
    uc.status = 'DELETE'
    this.deps.events.push(this.#app(uc.appid), 'user_del_card', uc.openid, { CardId: cardId, UserCardCode: code })
    return uc
  }
}
