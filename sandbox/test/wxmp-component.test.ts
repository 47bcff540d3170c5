import { parseXml, pushReceiver, useSandbox, wechatSignature, type TestApp, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

type Receiver = Awaited<ReturnType<typeof pushReceiver>>
let receiver: Receiver | undefined
afterEach(async () => { await receiver?.close(); receiver = undefined })

/** The platform's 授权事件接收URL: a receiver that checks signatures and decrypts with the component's keys. */
async function componentServer (c: WxmpTestClient): Promise<Receiver> {
  const { token, encodingAESKey, appid } = c.sandbox.clients.wxmp.component
  receiver = await pushReceiver(token, encodingAESKey, appid)
  await c.control('POST', '/wxmp/component/server', { url: receiver.url })
  await c.idle()
  return receiver
}

const infoTypes = (r: Receiver): string[] => r.pushes.map((p) => p.fields.InfoType ?? '')
const lastTicket = (r: Receiver): string => r.pushes.filter((p) => p.fields.InfoType === 'component_verify_ticket').at(-1)?.fields.ComponentVerifyTicket ?? ''

/** component_access_token from the latest pushed ticket, as yima's platform client would get it. */
async function componentToken (c: WxmpTestClient, r: Receiver): Promise<string> {
  const { appid, secret } = c.sandbox.clients.wxmp.component
  const t = await c.post('/cgi-bin/component/api_component_token', { component_appid: appid, component_appsecret: secret, component_verify_ticket: lastTicket(r) })
  expect(t).toEqual({ component_access_token: expect.any(String), expires_in: 7200 })
  return t.component_access_token as string
}

async function preAuthCode (c: WxmpTestClient, token: string): Promise<string> {
  const r = await c.post('/cgi-bin/component/api_create_preauthcode', { component_appid: c.sandbox.clients.wxmp.component.appid }, { component_access_token: token })
  expect(r).toEqual({ pre_auth_code: expect.stringMatching(/^preauthcode@@@[\w-]+$/), expires_in: 1800 })
  return r.pre_auth_code as string
}

/** The authorization link the SP's admin opens (mp.weixin.qq.com/cgi-bin/componentloginpage). */
async function loginPage (c: WxmpTestClient, query: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const q = new URLSearchParams({ component_appid: c.sandbox.clients.wxmp.component.appid, redirect_uri: 'https://yima.example/wx/authorized?sp=1', auth_type: '1', ...query })
  return await fetch(`${c.base}/cgi-bin/componentloginpage?${q.toString()}`, { redirect: 'manual', headers })
}

async function queryAuth (c: WxmpTestClient, token: string, code: string): Promise<Record<string, unknown> & { errcode?: number }> {
  return await c.post('/cgi-bin/component/api_query_auth', { component_appid: c.sandbox.clients.wxmp.component.appid, authorization_code: code }, { component_access_token: token })
}

async function errorPage (res: Response): Promise<string> {
  expect(res.status).toBe(200)
  expect(res.headers.get('location')).toBeNull()
  return await res.text()
}

const funcIds = (info: unknown): number[] => (info as Array<{ funcscope_category: { id: number } }>).map((f) => f.funcscope_category.id)

describe('wxmp third-party platform: tickets and component_access_token', () => {
  it('hands out the platform\'s credentials in the client config', () => {
    const { component } = client().sandbox.clients.wxmp
    expect(component.appid).toMatch(/^wx[0-9a-f]{16}$/)
    expect(component.secret).toMatch(/^[0-9a-f]{32}$/)
    expect(component.encodingAESKey).toMatch(/^[A-Za-z0-9]{43}$/)
    expect(component.token.length).toBeGreaterThan(2)
  })

  it('pushes an encrypted component_verify_ticket at once and every 10 simulated minutes', async () => {
    const c = client()
    const { appid, token } = c.sandbox.clients.wxmp.component
    const r = await componentServer(c)
    expect(r.problems).toEqual([])
    expect(r.pushes).toHaveLength(1)
    const [push] = r.pushes
    if (push === undefined) throw new Error('no push')
    const q = (k: string): string => push.query.get(k) ?? ''
    expect(q('encrypt_type')).toBe('aes')
    const outer = parseXml(push.body)
    expect(Object.keys(outer)).toEqual(['AppId', 'Encrypt'])
    expect(outer.AppId).toBe(appid)
    expect(push.body).toContain(`<AppId><![CDATA[${appid}]]></AppId>`)
    expect(q('msg_signature')).toBe(wechatSignature(token, q('timestamp'), q('nonce'), outer.Encrypt ?? ''))
    expect(push.fields).toEqual({ AppId: appid, CreateTime: expect.stringMatching(/^\d{10}$/), InfoType: 'component_verify_ticket', ComponentVerifyTicket: expect.stringMatching(/^ticket@@@[\w-]+$/) })

    await c.advance(599); await c.idle()
    expect(r.pushes).toHaveLength(1)
    await c.advance(1); await c.idle()
    expect(r.pushes).toHaveLength(2)
    expect(lastTicket(r)).not.toBe(push.fields.ComponentVerifyTicket)
    const log = await c.control<Array<{ infoType: string, delivery: string }>>('GET', '/wxmp/component/events?info_type=component_verify_ticket')
    expect(log.map((e) => [e.infoType, e.delivery])).toEqual([['component_verify_ticket', 'queued'], ['component_verify_ticket', 'queued']])
    expect((await c.control<{ ticket: string }>('GET', '/wxmp/component')).ticket).toBe(lastTicket(r))
  })

  it('stops pushing when the URL is cleared or the sandbox resets', async () => {
    const c = client()
    const r = await componentServer(c)
    await c.control('POST', '/wxmp/component/server', { url: null })
    await c.advance(1800); await c.idle()
    expect(r.pushes).toHaveLength(1)
    await c.control('POST', '/wxmp/component/server', { url: r.url })
    await c.idle()
    await c.control('POST', '/reset', undefined, 204)
    await c.advance(1800); await c.idle()
    expect(r.pushes).toHaveLength(2)
    expect(await c.control('GET', '/wxmp/component/events')).toEqual([])
  })

  it('issues component_access_token for a pushed ticket only: 61011, 41004, 40125, 61006, and 61005 after 12 hours', async () => {
    const c = client()
    const { appid, secret } = c.sandbox.clients.wxmp.component
    const r = await componentServer(c)
    const first = lastTicket(r)
    const call = async (b: Record<string, string>): Promise<number | undefined> =>
      (await c.post('/cgi-bin/component/api_component_token', { component_appid: appid, component_appsecret: secret, component_verify_ticket: first, ...b })).errcode
    expect(await call({ component_appid: c.sandbox.clients.wxmp.officialAccount.appId })).toBe(61011)
    expect(await call({ component_appsecret: '' })).toBe(41004)
    expect(await call({ component_appsecret: 'wrong' })).toBe(40125)
    expect(await call({ component_verify_ticket: 'ticket@@@forged' })).toBe(61006)
    expect(await call({ component_verify_ticket: '' })).toBe(61006)
    await componentToken(c, r)
    await c.advance(12 * 3600); await c.idle()
    expect(await call({})).toBe(61005)
    await componentToken(c, r) // the newest ticket still works
  })

  it('refuses other tokens on component APIs (61014) and the component token on account APIs (40001); tokens expire', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const own = await c.token(appId, appSecret)
    const body = { component_appid: c.sandbox.clients.wxmp.component.appid }
    expect((await c.post('/cgi-bin/component/api_create_preauthcode', body, { component_access_token: own })).errcode).toBe(61014)
    expect((await c.post('/cgi-bin/component/api_create_preauthcode', body)).errcode).toBe(41001)
    expect((await c.post('/cgi-bin/component/api_create_preauthcode', { component_appid: appId }, { component_access_token: token })).errcode).toBe(61011)
    expect((await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).errcode).toBe(40001)
    // The newer docs pass the same token as ?access_token=.
    expect((await c.post('/cgi-bin/component/api_create_preauthcode', body, { access_token: token })).pre_auth_code).toEqual(expect.any(String))
    await c.advance(7200)
    expect((await c.post('/cgi-bin/component/api_create_preauthcode', body, { component_access_token: token })).errcode).toBe(42001)
  })
})

