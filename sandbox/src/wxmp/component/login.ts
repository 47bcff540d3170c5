import type Router from '@koa/router'
import type { Context } from 'koa'
import type { WxmpDeps } from '../deps'
import { param } from '../http'
import { componentAuthPage, oauthErrorPage } from '../pages'
import type { Authorized, Component } from '.'
import { AUTH_TYPES, FUNCSCOPE_NAMES, offeredFuncs } from './state'

/** `redirect_uri?auth_code=…&expires_in=…`, appended textually before any fragment, as WeChat does. */
export function authRedirect (redirectUri: string, a: Authorized): string {
  const hash = redirectUri.indexOf('#')
  const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash)
  const fragment = hash === -1 ? '' : redirectUri.slice(hash)
  return `${base}${base.includes('?') ? '&' : '?'}auth_code=${encodeURIComponent(a.authCode)}&expires_in=${a.expiresIn}${fragment}`
}

/** `func=4,8` or `func=4&func=8` (the page's checkboxes); undefined when the link names none. */
function funcParam (ctx: Context): number[] | undefined {
  const raw = ctx.query.func
  if (raw === undefined) return undefined
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).filter((v) => /^\d+$/.test(v)).map(Number)
}

const isHttpUrl = (s: string): boolean => {
  try { return ['http:', 'https:'].includes(new URL(s).protocol) } catch { return false }
}

/**
 * The authorization link an SP's admin opens: `mp.weixin.qq.com/cgi-bin/componentloginpage` (the PC
 * QR page) and its phone form `open.weixin.qq.com/wxaopen/safe/bindcomponent`, both served here. The
 * admin picks an account and its 权限集 (`appid` and `func` pick them directly, for headless tests),
 * then WeChat 302s to `redirect_uri?auth_code&expires_in`. The real redirect_uri must be under the
 * platform's 授权发起页域名; the sandbox's platform accepts any http(s) URL.
 */
export function componentLoginRoutes (router: Router, deps: WxmpDeps, component: Component): void {
  const handler = (ctx: Context): void => { authorizationPage(ctx, deps, component) }
  router.get('/cgi-bin/componentloginpage', handler)
  router.get('/wxaopen/safe/bindcomponent', handler)
}

function authorizationPage (ctx: Context, deps: WxmpDeps, component: Component): void {
  const fail = (headline: string, detail: string): void => {
    ctx.status = 200
    ctx.type = 'html'
    ctx.body = oauthErrorPage(headline, detail)
  }
  if (param(ctx, 'component_appid') !== component.app.appid) { fail('component_appid 参数错误', '找不到该第三方平台'); return }
  const preAuthCode = param(ctx, 'pre_auth_code')
  if (!component.preAuthCodeUsable(preAuthCode)) { fail('授权链接已失效', 'pre_auth_code 无效、已使用或已过期，请重新获取授权链接'); return }
  const redirectUri = param(ctx, 'redirect_uri')
  if (redirectUri === undefined || !isHttpUrl(redirectUri)) { fail('redirect_uri 参数错误', 'redirect_uri 不是有效的回调地址'); return }
  const types = AUTH_TYPES[param(ctx, 'auth_type') ?? '3']
  if (types === undefined) { fail('auth_type 参数错误', 'auth_type 只能是 1、2 或 3'); return }
  const bizAppid = param(ctx, 'biz_appid')
  const candidates = deps.apps.list().filter((a) => types.includes(a.type) && (bizAppid === undefined || a.appid === bizAppid))

  let appid = param(ctx, 'appid')
  if (appid === undefined) {
    if (ctx.get('accept').includes('text/html')) {
      const hidden = Object.entries(ctx.query).filter(([k]) => k !== 'appid' && k !== 'func')
        .map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v) ?? ''] as const)
      ctx.type = 'html'
      ctx.body = componentAuthPage(component.app.name, ctx.path, hidden, candidates.map((a) => {
        const offered = new Set(offeredFuncs(a))
        return {
          appid: a.appid,
          name: a.name,
          ...(a.verified ? {} : { note: '未认证' }),
          funcs: Object.entries(FUNCSCOPE_NAMES).filter(([id]) => a.type === 'mini_program' ? Number(id) >= 17 : Number(id) < 17)
            .map(([id, name]) => ({ id: Number(id), name, checked: offered.has(Number(id)) })),
        }
      }))
      return
    }
    // Headless: the SP's own official account (or the one biz_appid names), like oauth's first user.
    appid = candidates.some((a) => a.appid === deps.apps.officialAccount.appid) ? deps.apps.officialAccount.appid : candidates[0]?.appid
  }
  const app = candidates.find((a) => a.appid === appid)
  if (app === undefined) {
    fail('无法授权该帐号', bizAppid === undefined ? '沙箱：没有这个帐号，或帐号类型与 auth_type 不符' : '只能授权 biz_appid 指定的帐号')
    return
  }
  const refusal = component.refusal(app)
  if (refusal !== undefined) { fail('授权失败', refusal); return }
  const authorized = component.authorize(app, funcParam(ctx), preAuthCode)
  ctx.redirect(authRedirect(redirectUri, authorized))
}
