import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { openidFor } from '../../../../sandbox/src/wxmp/users'
import { auditLog } from '../../../src/modules/audit'
import { wechatIdentities } from '../../../src/modules/identity'
import { MAIDAN_SYNC_TOPIC, merchants } from '../../../src/modules/tenancy'
import { OutboxWorker, outboxJobs } from '../../../src/outbox'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

const newId = createIdGenerator()

/** The sandbox's 买单 assistant for its (first) SP; replaces whatever the previous test set up. */
async function assistant (body: Record<string, unknown>): Promise<void> {
  const r = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/maidan', body)
  if (r.status !== 200) throw new Error(`sandbox maidan: ${r.status} ${JSON.stringify(r.body)}`)
}

// Sub_mchids the sandbox has not handed out (its own start with 16); a fresh block per call, since
// the sandbox keeps its merchants for the whole file while the database is emptied per test.
let block = 100 + Math.floor(Math.random() * 800)
function maidanMerchants (n: number, o: { enabled?: boolean } = {}): Array<{ sub_mchid: string, merchant_name: string, merchant_shortname: string, maidan_enabled: boolean }> {
  const prefix = `17${block++}`
  return Array.from({ length: n }, (_, i) => ({
    sub_mchid: `${prefix}${String(i).padStart(5, '0')}`,
    merchant_name: `深圳买单商户${i + 1}有限公司`,
    merchant_shortname: `买单${i + 1}`,
    maidan_enabled: o.enabled ?? true,
  }))
}

/** Makes the account's bound WeChat identity the sandbox user `wechatUser` under the platform's official account. */
async function identityOf (user: ConsoleUser, wechatUser: string): Promise<string> {
  const appid = channels.get().platformOa.appid
  const openid = openidFor(appid, wechatUser)
  await database.get().db.update(wechatIdentities).set({ appId: appid, openid }).where(eq(wechatIdentities.accountId, user.id))
  return openid
}

function worker (): OutboxWorker {
  return new OutboxWorker({ db: database.get().db, clock: live.clock, newId, logger: pino({ level: 'silent' }), handlers: live.services.jobHandlers, batchSize: 10, pollMs: 10 })
}

/** An SP whose 买单 assistant is bound by `user` (the sandbox user 张三 administers it). */
async function boundSp (user: ConsoleUser, merchantsOfAssistant: Array<Record<string, unknown>>): Promise<any> {
  await assistant({ admin_user: 'zhangsan', merchants: merchantsOfAssistant })
  await identityOf(user, 'zhangsan')
  const sp = await createSp(user, channels.get())
  await user.post(`/v1/service-providers/${sp.id}/maidan/bind`).expect(200)
  return sp
}

describe('微信买单 assistant binding (T8)', () => {
  it('says the assistant is not opened, or that no bound WeChat account administers it, and binds nothing', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    await identityOf(user, 'zhangsan')

    await assistant({ admin_user: 'zhangsan', assistant_opened: false })
    const closed = await user.post(`/v1/service-providers/${sp.id}/maidan/bind`).expect(409)
    expect(closed.body.error).toMatchObject({ type: 'conflict', code: 'maidan_bind_failed', message: expect.stringContaining('尚未开通微信买单服务商助手') })

    // Opened, but administered by 李四 and by an openid nobody here has.
    await assistant({ admin_user: 'lisi', admin_openids: [`o${randomBytes(13).toString('hex')}`] })
    const stranger = await user.post(`/v1/service-providers/${sp.id}/maidan/bind`).expect(409)
    expect(stranger.body.error).toMatchObject({ code: 'maidan_bind_failed', message: expect.stringContaining('不是该服务商微信买单服务商助手的管理员') })

    expect((await user.get(`/v1/service-providers/${sp.id}`).expect(200)).body.maidan).toEqual({ bound: false, boundAt: null })
    expect(await database.get().db.select().from(auditLog).where(eq(auditLog.action, 'service_provider.maidan_bound'))).toHaveLength(0)
    const sync = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(409)
    expect(sync.body.error.code).toBe('maidan_not_bound')
  })

  it('binds with whichever bound WeChat identity the assistant knows as an admin, and audits it', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    // The factory's identity (not an admin) stays; a second one is on the assistant's admin list.
    const adminOpenid = `o${randomBytes(13).toString('hex')}`
    const adminIdentity = newId('wid')
    await database.get().db.insert(wechatIdentities).values({ id: adminIdentity, accountId: user.id, appId: channels.get().platformOa.appid, openid: adminOpenid, boundAt: new Date() })
    await assistant({ admin_openids: [adminOpenid] })

    const r = await user.post(`/v1/service-providers/${sp.id}/maidan/bind`).expect(200)
    expect(r.body).toMatchObject({ id: sp.id, maidan: { bound: true, boundAt: expect.any(String) } })
    const [audit] = await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'service_provider.maidan_bound'), eq(auditLog.targetId, sp.id)))
    expect(audit).toMatchObject({ actorId: user.id, actorKind: 'account', tenantId: sp.id })
    expect(audit?.changes).toMatchObject({ wechatIdentityId: [null, adminIdentity] })

    // A sandbox test user administers it under any appid: 王五 through the platform account.
    const other = await consoleUser(live.app, database.get())
    await identityOf(other, 'wangwu')
    const otherSp = await createSp(other, channels.get())
    await assistant({ admin_user: 'wangwu' })
    await other.post(`/v1/service-providers/${otherSp.id}/maidan/bind`).expect(200)
    // Someone else's SP is not there to bind.
    await other.post(`/v1/service-providers/${sp.id}/maidan/bind`).expect(404)
  })
})

