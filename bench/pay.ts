// npm run bench -- pay: one-code pay against the sandbox, beside a bare Koa baseline doing the
// same signed channel call and one insert, measured in the same run on the same database.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { createDecipheriv, randomBytes } from 'node:crypto'
import Koa from 'koa'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { startSandbox } from '@yima/sandbox/src/index'
import { demoSettings } from '@yima/sandbox/src/demo'
import { serverEnv } from '@yima/sandbox/src/server-env'
import { buildApp } from '@yima/server/src/app'
import { systemClock } from '@yima/server/src/clock'
import { loadConfig } from '@yima/server/src/config'
import type { Database } from '@yima/server/src/db/client'
import { listen } from '@yima/server/src/lifecycle/http-server'
import { createServices } from '@yima/server/src/services'
import { IdentityService } from '@yima/server/src/modules/identity'
import { ALL_SCOPE } from '@yima/server/src/modules/tenancy/scope'
import { createDemoTenant, DemoSettings } from '@yima/server/src/cli/demo-tenant'
import { wechatpayClient } from '@yima/server/src/channels/wechat-pay/partner'
import { verificationKeys, verifySignature } from '@yima/server/src/channels/wechat-pay/sign'

const ORDERS = 400
const CONCURRENCY = 16
const PAYERS = 100
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN'

interface Attempt { url: string, request: { headers: Record<string, string>, body: string } }
type Recorder = (name: string, value: string) => void
interface Reply { status: number, headers: IncomingHttpHeaders, body: string, ms: number }

const agent = new Agent({ keepAlive: true, maxSockets: 64 })
function send (url: string, o: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<Reply> {
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

/** Runs `n` calls `CONCURRENCY` at a time; prints rate and p50/p99 of what each call reports. */
async function measure (record: Recorder, name: string, n: number, call: (i: number) => Promise<number>): Promise<void> {
  const latencies: number[] = []
  let next = 0
  const t = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < n; i = next++) latencies.push(await call(i))
  }))
  const ms = performance.now() - t
  latencies.sort((a, b) => a - b)
  const p = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(1)
  record(name, `${Math.round(n / (ms / 1000)).toLocaleString('en')} /s  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  (${n}, ${CONCURRENCY} concurrent)`)
}

/** The driver under drizzle (pg Pool or PGlite: both take `query(text, params)`): the bare way in. */
const bare = (database: Database): { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> } =>
  (database.db as unknown as { $client: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> } }).$client

/** AEAD_AES_256_GCM as WeChat Pay v3 uses it: the tag is the ciphertext's last 16 bytes. */
function decryptResource (r: { ciphertext: string, nonce: string, associated_data?: string }, key: string): string {
  const data = Buffer.from(r.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(r.nonce, 'utf8'))
  decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'))
  decipher.setAuthTag(data.subarray(data.length - 16))
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8')
}

const cookieOf = (r: Reply, name: string): string | undefined =>
  ([] as string[]).concat(r.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(`${name}=`))

