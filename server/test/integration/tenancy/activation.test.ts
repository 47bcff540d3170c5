import { and, eq } from 'drizzle-orm'
import type { ServiceProviderDTO } from '@yima/shared'
import request from 'supertest'
import { auditLog } from '../../../src/modules/audit'
import { activationCodes, serviceProviders, staff } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp, type Channels } from '../../helpers/channels'
import { scan, simUser } from '../../helpers/scan'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId, spBody } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const oaAppId = (): string => channels.get().sandbox.clients.wxmp.officialAccount.appId

/** Authorizes the SP's official account to the platform the way its admin would: console → WeChat's page → back. */
async function authorizeOa (user: ConsoleUser, c: Channels, spId: string, o: { appid?: string, func?: number[] } = {}): Promise<{ page?: string, query: Record<string, string>, refusal?: string }> {
  const { body } = await user.post(`/v1/service-providers/${spId}/official-account/authorization`).expect(200)
  const page = new URL(body.url)
  page.searchParams.set('appid', o.appid ?? oaAppId())
  if (o.func !== undefined) page.searchParams.set('func', o.func.join(','))
  const res = await fetch(page, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (location === null) return { query: {}, refusal: await res.text() }
  const back = new URL(location)
  const done = await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  const [route, qs] = String(done.headers.location).slice(2).split('?') as [string, string]
  return { page: route, query: Object.fromEntries(new URLSearchParams(qs)) }
}

/** An SP in the older AppSecret mode, or (`component`) authorized to the platform without its secret. */
async function spWith (user: ConsoleUser, mode: 'secret' | 'component' | 'none'): Promise<ServiceProviderDTO> {
  const body = spBody(channels.get())
  if (mode !== 'secret') delete body.wechatPay.officialAccountSecret
  const sp = await createSp(user, channels.get(), { wechatPay: body.wechatPay })
  if (mode === 'component') expect((await authorizeOa(user, channels.get(), sp.id)).query).toMatchObject({ status: 'ok' })
  return sp
}

async function spAdmin (user: ConsoleUser, spId: string): Promise<{ id: string, url: string }> {
  const admins = (await user.get(`/v1/service-providers/${spId}/staff`).expect(200)).body.data
  const qr = await user.get(`/v1/staff/${admins[0].id}/activation-qr`).expect(200)
  return { id: admins[0].id, url: qr.body.url }
}

describe('activation by QR (T4)', () => {
  it('activates an SP admin through the SP\'s official account, once', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const admin = await spAdmin(user, sp.id)
    expect(admin.url).toMatch(new RegExp(`^${live.url}/scan/activate\\?t=[\\w-]{32}$`))
    // Shown again on demand: the same live code, so a QR already sent keeps working.
    expect((await user.get(`/v1/staff/${admin.id}/activation-qr`).expect(200)).body.url).toBe(admin.url)

    const person = await simUser(channels.get(), 0)
    const first = await scan(channels.get(), admin.url, person.id)
    expect(first).toMatchObject({ page: 'pages/scan/result/index', query: { ok: 'activated', role: 'sp_admin', name: sp.name } })
    const [row] = await database.get().db.select().from(staff).where(eq(staff.id, admin.id))
    expect(row).toMatchObject({ wxAppId: oaAppId(), wxOpenid: person.openid(oaAppId()) })
    expect(row?.activatedAt).toBeInstanceOf(Date)
    expect(await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'staff.activated'), eq(auditLog.targetId, admin.id)))).toHaveLength(1)

    const again = await scan(channels.get(), admin.url, (await simUser(channels.get(), 1)).id)
    expect(again).toMatchObject({ page: 'pages/scan/result/index', query: { problem: 'code_used' } })
    const [still] = await database.get().db.select().from(staff).where(eq(staff.id, admin.id))
    expect(still?.wxOpenid).toBe(person.openid(oaAppId()))
    await user.get(`/v1/staff/${admin.id}/activation-qr`).expect(409)
  })

  it('runs OAuth on the SP\'s behalf once its account authorized the platform (component mode)', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'component')
    const detail = (await user.get(`/v1/service-providers/${sp.id}`).expect(200)).body
    expect(detail.officialAccount).toMatchObject({ status: 'authorized', appId: oaAppId(), verified: true, webAuthorized: true, problem: null })
    const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
    const qr = await user.get(`/v1/staff/${m.admin.id}/activation-qr`).expect(200)
    const redirect = await fetch(qr.body.url, { redirect: 'manual' })
    expect(redirect.headers.get('location')).toContain(`component_appid=${channels.get().sandbox.clients.wxmp.component.appid}`)
    const person = await simUser(channels.get(), 2)
    const done = await scan(channels.get(), qr.body.url, person.id)
    expect(done.query).toMatchObject({ ok: 'activated', role: 'merchant_admin', name: m.merchant.name })
  })

  it('refuses an expired code and gives a fresh one in the console', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const admin = await spAdmin(user, sp.id)
    // A day later (the code's clock, not the session's): expire it where it is kept.
    await database.get().db.update(activationCodes).set({ expiresAt: new Date(live.clock.now().getTime() - 1000) }).where(eq(activationCodes.staffId, admin.id))
    expect((await scan(channels.get(), admin.url)).query).toEqual({ problem: 'code_expired' })
    const fresh = await user.get(`/v1/staff/${admin.id}/activation-qr`).expect(200)
    expect(fresh.body.url).not.toBe(admin.url)
    expect((await scan(channels.get(), fresh.body.url)).query).toMatchObject({ ok: 'activated' })
  })

  it('shows an unknown code, and a code of another service provider, as errors', async () => {
    const user = await consoleUser(live.app, database.get())
    const spA = await spWith(user, 'secret')
    const spB = await spWith(user, 'secret')
    expect((await scan(channels.get(), `${live.url}/scan/activate?t=${'x'.repeat(32)}`)).query).toEqual({ problem: 'code_unknown' })
    // A callback whose OAuth ran for SP B but carries SP A's code.
    const a = await spAdmin(user, spA.id)
    const token = new URL(a.url).searchParams.get('t') ?? ''
    const state = live.services.tokens.sign({ purpose: 'activate', t: token, spId: spB.id }, 600)
    const code = (await channels.get().sim('wxmp', 'POST', '/__sim/wxmp/oauth-code', { appid: oaAppId() })).body.code
    const r = await request(live.app.callback()).get(`/scan/activate/callback?code=${code}&state=${encodeURIComponent(state)}`).expect(302)
    expect(r.headers.location).toBe('/#/pages/scan/result/index?problem=code_foreign')
    const [code0] = await database.get().db.select().from(activationCodes).where(eq(activationCodes.staffId, a.id))
    expect(code0?.usedAt).toBeNull()
  })

  it('says "获取微信 openid 失败" when WeChat\'s browser loads the callback twice after a success', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const admin = await spAdmin(user, sp.id)
    const toOauth = await fetch(admin.url, { redirect: 'manual' })
    const oauth = new URL(toOauth.headers.get('location') ?? '')
    const toCallback = await fetch(oauth, { redirect: 'manual', headers: { accept: 'application/json' } })
    const callback = new URL(toCallback.headers.get('location') ?? '')
    const first = await request(live.app.callback()).get(`${callback.pathname}${callback.search}`).expect(302)
    expect(first.headers.location).toContain('ok=activated')
    const second = await request(live.app.callback()).get(`${callback.pathname}${callback.search}`).expect(302)
    expect(second.headers.location).toBe('/#/pages/scan/result/index?problem=openid_failed')
  })
})

