// npm run bench -- pay: one-code pay against the sandbox — order creation (POST /v1/public/pay/orders,
// a signed JSAPI call) and notification processing (verify, decrypt, mark paid) — beside a bare Koa
// baseline doing the same signed channel call and one insert, measured in the same run on the
// same database: throughput, p50 and p99 of each.
import type { Database } from '@yima/server/src/db/client'
import { listen } from '@yima/server/src/lifecycle/http-server'
import { BARE_TABLE, bareApp } from './bare-koa'
import { quantile, type Stats, type Table } from './table'
import { bare, createOrder, payers, payInSandbox, replay, send, serve, startWorld, type Attempt } from './world'

const ORDERS = 400
const CONCURRENCY = 16
const PAYERS = 100

/** Runs `n` calls `CONCURRENCY` at a time; each call reports its own latency. */
export async function load (n: number, call: (i: number) => Promise<number>, concurrency = CONCURRENCY): Promise<Stats> {
  const latencies: number[] = []
  let next = 0
  const t = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) latencies.push(await call(i))
  }))
  const ms = performance.now() - t
  return { rate: n / (ms / 1000), p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }
}

export async function payBench (database: Database, table: Table): Promise<void> {
  const world = await startWorld(database)
  const server = await serve(world, database)
  try {
    const customers = await payers(world, server.base, PAYERS)
    const created: Array<{ orderId: string, outTradeNo: string }> = []
    const create = await load(ORDERS, async (i) => {
      const r = await createOrder(server.base, world, customers[i % PAYERS] ?? customers[0] ?? { cookie: '', ip: '' }, 100 + i)
      created.push(r.order)
      return r.ms
    })

    // Pay every order as its customer; the notifications fail to reach the dead URL and are logged.
    const logged = await payInSandbox(world, created.map((o) => o.outTradeNo))
    const notifications = created.map((o) => [o.orderId, logged.get(o.orderId)] as const)
    if (notifications.some(([, a]) => a === undefined)) throw new Error(`the sandbox logged ${logged.size} notifications for ${created.length} orders`)
    const notify = await load(notifications.length, async (i) => {
      const [orderId, a] = notifications[i] ?? []
      if (orderId === undefined || a === undefined) throw new Error('no notification')
      const r = await replay(`${server.base}/hooks/wechat_pay/${orderId}`, a)
      if (r.status !== 204) throw new Error(`notification: ${r.status} ${r.body}`)
      return r.ms
    })
    const paid = await bare(database).query("select count(*)::int as n from orders where merchant_id = $1 and status = 'succeeded'", [world.tenant.merchantId])
    const paidCount = Number((paid.rows[0] as { n: number }).n)
    if (paidCount !== created.length) throw new Error(`${paidCount} of ${created.length} orders paid`)

    const base = await baseline(database, world.settings, world.sandbox.clients.wxpay.baseUrl, notifications.map(([, a]) => a as Attempt))
    table.load(`order creation, ${CONCURRENCY} concurrent (bare Koa: signed JSAPI call + 1 insert)`, create, base.create)
    table.load(`notification processing, ${CONCURRENCY} concurrent (bare Koa: verify + decrypt + 1 insert)`, notify, base.notify)
  } finally {
    await server.close()
    await world.sandbox.stop()
  }
}

async function baseline (database: Database, settings: Parameters<typeof bareApp>[0]['settings'], wxpayBaseUrl: string, notes: Attempt[]): Promise<{ create: Stats, notify: Stats }> {
  const pg = bare(database)
  await pg.query(BARE_TABLE)
  const server = await listen(bareApp({ settings, wxpayBaseUrl }, async (text, params) => await pg.query(text, params)).callback(), { host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${server.port}`
  try {
    const create = await load(ORDERS, async () => {
      const r = await send(`${url}/create`, { method: 'POST', body: '{}' })
      if (r.status !== 200) throw new Error(`baseline create: ${r.status} ${r.body}`)
      return r.ms
    })
    const notify = await load(notes.length, async (i) => {
      const a = notes[i]
      if (a === undefined) throw new Error('no notification')
      const r = await replay(`${url}/notify`, a)
      if (r.status !== 204) throw new Error(`baseline notify: ${r.status}`)
      return r.ms
    })
    return { create, notify }
  } finally {
    await server.close(1000)
    await pg.query('drop table bench_baseline')
  }
}
