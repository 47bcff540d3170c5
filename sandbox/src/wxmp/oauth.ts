import type Router from '@koa/router'
import type { Context } from 'koa'
import type { WxApp } from './apps'
import { OneTimeCodes } from './codes'
import type { Component } from './component'
import type { WxmpDeps } from './deps'
import { WxError } from './errors'
import { api, param } from './http'
import { oauthErrorPage, userChooserPage } from './pages'
import { isWellFormedToken, newToken, TOKEN_TTL_S } from './tokens'
import type { SimUser } from './users'

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo'
const isScope = (s: string): s is OAuthScope => s === 'snsapi_base' || s === 'snsapi_userinfo'
/** refresh_token lives 30 days (网页授权 docs). */
const REFRESH_TTL_MS = 30 * 86_400_000

/** `component` is the third-party platform that ran the authorization for the account (null: the account itself). */
interface Grant { appid: string, user: SimUser, openid: string, scope: OAuthScope, component: string | null, expiresAt: number }
interface CodeData { user: SimUser, scope: OAuthScope, component: string | null }

/** Whether a redirect target is under one of the account's 网页授权域名 (a `host:port` entry also pins the port). */
function domainAllowed (target: URL, domains: readonly string[] | null): boolean {
  if (domains === null) return true
  return domains.some((d) => (d.includes(':') ? target.host : target.hostname) === d.toLowerCase())
}

const safeDecode = (s: string): string => { try { return decodeURIComponent(s) } catch { return s } }

/** Appends `code` and `state` the way WeChat does: textually, before any fragment. */
function withCode (redirectUri: string, code: string, state: string): string {
  const hash = redirectUri.indexOf('#')
  const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash)
  const fragment = hash === -1 ? '' : redirectUri.slice(hash)
  return `${base}${base.includes('?') ? '&' : '?'}code=${code}&state=${encodeURIComponent(state)}${fragment}`
}

/**
 * Web authorization (网页授权) of official accounts: the authorize redirect and the /sns token APIs,
 * run by the account itself or, with `component_appid`, by a third-party platform it authorized
 * (代公众号发起网页授权, whose codes only the platform's `/sns/oauth2/component/*` exchanges).
 */
export class OAuth {
  readonly #codes
  readonly #tokens = new Map<string, Grant>()
  readonly #refresh = new Map<string, Grant>()

  constructor (private readonly deps: WxmpDeps, private readonly component: Component) {
    this.#codes = new OneTimeCodes<CodeData>(deps.world.clock)
  }

  /** What the authorize redirect carries: a code for this user, as if they had just consented. */
  issueCode (app: WxApp, user: SimUser, scope: OAuthScope, component: string | null = null): string {
    return this.#codes.issue(app.appid, { user, scope, component })
  }

  clear (): void {
    this.#codes.clear()
    this.#tokens.clear()
    this.#refresh.clear()
  }

