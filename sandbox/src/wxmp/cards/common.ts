import type { Context } from 'koa'
import { requireOfficialAccount, type WxApp } from '../apps'
import type { WxmpDeps } from '../deps'
import { WxError } from '../errors'
import { callerApp } from '../tokens'
import type { Card, CardStore, UserCard } from './store'

export interface CardDeps extends WxmpDeps { store: CardStore }

/** card_type → the key of its type object in `/card/create` and `/card/get`. */
export const TYPE_KEYS: Readonly<Record<string, string>> = {
  MEMBER_CARD: 'member_card',
  GROUPON: 'groupon',
  CASH: 'cash',
  DISCOUNT: 'discount',
  GIFT: 'gift',
  GENERAL_COUPON: 'general_coupon',
}

/** The caller of a card API: a verified official account holding the card permission (else 48001). */
export function cardCaller (ctx: Context, deps: WxmpDeps): WxApp {
  const app = callerApp(ctx, deps)
  requireOfficialAccount(app, { card: true })
  return app
}

/** A card of the calling account: 41012 without card_id, 40073 unknown or another account's. */
export function ownCard (store: CardStore, app: WxApp, cardId: unknown): Card {
  if (typeof cardId !== 'string' || cardId === '') throw new WxError(41012)
  const card = store.cards.get(cardId)
  if (card === undefined || card.appid !== app.appid) throw new WxError(40073)
  return card
}

/** A claimed code of the calling account: 41013 without code, 40056 unknown (or not of that card). */
export function ownCode (store: CardStore, app: WxApp, code: unknown, cardId: unknown): { uc: UserCard, card: Card } {
  if (typeof code !== 'string' || code === '') throw new WxError(41013)
  const uc = store.findCode(app.appid, code, typeof cardId === 'string' && cardId !== '' ? cardId : undefined)
  const card = uc === undefined ? undefined : store.cards.get(uc.card_id)
  if (uc === undefined || card === undefined) throw new WxError(40056)
  return { uc, card }
}
