// What the sections share: the sandbox, a demo tenant paying through it, a yima app on a loopback
// port, customers who scanned once (OAuth), and a small HTTP client.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { createIdGenerator, type IdGenerator } from '@yima/shared'
import { startSandbox, type Sandbox } from '@yima/sandbox/src/index'
import { demoSettings } from '@yima/sandbox/src/demo'
import { serverEnv } from '@yima/sandbox/src/server-env'
import { buildApp } from '@yima/server/src/app'
import { systemClock } from '@yima/server/src/clock'
import { loadConfig, type Config } from '@yima/server/src/config'
import { openDatabase, type Database } from '@yima/server/src/db/client'
import { migrate } from '@yima/server/src/db/migrate'
import { listen } from '@yima/server/src/lifecycle/http-server'
import { createServices, type Services } from '@yima/server/src/services'
import { IdentityService } from '@yima/server/src/modules/identity'
import type { Caller } from '@yima/server/src/modules/tenancy/caller'
import { ALL_SCOPE } from '@yima/server/src/modules/tenancy/scope'
import { createDemoTenant, DemoSettings, type DemoTenant } from '@yima/server/src/cli/demo-tenant'

export const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN'
/** PUBLIC_URL: a port nobody listens on. The sandbox logs each notification it could not deliver; sections deliver them. */
export const DEAD_URL = 'http://127.0.0.1:9'

export interface Reply { status: number, headers: IncomingHttpHeaders, body: string, ms: number }

export const agent = new Agent({ keepAlive: true, maxSockets: 64 })
export function send (url: string, o: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<Reply> {
  const t = performance.now()
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? 'GET', headers: o.headers, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - t }) })
    })
    req.on('error', reject)
    req.end(o.body)
  })
}
export const postJson = async (url: string, body: unknown): Promise<Reply> =>
  await send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** The driver under drizzle (pg Pool or PGlite: both take `query(text, params)`): the bare way in. */
export const bare = (database: Database): { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> } =>
  (database.db as unknown as { $client: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> } }).$client

/**
 * A migrated database of the section's own, dropped by `drop`: `name` on DATABASE_URL's server, or
 * a fresh in-memory PGlite. For figures that the jobs other sections (or earlier runs) left due
 * would distort: the outbox worker claims every due job, oldest first.
 */
export async function scratchDatabase (url: string | undefined, name: string): Promise<{ database: Database, url: string | undefined, drop: () => Promise<void> }> {
  if (url === undefined) {
    const database = await openDatabase({ kind: 'pglite' })
    await migrate(database, undefined)
    return { database, url: undefined, drop: async () => { await database.close() } }
  }
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  await bare(admin).query(`drop database if exists ${name} with (force)`)
  await bare(admin).query(`create database ${name}`)
  const u = new URL(url)
  u.pathname = `/${name}`
  const database = await openDatabase({ kind: 'postgres', url: u.toString(), poolMax: 16 })
  await migrate(database, u.toString())
  return {
    database,
    url: u.toString(),
    drop: async () => {
      await database.close()
      await bare(admin).query(`drop database if exists ${name} with (force)`)
      await admin.close()
    },
  }
}

export interface World {
  sandbox: Sandbox
  settings: DemoSettings
  /** The environment of a yima process in this world: the sandbox's hosts, PUBLIC_URL and the secrets this process uses too. */
  env: Record<string, string>
  config: Config
  services: Services
  newId: IdGenerator
  /** The tenant's owner, as the CLI acts. */
  caller: Caller
  tenant: DemoTenant
}

