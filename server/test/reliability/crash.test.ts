import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { CloudPayClient, type CloudPayResponse } from '../../src/cloudpay/client'
import { openDatabase, type Database } from '../../src/db/client'
import { orders, paymentIncidents, refunds } from '../../src/modules/payments/payment.schema'
import { reportHourly } from '../../src/modules/reports/reports.schema'
import { useChannels } from '../helpers/channels'
import { onPostgres } from '../helpers/database'
import { freePort, startInstance, type Instance } from '../helpers/instances'
import { cloudPayTenant, consoleSession, instanceEnv, scratchDatabase, type CloudPayTenant } from '../helpers/live-tenant'
import { WECHAT_CODE } from '../helpers/payments'
import { reliabilityCounts } from './counts'

/*
 * SIGKILL during load (issue 11 §5): one real server process (server/src/main.ts) on a fresh
 * PostgreSQL database and the in-process sandbox, under a load of Cloud Pay payments: micropays
 * (some of them still USERPAYING when the kill lands), JSAPI orders paid in the sandbox (so WeChat
 * notifies), refunds of some paid orders. The server is SIGKILLed at random points of the load
 * and restarted on the same address (PUBLIC_URL names the port: WeChat's retried notifications
 * must reach the new process). The load driver retries a failed call with the same out_trade_no,
 * as a Cloud Pay client does. Then the jobs run out in real time, and the sandbox's truth and the
 * database must agree: no paid order lost, nothing counted twice, every callback delivered, every
 * micropay ended. PostgreSQL only; a few minutes.
 */

const describeOnPostgres = onPostgres() ? describe : describe.skip
const TITLE = onPostgres()
  ? 'SIGKILL during load'
  : 'SIGKILL during load (skipped: needs DATABASE_URL, run by the CI\'s PostgreSQL pass)'

const PAYMENTS = Number(process.env.RELIABILITY_PAYMENTS ?? 1000)
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6)
const CONCURRENCY = 12
const MICROPAY_SHARE = 0.4
const REFUND_SHARE = 0.2
/** The sandbox's test customer. */
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'
const ORDER_CLIENT = { machine_no: '32-62-A8-14-B3-C0', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }
/** Gives up on one client call after this long (the server is down a few seconds per kill). */
const CALL_DEADLINE_MS = 180_000
const SETTLE_TIMEOUT_MS = Number(process.env.RELIABILITY_SETTLE_MS ?? 8 * 60_000)

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** A deterministic pseudo-random sequence: a failure can be replayed with the same seed. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

/** Plays the SP's callback server: verifies each envelope and counts it by order or refund number. */
const receiver = {
  server: undefined as Server | undefined,
  url: '',
  client: undefined as CloudPayClient | undefined,
  paid: new Map<string, number>(),
  refunded: new Map<string, number>(),
  unverified: 0,
}