export async function payBench (database: Database, record: Recorder): Promise<void> {
  const logger = pino({ level: 'silent' })
  const newId = createIdGenerator()
  const sandbox = await startSandbox()
  const settings = DemoSettings.parse(await demoSettings(sandbox))
  // Notifications go to a port nobody listens on: the sandbox logs each signed, encrypted
  // notification it tried, and the bench then delivers them itself, timing each one.
  const deadUrl = 'http://127.0.0.1:9'
  const config = {
    ...loadConfig({ NODE_ENV: 'test', DATA_DIR: '/nonexistent', ...await serverEnv(sandbox), PUBLIC_URL: deadUrl, TRUST_PROXY: 'true' }),
    h5DistDir: '/nonexistent',
  }
  const { db } = database
  const services = createServices({ config, db, clock: systemClock, newId })
  const app = buildApp({ config, database, logger, clock: systemClock, newId, services })
  const server = await listen(app.callback(), { host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${server.port}`

  const identity = new IdentityService({ db, clock: systemClock, newId, sessionSecret: config.sessionSecret })
  const owner = await identity.createAccount({ login: `bench-${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex'), displayName: 'bench' })
  const tenant = await createDemoTenant({ db, clock: systemClock, newId, publicUrl: deadUrl, services }, { actor: { id: owner.id, kind: 'account' }, scope: ALL_SCOPE }, settings)

  // Customers: each scans once (OAuth through the sandbox) and pays a few times from its own address.
  const wxmpSim = `${sandbox.urls.wxmp}/__sim/wxmp`
  for (let i = 0; i < PAYERS; i++) {
    await send(`${wxmpSim}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: `顾客${i}`, phone: `139${String(10_000_000 + i)}` }) })
  }
  const users = (JSON.parse((await send(`${wxmpSim}/users`)).body) as Array<{ id: string }>).map((u) => u.id)
  const payers: Array<{ cookie: string, ip: string }> = []
  for (let i = 0; i < PAYERS; i++) {
    const ip = `10.${i >> 8}.${i & 255}.7`
    const headers = { 'user-agent': WECHAT_UA, 'x-forwarded-for': ip }
    const start = await send(`${base}/pay/auth?code=${tenant.storeCode}`, { headers })
    if (start.status !== 302 || !(start.headers.location ?? '').startsWith('http')) throw new Error(`/pay/auth: ${start.status} ${start.headers.location ?? start.body.slice(0, 200)}`)
    const authorize = new URL(start.headers.location ?? '')
    authorize.searchParams.set('sim_user', users[i % users.length] ?? '')
    const back = new URL((await send(authorize.toString())).headers.location ?? '')
    const done = await send(`${base}${back.pathname}${back.search}`, { headers })
    const cookie = cookieOf(done, 'yima_payer')
    if (cookie === undefined) throw new Error(`no payer cookie after OAuth (${done.status} ${done.body.slice(0, 200)})`)
    payers.push({ cookie, ip })
  }

  const created: Array<{ orderId: string, outTradeNo: string }> = []
  await measure(record, 'yima: POST /v1/public/pay/orders (JSAPI)', ORDERS, async (i) => {
    const payer = payers[i % PAYERS] ?? payers[0]
    if (payer === undefined) throw new Error('no payers')
    const r = await send(`${base}/v1/public/pay/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': WECHAT_UA, 'x-forwarded-for': payer.ip, cookie: payer.cookie },
      body: JSON.stringify({ code: tenant.storeCode, amountFen: 100 + i }),
    })
    if (r.status !== 200 && r.status !== 201) throw new Error(`create order: ${r.status} ${r.body.slice(0, 300)}`)
    const body = JSON.parse(r.body) as { orderId: string, outTradeNo: string }
    created.push(body)
    return r.ms
  })

  // Pay every order as its customer; the notifications fail to reach the dead URL and are logged.
  const sim = `${sandbox.urls.wxpay}/__sim`
  for (const o of created) {
    const r = await send(`${sim}/wxpay/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ out_trade_no: o.outTradeNo }) })
    if (r.status !== 200) throw new Error(`sandbox pay: ${r.status} ${r.body}`)
  }
  await send(`${sim}/idle`, { method: 'POST' })
  const attempts = JSON.parse((await send(`${sim}/notifications`)).body) as Attempt[]
  const firstByOrder = new Map<string, Attempt>()
  for (const a of attempts) {
    const id = a.url.split('/hooks/wechat_pay/')[1]
    if (id !== undefined && !firstByOrder.has(id)) firstByOrder.set(id, a)
  }
  const notifications = [...firstByOrder.entries()]
  if (notifications.length !== created.length) throw new Error(`expected ${created.length} notifications, the sandbox logged ${notifications.length}`)
  const replay = async (url: string, a: Attempt): Promise<Reply> => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(a.request.headers)) if (!['content-length', 'host', 'connection'].includes(k.toLowerCase())) headers[k] = v
    return await send(url, { method: 'POST', headers, body: a.request.body })
  }
  await measure(record, 'yima: POST /hooks/wechat_pay/:order (verify, decrypt, pay)', notifications.length, async (i) => {
    const [orderId, a] = notifications[i] ?? []
    if (orderId === undefined || a === undefined) throw new Error('no notification')
    const r = await replay(`${base}/hooks/wechat_pay/${orderId}`, a)
    if (r.status !== 204) throw new Error(`notification: ${r.status} ${r.body}`)
    return r.ms
  })
  const paid = await bare(database).query("select count(*)::int as n from orders where merchant_id = $1 and status = 'succeeded'", [tenant.merchantId])
  const paidCount = Number((paid.rows[0] as { n: number }).n)
  if (paidCount !== created.length) throw new Error(`${paidCount} of ${created.length} orders paid`)

  // The baseline: what any payment server must at least do, with nothing else around it.
  await baseline(database, record, { settings, wxpayBaseUrl: sandbox.clients.wxpay.baseUrl }, notifications.map(([, a]) => a), replay)

  agent.destroy()
  await server.close(1000)
  await sandbox.stop()
}

async function baseline (database: Database, record: Recorder, { settings, wxpayBaseUrl }: { settings: DemoSettings, wxpayBaseUrl: string }, notes: Attempt[], replay: (url: string, a: Attempt) => Promise<Reply>): Promise<void> {
  const pg = bare(database)
  await pg.query('create table if not exists bench_baseline (id text primary key, amount bigint not null, ref text)')
  const wx = settings.wechatPay
  const keys = verificationKeys({ platformCertificate: wx.platformCertificate ?? null, publicKey: wx.publicKey ?? null, publicKeyId: wx.publicKeyId ?? null })
  const client = wechatpayClient({ mchId: wx.mchId, certificateSerial: wx.certificateSerial ?? '', privateKey: wx.privateKey ?? '', platformCertificate: wx.platformCertificate ?? null, publicKey: wx.publicKey ?? null, publicKeyId: wx.publicKeyId ?? null }, wxpayBaseUrl)
  const koa = new Koa()
  let n = 0
  koa.use(async (ctx) => {
    const chunks: Buffer[] = []
    for await (const c of ctx.req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    if (ctx.path === '/create') {
      const id = `b${n++}-${randomBytes(6).toString('hex')}`
      const { data } = await client.chain('v3/pay/partner/transactions/jsapi').post({
        sp_appid: wx.officialAccountAppId,
        sp_mchid: wx.mchId,
        sub_mchid: settings.subMchId,
        description: 'bench',
        out_trade_no: id,
        notify_url: 'http://127.0.0.1:9/n',
        amount: { total: 100, currency: 'CNY' },
        payer: { sp_openid: 'oBench' },
      }) as { data: { prepay_id: string } }
      await pg.query('insert into bench_baseline (id, amount, ref) values ($1, 100, $2)', [id, data.prepay_id])
      ctx.body = { id, prepayId: data.prepay_id }
      return
    }
    const check = verifySignature(ctx.headers, raw, keys, Math.floor(Date.now() / 1000))
    if (!check.ok) { ctx.status = 401; return }
    const r = (JSON.parse(raw) as { resource: { ciphertext: string, nonce: string, associated_data?: string } }).resource
    const t = JSON.parse(decryptResource(r, wx.apiV3Key ?? '')) as { out_trade_no: string, amount: { total: number } }
    await pg.query('insert into bench_baseline (id, amount) values ($1, $2) on conflict do nothing', [`n-${t.out_trade_no}`, t.amount.total])
    ctx.status = 204
  })
  const server = await listen(koa.callback(), { host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${server.port}`
  await measure(record, 'baseline: bare Koa, signed jsapi call + 1 insert', ORDERS, async () => {
    const r = await send(`${url}/create`, { method: 'POST', body: '{}' })
    if (r.status !== 200) throw new Error(`baseline create: ${r.status} ${r.body}`)
    return r.ms
  })
  await measure(record, 'baseline: bare Koa, verify + decrypt + 1 insert', notes.length, async (i) => {
    const a = notes[i]
    if (a === undefined) throw new Error('no notification')
    const r = await replay(`${url}/notify`, a)
    if (r.status !== 204) throw new Error(`baseline notify: ${r.status}`)
    return r.ms
  })
  await server.close(1000)
  await pg.query('drop table bench_baseline')
}
