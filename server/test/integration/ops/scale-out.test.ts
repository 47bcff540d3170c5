import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inArray, sql } from 'drizzle-orm'
import pg from 'pg'
import { createIdGenerator, fen } from '@yima/shared'
import { systemClock } from '../../../src/clock'
import { loadConfig } from '../../../src/config'
import { openDatabase, type Database } from '../../../src/db/client'
import { MIGRATIONS_DIR } from '../../../src/db/migrate'
import { outboxDeliveries, outboxJobs } from '../../../src/outbox'
import { TRADE_CALLBACK_TOPIC } from '../../../src/modules/payments/callbacks/callbacks.service'
import { insertOrder } from '../../../src/modules/payments/payment.repo'
import { paymentCallbacks } from '../../../src/modules/payments/payment.schema'
import { merchantSecretContext } from '../../../src/modules/tenancy/merchants.service'
import { merchants, serviceProviders } from '../../../src/modules/tenancy/tenancy.schema'
import { createServices, type Services } from '../../../src/services'
import { onPostgres } from '../../helpers/database'
import { startInstance, type Instance } from '../../helpers/instances'
import { withDatabaseName } from '../../helpers/postgres'

/*
 * Scale-out (issue 11, O4): two real server processes (server/src/main.ts, as `npm start -w server`
 * runs it) against one PostgreSQL database that starts out empty. PostgreSQL only: the CI's
 * PostgreSQL pass (`DATABASE_URL=… npm run test:integration`) runs it; without DATABASE_URL it is
 * skipped. About a minute, most of it waiting for the leases of a killed instance to lapse.
 *
 * The jobs are trade-complete callbacks (the payments.trade_callback topic, its real handler) to
 * a receiver in this test, one URL per callback, so each run of a job is counted where it lands.
 * The instances run with NODE_ENV=test, whose URL policy allows http://127.0.0.1.
 */

const describeOnPostgres = onPostgres() ? describe : describe.skip
const TITLE = onPostgres()
  ? 'two server instances on one PostgreSQL'
  : 'two server instances on one PostgreSQL (skipped: needs DATABASE_URL, run by the CI\'s PostgreSQL pass)'

