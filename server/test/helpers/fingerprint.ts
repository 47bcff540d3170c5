import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client'

/**
 * Every row of every table (or of `tables`), hashed: what "nothing changed" means. Tables that a
 * refused request is meant to write (rate-limit buckets) are left out by the caller.
 */
export async function fingerprint (database: Database, o: { tables?: readonly string[], except?: readonly string[] } = {}): Promise<string> {
  const tables = o.tables ?? (await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).rows
    .map((r) => String(r.tablename)).filter((t) => !t.startsWith('__') && !(o.except ?? []).includes(t))
  const parts = tables.map((t) => `select '${t}' as t, coalesce(md5(string_agg(row_to_json(x)::text, '|' order by row_to_json(x)::text)), '') as h from "${t}" x`)
  const r = await database.db.execute(sql.raw(parts.join(' union all ')))
  return r.rows.map((row) => `${String(row.t)}=${String(row.h)}`).sort().join(':')
}
