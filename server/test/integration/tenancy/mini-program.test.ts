import { eq } from 'drizzle-orm'
import request from 'supertest'
import type { MobileMeDto, MpLinkCodeDto, MpSessionDto, TodayTakingsDto } from '@yima/shared'
import { staff } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { scan, simUser } from '../../helpers/scan'
import { paidOrderAt, phoneOf, storeWorld, type StoreWorld } from '../../factories/stores'

/*
 * The staff mini-program's sign-in: wx.login's code → jscode2session (sandbox) → openid → bearer
 * token, and the one-time link code that ties the mini-program user to the official-account
 * identity their roles were activated on. Then the home page's `me` and today's takings.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => {
  live = await startLiveApp(database.get(), channels.get())
  // simUser(n) adds one user past the last: create the ones the tests pick by index.
  for (let i = 0; i <= 9; i++) await simUser(channels.get(), i)
})
beforeEach(async () => { await live.pushTicket() })
afterEach(() => { live.clock.set(new Date()) })
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const server = () => live.app.callback()

/** What `wx.login()` returns in the mini-program for this sandbox user. */
const jsCode = async (user: string): Promise<string> =>
  (await c().sim<{ code: string }>('wxmp', 'POST', '/__sim/wxmp/js-code', { user })).body.code
const session = async (user: string): Promise<MpSessionDto> =>
  (await request(server()).post('/v1/mp/session').send({ code: await jsCode(user) }).expect(200)).body
const bearer = (token: string) => ({
  get: (path: string) => request(server()).get(path).set('authorization', `Bearer ${token}`),
  post: (path: string, body: object = {}) => request(server()).post(path).set('authorization', `Bearer ${token}`).send(body),
})
const cookieOf = (setCookies: string[]): string => setCookies.map((s) => s.split(';')[0] ?? '').filter((s) => s.startsWith('yima_wx=')).join('; ')

/** The clerk scans their activation QR in WeChat as sandbox user `index`; returns the user and the phone's cookie. */
async function activateClerk (w: StoreWorld, index: number): Promise<{ user: string, cookie: string }> {
  const qr = (await w.owner.get(`/v1/staff/${w.clerk.id}/activation-qr`).expect(200)).body as { url: string }
  const user = (await simUser(c(), index)).id
  const outcome = await scan(c(), qr.url, user)
  expect(outcome.query).toMatchObject({ ok: 'activated', role: 'clerk', staff: '1' })
  return { user, cookie: cookieOf(outcome.cookies) }
}

async function linkedClerk (w: StoreWorld, index: number): Promise<{ token: string, cookie: string }> {
  const { user, cookie } = await activateClerk(w, index)
  const { token } = await session(user)
  const { linkCode } = (await request(server()).get('/v1/mobile/link-code').set('cookie', cookie).expect(200)).body as MpLinkCodeDto
  await bearer(token).post('/v1/mp/link', { linkCode }).expect(200)
  return { token, cookie }
}

