import { control, outTradeNo, useAlipaySandbox } from './alipay.helpers'

const v = { validateSign: true }
const REDIRECT = 'https://yima.example/alipay/authorized?merchant=42'

const ctx = useAlipaySandbox()

/** The ISV's authorization link (openauth.alipay.com/oauth2/appToAppAuth.htm) as a merchant's browser opens it. */
async function open (query: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const q = new URLSearchParams({ app_id: ctx.sandbox.clients.alipay.appId, redirect_uri: REDIRECT, ...query })
  return await fetch(`${ctx.sandbox.urls.alipay}/oauth2/appToAppAuth.htm?${q.toString()}`, { redirect: 'manual', headers })
}

async function exchange (code: string): Promise<Record<string, unknown>> {
  return await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'authorization_code', code } }, v)
}

const query = async (appAuthToken: string): Promise<Record<string, unknown>> =>
  await ctx.sdk.exec('alipay.trade.query', { appAuthToken, bizContent: { outTradeNo: outTradeNo() } }, v)

describe('alipay 第三方应用授权 page (appToAppAuth.htm)', () => {
  it('redirects the confirming merchant with app_id, app_auth_code and state; the code exchanges once', async () => {
    const res = await open({ sim_merchant: ctx.merchant.userId, state: 'sp-7' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe('https://yima.example/alipay/authorized')
    expect(Object.fromEntries(location.searchParams)).toEqual({ merchant: '42', app_id: ctx.sandbox.clients.alipay.appId, app_auth_code: expect.stringMatching(/^[0-9a-f]{32}$/), state: 'sp-7' })

    const code = location.searchParams.get('app_auth_code') ?? ''
    const r = await exchange(code)
    expect(r).toMatchObject({ code: '10000', userId: ctx.merchant.userId, authAppId: ctx.merchant.authAppId, appAuthToken: expect.stringMatching(/^\d{6}BB[0-9a-f]{32}$/), expiresIn: 31_536_000, reExpiresIn: 32_140_800 })
    expect((await query(r.appAuthToken as string)).subCode).toBe('ACQ.TRADE_NOT_EXIST')
    expect(await exchange(code)).toMatchObject({ code: '40002', subCode: 'isv.code-invalid', subMsg: '授权码code无效' })
  })

  it('shows a browser the known merchants and 新商户; a new merchant gets a fresh PID', async () => {
    const page = await open({}, { accept: 'text/html' })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('第三方应用授权')
    expect(html).toContain(`value="${ctx.merchant.userId}"`)
    expect(html).toContain('新商户确认授权')
    expect(html).toContain(`value="${REDIRECT}"`)

    const fresh = await open({ sim_merchant: 'new' })
    expect(fresh.headers.get('location')).not.toContain('state=')
    const r = await exchange(new URL(fresh.headers.get('location') ?? '').searchParams.get('app_auth_code') ?? '')
    expect(r.userId).toMatch(/^2088\d{12}$/)
    expect(r.userId).not.toBe(ctx.merchant.userId)
    expect(await (await open({})).text()).toContain(`value="${r.userId as string}"`)
  })

  it('refuses another app id, a missing redirect_uri and a malformed sim_merchant', async () => {
    const refused = async (res: Response): Promise<string> => {
      expect(res.status).toBe(200)
      expect(res.headers.get('location')).toBeNull()
      return await res.text()
    }
    expect(await refused(await open({ app_id: '2021000000000000', sim_merchant: 'new' }))).toContain('应用不存在')
    expect(await refused(await open({ redirect_uri: '', sim_merchant: 'new' }))).toContain('授权回调地址错误')
    expect(await refused(await open({ sim_merchant: 'alice' }))).toContain('没有这个商户')
  })
})

describe('alipay app_auth_token ending (POST /__sim/alipay/app-tokens/expire)', () => {
  it('expires a merchant\'s tokens by PID (aop.app-auth-token-time-out), and a refresh brings a working one', async () => {
    const r = await control<{ expired: number }>(ctx.sandbox, 'POST', '/__sim/alipay/app-tokens/expire', { pid: ctx.merchant.userId })
    expect(r).toEqual({ status: 200, body: { expired: 1, revoked: false } })
    expect(await query(ctx.merchant.appAuthToken)).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', subCode: 'aop.app-auth-token-time-out', subMsg: '应用授权令牌已过期' })
    const refreshed = await ctx.sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'refresh_token', refreshToken: ctx.merchant.appRefreshToken } }, v)
    expect((await query(refreshed.appAuthToken as string)).subCode).toBe('ACQ.TRADE_NOT_EXIST')
  })

  it('revokes one token (aop.invalid-app-auth-token, 无效的应用授权令牌); 404 when nothing matches, 400 without a target', async () => {
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/app-tokens/expire', { app_auth_token: ctx.merchant.appAuthToken, revoke: true })).body).toEqual({ expired: 1, revoked: true })
    expect(await query(ctx.merchant.appAuthToken)).toMatchObject({ code: '20001', subCode: 'aop.invalid-app-auth-token', subMsg: '无效的应用授权令牌' })
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/app-tokens/expire', { app_auth_token: ctx.merchant.appAuthToken })).status).toBe(404)
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/app-tokens/expire', {})).status).toBe(400)
  })
})
