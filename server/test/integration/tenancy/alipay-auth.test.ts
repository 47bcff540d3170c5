import { and, eq } from 'drizzle-orm'
import { auditLog } from '../../../src/modules/audit'
import { merchants } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

const RESULT_PAGE = '/#/pages/scan/result/index'
const tokenContext = (merchantId: string): string => `merchants.alipay_app_auth_token:${merchantId}`

async function newMerchant (user: ConsoleUser): Promise<{ sp: any, merchant: any }> {
  const sp = await createSp(user, channels.get())
  const { merchant } = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
  return { sp, merchant }
}

async function authorizationUrl (user: ConsoleUser, merchantId: string): Promise<string> {
  const r = await user.get(`/v1/merchants/${merchantId}/alipay-authorization`).expect(200)
  return r.body.url
}

/**
 * What the merchant's phone does with the QR: opens the sandbox's authorization page and confirms
 * as `simMerchant` (a PID, or `new`), then follows Alipay's redirect to our callback. Answers where
 * the callback sent the phone.
 */
async function authorize (url: string, simMerchant: string): Promise<string> {
  const page = new URL(url)
  page.searchParams.set('sim_merchant', simMerchant)
  const confirmed = await fetch(page, { redirect: 'manual' })
  expect(confirmed.status).toBe(302)
  const callback = confirmed.headers.get('location') ?? ''
  expect(callback.startsWith(`${live.url}/scan/alipay/callback?`)).toBe(true)
  const landed = await fetch(callback, { redirect: 'manual' })
  expect(landed.status).toBe(302)
  return landed.headers.get('location') ?? ''
}

const row = async (id: string) => (await database.get().db.select().from(merchants).where(eq(merchants.id, id)))[0]