  routes (router: Router): void {
    const { world, apps, users } = this.deps
    router.get('/connect/oauth2/authorize', (ctx) => { this.#authorize(ctx) })

    router.get('/sns/oauth2/access_token', api(world, (ctx) => {
      if (param(ctx, 'grant_type') !== 'authorization_code') throw new WxError(40002)
      const app = apps.authenticate(param(ctx, 'appid'), param(ctx, 'secret'))
      return this.#exchange(app, this.#codes.redeem(app.appid, param(ctx, 'code'), (c) => c.component === null))
    }))

    // The platform's exchange: the authorizer's appid, the platform's appid and component_access_token.
    router.get('/sns/oauth2/component/access_token', api(world, (ctx) => {
      if (param(ctx, 'grant_type') !== 'authorization_code') throw new WxError(40002)
      const app = this.#knownApp(param(ctx, 'appid'))
      const componentAppid = param(ctx, 'component_appid')
      this.component.requireSelf(componentAppid)
      this.component.checkToken(ctx)
      return this.#exchange(app, this.#codes.redeem(app.appid, param(ctx, 'code'), (c) => c.component === componentAppid))
    }))

    router.get('/sns/oauth2/refresh_token', api(world, (ctx) => this.#refreshGrant(ctx, null)))

    router.get('/sns/oauth2/component/refresh_token', api(world, (ctx) => {
      const componentAppid = param(ctx, 'component_appid')
      this.component.requireSelf(componentAppid)
      this.component.checkToken(ctx)
      return this.#refreshGrant(ctx, componentAppid ?? null)
    }))

    router.get('/sns/userinfo', api(world, (ctx) => {
      const grant = this.#grant(ctx)
      if (grant.scope !== 'snsapi_userinfo') throw new WxError(48001)
      const app = apps.get(grant.appid)
      const { user } = grant
      return {
        openid: grant.openid,
        nickname: user.nickname,
        sex: user.sex,
        province: user.province,
        city: user.city,
        country: user.country,
        headimgurl: user.headimgurl,
        privilege: [],
        ...(app?.unionid === true ? { unionid: users.unionid(user) } : {}),
      }
    }))

    router.get('/sns/auth', api(world, (ctx) => {
      this.#grant(ctx)
      return { errcode: 0, errmsg: 'ok' }
    }))
  }

  /** 41002 missing, 40013 unknown. */
  #knownApp (appid: string | undefined): WxApp {
    if (appid === undefined) throw new WxError(41002)
    const app = this.deps.apps.get(appid)
    if (app === undefined) throw new WxError(40013)
    return app
  }

  /** A redeemed code becomes a web access token (7200 s) and a refresh token (30 days). */
  #exchange (app: WxApp, { user, scope, component }: CodeData): object {
    const { world, users } = this.deps
    const now = world.clock.nowMs()
    const grant: Grant = { appid: app.appid, user, openid: users.openid(app, user), scope, component, expiresAt: now + TOKEN_TTL_S * 1000 }
    const accessToken = newToken()
    const refreshToken = newToken()
    this.#tokens.set(accessToken, grant)
    this.#refresh.set(refreshToken, { ...grant, expiresAt: now + REFRESH_TTL_MS })
    // unionid only comes with snsapi_userinfo, and only for accounts bound to an open platform.
    const unionid = scope === 'snsapi_userinfo' && app.unionid ? { unionid: users.unionid(user) } : {}
    return { access_token: accessToken, expires_in: TOKEN_TTL_S, refresh_token: refreshToken, openid: grant.openid, scope, ...unionid }
  }

  /** refresh_token of the account's own grants or (component set) of the platform's: never the other's (40030). */
  #refreshGrant (ctx: Context, component: string | null): object {
    const { world } = this.deps
    if (param(ctx, 'grant_type') !== 'refresh_token') throw new WxError(40002)
    const appid = this.#knownApp(param(ctx, 'appid')).appid
    const refreshToken = param(ctx, 'refresh_token')
    if (refreshToken === undefined) throw new WxError(41003)
    const grant = this.#refresh.get(refreshToken)
    if (grant === undefined || grant.appid !== appid || grant.component !== component) throw new WxError(40030)
    if (world.clock.nowMs() >= grant.expiresAt) throw new WxError(42002)
    const accessToken = newToken()
    this.#tokens.set(accessToken, { ...grant, expiresAt: world.clock.nowMs() + TOKEN_TTL_S * 1000 })
    return { access_token: accessToken, expires_in: TOKEN_TTL_S, refresh_token: refreshToken, openid: grant.openid, scope: grant.scope }
  }

  /** The grant behind `?access_token=&openid=`: 41001/40014/40001/42001 for the token, 41009/40003 for the openid. */
  #grant (ctx: Context): Grant {
    const token = param(ctx, 'access_token')
    if (token === undefined) throw new WxError(41001)
    if (!isWellFormedToken(token)) throw new WxError(40014)
    const grant = this.#tokens.get(token)
    if (grant === undefined) throw new WxError(40001)
    if (this.deps.world.clock.nowMs() >= grant.expiresAt) throw new WxError(42001)
    const openid = param(ctx, 'openid')
    if (openid === undefined) throw new WxError(41009)
    if (openid !== grant.openid) throw new WxError(40003)
    return grant
  }

