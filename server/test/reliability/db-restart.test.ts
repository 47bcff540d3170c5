import { execFileSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { CloudPayClient } from '../../src/cloudpay/client'
import { openDatabase, type Database } from '../../src/db/client'
import { orders } from '../../src/modules/payments/payment.schema'
import { reportHourly } from '../../src/modules/reports/reports.schema'
import { useChannels } from '../helpers/channels'
import { onPostgres } from '../helpers/database'
import { freePort, startInstance, type Instance } from '../helpers/instances'
import { cloudPayTenant, consoleSession, instanceEnv, scratchDatabase } from '../helpers/live-tenant'
import { WECHAT_CODE } from '../helpers/payments'
import { reliabilityCounts } from './counts'

/*
 * PostgreSQL restarts under load (issue 11 §5): a real server process serves a steady load
 * (REST micropays with Idempotency-Key, Cloud Pay micro_pay and query_order, order reads) while
 * the PostgreSQL cluster is stopped for a few seconds and started again. During the outage every
 * request must end with a clean error (REST: 5xx with the typed `{error:{type,code,message}}`
 * body; Cloud Pay: its envelope with status 3), never a hang or a dead process, and /readyz must
 * say not ready. Once PostgreSQL is back the same process serves again without a restart, the
 * requests that failed succeed when retried with the same key or number, and nothing is
 * half-written: every order has its follow-up jobs, every payment its callback and its place in
 * the rollups, and WeChat agrees with every order.
 *
 * It stops the cluster the whole machine shares: PostgreSQL only, and it always starts it again.
 */

const describeOnPostgres = onPostgres() ? describe : describe.skip
const TITLE = onPostgres()
  ? 'PostgreSQL restart during load'
  : 'PostgreSQL restart during load (skipped: needs DATABASE_URL, run by the CI\'s PostgreSQL pass)'

const WORKERS = 4
/** How long the cluster stays down. */
const OUTAGE_MS = Number(process.env.RELIABILITY_OUTAGE_MS ?? 5_000)
/** A request that takes longer than this during the outage hangs. */
const HANG_MS = 20_000
const ORDER_CLIENT = { machine_no: 'DB-RESTART-01', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** The local cluster, as `pg_lsclusters` names it (the CI image has exactly one). */
function cluster (): [string, string] {
  const version = readdirSync('/etc/postgresql').sort().at(-1)
  if (version === undefined) throw new Error('no PostgreSQL cluster under /etc/postgresql')
  return [version, 'main']
}
const pgctl = (action: 'start' | 'stop'): void => {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster(), action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'pipe' })
}
/** Starts the cluster unless it runs: other suites need it, whatever happened here. */
const ensureRunning = (): void => {
  try { pgctl('start') } catch { /* already running */ }
}

interface Outcome {
  op: string
  at: number
  ms: number
  /** ok: served; clean: a typed error; bad: a hang, a dropped connection, an untyped or unexpected answer. */
  kind: 'ok' | 'clean' | 'bad'
  detail: string
}

