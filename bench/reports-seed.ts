// The data of `npm run bench -- reports`, written by PostgreSQL itself: a few INSERT … SELECT FROM
// generate_series statements (the orders in chunks of a million, for progress), the secondary
// indexes dropped first and built once at the end, report_hourly from the migration's own backfill.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { MIGRATIONS_DIR } from '@yima/server/src/db/migrate'

export const MERCHANTS = 20
export const STORES_PER_MERCHANT = 10
export const STORES = MERCHANTS * STORES_PER_MERCHANT
export const CLERKS_PER_STORE = 5
export const SP_ID = 'sp_bench'
const CHUNK = 1_000_000
/**
 * Share of the succeeded orders without a discount refunded (half in full, half in part). Orders
 * with one are never refunded: 0010_report_hourly.sql's backfill counts a refund's settlement as its
 * whole amount, the code (rollup.ts) less the refunded share of the no-charge discount, so only
 * without those refunds does the backfilled rollup agree with the orders to the fen.
 */
const REFUND_SHARE = 0.05
/** Bumped whenever the data changes, so a kept database seeded before is seeded again. */
export const SEED_VERSION = 2

/** Deterministic ids, so the measuring side can name them without asking. */
export const storeId = (s: number): string => `sto_bench${String(s).padStart(3, '0')}`
export const merchantId = (m: number): string => `mch_bench${String(m).padStart(2, '0')}`
export const merchantOfStore = (s: number): string => merchantId(Math.floor(s / STORES_PER_MERCHANT))
/** Orders per store are weighted 1 to 5 (store s: 1 + s % 5): a few busy stores, many quiet ones. */
export const storeWeight = (s: number): number => 1 + (s % 5)

export interface SeedPlan {
  orders: number
  days: number
  /** Exclusive end of the data (a China midnight); it starts `days` days before. */
  end: Date
}