  /**
   * `/connect/oauth2/authorize`: 302 to `redirect_uri?code&state` as the test user named by the
   * `sim_user` query parameter or cookie (first user by default; browsers without one get a chooser),
   * or the error page WeChat shows (10003, 10005, 10015, …). With `component_appid` the platform must
   * hold the account's 网页服务权限, and the redirect domain is checked against the platform's
   * 网页开发域名 instead of the account's 网页授权域名: the sandbox's platform accepts any.
   */
  #authorize (ctx: Context): void {
    const { apps, users } = this.deps
    const fail = (headline: string, detail: string, errcode?: number): void => {
      ctx.status = 200
      ctx.type = 'html'
      ctx.body = oauthErrorPage(headline, detail, errcode)
    }
    const appid = param(ctx, 'appid')
    const redirectUri = param(ctx, 'redirect_uri')
    const scope = param(ctx, 'scope')
    if (appid === undefined) { fail('appid 参数错误', 'appid不能为空', 10012); return }
    if (redirectUri === undefined) { fail('redirect_uri 参数错误', 'redirect_uri不能为空', 10011); return }
    if (scope === undefined) { fail('Scope 参数错误或没有 Scope 权限', 'scope不能为空', 10010); return }
    const app = apps.get(appid)
    if (app === undefined) { fail('appid 参数错误', '找不到该 appid 对应的公众号'); return }
    const componentAppid = param(ctx, 'component_appid') ?? null
    if (componentAppid !== null) {
      const refused = this.component.webAuthRefusal(app, componentAppid)
      if (refused !== undefined) { fail(refused.headline, refused.detail, refused.errcode); return }
    }
    // Unverified accounts (and mini programs) have no web authorization at all: seed 004, 错误码10005.
    if (!isScope(scope) || !app.verified || app.type !== 'official_account') {
      fail('Scope 参数错误或没有 Scope 权限', '此公众号并没有这些scope的权限', 10005)
      return
    }
    let target: URL
    try { target = new URL(redirectUri) } catch { fail('redirect_uri 参数错误', 'redirect_uri域名与后台配置不一致', 10003); return }
    if (!['http:', 'https:'].includes(target.protocol) || (componentAppid === null && !domainAllowed(target, app.oauthDomains))) {
      fail('redirect_uri 参数错误', 'redirect_uri域名与后台配置不一致', 10003)
      return
    }

    const chosen = param(ctx, 'sim_user')
    const ref = chosen ?? ctx.cookies.get('sim_user')
    let user: SimUser | undefined
    if (ref !== undefined) {
      user = users.find(safeDecode(ref))
      if (user === undefined) { fail('沙箱：没有这个测试用户', `sim_user=${ref}`); return }
    } else if (ctx.get('accept').includes('text/html')) {
      const hrefFor = (u: SimUser): string => {
        const q = new URLSearchParams(ctx.querystring)
        q.set('sim_user', u.id)
        return `${ctx.path}?${q.toString()}`
      }
      ctx.type = 'html'
      ctx.body = userChooserPage(app.name, users.list().map((u) => ({ label: u.nickname, href: hrefFor(u) })))
      return
    } else {
      user = users.first()
    }
    // A phone has one owner: remember the choice for the next authorization from this browser.
    if (chosen !== undefined) ctx.cookies.set('sim_user', encodeURIComponent(user.id), { httpOnly: false })
    const code = this.issueCode(app, user, scope, componentAppid)
    ctx.redirect(withCode(redirectUri, code, param(ctx, 'state') ?? ''))
  }
}
