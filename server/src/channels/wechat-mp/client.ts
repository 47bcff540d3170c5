/**
 * A thin typed client for the WeChat platform (api.weixin.qq.com / open.weixin.qq.com / mp.weixin.qq.com):
 * no maintained library lets its base URLs be redirected to the sandbox (architecture.md).
 */
export interface WechatHosts { api: string, open: string, mp: string }

/** WeChat answers errors as HTTP 200 `{errcode, errmsg}`. */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError'
  constructor (readonly errcode: number, readonly errmsg: string) { super(`${errcode} ${errmsg}`) }
}

type Query = Record<string, string | undefined>

const withQuery = (base: string, path: string, query: Query): string => {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`)
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v)
  return url.toString()
}

/** GET or POST JSON; throws WechatApiError on a non-zero errcode and a plain Error on transport failure. */
export async function wechatCall<T> (base: string, path: string, o: { query?: Query, body?: unknown, timeoutMs?: number, signal?: AbortSignal } = {}): Promise<T> {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 10_000)
  const res = await fetch(withQuery(base, path, o.query ?? {}), {
    method: o.body === undefined ? 'GET' : 'POST',
    ...(o.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.body) }),
    // A job's own deadline (its AbortSignal) ends the call too.
    signal: o.signal === undefined ? timeout : AbortSignal.any([timeout, o.signal]),
  })
  if (!res.ok) throw new Error(`WeChat answered HTTP ${res.status} for ${path}`)
  const data = JSON.parse(await res.text()) as T & { errcode?: number, errmsg?: string }
  if (typeof data.errcode === 'number' && data.errcode !== 0) throw new WechatApiError(data.errcode, data.errmsg ?? '')
  return data
}

export interface OAuthIdentity { openid: string, unionid?: string, scope: string }

/** Web authorization (网页授权), directly with the account's secret or on its behalf as an open-platform component. */
export class WechatOAuth {
  constructor (private readonly hosts: WechatHosts) {}

  authorizeUrl (o: { appId: string, redirectUri: string, state: string, scope?: 'snsapi_base' | 'snsapi_userinfo', componentAppId?: string }): string {
    const url = withQuery(this.hosts.open, 'connect/oauth2/authorize', {
      appid: o.appId,
      redirect_uri: o.redirectUri,
      response_type: 'code',
      scope: o.scope ?? 'snsapi_base',
      state: o.state,
      component_appid: o.componentAppId,
    })
    return `${url}#wechat_redirect`
  }

  async exchange (o: { appId: string, secret: string, code: string }): Promise<OAuthIdentity> {
    return await wechatCall<OAuthIdentity>(this.hosts.api, 'sns/oauth2/access_token', {
      query: { appid: o.appId, secret: o.secret, code: o.code, grant_type: 'authorization_code' },
    })
  }

  async exchangeForComponent (o: { appId: string, code: string, componentAppId: string, componentAccessToken: string }): Promise<OAuthIdentity> {
    return await wechatCall<OAuthIdentity>(this.hosts.api, 'sns/oauth2/component/access_token', {
      query: { appid: o.appId, code: o.code, grant_type: 'authorization_code', component_appid: o.componentAppId, component_access_token: o.componentAccessToken },
    })
  }
}

/** What `jscode2session` answers; the session_key stays with the caller that needs it (yima does not). */
export interface MiniProgramIdentity { openid: string, unionid?: string }

/** Mini-program sign-in (小程序登录): trades the code of `wx.login()` for the user's openid. */
export async function code2Session (hosts: WechatHosts, o: { appId: string, secret: string, code: string }): Promise<MiniProgramIdentity> {
  const r = await wechatCall<MiniProgramIdentity & { session_key?: string }>(hosts.api, 'sns/jscode2session', {
    query: { appid: o.appId, secret: o.secret, js_code: o.code, grant_type: 'authorization_code' },
  })
  return { openid: r.openid, ...(r.unionid === undefined ? {} : { unionid: r.unionid }) }
}