describe('switching a merchant to 微信买单 (T8)', () => {
  it('asks for the assistant to be bound first, rather than a channel error no retry fixes', async () => {
    const user = await consoleUser(live.app, database.get())
    const [listed] = maidanMerchants(1)
    await assistant({ admin_user: 'zhangsan', merchants: [listed!] })
    const sp = await createSp(user, channels.get())
    const { merchant } = await createMerchant(user, sp.id, listed!.sub_mchid)
    const r = await user.post(`/v1/merchants/${merchant.id}/wechat-channel`, { channel: 'maidan' }).expect(409)
    expect(r.body.error).toMatchObject({ code: 'maidan_not_bound', param: 'channel', message: expect.stringContaining('绑定') })
    expect((await user.get(`/v1/merchants/${merchant.id}`).expect(200)).body.wechatChannel).toBe('direct')
  })

  it('needs WeChat to say the sub-merchant has 买单 enabled, and audits the switch', async () => {
    const user = await consoleUser(live.app, database.get())
    const [disabled, enabled] = [...maidanMerchants(1, { enabled: false }), ...maidanMerchants(1)]
    const sp = await boundSp(user, [disabled!, enabled!])
    // A sub-merchant of the SP outside the 买单 list has not opened 买单 either.
    const outside = await createMerchant(user, sp.id, (await channels.get().sim<{ sub_mchid: string }>('wxpay', 'POST', '/__sim/wxpay/merchants', { name: '普通特约商户' })).body.sub_mchid)
    const notEnabled = await createMerchant(user, sp.id, disabled!.sub_mchid)
    const ok = await createMerchant(user, sp.id, enabled!.sub_mchid)

    for (const m of [outside, notEnabled]) {
      const r = await user.post(`/v1/merchants/${m.merchant.id}/wechat-channel`, { channel: 'maidan' }).expect(409)
      expect(r.body.error).toMatchObject({ type: 'conflict', code: 'maidan_not_enabled', param: 'channel', message: expect.stringMatching(/^该子商户的微信支付商户号还没有开通微信买单/) })
      expect((await user.get(`/v1/merchants/${m.merchant.id}`).expect(200)).body.wechatChannel).toBe('direct')
    }

    const switched = await user.post(`/v1/merchants/${ok.merchant.id}/wechat-channel`, { channel: 'maidan' }).expect(200)
    expect(switched.body).toMatchObject({ id: ok.merchant.id, wechatChannel: 'maidan' })
    const [row] = await database.get().db.select().from(merchants).where(eq(merchants.id, ok.merchant.id))
    expect(row?.wxChannel).toBe('maidan')
    const audits = await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'merchant.wechat_channel_switched'), eq(auditLog.targetId, ok.merchant.id)))
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ actorId: user.id, tenantId: sp.id, changes: expect.objectContaining({ wxChannel: ['direct', 'maidan'] }) })

    // Back to 官方直连 asks nothing of WeChat; another account cannot switch it at all.
    await user.post(`/v1/merchants/${ok.merchant.id}/wechat-channel`, { channel: 'direct' }).expect(200)
    const stranger = await consoleUser(live.app, database.get())
    await stranger.post(`/v1/merchants/${ok.merchant.id}/wechat-channel`, { channel: 'maidan' }).expect(404)
  })
})

// Every imported merchant gets its own 2048-bit RSA pair (~0.2 s of CPU each), so a sync of 120 takes a while.
const SYNC_TIMEOUT_MS = 120_000

