import type Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import { parseControl } from '../core/control'
import type { WxApp } from './apps'
import { cardView, type CardWallet } from './cards'
import type { WxmpDeps } from './deps'
import { controlError } from './errors'
import { verifyServerUrl } from './events'
import type { MiniProgramLogin } from './miniprogram'
import type { OAuth } from './oauth'
import type { Templates } from './templates'
import type { Tickets } from './tickets'
import type { SimUser } from './users'

export interface ControlParts extends WxmpDeps {
  oauth: OAuth
  miniProgram: MiniProgramLogin
  templates: Templates
  tickets: Tickets
  cards: CardWallet
}

const AppFlags = z.object({
  name: z.string().min(1).optional(),
  principalName: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
  originalId: z.string().regex(/^gh_\w+$/).optional(),
  verified: z.boolean().optional(),
  cardPermission: z.boolean().optional(),
  oauthDomains: z.array(z.string().min(1)).nullable().optional(),
  tooManyAuthorizations: z.boolean().optional(),
  unionid: z.boolean().optional(),
})
const NewApp = AppFlags.extend({
  appid: z.string().regex(/^wx[0-9A-Za-z]{16}$/).optional(),
  type: z.enum(['official_account', 'mini_program']).default('official_account'),
})
const Server = z.object({
  url: z.url().nullable(),
  token: z.string().regex(/^[A-Za-z0-9]{3,32}$/).optional(),
  encodingAESKey: z.string().regex(/^[A-Za-z0-9]{43}$/).optional(),
  mode: z.enum(['plain', 'compatible', 'safe']).optional(),
  /** Run the console's echostr check before saving (as the MP console does); off for receivers not up yet. */
  verify: z.boolean().default(true),
})
const NewUser = z.object({
  id: z.string().regex(/^[\w-]{1,32}$/).optional(),
  nickname: z.string().min(1),
  phone: z.string().regex(/^1\d{10}$/),
  sex: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  province: z.string().optional(),
  city: z.string().optional(),
})
const Relation = z.object({ openid: z.string().min(1), subscribed: z.boolean().optional(), blacklisted: z.boolean().optional() })
const IssueCode = z.object({ appid: z.string().optional(), user: z.string().optional(), scope: z.enum(['snsapi_base', 'snsapi_userinfo']).default('snsapi_base') })
const NewTemplate = z.object({ appid: z.string().optional(), template_id: z.string().min(1).optional(), title: z.string().optional(), content: z.string().optional() })
const CardReview = z.object({ status: z.enum(['CARD_STATUS_VERIFY_OK', 'CARD_STATUS_VERIFY_FAIL']), reason: z.string().optional() })
const MerchantReview = z.object({ status: z.enum(['APPROVED', 'REJECTED']), reason: z.string().optional() })
const Claim = z.object({ user: z.string().optional(), ticket: z.string().optional(), code: z.string().optional(), outer_str: z.string().optional() })
const Form = z.object({ fields: z.record(z.string(), z.string()).optional(), custom: z.record(z.string(), z.string()).optional() })

const query = (ctx: Context, name: string): string | undefined => (typeof ctx.query[name] === 'string' ? ctx.query[name] : undefined)

/**
 * `/__sim/wxmp/*`: set up accounts and people, act as customers and reviewers, and read what the
 * platform did (messages, events, cards). The home page reads these too.
 */