describeOnPostgres(TITLE, () => {
  // Jest runs this body even when the block is skipped: nothing here may need DATABASE_URL.
  const channels = useChannels()
  const base = process.env.DATABASE_URL ?? ''
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined
  let dataDir: string | undefined
  const env: Record<string, string> = {}
  let instance: Instance | undefined
  let database: Database | undefined
  const db = (): Database['db'] => (database as Database).db

  beforeAll(async () => {
    const c = channels.get()
    const port = await freePort()
    dataDir = mkdtempSync(path.join(tmpdir(), 'yima-crash-'))
    scratch = await scratchDatabase(base, 'yima_rel_crash')
    Object.assign(env, await instanceEnv(c.sandbox, { port, databaseUrl: scratch.url, dataDir }, { LOG_LEVEL: 'error' }))
    receiver.server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => { body += chunk })
      req.on('end', () => {
        try {
          const { content } = (receiver.client as CloudPayClient).readCallback(body)
          const count = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1) }
          const order = content.order_content as { out_trade_no?: string } | undefined
          if (order?.out_trade_no !== undefined) count(receiver.paid, order.out_trade_no)
          for (const r of (content.refund_order_content ?? []) as Array<{ out_refund_no: string }>) count(receiver.refunded, r.out_refund_no)
        } catch {
          receiver.unverified++
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(CloudPayClient.callbackAck('操作成功。'))
      })
    })
    await new Promise<void>((resolve) => receiver.server?.listen(0, '127.0.0.1', resolve))
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`
    instance = await startInstance('crash-0', env)
    database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL as string, poolMax: 4 })
  }, 240_000)

  afterAll(async () => {
    await instance?.stop()
    await database?.close()
    await new Promise((resolve) => receiver.server?.close(resolve) ?? resolve(undefined))
    await scratch?.drop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  /** The console, as the SP's operator uses it, on the instance: an SP whose callback URL is the receiver, a merchant, a store. */
  async function tenant (): Promise<CloudPayTenant> {
    const url = (instance as Instance).url
    const session = await consoleSession(url, database as Database)
    const t = await cloudPayTenant(url, session, channels.get(), { tradeCallbackUrl: `${receiver.url}/sp`, storeName: '收银一号店', callTimeoutMs: 30_000 })
    receiver.client = t.client
    return t
  }

  it('loses no paid order, doubles nothing and delivers every callback across SIGKILLs and restarts', async () => {
    const c = channels.get()
    const random = rng(Number(process.env.RELIABILITY_SEED ?? 20261124))
    const t = await tenant()
    const tag = Date.now().toString(36).slice(-5)
    const began = Date.now()
    const stats = { retries: 0, micropays: 0, jsapi: 0, paidInSandbox: 0, refundsAsked: 0, refusedRefunds: [] as string[], failedCalls: [] as string[] }

    /** A Cloud Pay call, repeated as a client would (same content, same number) until the server answers it. */
    const cpay = async (api: string, content: Record<string, unknown>): Promise<CloudPayResponse<Record<string, any>>> => {
      const deadline = Date.now() + CALL_DEADLINE_MS
      let last = ''
      for (;;) {
        try {
          const r = await t.client.call<Record<string, any>>(api, content)
          // 3: a system error (the database went away under the request): the same call again.
          if (r.status !== 3) return r
          last = `status 3 ${r.description}`
        } catch (err) {
          last = String(err)
        }
        if (Date.now() > deadline) throw new Error(`${api} kept failing for ${CALL_DEADLINE_MS} ms: ${last}`)
        stats.retries++
        await sleep(300 + Math.floor(random() * 700))
      }
    }

    const statusOf = async (outTradeNo: string): Promise<string | undefined> =>
      (await db().select({ status: orders.status }).from(orders).where(eq(orders.outTradeNo, outTradeNo)))[0]?.status

    /** Refunds part of a paid order once yima knows it is paid (a notification may still be on its way). */
    const refundLater = async (outTradeNo: string, fee: number): Promise<void> => {
      // A lost notification is found by the first check a minute after the order was made.
      const deadline = Date.now() + 100_000
      while (await statusOf(outTradeNo) !== 'succeeded') {
        if (Date.now() > deadline) return
        await sleep(1_500)
      }
      stats.refundsAsked++
      const amount = 1 + Math.floor(random() * fee)
      const r = await cpay('refund', {
        pay_mch_key: t.mchKey(),
        refund_content: { out_trade_no: outTradeNo, out_refund_no: `${outTradeNo}r`, total_fee: fee, refund_fee: amount, refund_fee_type: 'CNY' },
        order_client: ORDER_CLIENT,
      })
      if (r.status !== 0) stats.refusedRefunds.push(`${outTradeNo}: ${r.status} ${r.description}`)
    }

    const refundTasks: Array<Promise<void>> = []
    const payment = async (i: number): Promise<void> => {
      const outTradeNo = `${t.merchant.orderPrefix}${tag}${i.toString(36)}`
      const fee = 100 + i
      let paid = false
      if (random() < MICROPAY_SHARE) {
        stats.micropays++
        const roll = random()
        // What the customer does: pays at once, types the password for a while, never confirms, or cannot pay.
        const script = roll < 0.5
          ? { result: 'SUCCESS' }
          : roll < 0.8
            ? { result: 'USERPAYING_THEN_SUCCESS', finish_after_seconds: 2 + Math.floor(random() * 25) }
            : roll < 0.9 ? { result: 'USERPAYING_TIMEOUT' } : { result: 'PAYERROR' }
        await c.sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', script)
        await cpay('micro_pay', {
          pay_mch_key: t.mchKey(),
          pay_content: { out_trade_no: outTradeNo, total_fee: fee, author_code: WECHAT_CODE, fee_type: 'CNY', body: '收银' },
          order_client: ORDER_CLIENT,
        })
        paid = script.result === 'SUCCESS' || script.result === 'USERPAYING_THEN_SUCCESS'
      } else {
        stats.jsapi++
        await cpay('official_account_pay', {
          trade_type: 3,
          pay_mch_key: t.mchKey({ wxpay_pay_mch_key_ext: { open_id: OPENID } }),
          pay_content: { out_trade_no: outTradeNo, total_fee: fee, body: '一码付' },
          order_client: ORDER_CLIENT,
        })
        // Most customers pay; WeChat then notifies the order's hook on the instance (alive or not).
        if (random() < 0.85) {
          const r = await c.sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: outTradeNo })
          paid = r.status === 200
          if (paid) stats.paidInSandbox++
        }
      }
      if (paid && random() < REFUND_SHARE) refundTasks.push(refundLater(outTradeNo, fee))
    }

    // The load, with the refunds WeChat settles now and then (REFUND.SUCCESS notifications).
    /** Shared with the kill and settle loops: how far the load is, and whether it is over. */
    const run = { started: 0, done: false }
    const settler = (async () => {
      while (!run.done) {
        await c.sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', {}).catch(() => {})
        await sleep(2_000)
      }
    })()
    // Kill points: random payments between 5 % and 90 % of the load.
    const points = Array.from({ length: KILLS }, () => Math.floor(PAYMENTS * (0.05 + 0.85 * random()))).sort((a, b) => a - b)
    let kills = 0
    const downtimes: number[] = []
    const killer = (async () => {
      for (const point of points) {
        while (run.started < point && !run.done) await sleep(20)
        if (run.done) return
        // Somewhere inside whatever is in flight at that point.
        await sleep(Math.floor(random() * 1_500))
        const down = Date.now()
        await (instance as Instance).kill('SIGKILL')
        kills++
        instance = await startInstance(`crash-${kills}`, env)
        downtimes.push(Date.now() - down)
      }
    })()
    let next = 0
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++
        if (i >= PAYMENTS) return
        run.started = next
        try {
          await payment(i)
        } catch (err) {
          stats.failedCalls.push(String(err))
        }
      }
    }
    let loadMs = 0
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      loadMs = Date.now() - began
      await Promise.all(refundTasks)
    } finally {
      run.done = true
      await killer
      await settler
    }
    await (instance as Instance).waitReady()

    // The jobs run out in real time: micropay polls and reversals, lost notifications found by the
    // first check, refunds synced, callbacks retried. Nothing is advanced by hand.
    const settleBegan = Date.now()
    const open = async (): Promise<Record<string, number>> => {
      const [row] = (await db().execute(sql`select
        (select count(*)::int from orders where method = 'wechat_micropay' and status in ('created', 'pending')) as micropays,
        (select count(*)::int from refunds where status = 'processing') as refunds,
        (select count(*)::int from outbox_jobs where (status = 'pending' and next_attempt_at <= now()) or status = 'running') as jobs`)).rows
      return { micropays: Number(row?.micropays), refunds: Number(row?.refunds), jobs: Number(row?.jobs) }
    }
    let left = await open()
    while (Object.values(left).some((n) => n > 0)) {
      if (Date.now() - settleBegan > SETTLE_TIMEOUT_MS) {
        const stuck = (await db().execute(sql`select o.out_trade_no, o.status, o.created_at, o.updated_at, j.topic, j.status as job, j.attempts, j.next_attempt_at, j.last_error
          from orders o left join outbox_jobs j on j.payload->>'orderId' = o.id
          where o.method = 'wechat_micropay' and o.status in ('created', 'pending') order by o.id`)).rows
        throw new Error(`not settled after ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify(left)}\n${JSON.stringify(stuck, null, 1)}\n${(instance as Instance).output().slice(-4000)}`)
      }
      await c.sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', {})
      await c.sim('wxpay', 'POST', '/__sim/idle')
      await sleep(2_000)
      left = await open()
    }
    const settleMs = Date.now() - settleBegan

    // The truth: what WeChat holds, against the database.
    const wx = new Map((await c.sim<Array<{ out_trade_no: string, trade_state: string, refunds: Array<{ out_refund_no: string, status: string, amount: { refund: number } }> }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body
      .filter((o) => o.out_trade_no.startsWith(`${t.merchant.orderPrefix}${tag}`))
      .map((o) => [o.out_trade_no, o]))
    const local = await db().select().from(orders).where(eq(orders.merchantId, t.merchant.id))
    const localRefunds = await db().select().from(refunds).where(eq(refunds.merchantId, t.merchant.id))
    const incidents = await db().select().from(paymentIncidents)
    const violations: string[] = []
    const byNo = new Map(local.map((o) => [o.outTradeNo, o]))
    for (const [no, w] of wx) if (!byNo.has(no)) violations.push(`${no}: at WeChat (${w.trade_state}), unknown here`)
    for (const o of local) {
      const w = wx.get(o.outTradeNo)
      const paid = w?.trade_state === 'SUCCESS' || w?.trade_state === 'REFUND'
      if (paid && o.status !== 'succeeded' && !incidents.some((i) => i.orderId === o.id && i.kind === 'late_success')) violations.push(`${o.outTradeNo}: paid at WeChat, ${o.status} here without an incident`)
      if (o.status === 'succeeded' && !paid) violations.push(`${o.outTradeNo}: succeeded here, ${w?.trade_state ?? 'unknown'} at WeChat`)
      if (o.method === 'wechat_micropay' && (o.status === 'created' || o.status === 'pending')) violations.push(`${o.outTradeNo}: micropay still ${o.status}`)
      // Refunds: the same ones, for the same money, in the same state; the order's refunded sum is theirs.
      const mine = localRefunds.filter((r) => r.orderId === o.id)
      const theirs = w?.refunds ?? []
      for (const r of mine) {
        const at = theirs.find((x) => x.out_refund_no === r.outRefundNo)
        if (at === undefined) { if (r.status !== 'failed') violations.push(`${r.outRefundNo}: ${r.status} here, unknown at WeChat`); continue }
        if (at.amount.refund !== r.amountFen) violations.push(`${r.outRefundNo}: ${r.amountFen} here, ${at.amount.refund} at WeChat`)
        if ((at.status === 'SUCCESS') !== (r.status === 'succeeded')) violations.push(`${r.outRefundNo}: ${r.status} here, ${at.status} at WeChat`)
      }
      for (const x of theirs) if (!mine.some((r) => r.outRefundNo === x.out_refund_no)) violations.push(`${x.out_refund_no}: refunded at WeChat, unknown here`)
      const refundedHere = mine.filter((r) => r.status !== 'failed').reduce((s, r) => s + r.amountFen, 0)
      const refundedThere = theirs.filter((x) => x.status !== 'CLOSED' && x.status !== 'ABNORMAL').reduce((s, x) => s + x.amount.refund, 0)
      if (o.refundedFen !== refundedHere || refundedHere !== refundedThere) violations.push(`${o.outTradeNo}: refunded_fen ${o.refundedFen}, refunds ${refundedHere}, WeChat ${refundedThere}`)
      // At least once: every payment and every refund reached the SP's callback URL.
      if (o.status === 'succeeded' && (receiver.paid.get(o.outTradeNo) ?? 0) < 1) violations.push(`${o.outTradeNo}: paid, no callback received`)
    }
    // An incident says money arrived after the end: it must be true.
    for (const i of incidents) {
      const o = local.find((x) => x.id === i.orderId)
      const state = o === undefined ? undefined : wx.get(o.outTradeNo)?.trade_state
      if (i.kind !== 'late_success' || (state !== 'SUCCESS' && state !== 'REFUND')) violations.push(`incident ${i.kind} on ${o?.outTradeNo ?? String(i.orderId)} (${state ?? 'unknown'} at WeChat): ${JSON.stringify(i.detail)}`)
    }
    if (new Set(localRefunds.map((r) => r.outRefundNo)).size !== localRefunds.length) violations.push('a refund number is used twice')
    for (const r of localRefunds) if (r.status === 'succeeded' && (receiver.refunded.get(r.outRefundNo) ?? 0) < 1) violations.push(`${r.outRefundNo}: refunded, no callback received`)

    // The summary rollups count each payment and each refund once.
    const [rollup] = await db().select({
      trades: sql<number>`coalesce(sum(${reportHourly.tradeCount}), 0)::int`,
      tradeFen: sql<number>`coalesce(sum(${reportHourly.tradeFen}), 0)::bigint`,
      refunds: sql<number>`coalesce(sum(${reportHourly.refundCount}), 0)::int`,
      refundFen: sql<number>`coalesce(sum(${reportHourly.refundFen}), 0)::bigint`,
    }).from(reportHourly).where(eq(reportHourly.merchantId, t.merchant.id))
    const succeeded = local.filter((o) => o.status === 'succeeded')
    const countedRefunds = localRefunds.filter((r) => r.status !== 'failed')
    const expected = {
      trades: succeeded.length,
      tradeFen: succeeded.reduce((s, o) => s + o.amountFen, 0),
      refunds: countedRefunds.length,
      refundFen: countedRefunds.reduce((s, r) => s + r.amountFen, 0),
    }
    const got = { trades: Number(rollup?.trades), tradeFen: Number(rollup?.tradeFen), refunds: Number(rollup?.refunds), refundFen: Number(rollup?.refundFen) }
    if (JSON.stringify(got) !== JSON.stringify(expected)) violations.push(`rollups ${JSON.stringify(got)}, rows ${JSON.stringify(expected)}`)

    // Every job ran to its end: nothing dead, every callback delivered.
    const [jobs] = (await db().execute(sql`select
      (select count(*)::int from outbox_jobs where status = 'dead') as dead,
      (select count(*)::int from payment_callbacks where status <> 'delivered') as undelivered`)).rows
    if (Number(jobs?.dead) > 0) violations.push(`${String(jobs?.dead)} outbox jobs dead`)
    if (Number(jobs?.undelivered) > 0) violations.push(`${String(jobs?.undelivered)} callbacks not delivered`)
    if (receiver.unverified > 0) violations.push(`${receiver.unverified} callbacks did not verify`)
    for (const r of stats.refusedRefunds) violations.push(`refund refused: ${r}`)
    for (const f of stats.failedCalls) violations.push(`client gave up: ${f}`)

    const byStatus = Object.fromEntries([...new Set(local.map((o) => o.status))].map((s) => [s, local.filter((o) => o.status === s).length]))
    console.log([
      `crash: ${PAYMENTS} payments (${stats.micropays} micropay, ${stats.jsapi} JSAPI, ${stats.paidInSandbox} paid in the sandbox), ${stats.refundsAsked} refunds`,
      `  ${kills} SIGKILLs, restarts took ${downtimes.map((ms) => `${(ms / 1000).toFixed(1)}s`).join(' ')}; ${stats.retries} client retries`,
      `  load ${(loadMs / 1000).toFixed(0)} s, settling ${(settleMs / 1000).toFixed(0)} s; orders ${JSON.stringify(byStatus)}, refunds succeeded ${localRefunds.filter((r) => r.status === 'succeeded').length}`,
      `  callbacks received: ${[...receiver.paid.values()].reduce((s, n) => s + n, 0)} paid, ${[...receiver.refunded.values()].reduce((s, n) => s + n, 0)} refunded; incidents ${JSON.stringify(incidents.map((i) => i.kind))}`,
      ...violations.slice(0, 30).map((v) => `  VIOLATION ${v}`),
    ].join('\n'))
    reliabilityCounts.add('payments', local.length)
    reliabilityCounts.add('kills', kills)
    reliabilityCounts.add('violations', violations.length)
    expect(violations).toEqual([])
    expect(local).toHaveLength(PAYMENTS)
    expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 5))
    expect(succeeded.length).toBeGreaterThan(PAYMENTS / 2)
  }, 30 * 60_000)
})
