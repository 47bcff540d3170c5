import { randomInt } from 'node:crypto'
import type Router from '@koa/router'
import { z } from 'zod'
import { nonce } from '../core/ids'
import { requireOfficialAccount, type WxApp } from './apps'
import type { WxmpDeps } from './deps'
import { WxError } from './errors'
import { api, parseBody, readJson } from './http'
import { callerApp } from './tokens'

export interface Template {
  template_id: string
  appid: string
  title: string
  content: string
  /** Registered through the control API (true) or just remembered from a send (false). */
  registered: boolean
}

/** A delivered template message, as `GET /__sim/wxmp/messages` lists it. */
export interface SentMessage {
  msgid: number
  appid: string
  openid: string
  template_id: string
  url?: string
  miniprogram?: { appid: string, pagepath?: string }
  data: Record<string, { value: string, color?: string }>
  at: string
}

const SendBody = z.object({
  touser: z.string().optional(),
  template_id: z.string().optional(),
  url: z.string().optional(),
  miniprogram: z.object({ appid: z.string(), pagepath: z.string().optional() }).optional(),
  client_msg_id: z.string().optional(),
  data: z.unknown(),
})

const Data = z.record(z.string(), z.object({ value: z.string(), color: z.string().optional() }))

/**
 * Template messages (模板消息). An app with templates registered through the control API accepts only
 * those (else 40037); an app with none accepts any non-empty template_id and remembers it.
 */
export class Templates {
  readonly #templates = new Map<string, Template>()
  readonly messages: SentMessage[] = []
  // Real msgids are large integers that grow over time; start somewhere plausible.
  #msgid = randomInt(2_000_000_000, 3_000_000_000)

  constructor (private readonly deps: WxmpDeps) {}

  register (app: WxApp, input: { template_id?: string, title?: string, content?: string }, registered = true): Template {
    const t: Template = { template_id: input.template_id ?? nonce(43), appid: app.appid, title: input.title ?? '', content: input.content ?? '', registered }
    this.#templates.set(`${app.appid}|${t.template_id}`, t)
    return t
  }

  list (appid?: string): Template[] { return [...this.#templates.values()].filter((t) => appid === undefined || t.appid === appid) }

  clear (): void { this.messages.length = 0 }

  routes (router: Router): void {
    const { world, apps, users, events } = this.deps
    router.post('/cgi-bin/message/template/send', api(world, async (ctx) => {
      const app = callerApp(ctx, this.deps)
      requireOfficialAccount(app)
      const body = parseBody(SendBody, await readJson(ctx))
      if (body.touser === undefined || body.touser === '') throw new WxError(40003)
      if (body.template_id === undefined || body.template_id === '') throw new WxError(40037)
      const data = Data.safeParse(body.data)
      if (!data.success) throw new WxError(47001, 'data')
      const owner = users.byOpenid(body.touser)
      if (owner === undefined || owner.app.appid !== app.appid) throw new WxError(40003)
      const known = this.list(app.appid)
      const strict = known.some((t) => t.registered)
      if (strict && !known.some((t) => t.registered && t.template_id === body.template_id)) throw new WxError(40037)
      if (!known.some((t) => t.template_id === body.template_id)) this.register(app, { template_id: body.template_id }, false)
      if (body.miniprogram !== undefined && apps.get(body.miniprogram.appid)?.type !== 'mini_program') throw new WxError(40166)
      if (!users.subscribed(body.touser)) throw new WxError(43004)
      if (users.blacklisted(body.touser)) throw new WxError(43019)

      const message: SentMessage = {
        msgid: ++this.#msgid,
        appid: app.appid,
        openid: body.touser,
        template_id: body.template_id,
        ...(body.url === undefined ? {} : { url: body.url }),
        ...(body.miniprogram === undefined ? {} : { miniprogram: body.miniprogram }),
        data: data.data,
        at: world.clock.now().toISOString(),
      }
      this.messages.push(message)
      // WeChat reports the delivery to the server URL afterwards (模板消息 送达事件).
      events.push(app, 'TEMPLATESENDJOBFINISH', body.touser, { MsgID: message.msgid, Status: 'success' })
      return { errcode: 0, errmsg: 'ok', msgid: message.msgid }
    }, 'wxmp:template'))
  }
}
