import { execFileSync } from 'node:child_process'
import { eq, sql } from 'drizzle-orm'
import { merchants, serviceProviders } from '../../../src/modules/tenancy'
import request from 'supertest'
import { useTestDatabase, onPostgres } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { scan, simUser } from '../../helpers/scan'
import { consoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId, spBody } from '../../factories/tenants'
import { reliabilityCounts } from '../../reliability/counts'

/*
 * Issue 4 "must show": after secrets of every kind have gone through the API, a dump of the
 * database holds none of them in plaintext — not the channel keys, not the Cloud Pay keys, not the
 * tokens behind QR codes or authorizations.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

/** The PEM body without armour and line breaks: what would show up if a key were stored in any form. */
const pemCore = (pem: string): string[] => {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  // Several slices, so a key split across pages or rows is still caught.
  return [body.slice(64, 128), body.slice(600, 664), body.slice(-128, -64)]
}

/** Every table, every row, as text: a logical dump that works on both drivers. */
async function logicalDump (): Promise<string> {
  const tables = await database.get().db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)
  const parts: string[] = []
  for (const { tablename } of tables.rows as Array<{ tablename: string }>) {
    const rows = await database.get().db.execute(sql.raw(`select row_to_json(t)::text as j from "${tablename}" t`))
    parts.push(...(rows.rows as Array<{ j: string }>).map((r) => r.j))
  }
  return parts.join('\n')
}

/** The database as its files or as pg_dump writes it: the physical or the backup view. */
async function physicalDump (): Promise<string> {
  if (onPostgres()) return execFileSync('pg_dump', ['--data-only', database.url() ?? ''], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1')
  const client = (database.get().db as unknown as { $client: { dumpDataDir: (c: 'none') => Promise<Blob>, query: (q: string) => Promise<unknown> } }).$client
  await client.query('checkpoint')
  return Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()).toString('latin1')
}

it('a dump of the database contains no plaintext secret', async () => {
  const c = channels.get()
  const user = await consoleUser(live.app, database.get())
  const body = spBody(c)
  const sp = await createSp(user, c)
  // The official account authorizes the platform (refresh token) and the ticket has been pushed.
  const auth = (await user.post(`/v1/service-providers/${sp.id}/official-account/authorization`).expect(200)).body.url
  const page = new URL(auth)
  page.searchParams.set('appid', c.sandbox.clients.wxmp.officialAccount.appId)
  const back = new URL((await fetch(page, { redirect: 'manual' })).headers.get('location') ?? '')
  await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  const created = await createMerchant(user, sp.id, await newSubMchId(c))
  // An Alipay authorization (app_auth_token) for the merchant.
  const alipayUrl = new URL((await user.get(`/v1/merchants/${created.merchant.id}/alipay-authorization`).expect(200)).body.url)
  alipayUrl.searchParams.set('sim_merchant', 'new')
  const alipayBack = new URL((await fetch(alipayUrl, { redirect: 'manual' })).headers.get('location') ?? '')
  await request(live.app.callback()).get(`${alipayBack.pathname}${alipayBack.search}`).expect(302)
  const merchant = (await user.get(`/v1/merchants/${created.merchant.id}`).expect(200)).body
  expect(merchant.alipay).toMatchObject({ tokenValid: true })
  // Tokens only Alipay and WeChat handed over: learn them by opening what yima sealed.
  const [m] = await database.get().db.select().from(merchants).where(eq(merchants.id, created.merchant.id))
  const [spRow] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, sp.id))
  const box = live.services.box
  const alipayToken = box.open(m?.alipayAppAuthTokenSealed ?? '', `merchants.alipay_app_auth_token:${created.merchant.id}`).reveal()
  const alipayRefresh = box.open(m?.alipayAppRefreshTokenSealed ?? '', `merchants.alipay_app_refresh_token:${created.merchant.id}`).reveal()
  const oaRefresh = box.open(spRow?.oaRefreshTokenSealed ?? '', `service_providers.oa_refresh_token:${sp.id}`).reveal()
  // Activation and binding QR tokens.
  const activation = (await user.get(`/v1/staff/${created.admin.id}/activation-qr`).expect(200)).body.url
  const binding = (await user.post('/v1/console/wechat-bindings').expect(201)).body.url
  await scan(c, binding, (await simUser(c, 0)).id)
  const ticket = (await c.sim<{ ticket: string }>('wxmp', 'GET', '/__sim/wxmp/component')).body.ticket

  const secrets: Record<string, string[]> = {
    'APIv3 key': [body.wechatPay.apiV3Key],
    'API v2 key': [body.wechatPay.apiV2Key],
    'WeChat Pay private key': pemCore(body.wechatPay.privateKey),
    'official-account AppSecret': [body.wechatPay.officialAccountSecret ?? ''],
    'Alipay app private key': pemCore(body.alipay.privateKey),
    'Cloud Pay authentication key': [created.credentials.authenKey],
    'Cloud Pay signing private key': pemCore(created.credentials.signingPrivateKey),
    'activation token': [new URL(activation).searchParams.get('t') ?? ''],
    'binding token': [new URL(binding).searchParams.get('t') ?? ''],
    component_verify_ticket: [ticket],
    'Alipay app_auth_token': [alipayToken, alipayRefresh],
    authorizer_refresh_token: [oaRefresh],
  }
  for (const values of Object.values(secrets)) for (const v of values) expect(v.length).toBeGreaterThanOrEqual(16)

  const logical = await logicalDump()
  const physical = await physicalDump()
  const found = Object.entries(secrets).flatMap(([name, values]) =>
    values.flatMap((v) => [logical.includes(v) ? `${name} (rows)` : null, physical.includes(v) ? `${name} (${onPostgres() ? 'pg_dump' : 'data files'})` : null]))
    .filter((x): x is string => x !== null)
  expect(found).toEqual([])
  reliabilityCounts.add('security: secrets searched for', Object.values(secrets).flat().length)
  // The dump is real: it holds the public parts that are meant to be kept.
  expect(logical).toContain(created.merchant.outSubMchId)
  expect(physical).toContain(created.merchant.outSubMchId)
  expect(logical).toContain(JSON.stringify(created.credentials.verifyPublicKey).slice(1, 60))
})
