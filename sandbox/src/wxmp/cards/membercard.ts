import type Router from '@koa/router'
import { z } from 'zod'
import { WxError, ok } from '../errors'
import { api, parseBody, readJson } from '../http'
import { cardCaller, ownCard, ownCode, type CardDeps } from './common'
import { effectiveStatus, type Card, type UserCard } from './store'

/** The common fields WeChat's activation form offers (开卡组件 common_field_id_list). */
const COMMON_FIELDS = [
  'USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_SEX', 'USER_FORM_INFO_FLAG_NAME', 'USER_FORM_INFO_FLAG_BIRTHDAY',
  'USER_FORM_INFO_FLAG_IDCARD', 'USER_FORM_INFO_FLAG_EMAIL', 'USER_FORM_INFO_FLAG_LOCATION', 'USER_FORM_INFO_FLAG_EDUCATION_BACKGRO',
  'USER_FORM_INFO_FLAG_INDUSTRY', 'USER_FORM_INFO_FLAG_INCOME', 'USER_FORM_INFO_FLAG_HABIT',
] as const

const FormPart = z.looseObject({
  can_modify: z.boolean().optional(),
  common_field_id_list: z.array(z.enum(COMMON_FIELDS)).optional(),
  custom_field_list: z.array(z.string()).optional(),
})
const FormBody = z.looseObject({ card_id: z.string(), required_form: FormPart.optional(), optional_form: FormPart.optional() })

const int = z.number().int().optional()
const ActivateBody = z.looseObject({
  membership_number: z.string().min(1),
  code: z.string(),
  card_id: z.string().optional(),
  background_pic_url: z.string().optional(),
  init_bonus: int,
  init_bonus_record: z.string().optional(),
  init_balance: int,
  init_custom_field_value1: z.string().optional(),
  init_custom_field_value2: z.string().optional(),
  init_custom_field_value3: z.string().optional(),
})
const UpdateBody = z.looseObject({
  code: z.string(),
  card_id: z.string(),
  background_pic_url: z.string().optional(),
  bonus: int,
  add_bonus: int,
  record_bonus: z.string().optional(),
  balance: int,
  add_balance: int,
  record_balance: z.string().optional(),
  custom_field_value1: z.string().optional(),
  custom_field_value2: z.string().optional(),
  custom_field_value3: z.string().optional(),
})

function memberCard (card: Card): void {
  if (card.card_type !== 'MEMBER_CARD') throw new WxError(40071)
}

/** Only a code still in the wallet can be activated or updated (40127 otherwise). */
function usable (card: Card, uc: UserCard, nowS: number): void {
  if (effectiveStatus(card, uc, nowS) !== 'NORMAL') throw new WxError(40127)
}

