// npm run bench -- startup: the server as a process of its own.
// - Cold start: spawn `tsx server/src/main.ts` (what `npm start -w server` runs) → first 200 from
//   /readyz, migrations already applied (one untimed start first), median of RUNS; baseline:
//   `node -e` a bare Koa listen → its first answer.
// - Memory: RSS and V8 heap of `main.ts` at idle and after LOAD order creations (16 concurrent,
//   through the sandbox), read in the process over IPC (memory-probe.cjs); baseline: the bare Koa
//   handler of bare-koa.ts as a process, under the same load. PostgreSQL only: the spawned server
//   must see the tenant this process creates.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Database } from '@yima/server/src/db/client'
import { BARE_TABLE } from './bare-koa'
import { load } from './pay'
import { median, type Table } from './table'
import { bare, createOrder, payers, scratchDatabase, send, startWorld, type World } from './world'

const REPO = path.resolve(__dirname, '..')
const TSX = path.join(REPO, 'node_modules/.bin/tsx')
const PROBE = path.join(__dirname, 'memory-probe.cjs')
const RUNS = 5
const LOAD = 2000
const START_TIMEOUT_MS = 60_000
const MIB = 1024 * 1024

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

/** The status of one GET on a fresh connection, 0 when nobody answers. */
function status (url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', () => { resolve(0) })
    req.on('timeout', () => { req.destroy() })
  })
}

interface Child { process: ChildProcess, output: () => string }

function start (command: string, args: string[], env: NodeJS.ProcessEnv, ipc = false): Child {
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  return { process: child, output: () => output }
}

/** Polls `url` every 5 ms until it answers 200; the milliseconds since `t0`. */
async function until200 (child: Child, url: string, t0: number): Promise<number> {
  for (;;) {
    if (await status(url) === 200) return performance.now() - t0
    if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`${url}: the process exited (${child.process.exitCode ?? child.process.signalCode}):\n${child.output()}`)
    if (performance.now() - t0 > START_TIMEOUT_MS) throw new Error(`${url}: no 200 in ${START_TIMEOUT_MS / 1000} s:\n${child.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function stop (child: Child): Promise<void> {
  const p = child.process
  if (p.exitCode !== null || p.signalCode !== null) return
  if (p.connected) p.disconnect()
  const exited = new Promise((resolve) => p.once('exit', resolve))
  p.kill('SIGTERM')
  const timer = setTimeout(() => { p.kill('SIGKILL') }, 15_000)
  await exited
  clearTimeout(timer)
}

/** Spawn → first 200 at `path`, once untimed (migrations, tsx's cache), then RUNS times; the median. */
async function coldStart (command: (port: number) => { cmd: string, args: string[], env: NodeJS.ProcessEnv }, urlPath: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i <= RUNS; i++) {
    const port = await freePort()
    const c = command(port)
    const t0 = performance.now()
    const child = start(c.cmd, c.args, c.env)
    try {
      const ms = await until200(child, `http://127.0.0.1:${port}${urlPath}`, t0)
      if (i > 0) times.push(ms)
    } finally {
      await stop(child)
    }
  }
  process.stdout.write(`  ${c0(command)}: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`)
  return median(times)
}

const c0 = (command: (port: number) => { cmd: string, args: string[] }): string => { const c = command(0); return [path.basename(c.cmd), ...c.args].join(' ').slice(0, 60) }