describeOnPostgres(TITLE, () => {
  const channels = useChannels()
  const base = process.env.DATABASE_URL ?? ''
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined
  let dataDir: string | undefined
  const env: Record<string, string> = {}
  let instance: Instance | undefined
  let database: Database | undefined
  let receiver: Server | undefined
  const callbacks = new Map<string, number>()
  const db = (): Database['db'] => (database as Database).db

  beforeAll(async () => {
    ensureRunning()
    const c = channels.get()
    const port = await freePort()
    dataDir = mkdtempSync(path.join(tmpdir(), 'yima-dbr-'))
    scratch = await scratchDatabase(base, 'yima_rel_dbr')
    receiver = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => { body += chunk })
      req.on('end', () => {
        try {
          const no = String((JSON.parse(String(JSON.parse(body).request_content)) as { order_content?: { out_trade_no?: string } }).order_content?.out_trade_no)
          callbacks.set(no, (callbacks.get(no) ?? 0) + 1)
        } catch { /* counted as missing */ }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(CloudPayClient.callbackAck())
      })
    })
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve))
    Object.assign(env, await instanceEnv(c.sandbox, { port, databaseUrl: scratch.url, dataDir }, { LOG_LEVEL: 'fatal' }))
    instance = await startInstance('db-restart', env)
    database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL as string, poolMax: 2 })
  }, 240_000)

  afterAll(async () => {
    ensureRunning()
    await instance?.stop()
    await database?.close()
    await new Promise((resolve) => receiver?.close(resolve) ?? resolve(undefined))
    await scratch?.drop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }, 120_000)

  it('answers cleanly while PostgreSQL is down and serves again, with nothing half-written, once it is back', async () => {
    const c = channels.get()
    const url = (instance as Instance).url
    const pid = (instance as Instance).pid

    // The tenant, through the instance's console API: an SP (callbacks to the receiver), a merchant, a store.
    const session = await consoleSession(url, database as Database)
    const receiverUrl = `http://127.0.0.1:${(receiver?.address() as AddressInfo).port}`
    const t = await cloudPayTenant(url, session, c, { tradeCallbackUrl: `${receiverUrl}/sp`, storeName: '重启测试店', callTimeoutMs: HANG_MS })
    const token = session.accessToken
    const merchantId = t.merchant.id
    const prefix = t.merchant.orderPrefix
    const cpay = t.client
    const mchKey = t.mchKey()

    const outcomes: Outcome[] = []
    const known: Array<{ id: string, outTradeNo: string }> = []
    /** What must be retried once PostgreSQL is back: the same key or number. */
    const unfinished: Array<() => Promise<Outcome>> = []

    /** A REST call: ok (2xx), clean (5xx with the typed error body), bad otherwise. */
    const rest = async (op: string, method: 'GET' | 'POST', route: string, body?: object, headers: Record<string, string> = {}): Promise<Outcome & { body?: any }> => {
      const at = Date.now()
      try {
        const res = await fetch(`${url}${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(HANG_MS),
        })
        const text = await res.text()
        let parsed: any
        try { parsed = JSON.parse(text) } catch { parsed = undefined }
        const typed = typeof parsed?.error?.type === 'string' && typeof parsed?.error?.code === 'string' && typeof parsed?.error?.message === 'string'
        const kind = res.status < 300 ? 'ok' : (res.status === 500 || res.status === 503) && typed ? 'clean' : 'bad'
        return { op, at, ms: Date.now() - at, kind, detail: `${res.status} ${text.slice(0, 200)}`, body: parsed }
      } catch (err) {
        return { op, at, ms: Date.now() - at, kind: 'bad', detail: String(err) }
      }
    }
    /** A Cloud Pay call: ok (status 0), clean (status 3, the facade's system error), bad otherwise. */
    const cloud = async (op: string, api: string, content: Record<string, unknown>): Promise<Outcome> => {
      const at = Date.now()
      try {
        const r = await cpay.call(api, content)
        return { op, at, ms: Date.now() - at, kind: r.status === 0 ? 'ok' : r.status === 3 ? 'clean' : 'bad', detail: `status ${r.status} ${r.description}` }
      } catch (err) {
        return { op, at, ms: Date.now() - at, kind: 'bad', detail: String(err) }
      }
    }

    let seq = 0
    const step = async (): Promise<void> => {
      const n = seq++
      const pick = n % 4
      if (pick === 0) {
        const key = randomUUID()
        const body = { storeId: t.store.id, authCode: WECHAT_CODE, amountFen: 100 + n }
        const attempt = async (): Promise<Outcome> => {
          const r = await rest('rest micropay', 'POST', '/v1/micropay', body, { 'idempotency-key': key })
          if (r.kind === 'ok') known.push({ id: r.body.id, outTradeNo: r.body.outTradeNo })
          return r
        }
        const r = await attempt()
        outcomes.push(r)
        if (r.kind !== 'ok') unfinished.push(attempt)
      } else if (pick === 1) {
        const outTradeNo = `${prefix}d${n.toString(36)}${randomBytes(3).toString('hex')}`
        const attempt = async (): Promise<Outcome> => await cloud('cpay micro_pay', 'micro_pay', {
          pay_mch_key: mchKey,
          pay_content: { out_trade_no: outTradeNo, total_fee: 100 + n, author_code: WECHAT_CODE, fee_type: 'CNY', body: '重启' },
          order_client: ORDER_CLIENT,
        })
        const r = await attempt()
        outcomes.push(r)
        if (r.kind !== 'ok') unfinished.push(attempt)
      } else if (pick === 2) {
        const o = known[Math.floor(Math.random() * known.length)]
        outcomes.push(o === undefined ? await rest('readyz', 'GET', '/readyz') : await rest('order', 'GET', `/v1/orders/${o.id}`))
      } else {
        const o = known[Math.floor(Math.random() * known.length)]
        outcomes.push(o === undefined ? await rest('readyz', 'GET', '/readyz') : await cloud('cpay query_order', 'query_order', { out_trade_no: o.outTradeNo, pay_mch_key: mchKey, order_client: ORDER_CLIENT }))
      }
    }
    const load = { running: true }
    const workers = Promise.all(Array.from({ length: WORKERS }, async () => { while (load.running) { await step(); await sleep(20) } }))

    // Steady load, then the cluster goes down for a while and comes back.
    const readiness: Array<{ at: number, status: number | string, body: string }> = []
    let stoppedAt = 0
    let startedAt = 0
    let recoveredAt = 0
    try {
      await sleep(5_000)
      stoppedAt = Date.now()
      pgctl('stop')
      while (Date.now() - stoppedAt < OUTAGE_MS) {
        const at = Date.now()
        try {
          const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(HANG_MS) })
          readiness.push({ at, status: res.status, body: await res.text() })
        } catch (err) {
          readiness.push({ at, status: String(err), body: '' })
        }
        await sleep(500)
      }
    } finally {
      startedAt = Date.now()
      ensureRunning()
    }
    // The same process becomes ready again by itself.
    for (;;) {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(HANG_MS) }).catch(() => undefined)
      if (res?.status === 200) { recoveredAt = Date.now(); break }
      if (Date.now() - startedAt > 60_000) throw new Error(`not ready 60 s after PostgreSQL started again\n${(instance as Instance).output()}`)
      await sleep(200)
    }
    await sleep(8_000)
    load.running = false
    await workers

    const violations: string[] = []
    const before = outcomes.filter((o) => o.at + o.ms < stoppedAt)
    const during = outcomes.filter((o) => o.at < recoveredAt && o.at + o.ms >= stoppedAt)
    const after = outcomes.filter((o) => o.at >= recoveredAt)
    for (const o of before) if (o.kind !== 'ok') violations.push(`before the outage: ${o.op} ${o.detail}`)
    for (const o of during) if (o.kind === 'bad') violations.push(`during the outage: ${o.op} after ${o.ms} ms: ${o.detail}`)
    for (const o of after) if (o.kind !== 'ok') violations.push(`after recovery: ${o.op} ${o.detail}`)
    for (const r of readiness) {
      if (r.status !== 503 || !r.body.includes('"database":"unreachable"')) violations.push(`/readyz during the outage: ${r.status} ${r.body}`)
    }
    if ((await Promise.race([(instance as Instance).exited, sleep(10).then(() => 'alive')])) !== 'alive') violations.push('the server process died')
    if ((instance as Instance).pid !== pid) violations.push('the server was restarted')

    // The requests that failed, again with the same key or number: each becomes one order. A key
    // whose request died with the database stays in flight until its lease lapses (60 s): 409, later.
    const retryUntil = Date.now() + 120_000
    let inFlight = 0
    for (const attempt of unfinished) {
      let r = await attempt()
      while (r.kind !== 'ok' && Date.now() < retryUntil) {
        if (r.detail.includes('idempotency_key_in_flight')) inFlight++
        await sleep(1_000)
        r = await attempt()
      }
      if (r.kind !== 'ok') violations.push(`retried after recovery: ${r.op} ${r.detail}`)
    }

    // The poll jobs settle every micropay (WeChat answered SUCCESS to each create that reached it).
    const settleBegan = Date.now()
    for (;;) {
      const [row] = (await db().execute(sql`select count(*)::int as n from orders where status in ('created', 'pending')`)).rows
      const [jobs] = (await db().execute(sql`select count(*)::int as n from outbox_jobs where (status = 'pending' and next_attempt_at <= now()) or status = 'running'`)).rows
      if (Number(row?.n) === 0 && Number(jobs?.n) === 0) break
      if (Date.now() - settleBegan > 180_000) { violations.push(`not settled: ${String(row?.n)} open orders, ${String(jobs?.n)} due jobs`); break }
      await sleep(1_000)
    }

    // Nothing half-written.
    const half = (await db().execute(sql`select o.out_trade_no, o.status from orders o
      where not exists (select 1 from outbox_jobs j where j.topic = 'payments.micropay_poll' and j.dedupe_key = o.id)
         or not exists (select 1 from outbox_jobs j where j.topic = 'payments.reconcile' and j.dedupe_key = o.id || ':expire')`)).rows
    for (const r of half) violations.push(`${String(r.out_trade_no)} (${String(r.status)}) has no follow-up jobs`)
    const noCallback = (await db().execute(sql`select o.out_trade_no from orders o where o.status = 'succeeded'
      and not exists (select 1 from payment_callbacks p where p.order_id = o.id and p.event = 'paid')`)).rows
    for (const r of noCallback) violations.push(`${String(r.out_trade_no)} paid without its callback`)
    const local = await db().select().from(orders).where(eq(orders.merchantId, merchantId))
    const succeeded = local.filter((o) => o.status === 'succeeded')
    const [rollup] = await db().select({ n: sql<number>`coalesce(sum(${reportHourly.tradeCount}), 0)::int`, fen: sql<number>`coalesce(sum(${reportHourly.tradeFen}), 0)::bigint` })
      .from(reportHourly).where(eq(reportHourly.merchantId, merchantId))
    if (Number(rollup?.n) !== succeeded.length || Number(rollup?.fen) !== succeeded.reduce((s, o) => s + o.amountFen, 0)) {
      violations.push(`rollups ${String(rollup?.n)} / ${String(rollup?.fen)}, orders ${succeeded.length} / ${succeeded.reduce((s, o) => s + o.amountFen, 0)}`)
    }
    // Every step used its own amount: two orders with one amount are one request run twice.
    const amounts = new Map<number, string[]>()
    for (const o of local) amounts.set(o.amountFen, [...amounts.get(o.amountFen) ?? [], `${o.outTradeNo} ${o.status}`])
    for (const [fen, list] of amounts) if (list.length > 1) violations.push(`one request, ${list.length} orders (${fen} fen): ${list.join(', ')}`)
    const wx = new Map((await c.sim<Array<{ out_trade_no: string, trade_state: string }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body.map((o) => [o.out_trade_no, o.trade_state]))
    for (const o of local) {
      const paid = wx.get(o.outTradeNo) === 'SUCCESS'
      if (paid !== (o.status === 'succeeded')) violations.push(`${o.outTradeNo}: ${o.status} here, ${wx.get(o.outTradeNo) ?? 'unknown'} at WeChat`)
    }
    const deadline = Date.now() + 60_000
    while (succeeded.some((o) => (callbacks.get(o.outTradeNo) ?? 0) < 1) && Date.now() < deadline) await sleep(500)
    for (const o of succeeded) if ((callbacks.get(o.outTradeNo) ?? 0) < 1) violations.push(`${o.outTradeNo}: paid, no callback received`)

    const count = (list: Outcome[], kind: Outcome['kind']): number => list.filter((o) => o.kind === kind).length
    console.log([
      `db-restart: ${outcomes.length} requests; cluster down ${((startedAt - stoppedAt) / 1000).toFixed(1)} s, ready again ${((recoveredAt - startedAt) / 1000).toFixed(1)} s after it started`,
      `  before: ${before.length} (${count(before, 'ok')} ok); during: ${during.length} (${count(during, 'ok')} ok, ${count(during, 'clean')} clean errors, ${count(during, 'bad')} bad, slowest ${Math.max(0, ...during.map((o) => o.ms))} ms); after: ${after.length} (${count(after, 'ok')} ok)`,
      `  /readyz during the outage: ${readiness.map((r) => r.status).join(' ')}; ${unfinished.length} failed payments retried (${inFlight} answers 409 in flight meanwhile); ${local.length} orders, ${succeeded.length} paid`,
      ...violations.slice(0, 30).map((v) => `  VIOLATION ${v}`),
    ].join('\n'))
    reliabilityCounts.add('violations', violations.length)
    expect(violations).toEqual([])
    expect(count(during, 'clean')).toBeGreaterThan(0)
    expect(readiness.length).toBeGreaterThan(0)
  }, 10 * 60_000)
})
