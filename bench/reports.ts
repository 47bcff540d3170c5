// npm run bench -- reports (issue 7), and part of every full `npm run bench`: latency of the report
// read paths — summaries (R1: the hourly rollup plus the partial hours from the orders), order
// details (R2: keyset pages) and handover summaries (H2) — each beside a baseline timed in the same
// run on the same data and parameters: the straight SQL recount over orders and refunds for the
// summaries, the bare hand-written query on orders (with OFFSET for the deep page) for the details.
// On PostgreSQL with BENCH_ORDERS (default 10 000 000) orders across 200 stores over two years, in a
// database of its own (yima_bench_reports) on DATABASE_URL's server. Seeding takes minutes, so the
// database is kept and marked (COMMENT ON DATABASE): the next run with the same BENCH_ORDERS measures
// it again without seeding. BENCH_KEEP=0 drops it afterwards. BENCH_RUNS sets the timed calls per
// query (40). p50 and p95 of each query and of its baseline go to the run's table.
import { createIdGenerator, type OrderSearchQuery, type SummaryCounters } from '@yima/shared'
import { systemClock } from '@yima/server/src/clock'
import { openDatabase, type Database, type Db } from '@yima/server/src/db/client'
import { migrate } from '@yima/server/src/db/migrate'
import { searchOrders } from '@yima/server/src/modules/reports/details.repo'
import { summaryCounters, type GroupedCounters } from '@yima/server/src/modules/reports/summary.repo'
import { ShiftsService } from '@yima/server/src/modules/shifts/shifts.service'
import { EMPTY_SCOPE, type Scope } from '@yima/server/src/modules/tenancy/scope'
import { median, quantile, type Table } from './table'
import { merchantOfStore, SEED_VERSION, seedReports, SP_ID, storeId, storeWeight, STORES, type Query, type SeedPlan } from './reports-seed'

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

/** What one call answered: its size (payments, groups, rows) and a canonical form, to compare yima's with the baseline's. */
interface Answer { size: number, key: string }
/** One side of a comparison: the label of its row, the call, and how to describe the median size. */
interface Side<P> { label: string, call: (p: P) => Promise<Answer>, describe: (medianSize: number) => string }
/**
 * A query and its baseline, both called with the same parameter sets. `same`: both must answer the
 * same on every call (not so where the baseline is only the closest plain query, not the same one).
 */
interface Case<P> { params: P[], yima: Side<P>, baseline: Side<P>, same: boolean }
interface Timing { p50: number, p95: number }
interface Result { name: string, baseline: string, runs: number, yima: Timing, base: Timing }

const timing = (ms: number[]): Timing => ({ p50: quantile(ms, 0.5), p95: quantile(ms, 0.95) })
const line = (label: string, p50: string, p95: string, runs: string, result: string): string =>
  `  ${label.padEnd(66)} ${p50.padStart(8)} ${p95.padStart(8)} ${runs.padStart(5)}   ${result}`
const row = (label: string, t: Timing, runs: string, result: string): string => line(label, t.p50.toFixed(1), t.p95.toFixed(1), runs, result)

/**
 * Times both sides once per parameter set after WARM_UP untimed calls of each. The two calls of a
 * set go in alternating order, so neither side always finds the pages the other just read in cache.
 */
