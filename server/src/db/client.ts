import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import * as schema from './schema'
import { guardDb } from './guard'
import { lockDataDir, type DataDirLock } from './data-dir-lock'
import { INT8_OID, parseInt8 } from './int8'

export interface CommonQueryResultHKT extends PgQueryResultHKT {
  type: { rows: Array<Record<string, unknown>>, rowCount: number | null }
}

export type Schema = typeof schema
/** One database type for both drivers. */
export type Db = PgDatabase<CommonQueryResultHKT, Schema>
export type Tx = PgTransaction<CommonQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Where a repository function may run: the database, or a transaction the service opened. */
export type Executor = Db | Tx

export type DatabaseTarget =
  | { kind: 'postgres', url: string, poolMax?: number }
  | { kind: 'pglite', dataDir?: string, loadDataDir?: Blob }

export interface Database {
  readonly db: Db
  readonly kind: DatabaseTarget['kind']
  /** Throws when the database does not answer. */
  ping (): Promise<void>
  close (): Promise<void>
}

pg.types.setTypeParser(INT8_OID, parseInt8)

/**
 * Opens the database the configuration names: a pg pool for PostgreSQL, or embedded PGlite
 * (in memory without a data dir, else on disk under an exclusive lock).
 */
export async function openDatabase (target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolMax ?? 10 })
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => {})
    const db = guardDb(drizzlePg({ client: pool, schema }) as unknown as Db)
    return {
      db,
      kind: 'postgres',
      ping: async () => { await pool.query('select 1') },
      close: async () => { await pool.end() },
    }
  }

  let lock: DataDirLock | undefined
  if (target.dataDir !== undefined) lock = lockDataDir(target.dataDir)
  try {
    const client = await PGlite.create({
      ...(target.dataDir === undefined ? {} : { dataDir: target.dataDir }),
      ...(target.loadDataDir === undefined ? {} : { loadDataDir: target.loadDataDir }),
      parsers: { [INT8_OID]: parseInt8 },
    })
    const db = guardDb(drizzlePglite({ client, schema }) as unknown as Db)
    return {
      db,
      kind: 'pglite',
      ping: async () => { await db.execute(sql`select 1`) },
      close: async () => {
        try { await client.close() } finally { lock?.release() }
      },
    }
  } catch (e) {
    lock?.release()
    throw e
  }
}