describe('wxmp third-party platform: authorization (T3)', () => {
  it('authorizes by the login page: 302 with auth_code, `authorized` push, api_query_auth once, a working authorizer token', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const pre = await preAuthCode(c, token)
    const oa = c.sandbox.clients.wxmp.officialAccount
    const res = await loginPage(c, { pre_auth_code: pre, appid: oa.appId })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe('https://yima.example/wx/authorized')
    expect(location.searchParams.get('sp')).toBe('1')
    expect(location.searchParams.get('expires_in')).toBe('3600')
    const authCode = location.searchParams.get('auth_code') ?? ''
    expect(authCode).toMatch(/^queryauthcode@@@[\w-]+$/)

    await c.idle()
    expect(r.problems).toEqual([])
    const event = r.pushes.find((p) => p.fields.InfoType === 'authorized')?.fields
    expect(event).toEqual({
      AppId: c.sandbox.clients.wxmp.component.appid,
      CreateTime: expect.stringMatching(/^\d{10}$/),
      InfoType: 'authorized',
      AuthorizerAppid: oa.appId,
      AuthorizationCode: authCode,
      AuthorizationCodeExpiredTime: String(Number(event?.CreateTime) + 3600),
      PreAuthCode: pre,
    })

    const auth = await queryAuth(c, token, authCode)
    const info = auth.authorization_info as Record<string, unknown>
    expect(info).toEqual({ authorizer_appid: oa.appId, authorizer_access_token: expect.any(String), expires_in: 7200, authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/), func_info: expect.anything() })
    // 网页服务权限 (4) and, since the account has the card permission, 微信卡券权限 (8).
    expect(funcIds(info.func_info)).toEqual(expect.arrayContaining([1, 4, 8]))
    expect((await queryAuth(c, token, authCode)).errcode).toBe(61009)
    expect((await queryAuth(c, token, 'queryauthcode@@@nope')).errcode).toBe(61009)

    const ticket = await c.call(info.authorizer_access_token as string, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })
    expect(ticket).toMatchObject({ errcode: 0, ticket: expect.any(String) })
    // The account's own token is a separate lane: fetching one does not replace the platform's.
    await c.token(oa.appId, oa.appSecret)
    await c.advance(600)
    expect((await c.call(info.authorizer_access_token as string, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).errcode).toBe(0)

    expect(await errorPage(await loginPage(c, { pre_auth_code: pre, appid: oa.appId }))).toContain('授权链接已失效')
    expect((await c.control<{ authorizations: Array<{ authorizer_appid: string }> }>('GET', '/wxmp/component')).authorizations.map((a) => a.authorizer_appid)).toEqual([oa.appId])
  })

  it('shows a browser a page of accounts and 权限集; biz_appid and auth_type narrow it', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const sub = await c.registerApp({ name: '子公众号', verified: false })
    const html = await errorPage(await loginPage(c, { pre_auth_code: await preAuthCode(c, token) }, { accept: 'text/html' }))
    expect(html).toContain('授权给 易码支付')
    expect(html).toContain('易码演示服务商')
    expect(html).toContain('子公众号')
    expect(html).toContain('未认证')
    expect(html).toContain('网页服务权限')
    expect(html).not.toContain('易码商户助手') // auth_type=1: official accounts only

    const narrowed = await errorPage(await loginPage(c, { pre_auth_code: await preAuthCode(c, token), biz_appid: sub.appid }, { accept: 'text/html' }))
    expect(narrowed).toContain(`data-appid="${sub.appid}"`)
    expect(narrowed).not.toContain('易码演示服务商')
    const oa = c.sandbox.clients.wxmp.officialAccount
    expect(await errorPage(await loginPage(c, { pre_auth_code: await preAuthCode(c, token), biz_appid: sub.appid, appid: oa.appId }))).toContain('只能授权 biz_appid 指定的帐号')
    expect(await errorPage(await loginPage(c, { pre_auth_code: 'preauthcode@@@forged', appid: oa.appId }))).toContain('授权链接已失效')
  })

  it('takes the ticked 权限集 (func) from the page form', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const oa = c.sandbox.clients.wxmp.officialAccount
    const res = await fetch(`${c.base}/cgi-bin/componentloginpage?${new URLSearchParams([
      ['component_appid', c.sandbox.clients.wxmp.component.appid], ['pre_auth_code', await preAuthCode(c, token)], ['redirect_uri', 'https://yima.example/cb'],
      ['auth_type', '1'], ['appid', oa.appId], ['func', ''], ['func', '1'], ['func', '8'],
    ]).toString()}`, { redirect: 'manual' })
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('auth_code') ?? ''
    const info = (await queryAuth(c, token, code)).authorization_info as { func_info: unknown }
    expect(funcIds(info.func_info)).toEqual([1, 8])
  })

  it('refuses an account that has authorized too many platforms, on the page and in the control API', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const crowded = await c.registerApp({ tooManyAuthorizations: true })
    const html = await errorPage(await loginPage(c, { pre_auth_code: await preAuthCode(c, token), appid: crowded.appid }))
    expect(html).toContain('该公众号授权的第三方平台过多')
    const res = await fetch(`${c.base}/__sim/wxmp/component/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appid: crowded.appid }) })
    expect(res.status).toBe(409)
    await c.idle()
    expect(infoTypes(r)).not.toContain('authorized')
  })

  it('authorizes headlessly, reports details (verify_type_info -1 when unverified), refreshes, re-authorizes and withdraws', async () => {
    const c = client()
    const r = await componentServer(c)
    const token = await componentToken(c, r)
    const { appid: componentAppid } = c.sandbox.clients.wxmp.component
    const app = await c.registerApp({ name: '未认证服务号', verified: false, cardPermission: false })
    const first = await c.control<{ auth_code: string, redirect: string, info_type: string }>('POST', '/wxmp/component/authorize', { appid: app.appid, redirect_uri: 'https://yima.example/cb#done' })
    expect(first.info_type).toBe('authorized')
    expect(first.redirect).toBe(`https://yima.example/cb?auth_code=${encodeURIComponent(first.auth_code)}&expires_in=3600#done`)
    const info = (await queryAuth(c, token, first.auth_code)).authorization_info as { authorizer_refresh_token: string, authorizer_access_token: string, func_info: unknown }
    expect(funcIds(info.func_info)).toContain(4)
    expect(funcIds(info.func_info)).not.toContain(8)

    const details = await c.post('/cgi-bin/component/api_get_authorizer_info', { component_appid: componentAppid, authorizer_appid: app.appid }, { component_access_token: token })
    expect(details).toEqual({
      authorizer_info: {
        nick_name: '未认证服务号',
        service_type_info: { id: 2 },
        verify_type_info: { id: -1 },
        user_name: app.originalId,
        principal_name: expect.any(String),
        business_info: { open_store: 0, open_scan: 0, open_pay: 0, open_card: 0, open_shake: 0 },
      },
      authorization_info: { authorizer_appid: app.appid, func_info: info.func_info },
    })
    const oaDetails = await c.post('/cgi-bin/component/api_get_authorizer_info', { component_appid: componentAppid, authorizer_appid: c.sandbox.clients.wxmp.officialAccount.appId }, { component_access_token: token })
    expect(oaDetails.errcode).toBe(61003)

    const refresh = async (refreshToken: string): Promise<Record<string, unknown>> =>
      await c.post('/cgi-bin/component/api_authorizer_token', { component_appid: componentAppid, authorizer_appid: app.appid, authorizer_refresh_token: refreshToken }, { component_access_token: token })
    expect(await refresh(info.authorizer_refresh_token)).toEqual({ authorizer_access_token: expect.any(String), expires_in: 7200, authorizer_refresh_token: info.authorizer_refresh_token })
    expect((await refresh('refreshtoken@@@nope')).errcode).toBe(61023)

    const again = await c.control<{ auth_code: string, info_type: string }>('POST', '/wxmp/component/authorize', { appid: app.appid, func: [1, 2] })
    expect(again.info_type).toBe('updateauthorized')
    const renewed = (await queryAuth(c, token, again.auth_code)).authorization_info as { authorizer_refresh_token: string, func_info: unknown }
    expect(funcIds(renewed.func_info)).toEqual([1, 2])
    expect((await refresh(info.authorizer_refresh_token)).errcode).toBe(61023)

    await c.control('POST', '/wxmp/component/unauthorize', { appid: app.appid }, 204)
    await c.control('POST', '/wxmp/component/unauthorize', { appid: app.appid }, 404)
    expect((await refresh(renewed.authorizer_refresh_token)).errcode).toBe(61003)
    expect((await c.call(info.authorizer_access_token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).errcode).toBe(40001)
    await c.idle()
    expect(infoTypes(r).filter((t) => t !== 'component_verify_ticket')).toEqual(['authorized', 'updateauthorized', 'unauthorized'])
    expect(r.pushes.at(-1)?.fields).toEqual({ AppId: componentAppid, CreateTime: expect.any(String), InfoType: 'unauthorized', AuthorizerAppid: app.appid })
  })

  it('expires authorization codes after an hour (61010) and keeps events without a server URL', async () => {
    const c = client()
    const { appid, secret } = c.sandbox.clients.wxmp.component
    const r = await componentServer(c)
    const ticket = lastTicket(r)
    await c.control('POST', '/wxmp/component/server', { url: null })
    const { auth_code: code } = await c.control<{ auth_code: string }>('POST', '/wxmp/component/authorize', { appid: c.sandbox.clients.wxmp.officialAccount.appId })
    await c.advance(3600)
    const t = await c.post('/cgi-bin/component/api_component_token', { component_appid: appid, component_appsecret: secret, component_verify_ticket: ticket })
    expect((await queryAuth(c, t.component_access_token as string, code)).errcode).toBe(61010)
    const events = await c.control<Array<{ infoType: string, delivery: string }>>('GET', '/wxmp/component/events?info_type=authorized')
    expect(events.map((e) => e.delivery)).toEqual(['no_server_url'])
  })
})