const ACK = JSON.stringify({ response_content: JSON.stringify({ status: 0, description: '操作成功。' }) })
const newId = createIdGenerator()
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Polls `check` until it returns true. */
async function until (what: string, check: () => Promise<boolean>, timeoutMs: number, explain: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}\n${explain()}`)
}

/** Plays every callback receiver: counts the requests per path and acknowledges each after `delayMs`. */
const receiver = {
  server: undefined as Server | undefined,
  url: '',
  hits: new Map<string, number>(),
  delayMs: 0,
}

describeOnPostgres(TITLE, () => {
  // Jest runs this body even when the block is skipped: nothing here may need DATABASE_URL.
  const base = process.env.DATABASE_URL ?? ''
  const dbName = `yima_t_scale_${randomBytes(4).toString('hex')}`
  let dataDir: string | undefined
  /** The instances' environment, and the test's own: the same database and keys. */
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_POOL_MAX: '5',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'warn',
    // Small batches, polled often: both workers get a share of every wave.
    OUTBOX_BATCH_SIZE: '5',
    OUTBOX_POLL_MS: '50',
    SHUTDOWN_TIMEOUT_MS: '2000',
  }
  let a: Instance | undefined
  let b: Instance | undefined
  let database: Database | undefined
  let services: Services | undefined
  let merchantId = ''
  let spId = ''

  const db = (): Database['db'] => (database as Database).db
  const both = (): [Instance, Instance] => [a as Instance, b as Instance]
  const logs = (): string => [a, b].map((i) => i === undefined ? '' : `--- ${i.name} (pid ${i.pid}) ---\n${i.output()}`).join('\n')
  const pidOf = (worker: string): number => Number(worker.split(':').at(-2))

  beforeAll(async () => {
    env.DATABASE_URL = withDatabaseName(base, dbName)
    env.DATA_DIR = dataDir = mkdtempSync(path.join(tmpdir(), 'yima-scale-'))
    await admin(base, `create database "${dbName}"`)
    receiver.server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const key = req.url ?? ''
        receiver.hits.set(key, (receiver.hits.get(key) ?? 0) + 1)
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(ACK)
        }, receiver.delayMs)
      })
    })
    await new Promise<void>((resolve) => receiver.server?.listen(0, '127.0.0.1', resolve))
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`

    // Both at once, on the empty database: they race to migrate it.
    const started = await Promise.allSettled([startInstance('A', env), startInstance('B', env)])
    ;[a, b] = started.map((s) => s.status === 'fulfilled' ? s.value : undefined)
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed !== undefined) throw failed.reason

    database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolMax: 5 })
    // The same services the instances run, for the rows a test needs (same keys: same env).
    services = createServices({ config: loadConfig(env), db: database.db, clock: systemClock, newId })
    const now = new Date()
    spId = newId('sp')
    await database.db.insert(serviceProviders).values({
      id: spId, ownerAccountId: newId('acc'), outMchId: randomBytes(10).toString('hex'), name: '扩容测试服务商', shortName: '扩容', adminName: '测试', adminPhone: '13800000000', createdAt: now, updatedAt: now,
    })
    merchantId = newId('mch')
    await database.db.insert(merchants).values({
      id: merchantId,
      spId,
      outSubMchId: randomBytes(10).toString('hex'),
      orderPrefix: randomBytes(4).toString('hex'),
      name: '扩容测试商户',
      shortName: '扩容',
      adminName: '测试',
      adminEmail: 'scale@example.com',
      wxSubMchId: '1900000109',
      authenKeySealed: services.box.seal(randomBytes(16).toString('hex'), merchantSecretContext(merchantId, 'authen_key')),
      verifyPublicKey: 'unused',
      createdAt: now,
      updatedAt: now,
    })
  }, 240_000)

  afterAll(async () => {
    await Promise.all([a, b].map(async (i) => { await i?.stop() }))
    await database?.close()
    await new Promise((resolve) => receiver.server?.close(resolve) ?? resolve(undefined))
    await admin(base, `drop database if exists "${dbName}" with (force)`)
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  /** `n` paid orders, each with one trade callback to its own receiver path; their job ids. */
  async function paidOrdersWithCallbacks (n: number): Promise<string[]> {
    const s = services as Services
    const now = new Date()
    return await db().transaction(async (tx) => {
      const jobIds: string[] = []
      for (let i = 0; i < n; i++) {
        const id = newId('ord')
        const order = await insertOrder(tx, {
          id,
          spId,
          merchantId,
          sourceType: 'one_code',
          tradeType: 'one_code',
          payPlatform: 'wechat_pay',
          method: 'wechat_jsapi',
          outTradeNo: `scale${id.slice(4)}`,
          amountFen: fen(100 + i),
          status: 'succeeded',
          description: '扩容测试',
          channelTxnId: `4200${id.slice(-20)}`,
          callbackUrl: `${receiver.url}/cb/${id}`,
          paidAt: now,
          expiresAt: new Date(now.getTime() + 15 * 60_000),
          createdAt: now,
          updatedAt: now,
        })
        if (order === undefined) throw new Error('order not written')
        const [callback] = await s.callbacks.enqueue(tx, { order, event: 'paid' })
        if (callback?.jobId == null) throw new Error('callback job not written')
        jobIds.push(callback.jobId)
      }
      return jobIds
    })
  }

  const jobsOf = async (ids: string[]) => await db().select().from(outboxJobs).where(inArray(outboxJobs.id, ids))
  const deliveriesOf = async (ids: string[]) => await db().select().from(outboxDeliveries).where(inArray(outboxDeliveries.jobId, ids))
  const hitsFor = async (jobIds: string[]): Promise<Map<string, number>> => {
    const rows = await db().select({ jobId: paymentCallbacks.jobId, url: paymentCallbacks.url }).from(paymentCallbacks).where(inArray(paymentCallbacks.jobId, jobIds))
    return new Map(rows.map((r) => [r.jobId as string, receiver.hits.get(new URL(r.url).pathname) ?? 0]))
  }
  const allDone = async (ids: string[]): Promise<boolean> => {
    const [row] = (await db().execute(sql`select count(*)::int as n from outbox_jobs where id in ${ids} and status = 'done'`)).rows
    return Number(row?.n) === ids.length
  }

  it('both start on one empty database at once; the schema is migrated exactly once', async () => {
    for (const i of both()) {
      const res = await fetch(`${i.url}/readyz`)
      expect({ instance: i.name, status: res.status, body: await res.json() })
        .toEqual({ instance: i.name, status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', shuttingDown: false } } })
    }
    const journal = (JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }).entries
    const applied = (await db().execute(sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at`)).rows
    expect(applied).toHaveLength(journal.length)
    expect(applied.map((r) => Number(r.created_at))).toEqual(journal.map((e) => e.when))
    expect(new Set(applied.map((r) => r.hash)).size).toBe(journal.length)
  })

  it('keeps a session valid on every instance, and a logout on one is refused by the other', async () => {
    const [A, B] = both()
    const login = `scale-${randomBytes(3).toString('hex')}`
    const password = `pw-${randomBytes(8).toString('hex')}`
    await (services as Services).identity.createAccount({ login, password, displayName: '扩容测试' })
    const call = async (i: Instance, method: 'GET' | 'POST', route: string, o: { token?: string, body?: object } = {}) => {
      const res = await fetch(`${i.url}${route}`, {
        method,
        headers: { ...(o.token === undefined ? {} : { authorization: `Bearer ${o.token}` }), ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      })
      const text = await res.text()
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
    }

    const signedIn = await call(A, 'POST', '/v1/auth/login', { body: { login, password } })
    expect(signedIn.status).toBe(200)
    const first = signedIn.body as { accessToken: string, refreshToken: string, account: { id: string } }
    expect(await call(B, 'GET', '/v1/auth/me', { token: first.accessToken })).toMatchObject({ status: 200, body: { id: first.account.id, login } })
    // Refreshed on B, the new pair works on A.
    const refreshed = await call(B, 'POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })
    expect(refreshed.status).toBe(200)
    const second = refreshed.body as { accessToken: string, refreshToken: string }
    expect((await call(A, 'GET', '/v1/auth/me', { token: second.accessToken })).status).toBe(200)

    expect((await call(B, 'POST', '/v1/auth/logout', { token: second.accessToken })).status).toBe(204)
    for (const token of [second.accessToken, first.accessToken]) {
      expect(await call(A, 'GET', '/v1/auth/me', { token })).toMatchObject({ status: 401 })
      expect(await call(B, 'GET', '/v1/auth/me', { token })).toMatchObject({ status: 401 })
    }
    expect((await call(A, 'POST', '/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401)
  })

  it('runs every job exactly once while both instances drain the outbox', async () => {
    const [A, B] = both()
    receiver.delayMs = 10
    const ids = await paidOrdersWithCallbacks(300)
    await until('both instances have delivered all 300 callbacks', async () => await allDone(ids), 120_000, logs)

    const jobs = await jobsOf(ids)
    expect(jobs.filter((j) => j.topic !== TRADE_CALLBACK_TOPIC || j.status !== 'done' || j.attempts !== 1)).toEqual([])
    const deliveries = await deliveriesOf(ids)
    expect(deliveries).toHaveLength(ids.length)
    expect(new Set(deliveries.map((d) => d.jobId)).size).toBe(ids.length)
    expect(deliveries.every((d) => d.attempt === 1 && d.outcome === 'succeeded')).toBe(true)
    // Counted where the requests land: each callback URL was called exactly once.
    const hits = await hitsFor(ids)
    expect(hits.size).toBe(ids.length)
    expect([...hits.entries()].filter(([, n]) => n !== 1)).toEqual([])
    const callbacks = await db().select().from(paymentCallbacks).where(inArray(paymentCallbacks.jobId, ids))
    expect(callbacks.every((c) => c.status === 'delivered' && c.attempts === 1)).toBe(true)

    // Both really took part.
    const byInstance = new Map<number, number>()
    for (const d of deliveries) byInstance.set(pidOf(d.worker), (byInstance.get(pidOf(d.worker)) ?? 0) + 1)
    expect(new Set(byInstance.keys())).toEqual(new Set([A.pid, B.pid]))
    expect(Math.min(...byInstance.values())).toBeGreaterThan(0)
  }, 180_000)

  it('finishes the jobs of an instance killed mid-drain once their leases lapse, and no other job runs twice', async () => {
    const [A, B] = both()
    // Slow receivers, so B dies with callbacks in hand and most of the wave still queued.
    receiver.delayMs = 400
    const ids = await paidOrdersWithCallbacks(100)
    const holdsJobs = sql`status = 'running' and locked_by like ${`%:${B.pid}:%`}`
    await until('instance B holds callbacks', async () => {
      const [row] = (await db().execute(sql`select count(*)::int as n from outbox_jobs where id in ${ids} and ${holdsJobs}`)).rows
      return Number(row?.n) > 0
    }, 60_000, logs)
    await B.kill('SIGKILL')
    const killedAt = new Date()
    expect(await B.exited).toEqual({ code: null, signal: 'SIGKILL' })

    // What B was running when it died: nobody will finish or release these but the lease.
    const orphans = await db().select().from(outboxJobs).where(sql`id in ${ids} and ${holdsJobs}`)
    expect(orphans.length).toBeGreaterThan(0)
    const orphanIds = new Set(orphans.map((j) => j.id))
    // The lease is twice the callback handler's 15 s limit, not the longest limit of any topic.
    for (const j of orphans) expect((j.lockedUntil as Date).getTime() - killedAt.getTime()).toBeLessThanOrEqual(30_000)

    await until('instance A has finished every callback of the wave, B\'s included', async () => await allDone(ids), 150_000, logs)
    const jobs = await jobsOf(ids)
    const deliveries = await deliveriesOf(ids)
    const hits = await hitsFor(ids)
    for (const job of jobs) {
      const mine = deliveries.filter((d) => d.jobId === job.id)
      if (orphanIds.has(job.id)) {
        // B's attempt 1 left no record (it died first); A took the job over once the lease lapsed.
        const orphan = orphans.find((o) => o.id === job.id)
        expect({ attempts: job.attempts, by: mine.map((d) => [d.attempt, pidOf(d.worker)]) }).toEqual({ attempts: 2, by: [[2, A.pid]] })
        expect((mine[0] as (typeof mine)[number]).startedAt.getTime()).toBeGreaterThanOrEqual((orphan?.lockedUntil as Date).getTime())
        // At least once: B may or may not have reached the receiver before it died.
        expect([1, 2]).toContain(hits.get(job.id))
      } else {
        expect({ id: job.id, attempts: job.attempts, deliveries: mine.length, hits: hits.get(job.id) }).toEqual({ id: job.id, attempts: 1, deliveries: 1, hits: 1 })
      }
    }
    // Whatever B had not finished before it died, A did.
    expect(deliveries.filter((d) => d.startedAt.getTime() > killedAt.getTime()).every((d) => pidOf(d.worker) === A.pid)).toBe(true)
    expect((await db().select().from(paymentCallbacks).where(inArray(paymentCallbacks.jobId, ids))).every((c) => c.status === 'delivered')).toBe(true)
    // The survivor serves on.
    await A.waitReady(10_000)
  }, 240_000)
})

async function admin (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}