/** The member-card APIs: activation form, activation, member info and balance/bonus updates. */
export function membercardRoutes (router: Router, deps: CardDeps): void {
  const { world, store, users, events, apps } = deps

  router.post('/card/membercard/activateuserform/set', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const raw = await readJson(ctx)
    const card = ownCard(store, app, raw.card_id)
    memberCard(card)
    const { card_id: _cardId, ...form } = parseBody(FormBody, raw)
    card.activate_form = form
    return ok()
  }))

  router.post('/card/membercard/activatetempinfo/get', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const ticket = (await readJson(ctx)).activate_ticket
    if (typeof ticket !== 'string' || ticket === '') throw new WxError(41011, 'activate_ticket')
    const t = store.activateTickets.get(ticket)
    if (t === undefined || store.cards.get(t.card_id)?.appid !== app.appid) throw new WxError(40097, 'invalid activate_ticket')
    return { ...ok(), info: { common_field_list: t.common_field_list, custom_field_list: t.custom_field_list } }
  }))

  router.post('/card/membercard/activate', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const raw = await readJson(ctx)
    const { uc, card } = ownCode(store, app, raw.code, raw.card_id)
    memberCard(card)
    const body = parseBody(ActivateBody, raw)
    usable(card, uc, store.nowS())
    if ((body.init_bonus ?? 0) < 0 || (body.init_balance ?? 0) < 0) throw new WxError(40097, 'init_bonus and init_balance can not be negative')
    // A second activation only renames the member: the initial balance is applied once.
    if (!uc.has_active) {
      uc.has_active = true
      uc.bonus = body.init_bonus ?? 0
      uc.balance = body.init_balance ?? 0
      uc.history.push({ at: world.clock.now().toISOString(), via: 'activate', bonus: uc.bonus, balance: uc.balance, add_bonus: uc.bonus, add_balance: uc.balance, ...(body.init_bonus_record === undefined ? {} : { record_bonus: body.init_bonus_record }) })
    }
    uc.membership_number = body.membership_number
    if (body.background_pic_url !== undefined) uc.background_pic_url = body.background_pic_url
    uc.custom_field_values = [body.init_custom_field_value1 ?? uc.custom_field_values[0], body.init_custom_field_value2 ?? uc.custom_field_values[1], body.init_custom_field_value3 ?? uc.custom_field_values[2]]
    return ok()
  }))

  router.post('/card/membercard/userinfo/get', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const raw = await readJson(ctx)
    ownCard(store, app, raw.card_id)
    const { uc, card } = ownCode(store, app, raw.code, raw.card_id)
    memberCard(card)
    const user = users.find(uc.user_id)
    return {
      ...ok(),
      openid: uc.openid,
      nickname: user?.nickname ?? '',
      membership_number: uc.membership_number,
      bonus: uc.bonus,
      balance: uc.balance,
      sex: user?.sex === 1 ? 'MALE' : user?.sex === 2 ? 'FEMALE' : 'UNKNOWN',
      user_info: { common_field_list: uc.common_field_list, custom_field_list: uc.custom_field_list },
      user_card_status: effectiveStatus(card, uc, store.nowS()),
      has_active: uc.has_active,
    }
  }))

  // Balances are integer fen. `balance`/`bonus` set the value, `add_*` change it; a result below zero
  // is refused (the simulator answers 40097: WeChat documents no code of its own for it).
  router.post('/card/membercard/updateuser', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const raw = await readJson(ctx)
    ownCard(store, app, raw.card_id)
    const { uc, card } = ownCode(store, app, raw.code, raw.card_id)
    memberCard(card)
    const body = parseBody(UpdateBody, raw)
    usable(card, uc, store.nowS())
    const touchesBalance = body.balance !== undefined || body.add_balance !== undefined
    const touchesBonus = body.bonus !== undefined || body.add_bonus !== undefined
    if (touchesBalance && card.detail.supply_balance !== true) throw new WxError(40097, 'the card does not supply balance')
    if (touchesBonus && card.detail.supply_bonus !== true) throw new WxError(40097, 'the card does not supply bonus')
    const bonus = body.bonus ?? uc.bonus + (body.add_bonus ?? 0)
    const balance = body.balance ?? uc.balance + (body.add_balance ?? 0)
    if (balance < 0 || bonus < 0) throw new WxError(40097, 'result balance and bonus can not be negative')
    const change = { add_bonus: bonus - uc.bonus, add_balance: balance - uc.balance }
    uc.bonus = bonus
    uc.balance = balance
    if (body.background_pic_url !== undefined) uc.background_pic_url = body.background_pic_url
    uc.custom_field_values = [body.custom_field_value1 ?? uc.custom_field_values[0], body.custom_field_value2 ?? uc.custom_field_values[1], body.custom_field_value3 ?? uc.custom_field_values[2]]
    uc.history.push({
      at: world.clock.now().toISOString(),
      via: 'updateuser',
      bonus,
      balance,
      ...change,
      ...(body.record_bonus === undefined ? {} : { record_bonus: body.record_bonus }),
      ...(body.record_balance === undefined ? {} : { record_balance: body.record_balance }),
    })
    if (change.add_bonus !== 0 || change.add_balance !== 0) {
      events.push(apps.get(uc.appid) ?? app, 'update_member_card', uc.openid, { CardId: card.card_id, UserCardCode: uc.code, ModifyBonus: change.add_bonus, ModifyBalance: change.add_balance })
    }
    return { ...ok(), result_bonus: bonus, result_balance: balance, openid: uc.openid }
  }))
}
