import { useSandbox, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

/** The authorize redirect as a phone's WeChat would follow it; `headers` may carry the sim_user cookie. */
async function authorize (c: WxmpTestClient, query: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const q = new URLSearchParams({ response_type: 'code', scope: 'snsapi_base', state: 'STATE', ...query })
  return await fetch(`${c.base}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`, { redirect: 'manual', headers })
}

/** The code and state WeChat appended to the redirect_uri. */
function codeFrom (res: Response): { code: string, state: string, location: string } {
  expect(res.status).toBe(302)
  const location = res.headers.get('location') ?? ''
  const url = new URL(location)
  return { code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') ?? '', location }
}

async function exchange (c: WxmpTestClient, appid: string, secret: string, code: string): Promise<Record<string, unknown> & { errcode?: number }> {
  return await c.get('/sns/oauth2/access_token', { appid, secret, code, grant_type: 'authorization_code' })
}

describe('wxmp web authorization (OAuth)', () => {
  it('redirects with a code for the sim_user cookie\'s user, exchanged once for their openid', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const res = await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb?x=1' }, { cookie: 'sim_user=lisi' })
    const { code, state, location } = codeFrom(res)
    expect(location).toMatch(/^https:\/\/yima\.example\/cb\?x=1&code=\w{32}&state=STATE$/)
    expect(state).toBe('STATE')

    const ok = await exchange(c, appId, appSecret, code)
    expect(ok).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: expect.any(String), openid: await c.openid('lisi', appId), scope: 'snsapi_base' })
    expect((await exchange(c, appId, appSecret, code)).errcode).toBe(40163)
  })

  it('takes the user from the query over the cookie, and defaults to the first user', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const fromQuery = codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', sim_user: 'wangwu' }, { cookie: 'sim_user=lisi' }))
    expect((await exchange(c, appId, appSecret, fromQuery.code)).openid).toBe(await c.openid('wangwu', appId))
    const byDefault = codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' }))
    expect((await exchange(c, appId, appSecret, byDefault.code)).openid).toBe(await c.openid('zhangsan', appId))
  })

  it('shows a browser without a chosen user a chooser, and remembers the choice in a cookie', async () => {
    const c = client()
    const { appId } = c.sandbox.clients.wxmp.officialAccount
    const page = await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' }, { accept: 'text/html' })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('张三')
    expect(html).toContain('sim_user=lisi')
    const chosen = await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', sim_user: 'lisi' }, { accept: 'text/html' })
    expect(chosen.headers.get('set-cookie')).toMatch(/^sim_user=lisi/)
  })

  it('refuses unknown codes, codes of another appid and codes older than 5 minutes (40029)', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const other = await c.registerApp()
    expect((await exchange(c, appId, appSecret, 'nosuchcode')).errcode).toBe(40029)
    const foreign = codeFrom(await authorize(c, { appid: other.appid, redirect_uri: 'https://yima.example/cb' }))
    expect((await exchange(c, appId, appSecret, foreign.code)).errcode).toBe(40029)
    const late = codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' }))
    await c.advance(301)
    expect((await exchange(c, appId, appSecret, late.code)).errcode).toBe(40029)
    expect((await exchange(c, appId, 'bad', late.code)).errcode).toBe(40125)
    expect((await c.get('/sns/oauth2/access_token', { appid: appId, secret: appSecret, grant_type: 'authorization_code' })).errcode).toBe(41008)
  })

  it('serves /sns/userinfo for snsapi_userinfo only (48001), with one unionid across accounts', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const sub = await c.registerApp({ name: '子商户公众号' })
    const full = await exchange(c, appId, appSecret, codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', scope: 'snsapi_userinfo', sim_user: 'zhangsan' })).code)
    const atSub = await exchange(c, sub.appid, sub.secret, codeFrom(await authorize(c, { appid: sub.appid, redirect_uri: 'https://yima.example/cb', scope: 'snsapi_userinfo', sim_user: 'zhangsan' })).code)
    expect(full.unionid).toEqual(expect.any(String))
    expect(atSub.unionid).toBe(full.unionid)
    expect(atSub.openid).not.toBe(full.openid)

    const info = await c.get('/sns/userinfo', { access_token: full.access_token as string, openid: full.openid as string, lang: 'zh_CN' })
    expect(info).toMatchObject({ openid: full.openid, nickname: '张三', sex: 1, city: '深圳', privilege: [], unionid: full.unionid })
    expect((await c.get('/sns/userinfo', { access_token: full.access_token as string, openid: atSub.openid as string })).errcode).toBe(40003)

    const base = await exchange(c, appId, appSecret, codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' })).code)
    expect(base.unionid).toBeUndefined()
    expect((await c.get('/sns/userinfo', { access_token: base.access_token as string, openid: base.openid as string })).errcode).toBe(48001)
  })

  it('checks, expires and refreshes web access tokens (/sns/auth, 42001, refresh_token)', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const t = await exchange(c, appId, appSecret, codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' })).code)
    const auth = async (token: string, openid = t.openid as string): Promise<number | undefined> => (await c.get('/sns/auth', { access_token: token, openid })).errcode
    expect(await auth(t.access_token as string)).toBe(0)
    expect(await auth(t.access_token as string, 'o_someone_else')).toBe(40003)
    expect(await auth('garbage')).toBe(40014)
    await c.advance(7201)
    expect(await auth(t.access_token as string)).toBe(42001)

    const refreshed = await c.get('/sns/oauth2/refresh_token', { appid: appId, grant_type: 'refresh_token', refresh_token: t.refresh_token as string })
    expect(refreshed).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: t.refresh_token, openid: t.openid, scope: 'snsapi_base' })
    expect(await auth(refreshed.access_token as string)).toBe(0)
    expect((await c.get('/sns/oauth2/refresh_token', { appid: appId, grant_type: 'refresh_token', refresh_token: 'nope' })).errcode).toBe(40030)
    await c.advance(31 * 86_400)
    expect((await c.get('/sns/oauth2/refresh_token', { appid: appId, grant_type: 'refresh_token', refresh_token: t.refresh_token as string })).errcode).toBe(42002)
  })

  it('answers /sns/* as text/plain, as WeChat does', async () => {
    const c = client()
    const res = await fetch(`${c.base}/sns/oauth2/access_token?appid=x&secret=y&code=z&grant_type=authorization_code`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(JSON.parse(await res.text())).toMatchObject({ errcode: 40013 })
  })

  it('authorizes a test user added through the control API', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const added = await c.control<{ id: string, unionid: string, openids: Record<string, { openid: string }> }>('POST', '/wxmp/users', { id: 'zhaoliu', nickname: '赵六', phone: '13900000004', sex: 2 }, 201)
    expect(added.openids[appId]?.openid).toMatch(/^o[\w-]{27}$/)
    await c.control('POST', '/wxmp/users', { id: 'zhaoliu', nickname: '赵六', phone: '13900000004' }, 409)
    await c.control('POST', '/wxmp/users', { nickname: '无号', phone: '12345' }, 400)
    expect((await c.control<{ id: string }>('POST', '/wxmp/users', { nickname: '钱七', phone: '13900000005' }, 201)).id).toMatch(/^user\d+$/)
    const t = await exchange(c, appId, appSecret, codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', scope: 'snsapi_userinfo', sim_user: 'zhaoliu' })).code)
    expect(t).toMatchObject({ openid: added.openids[appId]?.openid, unionid: added.unionid })
    expect(await c.get('/sns/userinfo', { access_token: t.access_token as string, openid: t.openid as string })).toMatchObject({ nickname: '赵六', sex: 2 })
    expect(await (await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', sim_user: 'nobody' })).text()).toContain('没有这个测试用户')
  })

  it('keeps the redirect_uri\'s fragment after the appended code and state', async () => {
    const c = client()
    const { appId } = c.sandbox.clients.wxmp.officialAccount
    const { location } = codeFrom(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/h5/#/pay?store=1', state: 'abc' }))
    expect(location).toMatch(/^https:\/\/yima\.example\/h5\/\?code=\w{32}&state=abc#\/pay\?store=1$/)
  })
})

describe('wxmp official-account authorization errors (T3)', () => {
  async function errorPage (res: Response): Promise<string> {
    expect(res.status).toBe(200)
    expect(res.headers.get('location')).toBeNull()
    return await res.text()
  }

  it('shows the scope error 10005 for an unverified account, for both scopes', async () => {
    const c = client()
    const unverified = await c.registerApp({ verified: false })
    for (const scope of ['snsapi_base', 'snsapi_userinfo']) {
      const html = await errorPage(await authorize(c, { appid: unverified.appid, redirect_uri: 'https://yima.example/cb', scope }))
      expect(html).toContain('Scope 参数错误或没有 Scope 权限')
      expect(html).toContain('data-errcode="10005"')
    }
    const { appId } = c.sandbox.clients.wxmp.officialAccount
    expect(await errorPage(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb', scope: 'snsapi_login' }))).toContain('data-errcode="10005"')
  })

  it('shows redirect_uri 参数错误 (10003) for a domain outside the account\'s 网页授权域名', async () => {
    const c = client()
    const app = await c.registerApp({ oauthDomains: ['pay.yima.example'] })
    const html = await errorPage(await authorize(c, { appid: app.appid, redirect_uri: 'https://evil.example/cb' }))
    expect(html).toContain('redirect_uri 参数错误')
    expect(html).toContain('data-errcode="10003"')
    codeFrom(await authorize(c, { appid: app.appid, redirect_uri: 'https://pay.yima.example/cb' }))
    await c.control('PATCH', `/wxmp/apps/${app.appid}`, { oauthDomains: ['127.0.0.1:3000'] })
    expect(await errorPage(await authorize(c, { appid: app.appid, redirect_uri: 'http://127.0.0.1:4000/cb' }))).toContain('10003')
    codeFrom(await authorize(c, { appid: app.appid, redirect_uri: 'http://127.0.0.1:3000/cb' }))
  })

  it('refuses missing parameters and mini programs; too many platform authorizations do not stop the account\'s own OAuth', async () => {
    const c = client()
    const app = await c.registerApp({ tooManyAuthorizations: true })
    // That refusal belongs to the platform authorization page (wxmp-component.test.ts).
    codeFrom(await authorize(c, { appid: app.appid, redirect_uri: 'https://yima.example/cb' }))
    expect(await errorPage(await authorize(c, { redirect_uri: 'https://yima.example/cb' }))).toContain('data-errcode="10012"')
    expect(await errorPage(await authorize(c, { appid: app.appid }))).toContain('data-errcode="10011"')
    const { appId } = c.sandbox.clients.wxmp.miniProgram
    expect(await errorPage(await authorize(c, { appid: appId, redirect_uri: 'https://yima.example/cb' }))).toContain('data-errcode="10005"')
  })
})

describe('wxmp mini-program login (jscode2session)', () => {
  it('exchanges a wx.login code once for the mini program\'s openid and the shared unionid', async () => {
    const c = client()
    const mp = c.sandbox.clients.wxmp.miniProgram
    const oa = c.sandbox.clients.wxmp.officialAccount
    const issued = await c.control<{ code: string, openid: string }>('POST', '/wxmp/js-code', { user: 'lisi' })
    const session = await c.get('/sns/jscode2session', { appid: mp.appId, secret: mp.appSecret, js_code: issued.code, grant_type: 'authorization_code' })
    expect(session).toEqual({ session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/), openid: issued.openid, unionid: expect.any(String) })
    expect(session.openid).toBe(await c.openid('lisi', mp.appId))
    expect(session.openid).not.toBe(await c.openid('lisi', oa.appId))
    const users = await c.control<Array<{ id: string, unionid: string }>>('GET', '/wxmp/users')
    expect(session.unionid).toBe(users.find((u) => u.id === 'lisi')?.unionid)

    const again = { appid: mp.appId, secret: mp.appSecret, js_code: issued.code, grant_type: 'authorization_code' }
    expect((await c.get('/sns/jscode2session', again)).errcode).toBe(40163)
    expect((await c.get('/sns/jscode2session', { ...again, js_code: 'bogus' })).errcode).toBe(40029)
    expect((await c.get('/sns/jscode2session', { ...again, secret: 'bad' })).errcode).toBe(40125)
  })

  it('expires wx.login codes after 5 minutes', async () => {
    const c = client()
    const mp = c.sandbox.clients.wxmp.miniProgram
    const { code } = await c.control<{ code: string }>('POST', '/wxmp/js-code', {})
    await c.advance(300)
    expect((await c.get('/sns/jscode2session', { appid: mp.appId, secret: mp.appSecret, js_code: code, grant_type: 'authorization_code' })).errcode).toBe(40029)
  })
})