function memoryOf (child: Child): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no memory answer over IPC:\n${child.output()}`)) }, 5000)
    child.process.once('message', (m) => { clearTimeout(timer); resolve(m as NodeJS.MemoryUsage) })
    child.process.send('memory')
  })
}

/** In a database of its own (yima_bench_startup): the spawned server's worker claims every due job, and other sections leave some. */
export async function startupBench (mainUrl: string | undefined, table: Table): Promise<void> {
  const scratch = await scratchDatabase(mainUrl, 'yima_bench_startup')
  try {
    await startup(scratch.database, scratch.url, table)
  } finally {
    await scratch.drop()
  }
}

async function startup (database: Database, url: string | undefined, table: Table): Promise<void> {
  const world = await startWorld(database)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yima-bench-'))
  const serverEnv = (port: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...world.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
    delete env.DATABASE_URL
    return database.kind === 'postgres' && url !== undefined ? { ...env, DATABASE_URL: url } : env
  }
  try {
    const yima = await coldStart((port) => ({ cmd: TSX, args: ['server/src/main.ts'], env: serverEnv(port) }), '/readyz')
    const bareKoa = "const Koa = require('koa'); const app = new Koa(); app.use((ctx) => { ctx.body = 'ok' }); app.listen(Number(process.env.PORT), '127.0.0.1')"
    const baseline = await coldStart((port) => ({ cmd: process.execPath, args: ['-e', bareKoa], env: { ...process.env, PORT: String(port) } }), '/')
    table.add(`cold start: spawn → /readyz 200, migrated (tsx server/src/main.ts; baseline: node -e bare Koa → 1st answer), median of ${RUNS}`, yima, baseline, 'ms')

    if (database.kind !== 'postgres' || url === undefined) {
      table.skipped('memory under the order-creation load', 'not run (PostgreSQL only: set DATABASE_URL)')
      return
    }
    await memory(world, database, url, serverEnv, table)
  } finally {
    await world.sandbox.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function memory (world: World, database: Database, url: string, serverEnv: (port: number) => NodeJS.ProcessEnv, table: Table): Promise<void> {
  // yima: main.ts itself (node --import tsx, so the probe is in the server's own process).
  let port = await freePort()
  const server = start(process.execPath, ['--import', 'tsx', '--require', PROBE, 'server/src/main.ts'], serverEnv(port), true)
  let yima: { idle: NodeJS.MemoryUsage, loaded: NodeJS.MemoryUsage }
  try {
    const base = `http://127.0.0.1:${port}`
    await until200(server, `${base}/readyz`, performance.now())
    const idle = await memoryOf(server)
    // 10 orders a customer: under the pay page's per-payer limit (20 a minute).
    const customers = await payers(world, base, LOAD / 10)
    await load(LOAD, async (i) => (await createOrder(base, world, customers[i % customers.length] ?? { cookie: '', ip: '' }, 100 + i)).ms)
    yima = { idle, loaded: await memoryOf(server) }
  } finally {
    await stop(server)
  }

  // Baseline: the bare Koa handler as a process, the same loader.
  port = await freePort()
  const bareEnv = { ...process.env, DATABASE_URL: url, PORT: String(port), BENCH_BARE: JSON.stringify({ settings: world.settings, wxpayBaseUrl: world.sandbox.clients.wxpay.baseUrl }) }
  const bareKoa = start(process.execPath, ['--import', 'tsx', '--require', PROBE, path.join(__dirname, 'bare-koa.ts')], bareEnv, true)
  let baseline: { idle: NodeJS.MemoryUsage, loaded: NodeJS.MemoryUsage }
  try {
    const base = `http://127.0.0.1:${port}`
    await until200(bareKoa, `${base}/healthz`, performance.now())
    const idle = await memoryOf(bareKoa)
    await load(LOAD, async () => {
      const r = await send(`${base}/create`, { method: 'POST', body: '{}' })
      if (r.status !== 200) throw new Error(`baseline create: ${r.status} ${r.body}`)
      return r.ms
    })
    baseline = { idle, loaded: await memoryOf(bareKoa) }
  } finally {
    await stop(bareKoa)
    await bare(database).query(BARE_TABLE)
    await bare(database).query('drop table bench_baseline')
  }

  table.add('memory at idle after /readyz (baseline: bare Koa handler process): RSS', yima.idle.rss / MIB, baseline.idle.rss / MIB, 'MiB')
  table.add(`memory after ${LOAD.toLocaleString('en')} order creations, 16 concurrent: RSS`, yima.loaded.rss / MIB, baseline.loaded.rss / MIB, 'MiB')
  table.add(`memory after ${LOAD.toLocaleString('en')} order creations, 16 concurrent: V8 heap used`, yima.loaded.heapUsed / MIB, baseline.loaded.heapUsed / MIB, 'MiB')
}