async function measure<P> (c: Case<P>): Promise<Result> {
  for (const p of c.params.slice(0, WARM_UP)) { await c.yima.call(p); await c.baseline.call(p) }
  const ms = { yima: [] as number[], baseline: [] as number[] }
  const sizes = { yima: [] as number[], baseline: [] as number[] }
  let differ = 0
  let firstDifference: { yima: string, baseline: string } | undefined
  for (const [i, p] of c.params.slice(WARM_UP).entries()) {
    const answers: Partial<Record<'yima' | 'baseline', Answer>> = {}
    for (const side of i % 2 === 0 ? ['yima', 'baseline'] as const : ['baseline', 'yima'] as const) {
      const t = performance.now()
      const answer = await c[side].call(p)
      ms[side].push(performance.now() - t)
      sizes[side].push(answer.size)
      answers[side] = answer
    }
    if (c.same && answers.yima?.key !== answers.baseline?.key) {
      differ++
      firstDifference ??= { yima: answers.yima?.key ?? '', baseline: answers.baseline?.key ?? '' }
    }
  }
  const runs = ms.yima.length
  const r = { name: c.yima.label, baseline: c.baseline.label, runs, yima: timing(ms.yima), base: timing(ms.baseline) }
  const agreement = !c.same ? 'a different question: not compared' : differ === 0 ? `same answer in all ${runs} calls` : `DIFFERENT answer in ${differ} of ${runs} calls`
  out(row(r.name, r.yima, String(runs), c.yima.describe(median(sizes.yima))))
  out(row(`  baseline: ${r.baseline}`, r.base, '', `${c.baseline.describe(median(sizes.baseline))}; ${agreement}`))
  if (firstDifference !== undefined) {
    const { yima, baseline } = firstDifference
    // Around the first differing character: the answers are long (200 stores) and mostly alike.
    let at = 0
    while (at < yima.length && yima[at] === baseline[at]) at++
    const around = (s: string): string => `…${s.slice(Math.max(0, at - 200), at + 200)}…`
    out(`      first difference, yima:     ${around(yima)}`)
    out(`      first difference, baseline: ${around(baseline)}`)
    process.exitCode = 1
  }
  return r
}

