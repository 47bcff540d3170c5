import { isDeepStrictEqual } from 'node:util'
import type Router from '@koa/router'
import { z } from 'zod'
import { WxError, ok } from '../errors'
import { api, parseBody, readJson } from '../http'
import { cardCaller, ownCard, TYPE_KEYS, type CardDeps } from './common'
import type { Json } from './store'

/**
 * What the customer sees on the card face and its detail page: WeChat reviews these again when they
 * change, so the card goes back to CARD_STATUS_NOT_VERIFY and `/card/update` answers `send_check: true`.
 */
const REVIEWED_BASE = new Set(['title', 'sub_title', 'logo_url', 'color', 'notice', 'description'])
const REVIEWED_DETAIL = new Set(['prerogative', 'background_pic_url'])
/**
 * Fixed once created: the brand and the sub-merchant it is made for, the code scheme, and the stock
 * (which has its own API, `/card/modifystock`). Sending them unchanged is harmless; changing is 40097.
 */
const FIXED_BASE = ['brand_name', 'sub_merchant_info', 'use_custom_code', 'sku'] as const

const text = z.string().min(1).optional()
const BaseChanges = z.looseObject({
  title: text,
  sub_title: z.string().optional(),
  logo_url: text,
  color: text,
  notice: text,
  description: text,
  get_limit: z.number().int().positive().optional(),
  // Entry links may be cleared with empty strings.
  custom_url_name: z.string().optional(),
  custom_url: z.string().optional(),
  custom_url_sub_title: z.string().optional(),
  promotion_url_name: z.string().optional(),
  promotion_url: z.string().optional(),
  promotion_url_sub_title: z.string().optional(),
})
const Changes = z.looseObject({ base_info: BaseChanges.optional() })
const MemberChanges = Changes.extend({
  prerogative: text,
  background_pic_url: z.string().optional(),
  supply_bonus: z.boolean().optional(),
  supply_balance: z.boolean().optional(),
  auto_activate: z.boolean().optional(),
  wx_activate: z.boolean().optional(),
  activate_url: z.string().optional(),
})

/** Keys of `changes` whose value differs from `current`'s. */
const changedKeys = (current: Json, changes: Json): string[] =>
  Object.keys(changes).filter((k) => changes[k] !== undefined && !isDeepStrictEqual(current[k], changes[k]))

/** `/card/update` (更改卡券信息): edits a card in place; reviewed fields send it back to review. */
export function updateRoutes (router: Router, deps: CardDeps): void {
  const { world, store } = deps

  router.post('/card/update', api(world, async (ctx) => {
    const app = cardCaller(ctx, deps)
    const raw = await readJson(ctx)
    const card = ownCard(store, app, raw.card_id)
    if (card.status === 'CARD_STATUS_DELETE') throw new WxError(40078)
    const key = TYPE_KEYS[card.card_type] ?? card.card_type.toLowerCase()
    if (raw[key] === undefined) throw new WxError(41011, key)
    const { base_info: base = {}, ...detail } = parseBody(card.card_type === 'MEMBER_CARD' ? MemberChanges : Changes, raw[key]) as Json & { base_info?: Json }
    const changedBase = changedKeys(card.base_info, base)
    const changedDetail = changedKeys(card.detail, detail)
    const fixed = FIXED_BASE.find((k) => changedBase.includes(k))
    if (fixed !== undefined) throw new WxError(40097, `${fixed} can not be modified`)
    if (changedBase.length === 0 && changedDetail.length === 0) return { ...ok(), send_check: false }

    for (const k of changedBase) card.base_info[k] = base[k]
    for (const k of changedDetail) card.detail[k] = detail[k]
    card.update_time = store.nowS()
    // Fixing a rejected card is how a merchant gets it reviewed again, whatever the edit.
    const sendCheck = card.status === 'CARD_STATUS_VERIFY_FAIL' ||
      changedBase.some((k) => REVIEWED_BASE.has(k)) || changedDetail.some((k) => REVIEWED_DETAIL.has(k))
    if (sendCheck) {
      card.status = 'CARD_STATUS_NOT_VERIFY'
      delete card.refuse_reason
    }
    return { ...ok(), send_check: sendCheck }
  }))
}
