// npm run bench -- reports (issue 7): latency of the report read paths — summaries (R1: the hourly
// rollup plus the partial hours from the orders), order details (R2: keyset pages) and handover
// summaries (H2) — on PostgreSQL with BENCH_ORDERS (default 10 000 000) orders across 200 stores
// over two years, in a database of its own (yima_bench_reports) on DATABASE_URL's server, created,
// migrated, seeded, measured and dropped. BENCH_KEEP=1 keeps it; a later run with the same
// BENCH_ORDERS then measures again without seeding (a full `npm run bench` too, keeping it). BENCH_RUNS
// sets the timed calls per query (40). p50 and p95 of each query go to the run's table.
import { createIdGenerator, type OrderSearchQuery, type SummaryCounters } from '@yima/shared'
import { systemClock } from '@yima/server/src/clock'
import { openDatabase, type Database, type Db } from '@yima/server/src/db/client'
import { migrate } from '@yima/server/src/db/migrate'
import { searchOrders } from '@yima/server/src/modules/reports/details.repo'
import { summaryCounters, type GroupedCounters } from '@yima/server/src/modules/reports/summary.repo'
import { ShiftsService } from '@yima/server/src/modules/shifts/shifts.service'
import { EMPTY_SCOPE, type Scope } from '@yima/server/src/modules/tenancy/scope'
import type { Table } from './table'
import { merchantOfStore, seedReports, SP_ID, storeId, storeWeight, STORES, type Query, type SeedPlan } from './reports-seed'

const DB_NAME = 'yima_bench_reports'
const DAYS = 730
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const WARM_UP = 5
const PAGE = 20
/** What the seeded database says of itself (COMMENT ON DATABASE), written once seeding finished. */
const MARK = 'yima bench reports'

