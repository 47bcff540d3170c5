// npm run bench -- http / outbox: the plumbing under every request and job, each beside the bare
// floor: GET /healthz of the whole app against a bare Koa handler answering the same JSON, and
// outbox enqueue / drain against plain inserts / SKIP LOCKED deletes on a table of the same rows.
import Koa from 'koa'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { buildApp } from '@yima/server/src/app'
import { systemClock } from '@yima/server/src/clock'
import { loadConfig } from '@yima/server/src/config'
import type { Database } from '@yima/server/src/db/client'
import { listen } from '@yima/server/src/lifecycle/http-server'
import { Outbox, OutboxWorker, type JobHandlers } from '@yima/server/src/outbox'
import { load } from './pay'
import type { Table } from './table'
import { bare, send } from './world'

const logger = pino({ level: 'silent' })
const newId = createIdGenerator()
const HEALTH_CALLS = 3000

export async function httpBench (database: Database, table: Table): Promise<void> {
  const app = buildApp({ config: { ...loadConfig({ NODE_ENV: 'test', DATA_DIR: '/nonexistent' }), h5DistDir: '/nonexistent' }, database, logger, clock: systemClock, newId })
  const bareKoa = new Koa()
  bareKoa.use((ctx) => { ctx.body = { status: 'ok' } })
  const figures = []
  for (const callback of [app.callback(), bareKoa.callback()]) {
    const server = await listen(callback, { host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${server.port}/healthz`
    for (let i = 0; i < 200; i++) await send(url) // warm up
    figures.push(await load(HEALTH_CALLS, async () => (await send(url)).ms))
    await server.close(1000)
  }
  const [yima, baseline] = figures
  if (yima !== undefined && baseline !== undefined) table.load('GET /healthz, 16 concurrent (bare Koa: the same JSON)', yima, baseline)
}

const rate = async (n: number, run: () => Promise<unknown>): Promise<number> => {
  const t = performance.now()
  await run()
  return n / ((performance.now() - t) / 1000)
}

export async function outboxBench (database: Database, table: Table): Promise<void> {
  const handlers: JobHandlers = { 'bench.noop': { handle: async () => {} } }
  const outbox = new Outbox({ clock: systemClock, newId, handlers })
  const { db } = database
  const pg = bare(database)
  await pg.query('create table if not exists bench_jobs (id text primary key, topic text not null, payload jsonb not null, created_at timestamptz not null default now())')
  type Client = Pick<typeof pg, 'query'>
  const insert = async (c: Client, i: number): Promise<void> => {
    await c.query('insert into bench_jobs (id, topic, payload) values ($1, $2, $3)', [newId('job'), 'bench.noop', JSON.stringify({ i })])
  }
  /** One connection for a transaction: a pooled client on PostgreSQL, PGlite itself. */
  const inTransaction = async (run: (c: Client) => Promise<void>): Promise<void> => {
    const pool = pg as Client & { connect?: () => Promise<Client & { release: () => void }> }
    const c = pool.connect === undefined ? undefined : await pool.connect()
    const q = c ?? pool
    try {
      await q.query('begin')
      await run(q)
      await q.query('commit')
    } finally {
      c?.release()
    }
  }
  try {
    const oneTx = await rate(2000, async () => { await db.transaction(async (tx) => { for (let i = 0; i < 2000; i++) await outbox.enqueue(tx, { topic: 'bench.noop', payload: { i } }) }) })
    const oneTxBare = await rate(2000, async () => { await inTransaction(async (c) => { for (let i = 0; i < 2000; i++) await insert(c, i) }) })
    table.add('outbox enqueue, 2,000 in one transaction (baseline: plain inserts)', oneTx, oneTxBare, '/s')

    const callers = async (each: (i: number) => Promise<void>): Promise<void> => { await Promise.all(Array.from({ length: 8 }, async () => { for (let i = 0; i < 50; i++) await each(i) })) }
    const many = await rate(400, async () => { await callers(async (i) => { await db.transaction(async (tx) => { await outbox.enqueue(tx, { topic: 'bench.noop', payload: { i } }) }) }) })
    const manyBare = await rate(400, async () => { await callers(async (i) => { await inTransaction(async (c) => { await insert(c, i) }) }) })
    table.add('outbox enqueue, 400 transactions, 8 callers (baseline: plain inserts)', many, manyBare, '/s')

    const workers = [1, 2].map((n) => new OutboxWorker({ db, clock: systemClock, newId, logger, handlers, batchSize: 50, pollMs: 5, workerId: `bench-${n}` }))
    let drained = 0
    const t = performance.now()
    for (;;) {
      const sum = (await Promise.all(workers.map(async (w) => await w.runOnce()))).reduce((a, b) => a + b, 0)
      if (sum === 0) break
      drained += sum
    }
    const drain = drained / ((performance.now() - t) / 1000)
    let deleted = 0
    const t2 = performance.now()
    for (;;) {
      const claim = async (): Promise<number> => (await pg.query('delete from bench_jobs where id in (select id from bench_jobs order by created_at limit 50 for update skip locked) returning id')).rows.length
      const sum = (await Promise.all([claim(), claim()])).reduce((a, b) => a + b, 0)
      if (sum === 0) break
      deleted += sum
    }
    const drainBare = deleted / ((performance.now() - t2) / 1000)
    table.add('outbox drain, 2 workers, batch 50: claim + run + record (baseline: SKIP LOCKED delete)', drain, drainBare, 'jobs/s')
  } finally {
    await pg.query('drop table if exists bench_jobs')
  }
}
