// npm run bench — prints figures for the foundation's hot paths on the configured engine
// (embedded PGlite by default; DATABASE_URL=postgres://… for PostgreSQL).
import { request, Agent } from 'node:http'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { buildApp } from '@yima/server/src/app'
import { systemClock } from '@yima/server/src/clock'
import { loadConfig } from '@yima/server/src/config'
import { Secret } from '@yima/server/src/secret'
import { openDatabase, type Database } from '@yima/server/src/db/client'
import { migrate } from '@yima/server/src/db/migrate'
import { listen } from '@yima/server/src/lifecycle/http-server'
import { Outbox, OutboxWorker, type JobHandlers } from '@yima/server/src/outbox'
import { payBench } from './pay'
import { reportsBench } from './reports'

const logger = pino({ level: 'silent' })
const newId = createIdGenerator()
const rows: Array<[string, string]> = []
const record = (name: string, value: string): void => { rows.push([name, value]); process.stdout.write(`  ${name.padEnd(48)} ${value}\n`) }
const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en')} /s  (${n} in ${ms.toFixed(0)} ms)`

async function outboxBench (database: Database): Promise<void> {
  const handlers: JobHandlers = { 'bench.noop': { handle: async () => {} } }
  const outbox = new Outbox({ clock: systemClock, newId, handlers })
  const { db } = database

  let t = performance.now()
  await db.transaction(async (tx) => { for (let i = 0; i < 2000; i++) await outbox.enqueue(tx, { topic: 'bench.noop', payload: { i } }) })
  record('outbox enqueue, 2000 in one transaction', rate(2000, performance.now() - t))

  t = performance.now()
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 50; i++) await db.transaction(async (tx) => { await outbox.enqueue(tx, { topic: 'bench.noop', payload: { i } }) })
  }))
  record('outbox enqueue, 400 transactions, 8 callers', rate(400, performance.now() - t))

  const workers = [1, 2].map((n) => new OutboxWorker({ db, clock: systemClock, newId, logger, handlers, batchSize: 50, pollMs: 5, workerId: `bench-${n}` }))
  t = performance.now()
  let drained = 0
  for (;;) {
    const ran = await Promise.all(workers.map(async (w) => await w.runOnce()))
    const sum = ran.reduce((a, b) => a + b, 0)
    if (sum === 0) break
    drained += sum
  }
  record('outbox drain, 2 workers, batch 50 (claim+run+record)', rate(drained, performance.now() - t))
}

async function httpBench (database: Database): Promise<void> {
  const app = buildApp({
    config: {
      ...loadConfig({ NODE_ENV: 'test', DATA_DIR: '/nonexistent' }),
      bodyLimitBytes: 1 << 20,
      h5DistDir: '/nonexistent',
      publicUrl: 'http://127.0.0.1',
      sessionSecret: new Secret('bench-'.padEnd(48, 'x')),
    },
    database,
    logger,
    clock: systemClock,
    newId,
  })
  const server = await listen(app.callback(), { host: '127.0.0.1', port: 0 })
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const get = (path: string) => new Promise<number>((resolve, reject) => {
    const t = performance.now()
    request({ host: '127.0.0.1', port: server.port, path, agent }, (res) => { res.resume(); res.on('end', () => { resolve(performance.now() - t) }) }).on('error', reject).end()
  })
  for (const path of ['/healthz', '/readyz']) {
    for (let i = 0; i < 200; i++) await get(path) // warm up
    const n = 3000
    const latencies: number[] = []
    const t = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: 16 }, async () => { while (next++ < n) latencies.push(await get(path)) }))
    const ms = performance.now() - t
    latencies.sort((a, b) => a - b)
    const p = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2)
    record(`GET ${path}, 16 concurrent`, `${rate(n, ms)}  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`)
  }
  agent.destroy()
  await server.close(1000)
}

async function main (): Promise<void> {
  const url = process.env.DATABASE_URL
  // `npm run bench -- <name>…` runs only the named benchmarks; `reports` (minutes of seeding, in a
  // database of its own) only when named.
  const only = new Set(process.argv.slice(2))
  const wanted = (name: string): boolean => only.size === 0 || only.has(name)
  if (only.size !== 1 || !only.has('reports')) {
    const database = url === undefined || url === ''
      ? await openDatabase({ kind: 'pglite' })
      : await openDatabase({ kind: 'postgres', url, poolMax: 16 })
    await migrate(database, url)
    process.stdout.write(`\nyima bench on ${database.kind === 'pglite' ? 'PGlite (in memory)' : 'PostgreSQL'}, node ${process.version}\n\n`)
    if (wanted('outbox')) await outboxBench(database)
    if (wanted('http')) await httpBench(database)
    if (wanted('pay')) await payBench(database, record)
    await database.close()
  }
  if (only.has('reports')) {
    process.stdout.write(`\nyima bench, node ${process.version}: `)
    await reportsBench(url)
  }
  process.stdout.write('\n')
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exit(1) })