export async function startWorld (database: Database): Promise<World> {
  const newId = createIdGenerator()
  const sandbox = await startSandbox()
  const settings = DemoSettings.parse(await demoSettings(sandbox))
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: '/nonexistent',
    ...await serverEnv(sandbox),
    PUBLIC_URL: DEAD_URL,
    TRUST_PROXY: 'true',
    // Shared with the processes startup.ts spawns: they open the secrets this one sealed.
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
  }
  const config = loadConfig(env)
  const services = createServices({ config, db: database.db, clock: systemClock, newId })
  const identity = new IdentityService({ db: database.db, clock: systemClock, newId, sessionSecret: config.sessionSecret })
  const owner = await identity.createAccount({ login: `bench-${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex'), displayName: 'bench' })
  const caller: Caller = { actor: { id: owner.id, kind: 'account' }, scope: ALL_SCOPE }
  const tenant = await createDemoTenant({ db: database.db, clock: systemClock, newId, publicUrl: DEAD_URL, services }, caller, settings)
  return { sandbox, settings, env, config, services, newId, caller, tenant }
}

/** buildApp on a loopback port, as main.ts serves it (no outbox worker: sections start one when they need it). */
export async function serve (world: World, database: Database, o: Partial<Pick<Config, 'h5DistDir' | 'payBridgeScripts'>> = {}): Promise<{ base: string, close: () => Promise<void> }> {
  const config = { ...world.config, h5DistDir: '/nonexistent', ...o }
  const app = buildApp({ config, database, logger: pino({ level: 'silent' }), clock: systemClock, newId: world.newId, services: world.services })
  const server = await listen(app.callback(), { host: '127.0.0.1', port: 0 })
  return { base: `http://127.0.0.1:${server.port}`, close: async () => { await server.close(1000) } }
}

export interface Payer { cookie: string, ip: string }

const cookieOf = (r: Reply, name: string): string | undefined =>
  ([] as string[]).concat(r.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(`${name}=`))

/** `n` customers who each scanned the store code once (OAuth through the sandbox), each from its own address. */
export async function payers (world: World, base: string, n: number): Promise<Payer[]> {
  const wxmpSim = `${world.sandbox.urls.wxmp}/__sim/wxmp`
  const users: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await postJson(`${wxmpSim}/users`, { nickname: `顾客${i}`, phone: `139${String(10_000_000 + i)}` })
    users.push((JSON.parse(r.body) as { id: string }).id)
  }
  const out: Payer[] = []
  for (let i = 0; i < n; i++) {
    const ip = `10.${i >> 8}.${i & 255}.7`
    const headers = { 'user-agent': WECHAT_UA, 'x-forwarded-for': ip }
    const start = await send(`${base}/pay/auth?code=${world.tenant.storeCode}`, { headers })
    if (start.status !== 302 || !(start.headers.location ?? '').startsWith('http')) throw new Error(`/pay/auth: ${start.status} ${start.headers.location ?? start.body.slice(0, 200)}`)
    const authorize = new URL(start.headers.location ?? '')
    authorize.searchParams.set('sim_user', users[i] ?? '')
    const back = new URL((await send(authorize.toString())).headers.location ?? '')
    const done = await send(`${base}${back.pathname}${back.search}`, { headers })
    const cookie = cookieOf(done, 'yima_payer')
    if (cookie === undefined) throw new Error(`no payer cookie after OAuth (${done.status} ${done.body.slice(0, 200)})`)
    out.push({ cookie, ip })
  }
  return out
}

/** One JSAPI order as the pay page creates it. */
export async function createOrder (base: string, world: World, payer: Payer, amountFen: number): Promise<Reply & { order: { orderId: string, outTradeNo: string } }> {
  const r = await send(`${base}/v1/public/pay/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': WECHAT_UA, 'x-forwarded-for': payer.ip, cookie: payer.cookie },
    body: JSON.stringify({ code: world.tenant.storeCode, amountFen }),
  })
  if (r.status !== 200 && r.status !== 201) throw new Error(`create order: ${r.status} ${r.body.slice(0, 300)}`)
  return { ...r, order: JSON.parse(r.body) as { orderId: string, outTradeNo: string } }
}

/** A notification the sandbox tried to deliver (to DEAD_URL), as GET /__sim/notifications lists it. */
export interface Attempt { url: string, request: { headers: Record<string, string>, body: string } }

/** Pays the orders in the sandbox and answers each one's first notification, by order id. */
export async function payInSandbox (world: World, outTradeNos: readonly string[]): Promise<Map<string, Attempt>> {
  const sim = `${world.sandbox.urls.wxpay}/__sim`
  for (const outTradeNo of outTradeNos) {
    const r = await postJson(`${sim}/wxpay/pay`, { out_trade_no: outTradeNo })
    if (r.status !== 200) throw new Error(`sandbox pay: ${r.status} ${r.body}`)
  }
  await send(`${sim}/idle`, { method: 'POST' })
  const firstByOrder = new Map<string, Attempt>()
  for (const a of JSON.parse((await send(`${sim}/notifications`)).body) as Attempt[]) {
    const id = a.url.split('/hooks/wechat_pay/')[1]
    if (id !== undefined && !firstByOrder.has(id)) firstByOrder.set(id, a)
  }
  return firstByOrder
}

/** Delivers a logged notification to `url` as the sandbox would have. */
export async function replay (url: string, a: Attempt): Promise<Reply> {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(a.request.headers)) if (!['content-length', 'host', 'connection'].includes(k.toLowerCase())) headers[k] = v
  return await send(url, { method: 'POST', headers, body: a.request.body })
}