export function wxmpControlRoutes (router: Router, p: ControlParts): void {
  const base = '/__sim/wxmp'
  const app = (appid: string | undefined, fallback: WxApp): WxApp => {
    if (appid === undefined) return fallback
    const found = p.apps.get(appid)
    if (found === undefined) throw controlError(404, `no app ${appid}`)
    return found
  }
  const user = (ref: string | undefined): SimUser => {
    if (ref === undefined) return p.users.first()
    const found = p.users.find(ref)
    if (found === undefined) throw controlError(404, `no test user ${ref}`)
    return found
  }

  router.get(`${base}/apps`, (ctx) => { ctx.body = p.apps.list() })
  router.post(`${base}/apps`, (ctx) => {
    const input = parseControl(NewApp, ctx.request.body)
    if (input.appid !== undefined && p.apps.get(input.appid) !== undefined) throw controlError(409, `appid ${input.appid} is already registered`)
    ctx.status = 201
    ctx.body = p.apps.create(input)
  })
  router.patch(`${base}/apps/:appid`, (ctx) => {
    const updated = p.apps.update(ctx.params.appid ?? '', parseControl(AppFlags, ctx.request.body))
    if (updated === undefined) throw controlError(404, `no app ${ctx.params.appid}`)
    ctx.body = updated
  })
  router.post(`${base}/apps/:appid/server`, async (ctx) => {
    const target = app(ctx.params.appid, p.apps.officialAccount)
    const { verify, ...server } = parseControl(Server, ctx.request.body)
    const token = server.token ?? target.server.token
    if (server.url !== null && verify) {
      const check = await verifyServerUrl(server.url, token)
      if (!check.ok) throw controlError(409, `server URL verification failed (the echostr was not echoed): ${JSON.stringify(check)}`)
    }
    p.apps.update(target.appid, { server })
    ctx.body = target
  })

  router.get(`${base}/users`, (ctx) => { ctx.body = p.users.view() })
  router.post(`${base}/users`, (ctx) => {
    const input = parseControl(NewUser, ctx.request.body)
    if (input.id !== undefined && p.users.list().some((u) => u.id === input.id)) throw controlError(409, `user ${input.id} already exists`)
    const created = p.users.add(input)
    ctx.status = 201
    ctx.body = p.users.view().find((u) => u.id === created.id)
  })
  router.post(`${base}/subscriptions`, (ctx) => {
    const r = parseControl(Relation, ctx.request.body)
    if (p.users.byOpenid(r.openid) === undefined) throw controlError(404, `no user has openid ${r.openid}`)
    p.users.setRelation(r.openid, r)
    ctx.status = 204
  })

  router.post(`${base}/js-code`, (ctx) => {
    const input = parseControl(IssueCode, ctx.request.body)
    const mp = app(input.appid, p.apps.miniProgram)
    const u = user(input.user)
    ctx.body = { code: p.miniProgram.issueCode(mp, u), appid: mp.appid, openid: p.users.openid(mp, u) }
  })
  router.post(`${base}/oauth-code`, (ctx) => {
    const input = parseControl(IssueCode, ctx.request.body)
    const oa = app(input.appid, p.apps.officialAccount)
    const u = user(input.user)
    ctx.body = { code: p.oauth.issueCode(oa, u, input.scope), appid: oa.appid, openid: p.users.openid(oa, u) }
  })

  router.get(`${base}/templates`, (ctx) => { ctx.body = p.templates.list(query(ctx, 'appid')) })
  router.post(`${base}/templates`, (ctx) => {
    const input = parseControl(NewTemplate, ctx.request.body)
    ctx.status = 201
    ctx.body = p.templates.register(app(input.appid, p.apps.officialAccount), input)
  })
  router.get(`${base}/messages`, (ctx) => {
    const openid = query(ctx, 'openid')
    const appid = query(ctx, 'appid')
    ctx.body = p.templates.messages.filter((m) => (openid === undefined || m.openid === openid) && (appid === undefined || m.appid === appid))
  })
  router.get(`${base}/events`, (ctx) => {
    const appid = query(ctx, 'appid')
    const event = query(ctx, 'event')
    ctx.body = p.events.log.filter((e) => (appid === undefined || e.appid === appid) && (event === undefined || e.event === event))
  })
  router.get(`${base}/tickets`, (ctx) => {
    const target = app(query(ctx, 'appid'), p.apps.officialAccount)
    ctx.body = { jsapi: p.tickets.current(target.appid, 'jsapi') ?? null, wx_card: p.tickets.current(target.appid, 'wx_card') ?? null }
  })

  const { store, wallet } = p.cards
  router.get(`${base}/cards`, (ctx) => {
    const appid = query(ctx, 'appid')
    ctx.body = [...store.cards.values()].filter((c) => appid === undefined || c.appid === appid)
      .map((c) => ({ card_id: c.card_id, appid: c.appid, ...cardView(c), codes: store.codesOf(c.card_id) }))
  })
  router.get(`${base}/cards/:card_id`, (ctx) => {
    const card = store.cards.get(ctx.params.card_id ?? '')
    if (card === undefined) throw controlError(404, `no card ${ctx.params.card_id}`)
    ctx.body = { card_id: card.card_id, appid: card.appid, ...cardView(card), activate_form: card.activate_form ?? null, codes: store.codesOf(card.card_id) }
  })
  router.post(`${base}/cards/:card_id/review`, (ctx) => {
    const r = parseControl(CardReview, ctx.request.body)
    const card = wallet.review(ctx.params.card_id ?? '', r.status, r.reason)
    ctx.body = cardView(card)
  })
  router.post(`${base}/cards/:card_id/claim`, (ctx) => {
    const { user: ref, ...opts } = parseControl(Claim, ctx.request.body ?? {})
    ctx.status = 201
    ctx.body = wallet.claim(ctx.params.card_id ?? '', user(ref).id, opts)
  })
  router.post(`${base}/cards/:card_id/codes/:code/activate-form`, (ctx) => {
    ctx.body = wallet.submitForm(ctx.params.card_id ?? '', ctx.params.code ?? '', parseControl(Form, ctx.request.body ?? {}))
  })
  router.post(`${base}/cards/:card_id/codes/:code/remove`, (ctx) => {
    ctx.body = wallet.remove(ctx.params.card_id ?? '', ctx.params.code ?? '')
  })
  router.get(`${base}/submerchants`, (ctx) => { ctx.body = [...store.submerchants.values()] })
  router.post(`${base}/submerchants/:merchant_id/review`, (ctx) => {
    const r = parseControl(MerchantReview, ctx.request.body)
    wallet.reviewSubMerchant(Number(ctx.params.merchant_id), r.status, r.reason)
    ctx.body = store.submerchants.get(Number(ctx.params.merchant_id))
  })
}
