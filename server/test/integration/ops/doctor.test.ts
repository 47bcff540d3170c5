import { X509Certificate } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { ServiceProviderDTO } from '@yima/shared'
import request from 'supertest'
import type { ChannelHosts } from '../../../src/config'
import { merchants } from '../../../src/modules/tenancy'
import { checkDatabase, checkTenants, formatCheck, type Check } from '../../../src/ops/doctor'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId, spBody } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const DAY = 86_400_000

/** The doctor's tenant checks as `npm run doctor` runs them, against the live app's database and the sandbox. */
async function doctor (now = new Date()): Promise<Check[]> {
  return await checkTenants({
    db: database.get().db,
    box: live.services.box,
    hosts: channels.get().config(live.url).channels as ChannelHosts,
    component: live.services.component,
    clock: { now: () => now },
    timeoutMs: 10_000,
    concurrency: 4,
  })
}

const failed = (checks: Check[]): string[] => checks.filter((c) => !c.ok).map(formatCheck)
const line = (checks: Check[], suffix: string): Check => {
  const c = checks.find((x) => x.name.endsWith(suffix))
  if (c === undefined) throw new Error(`no line ending with ${suffix}:\n${checks.map(formatCheck).join('\n')}`)
  return c
}

/** The SP's official account authorizes the platform, as its admin would: console → WeChat's page → back. */
async function authorizeOa (user: ConsoleUser, spId: string): Promise<void> {
  const { body } = await user.post(`/v1/service-providers/${spId}/official-account/authorization`).expect(200)
  const page = new URL(body.url)
  page.searchParams.set('appid', channels.get().sandbox.clients.wxmp.officialAccount.appId)
  const res = await fetch(page, { redirect: 'manual' })
  const back = new URL(res.headers.get('location') ?? '')
  const done = await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  expect(String(done.headers.location)).toContain('status=ok')
}

/** The merchant authorizes the SP's Alipay app from its phone (a new sandbox merchant); returns its PID. */
async function authorizeAlipay (user: ConsoleUser, merchantId: string): Promise<string> {
  const { body } = await user.get(`/v1/merchants/${merchantId}/alipay-authorization`).expect(200)
  const page = new URL(body.url)
  page.searchParams.set('sim_merchant', 'new')
  const confirmed = await fetch(page, { redirect: 'manual' })
  const landed = await fetch(confirmed.headers.get('location') ?? '', { redirect: 'manual' })
  expect(landed.headers.get('location')).toContain('ok=alipay_authorized')
  const [row] = await database.get().db.select().from(merchants).where(eq(merchants.id, merchantId))
  return row?.alipayUserId ?? ''
}

/** An SP with every channel set up and authorized, and `n` sub-merchants that authorized its Alipay app. */
async function healthySp (user: ConsoleUser, n = 1): Promise<{ sp: ServiceProviderDTO, merchants: Array<{ id: string, pid: string }> }> {
  const body = spBody(channels.get())
  delete body.wechatPay.officialAccountSecret
  const sp = await createSp(user, channels.get(), { wechatPay: body.wechatPay })
  await authorizeOa(user, sp.id)
  const list: Array<{ id: string, pid: string }> = []
  for (let i = 0; i < n; i++) {
    const { merchant } = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
    list.push({ id: merchant.id, pid: await authorizeAlipay(user, merchant.id) })
  }
  return { sp, merchants: list }
}