describe('Alipay app authorization (T7)', () => {
  it('points the merchant at Alipay\'s authorization page for the SP\'s app, then keeps the token sealed', async () => {
    const user = await consoleUser(live.app, database.get())
    const { sp, merchant } = await newMerchant(user)
    expect(merchant.alipay).toBeNull()

    const url = new URL(await authorizationUrl(user, merchant.id))
    expect(`${url.origin}${url.pathname}`).toBe(`${channels.get().sandbox.clients.alipay.endpoint}/oauth2/appToAppAuth.htm`)
    expect(url.searchParams.get('app_id')).toBe(sp.alipay.appId)
    expect(url.searchParams.get('app_id')).toBe(channels.get().sandbox.clients.alipay.appId)
    expect(url.searchParams.get('redirect_uri')).toBe(`${live.url}/scan/alipay/callback`)
    expect(url.searchParams.get('state')).toEqual(expect.any(String))

    expect(await authorize(url.toString(), 'new')).toBe(`${RESULT_PAGE}?ok=alipay_authorized`)

    const stored = await row(merchant.id)
    expect(stored?.alipayUserId).toMatch(/^2088\d{12}$/)
    expect(stored?.alipayAuthAppId).toMatch(/^\d{16}$/)
    expect(stored?.alipayAppAuthTokenSealed).toMatch(/^v1\./)
    expect(stored?.alipayAppRefreshTokenSealed).toMatch(/^v1\./)
    const token = live.services.box.open(stored?.alipayAppAuthTokenSealed ?? '', tokenContext(merchant.id)).reveal()
    expect(token).toMatch(/^\d{6}BB[0-9a-f]{32}$/)
    expect(JSON.stringify(stored)).not.toContain(token)

    const dto = (await user.get(`/v1/merchants/${merchant.id}`).expect(200)).body
    expect(dto.alipay).toMatchObject({ userId: stored?.alipayUserId, authAppId: stored?.alipayAuthAppId, tokenValid: true, tokenExpiresAt: expect.any(String) })
    expect(JSON.stringify(dto)).not.toContain(token)
    const [audit] = await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'merchant.alipay_authorized'), eq(auditLog.targetId, merchant.id)))
    expect(audit?.changes).toMatchObject({ alipayUserId: [null, stored?.alipayUserId], alipayAppAuthTokenSealed: ['[secret]', '[changed]'] })
    expect(JSON.stringify(audit)).not.toContain(token)

    // Authorized already: no second QR until the Alipay user id is deleted.
    const again = await user.get(`/v1/merchants/${merchant.id}/alipay-authorization`).expect(409)
    expect(again.body.error).toMatchObject({ code: 'alipay_already_authorized', param: 'alipayUserId' })
  })

  it('lets another Alipay account authorize only after the user id is deleted; a stale QR for it shows the problem page', async () => {
    const user = await consoleUser(live.app, database.get())
    const { merchant } = await newMerchant(user)
    const stale = await authorizationUrl(user, merchant.id)
    const first = await authorizationUrl(user, merchant.id)
    expect(await authorize(first, 'new')).toBe(`${RESULT_PAGE}?ok=alipay_authorized`)
    const a = await row(merchant.id)

    // The older QR, scanned with another merchant's Alipay: the binding stays as it was.
    expect(await authorize(stale, 'new')).toBe(`${RESULT_PAGE}?problem=alipay_other_account`)
    expect(await row(merchant.id)).toMatchObject({ alipayUserId: a?.alipayUserId, alipayAppAuthTokenSealed: a?.alipayAppAuthTokenSealed })

    const cleared = await user.patch(`/v1/merchants/${merchant.id}`, { alipayUserId: null }).expect(200)
    expect(cleared.body.alipay).toBeNull()
    expect(await row(merchant.id)).toMatchObject({ alipayUserId: null, alipayAuthAppId: null, alipayAppAuthTokenSealed: null, alipayAppRefreshTokenSealed: null, alipayTokenExpiresAt: null })
    const [audit] = await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'merchant.alipay_deauthorized'), eq(auditLog.targetId, merchant.id)))
    expect(audit).toMatchObject({ actorId: user.id, changes: expect.objectContaining({ alipayUserId: [a?.alipayUserId, null] }) })

    expect(await authorize(await authorizationUrl(user, merchant.id), 'new')).toBe(`${RESULT_PAGE}?ok=alipay_authorized`)
    const b = await row(merchant.id)
    expect(b?.alipayUserId).toMatch(/^2088\d{12}$/)
    expect(b?.alipayUserId).not.toBe(a?.alipayUserId)
    expect((await user.get(`/v1/merchants/${merchant.id}`).expect(200)).body.alipay).toMatchObject({ userId: b?.alipayUserId, tokenValid: true })
  })

  it('asks Alipay whether the token still works: 无效应用授权令牌 once it expired or was withdrawn', async () => {
    const user = await consoleUser(live.app, database.get())
    const { merchant } = await newMerchant(user)
    const never = await user.post(`/v1/merchants/${merchant.id}/alipay-authorization/check`).expect(409)
    expect(never.body.error).toMatchObject({ code: 'alipay_token_invalid', message: expect.stringContaining('尚未完成支付宝授权') })

    await authorize(await authorizationUrl(user, merchant.id), 'new')
    const pid = (await row(merchant.id))?.alipayUserId
    expect((await user.post(`/v1/merchants/${merchant.id}/alipay-authorization/check`).expect(200)).body).toEqual({ valid: true })

    expect((await channels.get().sim('alipay', 'POST', '/__sim/alipay/app-tokens/expire', { pid })).status).toBe(200)
    const expired = await user.post(`/v1/merchants/${merchant.id}/alipay-authorization/check`).expect(409)
    expect(expired.body.error).toMatchObject({ type: 'conflict', code: 'alipay_token_invalid', message: expect.stringContaining('无效应用授权令牌') })
    expect(expired.body.error.message).toContain('aop.app-auth-token-time-out')

    // The merchant cancelled the authorization in Alipay.
    expect((await channels.get().sim('alipay', 'POST', '/__sim/alipay/app-tokens/expire', { pid, revoke: true })).status).toBe(200)
    const revoked = await user.post(`/v1/merchants/${merchant.id}/alipay-authorization/check`).expect(409)
    expect(revoked.body.error).toMatchObject({ code: 'alipay_token_invalid', message: expect.stringContaining('无效应用授权令牌') })
    expect(revoked.body.error.message).toContain('aop.invalid-app-auth-token')
  })

  it('answers a reloaded or refused callback with a page, not a bare error', async () => {
    const user = await consoleUser(live.app, database.get())
    const { merchant } = await newMerchant(user)
    const page = new URL(await authorizationUrl(user, merchant.id))
    page.searchParams.set('sim_merchant', 'new')
    const callback = (await fetch(page, { redirect: 'manual' })).headers.get('location') ?? ''

    // A code Alipay refuses (too old, or never issued) before anyone authorized: scan again.
    const refused = new URL(callback)
    refused.searchParams.set('app_auth_code', 'not-a-code')
    const early = await fetch(refused, { redirect: 'manual' })
    expect(early.status).toBe(302)
    expect(early.headers.get('location')).toBe(`${RESULT_PAGE}?problem=code_expired`)

    // The phone's browser loads the redirect twice: the second load's code is spent, the first one's outcome stands.
    expect((await fetch(callback, { redirect: 'manual' })).headers.get('location')).toBe(`${RESULT_PAGE}?ok=alipay_authorized`)
    const authorized = await row(merchant.id)
    const reload = await fetch(callback, { redirect: 'manual' })
    expect(reload.status).toBe(302)
    expect(reload.headers.get('location')).toBe(`${RESULT_PAGE}?ok=alipay_authorized`)
    expect(await row(merchant.id)).toMatchObject({ alipayUserId: authorized?.alipayUserId, alipayAppAuthTokenSealed: authorized?.alipayAppAuthTokenSealed })
  })

  it('keeps the authorization to the merchant\'s own people, and turns a bad callback into a page', async () => {
    const user = await consoleUser(live.app, database.get())
    const { merchant } = await newMerchant(user)
    const stranger = await consoleUser(live.app, database.get())
    await stranger.get(`/v1/merchants/${merchant.id}/alipay-authorization`).expect(404)
    await stranger.post(`/v1/merchants/${merchant.id}/alipay-authorization/check`).expect(404)
    await stranger.patch(`/v1/merchants/${merchant.id}`, { alipayUserId: null }).expect(404)

    // A forged state, or none: the phone lands on a page that says the code expired.
    const forged = await fetch(`${live.url}/scan/alipay/callback?app_id=1&app_auth_code=x&state=forged`, { redirect: 'manual' })
    expect(forged.headers.get('location')).toBe(`${RESULT_PAGE}?problem=code_expired`)
    expect((await row(merchant.id))?.alipayUserId).toBeNull()
  })
})