describe('official-account misconfigurations (T3) become the seed\'s error pages', () => {
  afterEach(async () => {
    await channels.get().sim('wxmp', 'PATCH', `/__sim/wxmp/apps/${oaAppId()}`, { verified: true, tooManyAuthorizations: false })
  })

  it('an SP that neither authorized nor gave its AppSecret: 公众号尚未授权', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'none')
    expect((await scan(channels.get(), (await spAdmin(user, sp.id)).url)).query).toEqual({ problem: 'oa_not_authorized' })
  })

  it('an unverified account: authorization reports it, activation shows the 10005 page with its remedy', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'none')
    await channels.get().sim('wxmp', 'PATCH', `/__sim/wxmp/apps/${oaAppId()}`, { verified: false })
    expect((await authorizeOa(user, channels.get(), sp.id)).query).toMatchObject({ status: 'failed', problem: 'not_verified', sp: sp.id })
    const detail = (await user.get(`/v1/service-providers/${sp.id}`).expect(200)).body
    expect(detail.officialAccount).toMatchObject({ verified: false, problem: expect.stringContaining('10005') })
    expect((await scan(channels.get(), (await spAdmin(user, sp.id)).url)).query).toEqual({ problem: 'scope_error' })
  })

  it('web permission not granted: the redirect-domain error page', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'none')
    expect((await authorizeOa(user, channels.get(), sp.id, { func: [1, 2, 3] })).query).toMatchObject({ status: 'failed', problem: 'web_not_authorized' })
    expect((await scan(channels.get(), (await spAdmin(user, sp.id)).url)).query).toEqual({ problem: 'redirect_domain' })
    // Re-authorizing with 网页服务权限 fixes it.
    expect((await authorizeOa(user, channels.get(), sp.id)).query).toMatchObject({ status: 'ok' })
    expect((await scan(channels.get(), (await spAdmin(user, sp.id)).url)).query).toMatchObject({ ok: 'activated' })
  })

  it('an AppID changed after authorization: the wrong-AppID page', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'component')
    const other = await channels.get().sim<{ appid: string }>('wxmp', 'POST', '/__sim/wxmp/apps', { name: '另一个公众号' })
    const wechatPay = { ...spBody(channels.get()).wechatPay, officialAccountAppId: other.body.appid }
    delete wechatPay.officialAccountSecret
    await user.patch(`/v1/service-providers/${sp.id}`, { wechatPay }).expect(200)
    expect((await scan(channels.get(), (await spAdmin(user, sp.id)).url)).query).toEqual({ problem: 'appid_mismatch' })
  })

  it('too many authorizations: WeChat refuses on its own page and nothing is recorded', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'none')
    await channels.get().sim('wxmp', 'PATCH', `/__sim/wxmp/apps/${oaAppId()}`, { tooManyAuthorizations: true })
    const r = await authorizeOa(user, channels.get(), sp.id)
    expect(r.refusal).toContain('授权的第三方平台过多')
    const [row] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, sp.id))
    expect(row?.oaAuthStatus).toBe('none')
  })
})

