import { eq } from 'drizzle-orm'
import { wechatBindings, wechatIdentities } from '../../../src/modules/identity'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { scan, simUser } from '../../helpers/scan'
import { consoleUser } from '../../factories/console'
import { spBody } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

describe('binding WeChat to a console account (T1)', () => {
  it('lets nothing but binding work until a WeChat identity is bound', async () => {
    const user = await consoleUser(live.app, database.get(), { bound: false })
    expect((await user.get('/v1/console/me').expect(200)).body).toMatchObject({ wechatBound: false, isOperator: false })
    for (const [method, path] of [['get', '/v1/service-providers'], ['get', '/v1/merchants'], ['post', '/v1/service-providers']] as const) {
      const r = await (method === 'get' ? user.get(path) : user.post(path, spBody(channels.get()))).expect(403)
      expect(r.body.error).toMatchObject({ code: 'wechat_binding_required', message: '请先扫码绑定微信号' })
    }

    const binding = (await user.post('/v1/console/wechat-bindings').expect(201)).body
    expect(binding).toMatchObject({ status: 'pending', url: expect.stringMatching(new RegExp(`^${live.url}/scan/bind\\?t=[\\w-]{32}$`)) })
    const token = new URL(binding.url).searchParams.get('t') ?? ''
    const [row] = await database.get().db.select().from(wechatBindings).where(eq(wechatBindings.id, binding.id))
    expect(JSON.stringify(row)).not.toContain(token)

    const person = await simUser(channels.get(), 0)
    expect((await scan(channels.get(), binding.url, person.id)).query).toEqual({ ok: 'bound' })
    expect((await user.get(`/v1/console/wechat-bindings/${binding.id}`).expect(200)).body).toMatchObject({ status: 'bound', url: '' })
    expect((await user.get('/v1/console/me').expect(200)).body.wechatBound).toBe(true)
    await user.get('/v1/service-providers').expect(200)
    const identities = (await user.get('/v1/console/wechat-identities').expect(200)).body.data
    const openid = person.openid(channels.get().platformOa.appid)
    expect(identities).toEqual([expect.objectContaining({ appId: channels.get().platformOa.appid, openidMasked: `${openid.slice(0, 4)}****${openid.slice(-4)}` })])
    // The same QR cannot bind a second time.
    expect((await scan(channels.get(), binding.url, (await simUser(channels.get(), 1)).id)).query).toEqual({ problem: 'code_used' })
  })

  it('expires a QR after five minutes; a new one (click to refresh) works', async () => {
    const user = await consoleUser(live.app, database.get(), { bound: false })
    const stale = (await user.post('/v1/console/wechat-bindings').expect(201)).body
    expect(new Date(stale.expiresAt).getTime() - live.clock.now().getTime()).toBe(5 * 60_000)
    await database.get().db.update(wechatBindings).set({ expiresAt: new Date(live.clock.now().getTime() - 1) }).where(eq(wechatBindings.id, stale.id))
    expect((await user.get(`/v1/console/wechat-bindings/${stale.id}`).expect(200)).body.status).toBe('expired')
    expect((await scan(channels.get(), stale.url)).query).toEqual({ problem: 'code_expired' })
    const fresh = (await user.post('/v1/console/wechat-bindings').expect(201)).body
    expect((await scan(channels.get(), fresh.url)).query).toEqual({ ok: 'bound' })
  })

  it('binds several WeChat identities, re-binds by hand, and keeps at least one', async () => {
    const user = await consoleUser(live.app, database.get(), { bound: false })
    for (const index of [0, 1]) {
      const b = (await user.post('/v1/console/wechat-bindings').expect(201)).body
      expect((await scan(channels.get(), b.url, (await simUser(channels.get(), index)).id)).query).toEqual({ ok: 'bound' })
    }
    // Re-binding an identity already bound keeps one row for it.
    const again = (await user.post('/v1/console/wechat-bindings').expect(201)).body
    await scan(channels.get(), again.url, (await simUser(channels.get(), 0)).id)
    const identities = (await user.get('/v1/console/wechat-identities').expect(200)).body.data
    expect(identities).toHaveLength(2)
    await user.del(`/v1/console/wechat-identities/${identities[0].id}`).expect(204)
    const last = await user.del(`/v1/console/wechat-identities/${identities[1].id}`).expect(409)
    expect(last.body.error.code).toBe('last_wechat_identity')
    expect(await database.get().db.select().from(wechatIdentities).where(eq(wechatIdentities.accountId, user.id))).toHaveLength(1)
  })

  it('keeps one account\'s binding QRs away from another', async () => {
    const a = await consoleUser(live.app, database.get(), { bound: false })
    const b = await consoleUser(live.app, database.get())
    const binding = (await a.post('/v1/console/wechat-bindings').expect(201)).body
    await b.get(`/v1/console/wechat-bindings/${binding.id}`).expect(404)
    const bIdentity = (await b.get('/v1/console/wechat-identities').expect(200)).body.data[0]
    await a.del(`/v1/console/wechat-identities/${bIdentity.id}`).expect(404)
  })
})
