import { createHash, timingSafeEqual } from 'node:crypto'
import type Router from '@koa/router'
import { z } from 'zod'
import type { Tickets } from '../tickets'
import type { SimUser } from '../users'
import type { CardDeps } from './common'
import type { Card } from './store'
import type { Wallet } from './wallet'

/**
 * How far a cardExt timestamp may lie behind the simulated clock: the api_ticket it is signed with
 * lives 7200 s, so an older signature cannot be one WeChat would still check. Ahead: 300 s of skew.
 */
const MAX_AGE_S = 7200
const MAX_AHEAD_S = 300

const AddCardParams = z.object({ card_list: z.array(z.object({ card_id: z.string().min(1), card_ext: z.string() })).min(1) })
const stringish = z.union([z.string(), z.number()]).transform(String)
const CardExt = z.object({
  timestamp: stringish,
  nonce_str: z.string().min(1),
  signature: z.string().min(1),
  openid: z.string().optional(),
  code: z.string().optional(),
  outer_str: z.string().optional(),
})

/** What `WeixinJSBridge.invoke('batchAddCard', …)` answers; `card_list` is a JSON string, as the client sends it. */
export type AddCardAnswer =
  | { err_msg: 'batch_add_card:ok', card_list: string }
  | { err_msg: 'batch_add_card:fail', err_desc: string }

interface Checked { card: Card, card_ext: string, user: SimUser, signature: string, code?: string, outer_str?: string }

class Refusal extends Error {}

const fail = (desc: string): AddCardAnswer => ({ err_msg: 'batch_add_card:fail', err_desc: desc })

/** sha1 of the sorted values (channels.md §4): api_ticket, timestamp, nonce_str, card_id, and code/openid when used. */
function cardExtSignature (values: Array<string | undefined>): string {
  return createHash('sha1').update(values.filter((v): v is string => v !== undefined && v !== '').sort().join('')).digest('hex')
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b.toLowerCase()))

/**
 * `POST /__sim/wxmp/bridge/add-card`: the WeChat client's side of `wx.addCard` (JS-SDK → bridge
 * `batchAddCard`), called by the WeixinJSBridge shim. Answers 200 with the bridge's answer either way.
 *
 * Sandbox rule: the customer is whoever the card_ext's `openid` belongs to (a real client knows who
 * holds the phone), so card_ext must carry an openid of the card's account. Every card is checked
 * before any is claimed; a refused claim (not approved, out of stock, get_limit) fails that card.
 */
export function addCardRoutes (router: Router, deps: CardDeps, wallet: Wallet, tickets: Tickets): void {
  const { store, users } = deps

  const check = (item: { card_id: string, card_ext: string }): Checked => {
    const card = store.cards.get(item.card_id)
    if (card === undefined) throw new Refusal(`invalid card_id ${item.card_id}`)
    if (card.status === 'CARD_STATUS_DELETE') throw new Refusal('the card is deleted')
    let parsed: unknown
    try { parsed = JSON.parse(item.card_ext) } catch { throw new Refusal('card_ext is not JSON') }
    const ext = CardExt.safeParse(parsed)
    if (!ext.success) throw new Refusal(`card_ext: ${ext.error.issues[0]?.path.join('.') ?? ''} missing or malformed`)
    const { timestamp, nonce_str: nonceStr, signature, openid, code } = ext.data
    if (openid === undefined || openid === '') throw new Refusal('sandbox rule: card_ext must carry the openid of the customer')
    const owner = users.byOpenid(openid)
    if (owner === undefined || owner.app.appid !== card.appid) throw new Refusal('the openid is not a user of the card\'s account')
    const ticket = tickets.current(card.appid, 'wx_card')
    if (ticket === undefined) throw new Refusal('the card\'s account holds no valid wx_card api_ticket (GET /cgi-bin/ticket/getticket?type=wx_card)')
    if (!sameHex(cardExtSignature([ticket, timestamp, nonceStr, card.card_id, code, openid]), signature)) throw new Refusal('card_ext signature mismatch')
    const ts = Number(timestamp)
    const now = store.nowS()
    if (!Number.isSafeInteger(ts) || now - ts > MAX_AGE_S || ts - now > MAX_AHEAD_S) throw new Refusal(`card_ext timestamp ${timestamp} is stale (simulated now ${now})`)
    if (store.usedCardExts.has(signature.toLowerCase())) throw new Refusal('this card_ext was already used: sign each addCard anew')
    return {
      card,
      card_ext: item.card_ext,
      user: owner.user,
      signature: signature.toLowerCase(),
      ...(code === undefined || code === '' ? {} : { code }),
      ...(ext.data.outer_str === undefined ? {} : { outer_str: ext.data.outer_str }),
    }
  }

  router.post('/__sim/wxmp/bridge/add-card', (ctx) => {
    ctx.body = addCards(ctx.request.body)
  })

  function addCards (body: unknown): AddCardAnswer {
    const params = AddCardParams.safeParse(body)
    if (!params.success) return fail('card_list must be [{card_id, card_ext}]')
    let checked: Checked[]
    try {
      checked = params.data.card_list.map(check)
    } catch (err) {
      if (err instanceof Refusal) return fail(err.message)
      throw err
    }
    const results = checked.map((c) => {
      try {
        const uc = wallet.claim(c.card.card_id, c.user.id, { ...(c.code === undefined ? {} : { code: c.code }), ...(c.outer_str === undefined ? {} : { outer_str: c.outer_str }) })
        store.usedCardExts.add(c.signature)
        // The page gets the encrypted code, which the merchant decrypts with /card/code/decrypt.
        return { card_id: c.card.card_id, card_ext: c.card_ext, code: uc.encrypt_code, is_succ: true, error: undefined }
      } catch (err) {
        if (typeof (err as { status?: unknown }).status !== 'number') throw err
        return { card_id: c.card.card_id, card_ext: c.card_ext, code: '', is_succ: false, error: (err as Error).message }
      }
    })
    const refused = results.find((r) => !r.is_succ)
    if (results.every((r) => !r.is_succ)) return fail(refused?.error ?? 'no card was added')
    return { err_msg: 'batch_add_card:ok', card_list: JSON.stringify(results.map(({ error: _error, ...r }) => r)) }
  }
}
