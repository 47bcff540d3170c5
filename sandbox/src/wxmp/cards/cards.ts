import type Router from '@koa/router'
import { z } from 'zod'
import { WxError, ok } from '../errors'
import { api, parseBody, readJson } from '../http'
import { cardCaller, ownCard, ownCode, TYPE_KEYS, type CardDeps } from './common'
import { effectiveStatus, validity, type Card, type Json, type UserCard } from './store'

const BaseInfo = z.looseObject({
  logo_url: z.string().min(1),
  brand_name: z.string().min(1),
  code_type: z.string().min(1),
  title: z.string().min(1),
  color: z.string().min(1),
  notice: z.string().min(1),
  description: z.string().min(1),
  sku: z.looseObject({ quantity: z.number().int().nonnegative() }),
  date_info: z.looseObject({ type: z.enum(['DATE_TYPE_FIX_TIME_RANGE', 'DATE_TYPE_FIX_TERM', 'DATE_TYPE_PERMANENT']) }),
  use_custom_code: z.boolean().optional(),
  get_limit: z.number().int().positive().optional(),
  sub_merchant_info: z.looseObject({ merchant_id: z.number().int() }).optional(),
})

/** The member_card fields yima relies on; everything else (custom_field1, bonus_rule, …) is kept as sent. */
const MemberCard = z.looseObject({
  base_info: BaseInfo,
  prerogative: z.string().min(1),
  supply_bonus: z.boolean(),
  supply_balance: z.boolean(),
  auto_activate: z.boolean().optional(),
  wx_activate: z.boolean().optional(),
  wx_activate_after_submit: z.boolean().optional(),
  wx_activate_after_submit_url: z.string().optional(),
  activate_url: z.string().optional(),
})
const Coupon = z.looseObject({ base_info: BaseInfo })
const CreateBody = z.object({ card: z.looseObject({ card_type: z.string() }) })
const CodeBody = z.looseObject({ code: z.unknown().optional(), card_id: z.unknown().optional(), check_consume: z.boolean().optional() })

/** `/card/get`'s view: the type object with base_info completed by id, status, times and stock. */
export function cardView (card: Card): Json {
  const key = TYPE_KEYS[card.card_type] ?? card.card_type.toLowerCase()
  const sku = { ...(card.base_info.sku as Json), quantity: card.quantity, total_quantity: card.total_quantity }
  const baseInfo = { ...card.base_info, id: card.card_id, status: card.status, create_time: card.create_time, update_time: card.update_time, sku }
  return { card_type: card.card_type, [key]: { ...card.detail, base_info: baseInfo } }
}

/** Card definitions (create, get, delete) and the code APIs (get, decrypt, consume). */
export function cardRoutes (router: Router, deps: CardDeps): void {
  const { world, store, events, apps } = deps

  router.post('/card/create', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const body = parseBody(CreateBody, await readJson(ctx))
    const type = body.card.card_type
    const key = TYPE_KEYS[type]
    if (key === undefined) throw new WxError(40071)
    if (body.card[key] === undefined) throw new WxError(41011, key)
    const { base_info: baseInfo, ...detail } = parseBody(type === 'MEMBER_CARD' ? MemberCard : Coupon, body.card[key])
    if (detail.wx_activate_after_submit === true && detail.wx_activate_after_submit_url === undefined) throw new WxError(41011, 'wx_activate_after_submit_url')
    const merchantId = baseInfo.sub_merchant_info?.merchant_id
    if (merchantId !== undefined) {
      const sm = store.submerchants.get(merchantId)
      if (sm === undefined || sm.owner_appid !== app.appid) throw new WxError(40139)
      if (sm.status !== 'APPROVED') throw new WxError(40140)
    }
    const now = store.nowS()
    const card: Card = {
      card_id: store.newCardId(),
      appid: app.appid,
      card_type: type,
      detail,
      base_info: baseInfo,
      status: 'CARD_STATUS_NOT_VERIFY',
      create_time: now,
      update_time: now,
      quantity: baseInfo.sku.quantity,
      total_quantity: baseInfo.sku.quantity,
      ...(merchantId === undefined ? {} : { merchant_id: merchantId }),
    }
    store.cards.set(card.card_id, card)
    return { ...ok(), card_id: card.card_id }
  }))

  router.post('/card/get', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const card = ownCard(store, app, (await readJson(ctx)).card_id)
    return { ...ok(), card: cardView(card) }
  }))

  // Deleting is always allowed: claim QR codes and addCard stop working, but codes already in
  // wallets stay valid ("删除卡券不能删除已被用户领取，保存在微信客户端中的卡券").
  router.post('/card/delete', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const card = ownCard(store, app, (await readJson(ctx)).card_id)
    card.status = 'CARD_STATUS_DELETE'
    card.update_time = store.nowS()
    return ok()
  }))

  router.post('/card/code/get', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const body = parseBody(CodeBody, await readJson(ctx))
    const { uc, card } = ownCode(store, app, body.code, body.card_id)
    const status = effectiveStatus(card, uc, store.nowS())
    if (body.check_consume !== false) consumable(status)
    const { begin_time: begin, end_time: end } = validity(card, uc)
    return { ...ok(), card: { card_id: card.card_id, begin_time: begin, end_time: end, code: uc.code }, openid: uc.openid, can_consume: status === 'NORMAL', user_card_status: status }
  }))

  router.post('/card/code/decrypt', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const encrypted = (await readJson(ctx)).encrypt_code
    if (typeof encrypted !== 'string' || encrypted === '') throw new WxError(41011, 'encrypt_code')
    const uc = store.encrypted.get(encrypted)
    if (uc === undefined || uc.appid !== app.appid) throw new WxError(40075)
    return { ...ok(), code: uc.code }
  }))

  router.post('/card/code/consume', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const body = parseBody(CodeBody, await readJson(ctx))
    const { uc, card } = ownCode(store, app, body.code, body.card_id)
    consumable(effectiveStatus(card, uc, store.nowS()))
    uc.status = 'CONSUMED'
    events.push(apps.get(uc.appid) ?? app, 'user_consume_card', uc.openid, consumeEvent(uc))
    return { ...ok(), card: { card_id: card.card_id }, openid: uc.openid }
  }))
}

/** 40099 for a consumed code, 40127 for one deleted, expired or unavailable. */
function consumable (status: UserCard['status']): void {
  if (status === 'CONSUMED') throw new WxError(40099)
  if (status !== 'NORMAL') throw new WxError(40127)
}

function consumeEvent (uc: UserCard): Record<string, string> {
  return {
    CardId: uc.card_id,
    UserCardCode: uc.code,
    ConsumeSource: 'FROM_API',
    LocationName: '',
    StaffOpenId: '',
    VerifyCode: '',
    RemarkAmount: '',
    OuterStr: uc.outer_str,
  }
}
