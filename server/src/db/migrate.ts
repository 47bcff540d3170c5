import { readFileSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { Database } from './client'

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../drizzle')

/** Any constant will do, as long as no other code uses it for a session advisory lock. */
const MIGRATION_LOCK = 727_274

/**
 * Applies pending migrations. On PostgreSQL several instances may start at once, and drizzle's
 * migrator races (duplicate key on pg_namespace), so it runs under a session advisory lock on a
 * dedicated connection, never a pooled one, where the unlock could land on another session.
 */
export async function migrate (database: Database, postgresUrl?: string): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_DIR })
    return
  }
  if (postgresUrl === undefined) throw new Error('migrate: PostgreSQL needs its URL for a dedicated connection')
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_DIR })
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    await client.end()
  }
}

let shipped: number | undefined

/** How many migrations this build ships (drizzle-kit's journal; read once, it cannot change at run time). */
export function expectedMigrationCount (): number {
  shipped ??= (JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
  return shipped
}

/** True when every shipped migration is recorded as applied. */
export async function migrationsApplied (database: Database): Promise<boolean> {
  const result = await database.db.execute(sql`
    select count(*)::int as n from drizzle.__drizzle_migrations`).catch(() => undefined)
  const applied = Number(result?.rows[0]?.n ?? 0)
  return applied >= expectedMigrationCount()
}