const out = (line: string): void => { process.stdout.write(`${line}\n`) }
const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const v = Number(raw.replace(/_/g, ''))
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, not ${raw}`)
  return v
}

/** The pg pool under drizzle (as pay.ts reaches it): for SQL of the bench's own, beside the measured functions. */
interface Client { query: (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }> }
interface Pool extends Client { connect: () => Promise<Client & { release: () => void }> }
const poolOf = (database: Database): Pool => (database.db as unknown as { $client: Pool }).$client
const queryOf = (client: Client): Query => async (text, params) => (await client.query(text, params)).rows

/** A small seeded generator (mulberry32), so two runs ask the same questions. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const storeScope = (id: string): Scope => ({ ...EMPTY_SCOPE, storeIds: [id] })

interface Result { name: string, runs: number, p50: number, p95: number, result: string }

/** Times `call` once per parameter set after WARM_UP untimed ones; `size` is what each call returned. */
async function measure<P> (name: string, params: P[], call: (p: P) => Promise<number>, describe: (medianSize: number) => string): Promise<Result> {
  for (const p of params.slice(0, WARM_UP)) await call(p)
  const latencies: number[] = []
  const sizes: number[] = []
  for (const p of params.slice(WARM_UP)) {
    const t = performance.now()
    sizes.push(await call(p))
    latencies.push(performance.now() - t)
  }
  const pick = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)] ?? 0
  const r = { name, runs: latencies.length, p50: pick(latencies, 0.5), p95: pick(latencies, 0.95), result: describe(pick(sizes, 0.5)) }
  out(`  ${r.name.padEnd(62)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${String(r.runs).padStart(5)}   ${r.result}`)
  return r
}

/** The database's URL with another database name. */
function withDatabase (url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const MARK_PATTERN = /^yima bench reports: orders=(\d+) days=(\d+) end=(\S+)$/
const isPostgres = (url: string | undefined): url is string => url !== undefined && url !== '' && /^postgres(ql)?:/.test(url)

/** Whether a database seeded before (BENCH_KEEP=1) with BENCH_ORDERS orders is there to measure without seeding. */
export async function seededReports (url: string | undefined): Promise<boolean> {
  if (!isPostgres(url)) return false
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  try {
    const [row] = await queryOf(poolOf(admin))("select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1", [DB_NAME])
    const mark = row === undefined ? undefined : MARK_PATTERN.exec(String(row.comment ?? ''))
    return mark?.[1] === String(envInt('BENCH_ORDERS', 10_000_000)) && mark[2] === String(DAYS)
  } finally {
    await admin.close()
  }
}

export async function reportsBench (url: string | undefined, table: Table, o: { keep?: boolean } = {}): Promise<void> {
  if (!isPostgres(url)) {
    out('reports: needs PostgreSQL — set DATABASE_URL=postgres://… (e.g. postgres://postgres@127.0.0.1:5432/postgres); PGlite would take hours at 10M orders. Skipped.')
    table.skipped('report queries at 10M orders', 'not run (needs PostgreSQL: DATABASE_URL)')
    return
  }
  const plan: Omit<SeedPlan, 'end'> = { orders: envInt('BENCH_ORDERS', 10_000_000), days: DAYS }
  const runs = envInt('BENCH_RUNS', 40)
  const keep = o.keep === true || process.env.BENCH_KEEP === '1'
  if (new URL(url).pathname.replace(/^\//, '') === DB_NAME) throw new Error(`DATABASE_URL must name another database than ${DB_NAME}: that one is created and dropped here`)
  const benchUrl = withDatabase(url, DB_NAME)
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  const adminQuery = queryOf(poolOf(admin))
  let database: Database | undefined
  try {
    out(`reports on PostgreSQL, database ${DB_NAME}: ${plan.orders.toLocaleString('en')} orders, ${STORES} stores, ${plan.days} days\n`)
    // A database seeded before (BENCH_KEEP=1) with as many orders is measured again as it is.
    const [existing] = await adminQuery("select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1", [DB_NAME])
    const mark = existing === undefined ? undefined : MARK_PATTERN.exec(String(existing.comment ?? ''))
    let end: Date
    if (mark?.[1] === String(plan.orders) && mark[2] === String(plan.days) && mark[3] !== undefined) {
      end = new Date(mark[3])
      out(`  reusing the seeded ${DB_NAME} (data up to ${end.toISOString()})`)
      database = await openDatabase({ kind: 'postgres', url: benchUrl, poolMax: 8 })
      await migrate(database, benchUrl)
    } else {
      if (existing !== undefined) await adminQuery(`drop database ${DB_NAME} with (force)`)
      await adminQuery(`create database ${DB_NAME}`)
      database = await openDatabase({ kind: 'postgres', url: benchUrl, poolMax: 8 })
      await migrate(database, benchUrl)
      // The data ends at the last China midnight, so whole China days are in it.
      end = new Date(Math.floor((Date.now() + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS)
      // One connection for the whole seeding: its session settings and temporary tables.
      const seeder = await poolOf(database).connect()
      try {
        await seedReports(queryOf(seeder), { ...plan, end }, (line) => { out(`  seed: ${line}`) })
      } finally {
        seeder.release()
      }
      await adminQuery(`comment on database ${DB_NAME} is '${MARK}: orders=${plan.orders} days=${plan.days} end=${end.toISOString()}'`)
    }
    const results = await measureAll(database.db, queryOf(poolOf(database)), end, runs)
    const orders = `${plan.orders >= 1_000_000 ? `${plan.orders / 1_000_000}M` : plan.orders.toLocaleString('en')} orders`
    for (const r of results) {
      table.add(`report ${r.name}, ${orders}: p50`, r.p50, 'n/a', 'ms')
      table.add(`report ${r.name.split(',')[0] ?? r.name}: p95`, r.p95, 'n/a', 'ms')
    }
    await spotCheck(database.db, queryOf(poolOf(database)), end)
  } finally {
    await database?.close()
    if (keep) {
      out(`\n  kept ${DB_NAME} (BENCH_KEEP=1): the next run with BENCH_ORDERS=${plan.orders} measures without seeding; drop it with  psql ${url} -c 'drop database ${DB_NAME}'`)
    } else {
      await adminQuery(`drop database if exists ${DB_NAME} with (force)`)
      out(`\n  dropped ${DB_NAME} (BENCH_KEEP=1 keeps it)`)
    }
    await admin.close()
  }
}

/** A store, busy or quiet (weights 1–5), and ranges inside the data, at second precision. */
function questions (end: Date, seed: number) {
  const rnd = random(seed)
  const start = end.getTime() - DAYS * DAY_MS
  const store = (): number => Math.floor(rnd() * STORES)
  /** `days` long, ending anywhere after the data's first `days` + 1 days, never on a whole hour (partial hours at both ends). */
  const range = (days: number): { from: Date, to: Date } => {
    const earliest = start + (days + 1) * DAY_MS
    let to = earliest + Math.floor(rnd() * (end.getTime() - earliest) / 1000) * 1000
    if (to % HOUR_MS === 0) to += 1000
    return { from: new Date(to - days * DAY_MS), to: new Date(to) }
  }
  /** One whole China day among the last 90. */
  const chinaDay = (): { from: Date, to: Date } => {
    const from = end.getTime() - (1 + Math.floor(rnd() * 90)) * DAY_MS
    return { from: new Date(from), to: new Date(from + DAY_MS) }
  }
  return { store, range, chinaDay }
}

const tradesOf = (g: GroupedCounters): number => [...g.values()].reduce((n, c) => n + c.tradeCount, 0)

async function measureAll (db: Db, query: Query, end: Date, runs: number): Promise<Result[]> {
  const q = questions(end, 7)
  const n = WARM_UP + runs
  const times = <P>(make: () => P, count = n): P[] => Array.from({ length: count }, make)
  const shifts = new ShiftsService({ db, clock: systemClock, newId: createIdGenerator() })

  // The deep pages' cursors, found before any timing: the order 90 % of the way down a store's 90 days.
  const deep = await Promise.all(times(() => ({ s: q.store(), ...q.range(90) })).map(async (p) => {
    const inRange = 'store_id = $1 and created_at >= $2::timestamptz and created_at < $3::timestamptz'
    const [c] = await query(`select count(*)::int as n from orders where ${inRange}`, [storeId(p.s), p.from, p.to])
    const depth = Math.floor(Number(c?.n ?? 0) * 0.9)
    const [cursor] = await query(`select id from orders where ${inRange} order by created_at desc, id desc offset $4 limit 1`, [storeId(p.s), p.from, p.to, depth])
    if (cursor === undefined) throw new Error(`no orders for store ${storeId(p.s)} in the deep-page range`)
    return { ...p, depth, cursor: String(cursor.id) }
  }))

  const results: Result[] = []
  out(`\n  ${'query'.padEnd(62)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'runs'.padStart(5)}   result (median)`)
  results.push(await measure('1 summary, store, 90 days (rollup + partial hours both ends)', times(() => ({ s: q.store(), ...q.range(90) })),
    async (p) => tradesOf(await summaryCounters(db, { scope: storeScope(storeId(p.s)), storeId: storeId(p.s) }, p.from, p.to, null)),
    (m) => `total of ${m.toLocaleString('en')} payments`))
  results.push(await measure('2 summary, store, 1 China day, by clerk', times(() => ({ s: q.store(), ...q.chinaDay() })),
    async (p) => (await summaryCounters(db, { scope: storeScope(storeId(p.s)), storeId: storeId(p.s) }, p.from, p.to, 'staff')).size,
    (m) => `${m} groups (5 clerks + none)`))
  results.push(await measure('3 details, store, 90 days, first page', times(() => ({ s: q.store(), ...q.range(90) })),
    async (p) => (await searchOrders(db, storeScope(storeId(p.s)), { from: p.from, to: p.to, storeId: storeId(p.s), limit: PAGE } satisfies OrderSearchQuery)).rows.length,
    (m) => `${m} rows`))
  results.push(await measure('4 details, store, 90 days, deep page (90 % down)', deep,
    async (p) => (await searchOrders(db, storeScope(storeId(p.s)), { from: p.from, to: p.to, storeId: storeId(p.s), limit: PAGE, startingAfter: p.cursor })).rows.length,
    (m) => `${m} rows after ${median(deep.map((d) => d.depth)).toLocaleString('en')} orders`))
  results.push(await measure('5 handover summaries, store, 1 China day', times(() => ({ s: q.store(), ...q.chinaDay() })),
    async (p) => (await shifts.summaries(storeId(p.s), p)).length,
    (m) => `${m} windows`))
  // Beyond the five: the service provider's console over all its stores, and a filtered page.
  const spRuns = WARM_UP + Math.max(5, Math.floor(runs / 4))
  results.push(await measure('6 summary, whole SP (200 stores), 90 days, by store', times(() => q.range(90), spRuns),
    async (p) => (await summaryCounters(db, { scope: { ...EMPTY_SCOPE, spIds: [SP_ID] } }, p.from, p.to, 'store')).size,
    (m) => `${m} groups`))
  results.push(await measure('7 details, merchant, 90 days, alipay ≥ 400 yuan, first page', times(() => ({ s: q.store(), ...q.range(90) })),
    async (p) => (await searchOrders(db, { ...EMPTY_SCOPE, merchantIds: [merchantOfStore(p.s)] }, { from: p.from, to: p.to, payPlatform: 'alipay', minFen: 40_000, limit: PAGE })).rows.length,
    (m) => `${m} rows`))
  results.push(await measure('8 details, whole SP, 7 days, first page', times(() => q.range(7)),
    async (p) => (await searchOrders(db, { ...EMPTY_SCOPE, spIds: [SP_ID] }, { from: p.from, to: p.to, limit: PAGE })).rows.length,
    (m) => `${m} rows`))
  out(`\n  stores are weighted 1–5 by orders (store s: ${[0, 1, 2, 3, 4].map(storeWeight).join(', ')} …); every timed call picks a random store and range (seeded)`)
  return results
}

function median (xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0
}

/**
 * The same counters straight from the orders and refunds (as shared/src/reports.ts defines them),
 * grouped by `key`, an expression over o; `where` may use $3.
 */
async function straight (query: Query, where: string, param: string, key: string, from: Date, to: Date): Promise<GroupedCounters> {
  const paid = await query(`
    select ${key} as k, count(*) as trade_count, sum(o.amount_fen) as trade_fen, sum(o.discount_fen) as discount_fen, sum(o.amount_fen - o.discount_fen) as settlement_fen
      from orders o where ${where} and o.status = 'succeeded' and o.paid_at >= $1::timestamptz and o.paid_at < $2::timestamptz group by 1`, [from, to, param])
  const refunded = await query(`
    select ${key} as k, count(*) as refund_count, sum(r.amount_fen) as refund_fen
      from refunds r join orders o on o.id = r.order_id
     where ${where} and r.status in ('processing', 'succeeded') and r.created_at >= $1::timestamptz and r.created_at < $2::timestamptz group by 1`, [from, to, param])
  const result: GroupedCounters = new Map()
  const zero: SummaryCounters = { tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0 }
  for (const r of paid) {
    result.set(String(r.k), { ...(result.get(String(r.k)) ?? zero), tradeCount: Number(r.trade_count), tradeFen: Number(r.trade_fen), discountFen: Number(r.discount_fen), settlementFen: Number(r.settlement_fen) })
  }
  for (const r of refunded) {
    result.set(String(r.k), { ...(result.get(String(r.k)) ?? zero), refundCount: Number(r.refund_count), refundFen: Number(r.refund_fen), refundSettlementFen: Number(r.refund_fen) })
  }
  return result
}

const canonical = (g: GroupedCounters): string => JSON.stringify([...g.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))

/** summaryCounters (rollup path) against a recomputation from orders and refunds, for ranges with partial hours at both ends. */
async function spotCheck (db: Db, query: Query, end: Date): Promise<void> {
  const q = questions(end, 20260105)
  const s = q.store()
  const { from, to } = q.range(90)
  if (from.getTime() % HOUR_MS === 0 || to.getTime() % HOUR_MS === 0) throw new Error('spot check range must have partial hours at both ends')
  const id = storeId(s)
  const checks = [
    { name: `store ${id}, total`, got: await summaryCounters(db, { scope: storeScope(id), storeId: id }, from, to, null), want: await straight(query, 'o.store_id = $3', id, "''", from, to) },
    { name: `store ${id}, by clerk`, got: await summaryCounters(db, { scope: storeScope(id), storeId: id }, from, to, 'staff'), want: await straight(query, 'o.store_id = $3', id, "coalesce(o.staff_id, '')", from, to) },
    { name: 'whole SP, by store', got: await summaryCounters(db, { scope: { ...EMPTY_SCOPE, spIds: [SP_ID] } }, from, to, 'store'), want: await straight(query, 'o.sp_id = $3', SP_ID, "coalesce(o.store_id, '')", from, to) },
  ]
  out(`\n  spot check, ${from.toISOString()} – ${to.toISOString()} (partial hours at both ends): summaryCounters vs. SQL over orders and refunds`)
  for (const c of checks) {
    const same = canonical(c.got) === canonical(c.want)
    const total = [...c.want.values()].reduce((t, v) => ({ trades: t.trades + v.tradeCount, fen: t.fen + v.tradeFen, refunds: t.refunds + v.refundCount }), { trades: 0, fen: 0, refunds: 0 })
    out(`    ${same ? 'equal   ' : 'DIFFERENT'} ${c.name}: ${c.want.size} group(s), ${total.trades.toLocaleString('en')} payments, ${total.fen.toLocaleString('en')} fen, ${total.refunds.toLocaleString('en')} refunds`)
    if (!same) {
      out(`      summaryCounters: ${canonical(c.got).slice(0, 2000)}`)
      out(`      straight SQL:    ${canonical(c.want).slice(0, 2000)}`)
      process.exitCode = 1
    }
  }
}
