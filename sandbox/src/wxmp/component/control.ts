import type Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../../core/control'
import type { WxmpDeps } from '../deps'
import { controlError } from '../errors'
import type { Component } from '.'
import { authRedirect } from './login'

const Server = z.object({ url: z.url().nullable() })
const Authorize = z.object({
  appid: z.string().min(1),
  func: z.array(z.number().int().positive()).optional(),
  redirect_uri: z.url().optional(),
  pre_auth_code: z.string().min(1).optional(),
})
const Unauthorize = z.object({ appid: z.string().min(1) })

/**
 * `/__sim/wxmp/component/*`: configure the platform's 授权事件接收URL, authorize or withdraw
 * accounts as their admin would, and read every push the platform sent.
 */
export function componentControlRoutes (router: Router, deps: WxmpDeps, component: Component): void {
  const base = '/__sim/wxmp/component'
  const view = (): Record<string, unknown> => ({
    appid: component.app.appid,
    name: component.app.name,
    server_url: component.app.serverUrl,
    ticket: component.currentTicket() ?? null,
    authorizations: component.authorizations().map((a) => ({ authorizer_appid: a.appid, func: a.func, authorized_at: new Date(a.authorizedAt).toISOString() })),
  })

  router.get(base, (ctx) => { ctx.body = view() })

  // Unlike an account's server URL, the platform's is not echostr-checked when saved.
  router.post(`${base}/server`, (ctx) => {
    component.setServer(parseControl(Server, ctx.request.body).url)
    ctx.body = view()
  })

  router.post(`${base}/authorize`, (ctx) => {
    const b = parseControl(Authorize, ctx.request.body)
    const app = deps.apps.get(b.appid)
    if (app === undefined) throw controlError(404, `no app ${b.appid}`)
    if (b.pre_auth_code !== undefined && !component.preAuthCodeUsable(b.pre_auth_code)) throw controlError(409, 'pre_auth_code is unknown, used or expired')
    const refusal = component.refusal(app)
    if (refusal !== undefined) throw controlError(409, refusal)
    const a = component.authorize(app, b.func, b.pre_auth_code)
    ctx.body = {
      auth_code: a.authCode,
      expires_in: a.expiresIn,
      info_type: a.infoType,
      pre_auth_code: a.preAuthCode,
      redirect: b.redirect_uri === undefined ? null : authRedirect(b.redirect_uri, a),
    }
  })

  router.post(`${base}/unauthorize`, (ctx) => {
    const { appid } = parseControl(Unauthorize, ctx.request.body)
    if (!component.unauthorize(appid)) throw controlError(404, `${appid} has not authorized the platform`)
    ctx.status = 204
  })

  router.get(`${base}/events`, (ctx) => {
    const infoType = typeof ctx.query.info_type === 'string' ? ctx.query.info_type : undefined
    ctx.body = component.pushes.log.filter((e) => infoType === undefined || e.infoType === infoType)
  })
}