type Log = (line: string) => void
/** One connection's query (the pg client under drizzle): text, optional parameters, rows. */
export type Query = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>
const lit = (d: Date): string => `'${d.toISOString()}'::timestamptz`
const secs = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`

/**
 * The two backfill statements of 0010_report_hourly.sql (payments, then refunds with ON CONFLICT),
 * read from the migration so the rollup is built exactly as the migration builds it.
 */
function rollupBackfill (): string[] {
  const text = readFileSync(path.join(MIGRATIONS_DIR, '0010_report_hourly.sql'), 'utf8')
  const statements = text.split('--> statement-breakpoint')
    .map((s) => s.split('\n').filter((line) => !line.trimStart().startsWith('--')).join('\n').trim())
    .filter((s) => s.startsWith('INSERT INTO "report_hourly"'))
  if (statements.length !== 2) throw new Error(`expected 2 backfill statements in 0010_report_hourly.sql, found ${statements.length}`)
  return statements
}

/** Secondary indexes (not those behind a primary key or unique constraint) of the tables, to drop and build again. */
async function secondaryIndexes (run: Query, tables: string[]): Promise<Array<{ name: string, def: string }>> {
  const rows = await run(`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
      from pg_index i join pg_class c on c.oid = i.indrelid
     where c.relnamespace = 'public'::regnamespace and c.relname in (${tables.map((t) => `'${t}'`).join(', ')})
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
     order by 1`)
  return rows.map((r) => ({ name: String(r.name), def: String(r.def) }))
}

/**
 * Seeds a freshly migrated database. `run` must always use the same connection: the session
 * settings and temporary tables below live on it.
 */
export async function seedReports (run: Query, plan: SeedPlan, log: Log): Promise<void> {
  const { orders: n, days } = plan
  const start = new Date(plan.end.getTime() - days * 86_400_000)
  const startEpoch = start.getTime() / 1000
  const t0 = performance.now()
  for (const setting of ["work_mem = '1GB'", "maintenance_work_mem = '1GB'", 'synchronous_commit = off']) await run(`set ${setting}`)

  // --- tenants: 1 SP, 20 merchants, 200 stores, 5 clerks each -------------------------------------
  let t = performance.now()
  await run(`
    insert into service_providers (id, owner_account_id, out_mch_id, name, short_name, admin_name, admin_phone, created_at, updated_at)
    values ('${SP_ID}', 'acc_bench', 'BENCHSP0000000000001', '压测服务商', '压测', '压测管理员', '13800000000', ${lit(start)}, ${lit(start)})`)
  await run(`
    insert into merchants (id, sp_id, out_sub_mch_id, order_prefix, name, short_name, admin_name, admin_email, wx_sub_mch_id,
                           authen_key_sealed, verify_public_key, created_at, updated_at)
    select 'mch_bench' || lpad(m::text, 2, '0'), '${SP_ID}', 'BENCHMCH' || lpad(m::text, 12, '0'), 'bz' || lpad(m::text, 4, '0'),
           '压测商户' || m, '商户' || m, '管理员' || m, 'admin' || m || '@bench.invalid', '19' || lpad(m::text, 8, '0'),
           'bench-not-sealed', 'bench-not-a-key', ${lit(start)}, ${lit(start)}
      from generate_series(0, ${MERCHANTS - 1}) m`)
  await run(`
    insert into stores (id, sp_id, merchant_id, out_shop_id, name, created_at, updated_at)
    select 'sto_bench' || lpad(s::text, 3, '0'), '${SP_ID}', 'mch_bench' || lpad((s / ${STORES_PER_MERCHANT})::text, 2, '0'),
           'BENCHSHOP' || lpad(s::text, 11, '0'), '门店' || s, ${lit(start)}, ${lit(start)}
      from generate_series(0, ${STORES - 1}) s`)
  await run(`
    insert into staff (id, role, sp_id, merchant_id, store_id, name, refund_permission, activated_at, created_at, updated_at)
    select 'stf_bench' || lpad(s::text, 3, '0') || 'c' || c, 'clerk', '${SP_ID}', 'mch_bench' || lpad((s / ${STORES_PER_MERCHANT})::text, 2, '0'),
           'sto_bench' || lpad(s::text, 3, '0'), '店员' || s || '-' || c, c = 0, ${lit(start)}, ${lit(start)}, ${lit(start)}
      from generate_series(0, ${STORES - 1}) s, generate_series(0, ${CLERKS_PER_STORE - 1}) c`)
  // What the order generator joins: each store with its merchant's fields, and 600 weighted slots.
  await run(`
    create temp table bench_store as
    select substr(st.id, 10)::int as store_no, substr(st.id, 10) as tag, st.id as store_id, st.merchant_id, st.sp_id, st.name as store_name,
           m.order_prefix, m.wx_sub_mch_id, m.short_name
      from stores st join merchants m on m.id = st.merchant_id where st.sp_id = '${SP_ID}'`)
  await run(`
    create temp table bench_slot as
    select (row_number() over (order by store_no, k) - 1)::int as slot, store_no
      from bench_store, generate_series(1, 1 + store_no % 5) k`)
  const [slots] = await run('select count(*)::int as n from bench_slot')
  const slotCount = Number(slots?.n)
  log(`tenants: 1 SP, ${MERCHANTS} merchants, ${STORES} stores, ${STORES * CLERKS_PER_STORE} clerks (${secs(t)})`)

  // --- orders and refunds, without the secondary indexes -----------------------------------------
  const payIndexes = await secondaryIndexes(run, ['orders', 'refunds'])
  for (const ix of payIndexes) await run(`drop index ${ix.name}`)
  t = performance.now()
  for (let a = 0; a < n; a += CHUNK) {
    const b = Math.min(n, a + CHUNK)
    await run(`
      with ins as (
        insert into orders (id, sp_id, merchant_id, store_id, staff_id, device_id, qr_code_id, source_type, trade_type, pay_platform, method,
                            wx_sub_mch_id, out_trade_no, amount_fen, quantity, discount_fen, no_cash_discount_fen, refunded_fen, status, description, payer_id,
                            channel_txn_id, failure_code, expires_at, paid_at, closed_at, created_at, updated_at)
        select 'ord_' || tail, sp_id, merchant_id, store_id,
               case when kind in ('staff', 'micropay') then 'stf_bench' || tag || 'c' || clerk end,
               case when kind = 'micropay' then 'dev_bench' || tag || 'd' || (clerk % 2) end,
               case kind when 'store' then 'qr_bench' || tag || 's' when 'staff' then 'qr_bench' || tag || 'c' || clerk
                         when 'fixed' then 'qr_bench' || tag || 'f' || (clerk % 2) end,
               case kind when 'staff' then 'staff_outdoor_qr' when 'fixed' then 'fixed_amount_qr' else 'one_code' end,
               case kind when 'micropay' then 'micropay' when 'api' then 'native' else 'one_code' end,
               platform,
               case when platform = 'wechat_pay'
                    then case kind when 'micropay' then 'wechat_micropay' when 'api' then 'wechat_native' else 'wechat_jsapi' end
                    else case kind when 'micropay' then 'alipay_micropay' when 'api' then 'alipay_qr' else 'alipay_jsapi' end end,
               case when platform = 'wechat_pay' then wx_sub_mch_id end,
               order_prefix || tail,
               amount, quantity,
               -- Every discount no-charge (the merchant bears it), as 0013_vouchers.sql takes the discounts before it.
               discount, discount,
               case when status = 'succeeded' and discount = 0 and r_ref < ${REFUND_SHARE}
                    then case when r_ref < ${REFUND_SHARE / 2} then amount else 1 + floor(r_misc * (amount - 1))::int end else 0 end,
               status, short_name || '-' || store_name,
               case when kind in ('store', 'staff', 'fixed')
                    then case when platform = 'wechat_pay' then 'oBench' || lpad(payer::text, 22, '0') else '2088' || lpad(payer::text, 12, '0') end end,
               case when status = 'succeeded'
                    then case when platform = 'wechat_pay' then '4200' || lpad(i::text, 24, '0') else to_char(created_at at time zone 'UTC', 'YYYYMMDD') || '22' || lpad(i::text, 18, '0') end end,
               case when status = 'failed' then case when platform = 'wechat_pay' then 'PAYERROR' else 'ACQ.PAYMENT_AUTH_CODE_INVALID' end end,
               created_at + ttl,
               case when status = 'succeeded' then created_at + (2 + floor(r_misc * 28)) * interval '1 second' end,
               case when status = 'closed' then created_at + ttl end,
               created_at,
               case status when 'succeeded' then created_at + (2 + floor(r_misc * 28)) * interval '1 second'
                           when 'closed' then created_at + ttl else created_at + interval '5 seconds' end
          from (
            select y.*,
                   lpad((extract(epoch from created_at) * 1000)::bigint::text, 13, '0') || lpad(i::text, 9, '0') as tail,
                   case when kind = 'micropay' then interval '45 seconds' else interval '15 minutes' end as ttl,
                   case when kind = 'fixed' then (1500 + 1000 * (clerk % 2)) * (1 + floor(r_amt * 3)::int)
                        else 1 + floor(49999 * power(r_amt, 3))::int end as amount,
                   case when kind = 'fixed' then 1 + floor(r_amt * 3)::int end as quantity
              from (
                select x.*, s.*,
                       case when r_kind < 0.55 then 'store' when r_kind < 0.75 then 'staff' when r_kind < 0.80 then 'fixed'
                            when r_kind < 0.95 then 'micropay' else 'api' end as kind,
                       case when r_plat < 0.6 then 'wechat_pay' else 'alipay' end as platform,
                       case when r_status < 0.90 then 'succeeded' when r_status < 0.97 then 'closed' else 'failed' end as status
                  from (
                    select i, floor(random() * ${slotCount})::int as slot, random() as r_kind, random() as r_plat, random() as r_status,
                           floor(random() * ${CLERKS_PER_STORE})::int as clerk, random() as r_amt, random() as r_ref, random() as r_disc,
                           random() as r_misc, floor(random() * 500000)::int as payer,
                           date_trunc('milliseconds', to_timestamp(${startEpoch} + floor(i::float8 * ${days} / ${n}) * 86400 +
                             case when random() < 0.03 then random() * 86400 else 25200 + 28800 * (random() + random()) end)) as created_at
                      from generate_series(${a}::bigint, ${b - 1}::bigint) i
                    offset 0) x
                  join bench_slot sl on sl.slot = x.slot
                  join bench_store s on s.store_no = sl.store_no) y) z
          cross join lateral (select case when status = 'succeeded' and platform = 'wechat_pay' and r_disc < 0.05 and amount >= 1000
                                          then 100 * (1 + floor(r_disc * 100)::int) else 0 end as discount) d
        returning id, sp_id, merchant_id, store_id, staff_id, out_trade_no, refunded_fen, paid_at)
      insert into refunds (id, order_id, sp_id, merchant_id, store_id, out_refund_no, amount_fen, status, reason, operator_kind, operator_id,
                           channel_refund_id, refunded_at, created_at, updated_at)
      select 'rfd_' || substr(id, 5), id, sp_id, merchant_id, store_id, out_trade_no || 'R1', refunded_fen, 'succeeded',
             case when r_reason < 0.3 then '顾客要求退款' end, 'staff', coalesce(staff_id, replace(store_id, 'sto_', 'stf_') || 'c0'),
             '50' || substr(id, 5), t_req + interval '3 seconds', t_req, t_req + interval '3 seconds'
        from (select ins.*, random() as r_reason,
                     date_trunc('milliseconds', least(now(), paid_at + (case when random() < 0.6 then 60 + random() * 3540 else 3600 + random() * 604800 end) * interval '1 second')) as t_req
                from ins where refunded_fen > 0 offset 0) r`)
    log(`orders ${b.toLocaleString('en')} / ${n.toLocaleString('en')} (${secs(t)})`)
  }
  t = performance.now()
  for (const ix of payIndexes) await run(ix.def)
  log(`orders and refunds indexes built: ${payIndexes.map((ix) => ix.name).join(', ')} (${secs(t)})`)

  // --- shifts: two a day per store over the whole period -----------------------------------------
  t = performance.now()
  await run(`
    insert into staff_shifts (id, staff_id, store_id, merchant_id, clock_in_at, clock_out_at, created_at)
    select 'shf_bench' || tag || '_' || lpad(d::text, 4, '0') || '_' || k, 'stf_bench' || tag || 'c' || ((d + 2 * k) % ${CLERKS_PER_STORE}),
           store_id, merchant_id, cin, cout, cin
      from (select tag, store_id, merchant_id, d, k,
                   date_trunc('milliseconds', to_timestamp(${startEpoch} + d * 86400 +
                     case k when 0 then 8 * 3600 - 600 + random() * 1800 else 14.75 * 3600 - 300 + random() * 1200 end)) as cin,
                   date_trunc('milliseconds', to_timestamp(${startEpoch} + d * 86400 +
                     case k when 0 then 15 * 3600 - 300 + random() * 1200 else 22.5 * 3600 + random() * 1800 end)) as cout
              from bench_store, generate_series(0, ${days - 1}) d, generate_series(0, 1) k
            offset 0) x`)
  log(`staff_shifts: 2 a day per store for ${days} days (${secs(t)})`)

  // --- report_hourly, as the migration backfills it ----------------------------------------------
  t = performance.now()
  const rollupIndexes = await secondaryIndexes(run, ['report_hourly'])
  for (const ix of rollupIndexes) await run(`drop index ${ix.name}`)
  for (const statement of rollupBackfill()) await run(statement)
  for (const ix of rollupIndexes) await run(ix.def)
  log(`report_hourly from 0010_report_hourly.sql's backfill (${secs(t)})`)

  t = performance.now()
  await run('vacuum (analyze) orders, refunds, report_hourly, staff_shifts, staff, stores, merchants, service_providers')
  log(`vacuum analyze (${secs(t)})`)

  const counts = await run(`
    select 'orders' as t, count(*) as n from orders union all select 'refunds', count(*) from refunds
    union all select 'report_hourly', count(*) from report_hourly union all select 'staff_shifts', count(*) from staff_shifts`)
  log(`seeded in ${secs(t0)}: ${counts.map((r) => `${String(r.t)} ${Number(r.n).toLocaleString('en')}`).join(', ')}`)
  const [size] = await run("select pg_size_pretty(pg_database_size(current_database())) as s, pg_size_pretty(pg_total_relation_size('orders')) as o")
  log(`database ${String(size?.s)} (orders with indexes ${String(size?.o)})`)
}