describe('management QR and the admin lifecycle (T4, T5)', () => {
  it('opens the admin pages for an activated admin only', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const admin = await spAdmin(user, sp.id)
    const person = await simUser(channels.get(), 0)
    await scan(channels.get(), admin.url, person.id)
    const mgmt = (await user.get(`/v1/service-providers/${sp.id}/management-qr`).expect(200)).body
    expect(mgmt).toEqual({ url: `${live.url}/scan/manage?kind=sp&id=${sp.id}`, expiresAt: null })

    const outsider = await scan(channels.get(), mgmt.url, (await simUser(channels.get(), 1)).id)
    expect(outsider.query).toEqual({ problem: 'not_an_admin' })
    const inside = await scan(channels.get(), mgmt.url, person.id)
    expect(inside).toMatchObject({ page: 'pages/manage/index', query: { kind: 'sp', id: sp.id } })
    const cookie = inside.cookies.find((c) => c.startsWith('yima_wx='))?.split(';')[0] ?? ''
    expect(cookie).not.toBe('')
    const pageData = await request(live.app.callback()).get(`/v1/mobile/entities/sp/${sp.id}`).set('cookie', cookie).expect(200)
    expect(pageData.body).toMatchObject({ kind: 'sp', id: sp.id, name: sp.name, role: 'sp_admin', admins: [{ id: admin.id, activated: true }] })
    // The session opens only what its roles reach.
    const spB = await spWith(user, 'secret')
    await request(live.app.callback()).get(`/v1/mobile/entities/sp/${spB.id}`).set('cookie', cookie).expect(404)
    await request(live.app.callback()).get(`/v1/mobile/entities/sp/${sp.id}`).expect(401)
  })

  it('keeps the last admin and the last admin allowed to refund', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
    const first = m.admin.id
    const second = (await user.post(`/v1/merchants/${m.merchant.id}/staff`, { name: '新管理员', phone: '13700000000' }).expect(201)).body
    expect(second).toMatchObject({ role: 'merchant_admin', refundPermission: false, activated: false })
    const refused = await user.del(`/v1/staff/${first}`).expect(409)
    expect(refused.body.error.code).toBe('last_refund_admin')
    const third = (await user.post(`/v1/merchants/${m.merchant.id}/staff`, { name: '财务', refundPermission: true }).expect(201)).body
    await user.del(`/v1/staff/${first}`).expect(204)
    await user.del(`/v1/staff/${second.id}`).expect(204)
    const last = await user.del(`/v1/staff/${third.id}`).expect(409)
    expect(last.body.error).toMatchObject({ code: 'last_admin', message: expect.stringContaining('最后一个管理员') })
    expect((await user.get(`/v1/merchants/${m.merchant.id}/staff`).expect(200)).body.data.map((s: any) => s.id)).toEqual([third.id])
    // A removed admin's code no longer activates anything.
    const orphan = (await user.post(`/v1/merchants/${m.merchant.id}/staff`, { name: '临时' }).expect(201)).body
    const qr = (await user.get(`/v1/staff/${orphan.id}/activation-qr`).expect(200)).body
    await user.del(`/v1/staff/${orphan.id}`).expect(204)
    expect((await scan(channels.get(), qr.url)).query).toEqual({ problem: 'code_expired' })
  })

  it('adds store managers and clerks under a store with their own activation codes', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await spWith(user, 'secret')
    const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
    const store = (await user.post(`/v1/merchants/${m.merchant.id}/stores`, { name: '科技园店' }).expect(201)).body
    expect(store.outShopId).toMatch(/^[0-9A-Za-z]{20}$/)
    const clerk = (await user.post(`/v1/stores/${store.id}/staff`, { name: '小王', role: 'clerk' }).expect(201)).body
    const qr = (await user.get(`/v1/staff/${clerk.id}/activation-qr`).expect(200)).body
    expect((await scan(channels.get(), qr.url, (await simUser(channels.get(), 3)).id)).query).toMatchObject({ ok: 'activated', role: 'clerk', name: '科技园店' })
    await user.post(`/v1/stores/${store.id}/staff`, { name: '老板', role: 'merchant_admin' }).expect(400)
  })
})

describe('rate limits', () => {
  it('refuses a flood of scans from one address with a page, not an error', async () => {
    const server = live.app.callback()
    let last = ''
    for (let i = 0; i < 61; i++) last = String((await request(server).get('/scan/activate?t=nothing').expect(302)).headers.location)
    expect(last).toBe('/#/pages/scan/result/index?problem=rate_limited')
  })
})