describe('syncing 买单 sub-merchants (T8)', () => {
  it('imports the assistant\'s merchants page by page in the background, skipping those already added', async () => {
    const user = await consoleUser(live.app, database.get())
    const list = maidanMerchants(120)
    const sp = await boundSp(user, list)
    // Three already added by hand (子商户已存在): counted as skipped and left as they are.
    const existing = [list[0]!, list[50]!, list[119]!]
    for (const m of existing) await createMerchant(user, sp.id, m.sub_mchid)

    const started = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(202)
    expect(started.body).toEqual({
      id: expect.stringMatching(/^mds_/), serviceProviderId: sp.id, status: 'queued', total: null, processed: 0, created: 0, skipped: 0, error: null, createdAt: expect.any(String), finishedAt: null,
    })
    // A second click while it runs joins the same sync; there is one job.
    const again = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(202)
    expect(again.body.id).toBe(started.body.id)
    expect(await database.get().db.select().from(outboxJobs).where(eq(outboxJobs.topic, MAIDAN_SYNC_TOPIC))).toHaveLength(1)
    expect((await user.get(`/v1/maidan-syncs/${started.body.id}`).expect(200)).body.status).toBe('queued')

    expect(await worker().runOnce()).toBe(1)

    const done = await user.get(`/v1/maidan-syncs/${started.body.id}`).expect(200)
    expect(done.body).toMatchObject({ id: started.body.id, status: 'succeeded', total: 120, processed: 120, created: 117, skipped: 3, error: null, finishedAt: expect.any(String) })
    const rows = await database.get().db.select().from(merchants).where(eq(merchants.spId, sp.id))
    expect(rows).toHaveLength(120)
    const bySub = new Map(rows.map((r) => [r.wxSubMchId, r]))
    for (const m of list) {
      const row = bySub.get(m.sub_mchid)
      const kept = existing.includes(m)
      expect(row).toMatchObject(kept ? { wxChannel: 'direct', name: '深圳市好味餐饮有限公司' } : { wxChannel: 'maidan', name: m.merchant_name, shortName: m.merchant_shortname })
    }
    const listed = (await user.get(`/v1/merchants?serviceProviderId=${sp.id}`).expect(200)).body.data
    expect(listed.filter((m: any) => m.wechatChannel === 'maidan')).toHaveLength(117)

    // The next sync is a new one, and finds nothing left to add.
    const second = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(202)
    expect(second.body.id).not.toBe(started.body.id)
    expect(await worker().runOnce()).toBe(1)
    expect((await user.get(`/v1/maidan-syncs/${second.body.id}`).expect(200)).body).toMatchObject({ status: 'succeeded', total: 120, processed: 120, created: 0, skipped: 120 })
    expect(await database.get().db.select().from(merchants).where(eq(merchants.spId, sp.id))).toHaveLength(120)
  }, SYNC_TIMEOUT_MS)

  it('keeps the progress of an attempt that failed part-way and carries on from there', async () => {
    const user = await consoleUser(live.app, database.get())
    const list = maidanMerchants(60)
    const sp = await boundSp(user, list)
    await createMerchant(user, sp.id, list[55]!.sub_mchid)
    const sync = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(202)

    // WeChat answers the first page, then fails the second once. The sandbox's faults hit the next
    // matching calls, so this one is armed on the second call.
    const faults = channels.get().sandbox.world.faults
    const take = faults.take.bind(faults)
    let calls = 0
    faults.take = (route) => route === 'wxpay:GET /v3/maidan/partner/merchants' && ++calls === 2 ? '5xx' : take(route)
    try {
      expect(await worker().runOnce()).toBe(1)
    } finally {
      faults.take = take
    }
    expect((await user.get(`/v1/maidan-syncs/${sync.body.id}`).expect(200)).body).toMatchObject({ status: 'running', total: 60, processed: 50, created: 50, skipped: 0, finishedAt: null })
    const [job] = await database.get().db.select().from(outboxJobs).where(eq(outboxJobs.topic, MAIDAN_SYNC_TOPIC))
    expect(job).toMatchObject({ status: 'pending', attempts: 1 })

    live.clock.set(job!.nextAttemptAt)
    expect(await worker().runOnce()).toBe(1)
    // The 50 of the first attempt stay counted as created, not as 子商户已存在.
    expect((await user.get(`/v1/maidan-syncs/${sync.body.id}`).expect(200)).body).toMatchObject({ status: 'succeeded', total: 60, processed: 60, created: 59, skipped: 1 })
    expect(await database.get().db.select().from(merchants).where(eq(merchants.spId, sp.id))).toHaveLength(60)
  }, SYNC_TIMEOUT_MS)

  it('shows a sync only to the SP\'s own people', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await boundSp(user, maidanMerchants(3))
    const sync = await user.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(202)
    const stranger = await consoleUser(live.app, database.get())
    const hidden = await stranger.get(`/v1/maidan-syncs/${sync.body.id}`).expect(404)
    expect(hidden.body.error.code).toBe('resource_not_found')
    await stranger.post(`/v1/service-providers/${sp.id}/maidan/syncs`).expect(404)
    const op = await consoleUser(live.app, database.get(), { operator: true })
    await op.get(`/v1/maidan-syncs/${sync.body.id}`).expect(200)
  })
})