describe('wxmp third-party platform: web authorization on behalf of an account (代公众号发起网页授权)', () => {
  async function authorizeLink (c: WxmpTestClient, app: { appid: string }, extra: Record<string, string> = {}): Promise<Response> {
    const q = new URLSearchParams({ appid: app.appid, redirect_uri: 'https://yima.example/activate', response_type: 'code', scope: 'snsapi_base', state: 'S', component_appid: c.sandbox.clients.wxmp.component.appid, ...extra })
    return await fetch(`${c.base}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`, { redirect: 'manual' })
  }

  async function setup (c: WxmpTestClient, input: Record<string, unknown> = {}): Promise<{ app: TestApp, token: string }> {
    const r = await componentServer(c)
    return { app: await c.registerApp(input), token: await componentToken(c, r) }
  }

  it('redirects with a code only the platform can exchange, for its component_access_token', async () => {
    const c = client()
    const { app, token } = await setup(c, { oauthDomains: ['elsewhere.example'] })
    await c.control('POST', '/wxmp/component/authorize', { appid: app.appid })
    // The account's own 网页授权域名 do not apply: the platform's domains do (any, in the sandbox).
    const res = await authorizeLink(c, app, { sim_user: 'lisi', scope: 'snsapi_userinfo' })
    expect(res.status).toBe(302)
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const componentAppid = c.sandbox.clients.wxmp.component.appid

    expect((await c.get('/sns/oauth2/access_token', { appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' })).errcode).toBe(40029)
    const exchange = { appid: app.appid, code, grant_type: 'authorization_code', component_appid: componentAppid, component_access_token: token }
    expect((await c.get('/sns/oauth2/component/access_token', { ...exchange, component_access_token: 'garbage' })).errcode).toBe(40014)
    const t = await c.get('/sns/oauth2/component/access_token', exchange)
    expect(t).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: expect.any(String), openid: await c.openid('lisi', app.appid), scope: 'snsapi_userinfo', unionid: expect.any(String) })
    expect((await c.get('/sns/oauth2/component/access_token', exchange)).errcode).toBe(40163)
    expect(await c.get('/sns/userinfo', { access_token: t.access_token as string, openid: t.openid as string })).toMatchObject({ nickname: '李四' })

    const refresh = { appid: app.appid, grant_type: 'refresh_token', component_appid: componentAppid, component_access_token: token, refresh_token: t.refresh_token as string }
    expect(await c.get('/sns/oauth2/component/refresh_token', refresh)).toMatchObject({ refresh_token: t.refresh_token, openid: t.openid })
    expect((await c.get('/sns/oauth2/refresh_token', { appid: app.appid, grant_type: 'refresh_token', refresh_token: t.refresh_token as string })).errcode).toBe(40030)
    // Codes the account issued itself are not the platform's to exchange.
    const own = await c.control<{ code: string }>('POST', '/wxmp/oauth-code', { appid: app.appid })
    expect((await c.get('/sns/oauth2/component/access_token', { ...exchange, code: own.code })).errcode).toBe(40029)
  })

  it('shows 10015 when the account never authorized the platform, 10003 without 网页服务权限, 10005 when unverified', async () => {
    const c = client()
    const { app } = await setup(c)
    const page = async (res: Response): Promise<string> => await errorPage(res)
    const never = await page(await authorizeLink(c, app))
    expect(never).toContain('data-errcode="10015"')
    expect(never).toContain('公众号未授权第三方平台')

    await c.control('POST', '/wxmp/component/authorize', { appid: app.appid, func: [1, 2, 3] })
    const noWeb = await page(await authorizeLink(c, app))
    expect(noWeb).toContain('redirect_uri 参数错误')
    expect(noWeb).toContain('data-errcode="10003"')

    await c.control('POST', '/wxmp/component/authorize', { appid: app.appid, func: [4] })
    expect((await authorizeLink(c, app)).status).toBe(302)
    await c.control('POST', '/wxmp/component/unauthorize', { appid: app.appid }, 204)
    expect(await page(await authorizeLink(c, app))).toContain('data-errcode="10015"')

    const unverified = await c.registerApp({ verified: false })
    await c.control('POST', '/wxmp/component/authorize', { appid: unverified.appid })
    expect(await page(await authorizeLink(c, unverified))).toContain('data-errcode="10005"')
    expect(await page(await authorizeLink(c, app, { component_appid: 'wx0000000000000000' }))).toContain('component_appid 参数错误')
  })
})