describe('npm run doctor against a live deployment (sandbox channels)', () => {
  it('is all green for a healthy SP, and prints no secret', async () => {
    const user = await consoleUser(live.app, database.get())
    const { sp } = await healthySp(user, 2)

    const db = await checkDatabase(database.get())
    expect(db.map(formatCheck)).toEqual([expect.stringMatching(/^✓ database — (PGlite|PostgreSQL) answers$/), expect.stringMatching(/^✓ database: migrations — all \d+ migrations applied$/)])

    const checks = await doctor()
    expect(failed(checks)).toEqual([])
    const names = checks.map((c) => c.name.replace(`SP ${sp.shortName} (${sp.id}) · `, ''))
    expect(names).toEqual(expect.arrayContaining([
      'WeChat Pay settings',
      'WeChat Pay merchant key pair',
      'WeChat Pay certificate serial',
      'WeChat Pay APIv3 key',
      'WeChat Pay APIv3 key in use',
      'WeChat Pay platform certificate',
      'WeChat Pay public key',
      'WeChat Pay API',
      'WeChat Pay platform certificate in use',
      'official account',
      'Alipay app private key',
      'Alipay public key',
      'Alipay API',
      'merchants\' Alipay app authorization',
    ]))
    expect(line(checks, 'WeChat Pay APIv3 key in use').detail).toBe('decrypts the platform certificates WeChat Pay sent')
    expect(line(checks, 'official account').detail).toMatch(/authorized to the platform; authorizer token issued$/)
    expect(line(checks, 'merchants\' Alipay app authorization').detail).toBe('2 app_auth_token(s) valid')

    const text = checks.map(formatCheck).join('\n')
    const wx = channels.get().sandbox.clients.wxpay
    for (const secret of [wx.apiV3Key, wx.apiV2Key, wx.merchantPrivateKeyPem.split('\n')[1], channels.get().sandbox.clients.alipay.appPrivateKeyPem.split('\n')[1]]) {
      expect(text).not.toContain(secret)
    }
  })

  it('fails the merchant whose Alipay authorization was withdrawn, and only it', async () => {
    const user = await consoleUser(live.app, database.get())
    const { merchants: [kept, revoked] } = await healthySp(user, 2)
    expect((await channels.get().sim('alipay', 'POST', '/__sim/alipay/app-tokens/expire', { pid: revoked?.pid, revoke: true })).status).toBe(200)

    const checks = await doctor()
    const bad = checks.filter((c) => !c.ok)
    expect(bad).toHaveLength(1)
    expect(bad[0]?.name).toMatch(new RegExp(`^merchant .+ \\(${revoked?.id ?? ''}\\) · Alipay app authorization$`))
    expect(bad[0]?.detail).toMatch(/^无效应用授权令牌 \(aop\.invalid-app-auth-token\): .*scan the authorization QR again$/)
    expect(checks.map((c) => c.name).join('\n')).not.toContain(kept?.id)
  })

  it('fails a wrong APIv3 key: WeChat Pay\'s certificates do not decrypt with it', async () => {
    const user = await consoleUser(live.app, database.get())
    const { sp } = await healthySp(user, 0)
    const wrong = 'Z'.repeat(32)
    await user.patch(`/v1/service-providers/${sp.id}`, { wechatPay: { mchId: sp.wechatPay?.mchId, apiV3Key: wrong } }).expect(200)

    const checks = await doctor()
    expect(failed(checks)).toEqual([
      `✗ SP ${sp.shortName} (${sp.id}) · WeChat Pay APIv3 key in use — does not decrypt the platform certificates WeChat Pay sent, so it would not decrypt notifications either: it differs from the APIv3 key set on the merchant platform; enter that one in the console`,
    ])
    // Signing and verifying still work: only the key is wrong.
    expect(line(checks, 'WeChat Pay API').ok).toBe(true)
    expect(checks.map(formatCheck).join('\n')).not.toContain(wrong)
  })

  it('fails certificates that expire within 30 days', async () => {
    const user = await consoleUser(live.app, database.get())
    await healthySp(user, 0)
    const wx = channels.get().sandbox.clients.wxpay
    const platformEnds = new Date(new X509Certificate(wx.platformCertificatePem).validTo)
    const merchantEnds = new Date(new X509Certificate(wx.merchantCertificatePem).validTo)
    const now = new Date(platformEnds.getTime() - 10 * DAY)

    const checks = await doctor(now)
    expect(line(checks, 'WeChat Pay platform certificate')).toMatchObject({ ok: false, detail: expect.stringMatching(/^expires on \d{4}-\d\d-\d\d, in (9|10) day\(s\): download the current one/) })
    const merchantDays = (merchantEnds.getTime() - now.getTime()) / DAY
    expect(line(checks, 'WeChat Pay merchant certificate').ok).toBe(merchantDays >= 30)
    // Everything else still passes: the channel calls run on real time.
    expect(failed(checks).filter((l) => !/(platform|merchant) certificate —/.test(l))).toEqual([])
  })

  it('fails the official account once its authorization is withdrawn', async () => {
    const user = await consoleUser(live.app, database.get())
    const { sp } = await healthySp(user, 0)
    await live.services.tenancy.officialAccounts.revoked(channels.get().sandbox.clients.wxmp.officialAccount.appId)

    const checks = await doctor()
    expect(failed(checks)).toEqual([expect.stringMatching(new RegExp(`^✗ SP .+ \\(${sp.id}\\) · official account — wx\\w+ withdrew its authorization to the platform`))])
  })
})