describe('mini-program sign-in', () => {
  it('signs in with a wx.login code, links with a one-time code from the official account, and then acts as the clerk', async () => {
    const w = await storeWorld(live, db(), c())
    const { user, cookie } = await activateClerk(w, 4)
    // Activation signed the phone in to the staff pages.
    const me = (await request(server()).get('/v1/mobile/me').set('cookie', cookie).expect(200)).body as MobileMeDto
    expect(me.roles).toEqual([expect.objectContaining({ staffId: w.clerk.id, role: 'clerk', roleLabel: '店员', storeId: w.store.id, storeName: '科技园店', merchantName: w.merchant.name, onDuty: false })])

    const signedIn = await session(user)
    expect(signedIn).toMatchObject({ linked: false })
    // The mini-program's openid is not the official account's: nothing yet.
    const before = await bearer(signedIn.token).get('/v1/mobile/me').expect(401)
    expect(before.body.error.code).toBe('mini_program_not_linked')

    const code = (await request(server()).get('/v1/mobile/link-code').set('cookie', cookie).expect(200)).body as MpLinkCodeDto
    expect(code.linkCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/)
    // Typed on a phone: lower case and a space are fine.
    const typed = `${code.linkCode.slice(0, 4).toLowerCase()} ${code.linkCode.slice(4)}`
    expect((await bearer(signedIn.token).post('/v1/mp/link', { linkCode: typed }).expect(200)).body).toEqual({ linked: true, roles: 1 })

    const linked = (await bearer(signedIn.token).get('/v1/mobile/me').expect(200)).body as MobileMeDto
    expect(linked.roles.map((r) => r.staffId)).toEqual([w.clerk.id])
    // A later sign-in knows the link.
    expect(await session(user)).toMatchObject({ linked: true })

    await bearer(signedIn.token).post(`/v1/mobile/stores/${w.store.id}/clock-in`).expect(201)
    expect(((await bearer(signedIn.token).get('/v1/mobile/me').expect(200)).body as MobileMeDto).roles[0]?.onDuty).toBe(true)
  })

  it('spends a link code once, and not after five minutes', async () => {
    const w = await storeWorld(live, db(), c())
    const { user, cookie } = await activateClerk(w, 5)
    const { token } = await session(user)
    const stranger = await session((await simUser(c(), 6)).id)
    const issue = async (): Promise<string> => ((await request(server()).get('/v1/mobile/link-code').set('cookie', cookie).expect(200)).body as MpLinkCodeDto).linkCode

    const once = await issue()
    await bearer(token).post('/v1/mp/link', { linkCode: once }).expect(200)
    const again = await bearer(stranger.token).post('/v1/mp/link', { linkCode: once }).expect(400)
    expect(again.body.error).toMatchObject({ code: 'link_code_invalid', param: 'linkCode' })
    await bearer(stranger.token).get('/v1/mobile/me').expect(401)

    const late = await issue()
    live.clock.set(new Date(live.clock.now().getTime() + 5 * 60_000 + 1000))
    expect((await bearer(stranger.token).post('/v1/mp/link', { linkCode: late }).expect(400)).body.error.code).toBe('link_code_invalid')
  })

  it('refuses spent, made-up and missing codes and sessions with typed errors', async () => {
    const user = (await simUser(c(), 7)).id
    const code = await jsCode(user)
    await request(server()).post('/v1/mp/session').send({ code }).expect(200)
    // wx.login codes are single-use at WeChat (40163).
    expect((await request(server()).post('/v1/mp/session').send({ code }).expect(401)).body.error.code).toBe('mini_program_login_failed')
    expect((await request(server()).post('/v1/mp/session').send({ code: 'made-up' }).expect(401)).body.error.code).toBe('mini_program_login_failed')
    expect((await request(server()).post('/v1/mp/session').send({}).expect(400)).body.error).toMatchObject({ code: 'validation_failed', param: 'code' })

    const { token } = await session(user)
    // A link code is handed out on the official-account pages, not to a mini-program session.
    expect((await bearer(token).get('/v1/mobile/link-code').expect(400)).body.error.code).toBe('link_code_needs_official_account')
    await request(server()).get('/v1/mobile/link-code').expect(401)
    await request(server()).post('/v1/mp/link').send({ linkCode: 'ABCDEFGH' }).expect(401)
    // A forged or foreign token is no session.
    await request(server()).get('/v1/mobile/me').set('authorization', `Bearer ${token}x`).expect(401)
    const consoleToken = live.services.tokens.sign({ purpose: 'wx_session', appId: 'wx', openid: 'o' }, 60)
    await request(server()).get('/v1/mobile/me').set('authorization', `Bearer ${consoleToken}`).expect(401)
  })

  it('ends the session of someone removed, and keeps another merchant out', async () => {
    const w = await storeWorld(live, db(), c())
    const { token } = await linkedClerk(w, 8)
    const other = await storeWorld(live, db(), c())
    await bearer(token).get(`/v1/mobile/stores/${other.store.id}`).expect(404)
    await bearer(token).get(`/v1/mobile/stores/${w.store.id}`).expect(200)

    await db().db.update(staff).set({ deletedAt: new Date() }).where(eq(staff.id, w.clerk.id))
    expect((await bearer(token).get(`/v1/mobile/stores/${w.store.id}`).expect(401)).body.error.code).toBe('mini_program_not_linked')
  })
})

describe("the home page's takings", () => {
  it("shows today's store-code takings to the manager always and to a clerk only on duty", async () => {
    const w = await storeWorld(live, db(), c())
    const { token } = await linkedClerk(w, 9)
    const managerCookie = await phoneOf(live, db(), c(), w.manager.id)
    const now = live.clock.now()
    await paidOrderAt(db(), w.merchant, w.store.id, now)
    await paidOrderAt(db(), w.merchant, w.store.id, now)
    // Yesterday's payment is not today's takings.
    await paidOrderAt(db(), w.merchant, w.store.id, new Date(now.getTime() - 36 * 3600_000))

    const manager = (await request(server()).get('/v1/mobile/takings/today').set('cookie', managerCookie).expect(200)).body as TodayTakingsDto
    expect(manager.stores).toEqual([{ storeId: w.store.id, storeName: '科技园店', paymentCount: 2, paymentFen: 2500, refundCount: 0, refundFen: 0, netFen: 2500 }])
    expect(manager.total).toEqual({ paymentCount: 2, paymentFen: 2500, refundCount: 0, refundFen: 0, netFen: 2500 })
    expect(manager.date).toBe(new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10))

    expect(((await bearer(token).get('/v1/mobile/takings/today').expect(200)).body as TodayTakingsDto).stores).toEqual([])
    await bearer(token).post(`/v1/mobile/stores/${w.store.id}/clock-in`).expect(201)
    expect(((await bearer(token).get('/v1/mobile/takings/today').expect(200)).body as TodayTakingsDto).total.paymentFen).toBe(2500)
    await bearer(token).post(`/v1/mobile/stores/${w.store.id}/clock-out`).expect(200)
    expect(((await bearer(token).get('/v1/mobile/takings/today').expect(200)).body as TodayTakingsDto).stores).toEqual([])

    // The other merchant's takings are nobody's business here.
    const other = await storeWorld(live, db(), c())
    await paidOrderAt(db(), other.merchant, other.store.id, now)
    expect(((await request(server()).get('/v1/mobile/takings/today').set('cookie', managerCookie).expect(200)).body as TodayTakingsDto).total.paymentCount).toBe(2)
  })
})