/** The database's URL with another database name. */
function withDatabase (url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const MARK_PATTERN = /^yima bench reports: orders=(\d+) days=(\d+) end=(\S+) seed=(\d+)$/
const isPostgres = (url: string | undefined): url is string => url !== undefined && url !== '' && /^postgres(ql)?:/.test(url)

/** BENCH_KEEP: unset or 1 keeps the seeded database (the default: seeding takes minutes), 0 drops it after measuring. */
function keepSeeded (): boolean {
  const raw = process.env.BENCH_KEEP ?? ''
  if (!['', '0', '1'].includes(raw)) throw new Error(`BENCH_KEEP must be 0 (drop ${DB_NAME} after measuring) or 1 (keep it, the default), not ${raw}`)
  return raw !== '0'
}

export async function reportsBench (url: string | undefined, table: Table): Promise<void> {
  if (!isPostgres(url)) {
    out('reports: needs PostgreSQL — set DATABASE_URL=postgres://… (e.g. postgres://postgres@127.0.0.1:5432/postgres); PGlite would take hours at 10M orders. Skipped.')
    table.skipped('report queries at 10M orders', 'not run (needs PostgreSQL: DATABASE_URL)')
    return
  }
  const plan: Omit<SeedPlan, 'end'> = { orders: envInt('BENCH_ORDERS', 10_000_000), days: DAYS }
  const runs = envInt('BENCH_RUNS', 40)
  const keep = keepSeeded()
  if (new URL(url).pathname.replace(/^\//, '') === DB_NAME) throw new Error(`DATABASE_URL must name another database than ${DB_NAME}: that one is created, seeded and dropped here`)
  const benchUrl = withDatabase(url, DB_NAME)
  const admin = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  const adminQuery = queryOf(poolOf(admin))
  let database: Database | undefined
  // Only a database whose seeding finished (marked) is worth keeping; a half-seeded one is dropped.
  let marked = false
  try {
    out(`reports on PostgreSQL, database ${DB_NAME}: ${plan.orders.toLocaleString('en')} orders, ${STORES} stores, ${plan.days} days\n`)
    // A database seeded before (and kept) with as many orders is measured again as it is.
    const [existing] = await adminQuery("select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1", [DB_NAME])
    const mark = existing === undefined ? undefined : MARK_PATTERN.exec(String(existing.comment ?? ''))
    let end: Date
    if (mark?.[1] === String(plan.orders) && mark[2] === String(plan.days) && mark[4] === String(SEED_VERSION) && mark[3] !== undefined) {
      end = new Date(mark[3])
      marked = true
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
      await adminQuery(`comment on database ${DB_NAME} is '${MARK}: orders=${plan.orders} days=${plan.days} end=${end.toISOString()} seed=${SEED_VERSION}'`)
      marked = true
    }
    const results = await measureAll(database.db, queryOf(poolOf(database)), end, runs)
    const orders = `${plan.orders >= 1_000_000 ? `${plan.orders / 1_000_000}M` : plan.orders.toLocaleString('en')} orders`
    for (const r of results) {
      table.add(`report ${r.name}, ${orders} (baseline: ${r.baseline}): p50`, r.yima.p50, r.base.p50, 'ms')
      table.add(`report ${r.name.split(',')[0] ?? r.name}: p95`, r.yima.p95, r.base.p95, 'ms')
    }
    await spotCheck(database.db, queryOf(poolOf(database)), end)
  } finally {
    await database?.close()
    if (keep && marked) {
      out(`\n  kept ${DB_NAME}: the next run with BENCH_ORDERS=${plan.orders} measures without seeding; BENCH_KEEP=0 drops it after measuring, or  psql ${url} -c 'drop database ${DB_NAME}'`)
    } else {
      await adminQuery(`drop database if exists ${DB_NAME} with (force)`)
      out(`\n  dropped ${DB_NAME} (${keep ? 'its seeding did not finish' : 'BENCH_KEEP=0'})`)
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
const canonical = (g: GroupedCounters): string => JSON.stringify([...g.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
/** A summary's answer; `size` is its payments or its groups. */
const counted = (g: GroupedCounters, size: 'payments' | 'groups'): Answer => ({ size: size === 'payments' ? tradesOf(g) : g.size, key: canonical(g) })
const paged = (ids: string[]): Answer => ({ size: ids.length, key: ids.join(' ') })

interface Range { from: Date, to: Date }
interface StoreRange extends Range { s: number }

/** The filters of a details search as a hand-written WHERE over orders: one condition each, its parameters after the range ($1, $2). */
interface BareFilter { where: string, params: unknown[] }
const IN_RANGE = 'created_at >= $1::timestamptz and created_at < $2::timestamptz'

/**
 * A details page as one hand-written query straight on orders: the same filters and order, no
 * scope, no cursor lookup, no hasMore row. `offset` skips that many orders (the paging keyset avoids).
 */
async function barePage (query: Query, r: Range, f: BareFilter, offset = 0): Promise<Answer> {
  const skip = offset > 0 ? ` offset ${offset}` : ''
  const rows = await query(`select * from orders where ${IN_RANGE} and ${f.where} order by created_at desc, id desc limit ${PAGE}${skip}`, [r.from, r.to, ...f.params])
  return paged(rows.map((row) => String(row.id)))
}

const SUMMARY_BASELINE = 'SQL recount over orders + refunds'
const PAGE_BASELINE = 'bare SQL on orders, limit 20'

async function measureAll (db: Db, query: Query, end: Date, runs: number): Promise<Result[]> {
  const q = questions(end, 7)
  const n = WARM_UP + runs
  const times = <P>(make: () => P, count = n): P[] => Array.from({ length: count }, make)
  const storeRanges = (days: number): StoreRange[] => times(() => ({ s: q.store(), ...q.range(days) }))
  const storeDays = (): StoreRange[] => times(() => ({ s: q.store(), ...q.chinaDay() }))
  const shifts = new ShiftsService({ db, clock: systemClock, newId: createIdGenerator() })
  const storeSummary = (p: StoreRange, by: 'staff' | null): Promise<GroupedCounters> =>
    summaryCounters(db, { scope: storeScope(storeId(p.s)), storeId: storeId(p.s) }, p.from, p.to, by)
  const storeRecount = (p: StoreRange, key: string): Promise<GroupedCounters> => straight(query, 'o.store_id = $3', storeId(p.s), key, p.from, p.to)
  const BY_CLERK = "coalesce(o.staff_id, '')"

  // The deep pages' cursors, found before any timing: the order 90 % of the way down a store's 90 days.
  const deep = await Promise.all(storeRanges(90).map(async (p) => {
    const inRange = 'store_id = $1 and created_at >= $2::timestamptz and created_at < $3::timestamptz'
    const [c] = await query(`select count(*)::int as n from orders where ${inRange}`, [storeId(p.s), p.from, p.to])
    const depth = Math.floor(Number(c?.n ?? 0) * 0.9)
    const [cursor] = await query(`select id from orders where ${inRange} order by created_at desc, id desc offset $4 limit 1`, [storeId(p.s), p.from, p.to, depth])
    if (cursor === undefined) throw new Error(`no orders for store ${storeId(p.s)} in the deep-page range`)
    return { ...p, depth, cursor: String(cursor.id) }
  }))
  const deepDepth = median(deep.map((d) => d.depth)).toLocaleString('en')
  const spRuns = WARM_UP + Math.max(5, Math.floor(runs / 4))
  const rows = (m: number): string => `${m} rows`
  const yimaPage = async (scope: Scope, search: OrderSearchQuery): Promise<Answer> => paged((await searchOrders(db, scope, search)).rows.map((o) => o.id))

  const results: Result[] = []
  out(`\n${line('query', 'p50 ms', 'p95 ms', 'runs', 'result (median)')}`)
  results.push(await measure({
    params: storeRanges(90),
    same: true,
    yima: { label: '1 summary, store, 90 days (rollup + partial hours both ends)', call: async (p) => counted(await storeSummary(p, null), 'payments'), describe: (m) => `total of ${m.toLocaleString('en')} payments` },
    baseline: { label: SUMMARY_BASELINE, call: async (p) => counted(await storeRecount(p, "''"), 'payments'), describe: (m) => `total of ${m.toLocaleString('en')} payments` },
  }))
  results.push(await measure({
    params: storeDays(),
    same: true,
    yima: { label: '2 summary, store, 1 China day, by clerk', call: async (p) => counted(await storeSummary(p, 'staff'), 'groups'), describe: (m) => `${m} groups (5 clerks + none)` },
    baseline: { label: SUMMARY_BASELINE, call: async (p) => counted(await storeRecount(p, BY_CLERK), 'groups'), describe: (m) => `${m} groups` },
  }))
  results.push(await measure({
    params: storeRanges(90),
    same: true,
    yima: { label: '3 details, store, 90 days, first page', call: async (p) => await yimaPage(storeScope(storeId(p.s)), { from: p.from, to: p.to, storeId: storeId(p.s), limit: PAGE }), describe: rows },
    baseline: { label: PAGE_BASELINE, call: async (p) => await barePage(query, p, { where: 'store_id = $3', params: [storeId(p.s)] }), describe: rows },
  }))
  results.push(await measure({
    params: deep,
    same: true,
    yima: { label: '4 details, store, 90 days, deep page (90 % down)', call: async (p) => await yimaPage(storeScope(storeId(p.s)), { from: p.from, to: p.to, storeId: storeId(p.s), limit: PAGE, startingAfter: p.cursor }), describe: (m) => `${m} rows after ${deepDepth} orders` },
    // The rows after the cursor, which is the order at offset `depth`.
    baseline: { label: 'bare SQL on orders, OFFSET to the same depth', call: async (p) => await barePage(query, p, { where: 'store_id = $3', params: [storeId(p.s)] }, p.depth + 1), describe: (m) => `${m} rows at OFFSET ~${deepDepth}` },
  }))
  // The handover summaries have no plain-SQL twin (windows come from the shifts, in code): the
  // baseline is the closest plain query, the SQL recount of the store's day by clerk.
  results.push(await measure({
    params: storeDays(),
    same: false,
    yima: { label: '5 handover summaries, store, 1 China day', call: async (p) => ({ size: (await shifts.summaries(storeId(p.s), p)).length, key: '' }), describe: (m) => `${m} windows` },
    baseline: { label: 'SQL recount of the day by clerk (closest plain query)', call: async (p) => counted(await storeRecount(p, BY_CLERK), 'groups'), describe: (m) => `${m} groups` },
  }))
  // Beyond the five: the service provider's console over all its stores, and filtered pages.
  results.push(await measure({
    params: times(() => q.range(90), spRuns),
    same: true,
    yima: { label: '6 summary, whole SP (200 stores), 90 days, by store', call: async (p) => counted(await summaryCounters(db, { scope: { ...EMPTY_SCOPE, spIds: [SP_ID] } }, p.from, p.to, 'store'), 'groups'), describe: (m) => `${m} groups` },
    baseline: { label: SUMMARY_BASELINE, call: async (p) => counted(await straight(query, 'o.sp_id = $3', SP_ID, "coalesce(o.store_id, '')", p.from, p.to), 'groups'), describe: (m) => `${m} groups` },
  }))
  results.push(await measure({
    params: storeRanges(90),
    same: true,
    yima: { label: '7 details, merchant, 90 days, alipay ≥ 400 yuan, first page', call: async (p) => await yimaPage({ ...EMPTY_SCOPE, merchantIds: [merchantOfStore(p.s)] }, { from: p.from, to: p.to, payPlatform: 'alipay', minFen: 40_000, limit: PAGE }), describe: rows },
    baseline: { label: PAGE_BASELINE, call: async (p) => await barePage(query, p, { where: 'merchant_id = $3 and pay_platform = $4 and amount_fen >= $5', params: [merchantOfStore(p.s), 'alipay', 40_000] }), describe: rows },
  }))
  results.push(await measure({
    params: times(() => q.range(7)),
    same: true,
    yima: { label: '8 details, whole SP, 7 days, first page', call: async (p) => await yimaPage({ ...EMPTY_SCOPE, spIds: [SP_ID] }, { from: p.from, to: p.to, limit: PAGE }), describe: rows },
    baseline: { label: PAGE_BASELINE, call: async (p) => await barePage(query, p, { where: 'sp_id = $3', params: [SP_ID] }), describe: rows },
  }))
  out(`\n  stores are weighted 1–5 by orders (store s: ${[0, 1, 2, 3, 4].map(storeWeight).join(', ')} …); every timed call picks a random store and range (seeded); each baseline is called with the same ones`)
  out('  baselines: summaries — the straight SQL recount over orders and refunds; details — one hand-written query on orders with the same filters,')
  out('  order by created_at desc, id desc limit 20 (the deep page with OFFSET); handover summaries — the recount of the day by clerk, the closest plain query')
  return results
}

/**
 * The same counters straight from the orders and refunds (as shared/src/reports.ts defines them),
 * grouped by `key`, an expression over o; `where` may use $3.
 */
async function straight (query: Query, where: string, param: string, key: string, from: Date, to: Date): Promise<GroupedCounters> {
  const paid = await query(`
    select ${key} as k, count(*) as trade_count, sum(o.amount_fen) as trade_fen, sum(o.discount_fen) as discount_fen, sum(o.amount_fen - o.no_cash_discount_fen) as settlement_fen
      from orders o where ${where} and o.status = 'succeeded' and o.paid_at >= $1::timestamptz and o.paid_at < $2::timestamptz group by 1`, [from, to, param])
  const refunded = await query(`
    select ${key} as k, count(*) as refund_count, sum(r.amount_fen) as refund_fen,
           sum(r.amount_fen - r.amount_fen * o.no_cash_discount_fen / o.amount_fen) as refund_settlement_fen
      from refunds r join orders o on o.id = r.order_id
     where ${where} and r.status in ('processing', 'succeeded') and r.created_at >= $1::timestamptz and r.created_at < $2::timestamptz group by 1`, [from, to, param])
  const result: GroupedCounters = new Map()
  const zero: SummaryCounters = { tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0 }
  for (const r of paid) {
    result.set(String(r.k), { ...(result.get(String(r.k)) ?? zero), tradeCount: Number(r.trade_count), tradeFen: Number(r.trade_fen), discountFen: Number(r.discount_fen), settlementFen: Number(r.settlement_fen) })
  }
  for (const r of refunded) {
    result.set(String(r.k), { ...(result.get(String(r.k)) ?? zero), refundCount: Number(r.refund_count), refundFen: Number(r.refund_fen), refundSettlementFen: Number(r.refund_settlement_fen) })
  }
  return result
}

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
