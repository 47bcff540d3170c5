import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase, type Database } from '../../src/db/client'
import { TEMPLATE_DB, withDatabaseName } from './postgres'

export const onPostgres = (): boolean => (process.env.DATABASE_URL ?? '') !== ''

/**
 * A database of this test file's own: a PGlite loaded from the migrated dump, or (when
 * DATABASE_URL is set) a PostgreSQL database cloned from the migrated template and dropped
 * afterwards. Every table is emptied before each test, so no test sees another's rows.
 */
export function useTestDatabase (): { get: () => Database, url: () => string | undefined } {
  let database: Database | undefined
  let name: string | undefined
  let url: string | undefined

  beforeAll(async () => {
    const base = process.env.DATABASE_URL
    if (base !== undefined && base !== '') {
      name = `yima_t_${process.pid}_${randomBytes(4).toString('hex')}`
      await admin(base, `create database "${name}" template "${TEMPLATE_DB}"`)
      url = withDatabaseName(base, name)
      database = await openDatabase({ kind: 'postgres', url, poolMax: 20 })
    } else {
      const dump = process.env.YIMA_TEST_PGLITE_DUMP
      if (dump === undefined) throw new Error('YIMA_TEST_PGLITE_DUMP missing: run through the jest config (globalSetup)')
      database = await openDatabase({ kind: 'pglite', loadDataDir: new Blob([readFileSync(dump)]) })
    }
  })

  beforeEach(async () => {
    if (database === undefined) return
    const tables = await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)
    const names = tables.rows.map((r) => `"${String(r.tablename)}"`)
    if (names.length > 0) await database.db.execute(sql.raw(`truncate ${names.join(', ')} cascade`))
  })

  afterAll(async () => {
    await database?.close()
    const base = process.env.DATABASE_URL
    if (name !== undefined && base !== undefined) await admin(base, `drop database if exists "${name}" with (force)`)
  })

  return {
    get: () => {
      if (database === undefined) throw new Error('test database not open yet')
      return database
    },
    url: () => url,
  }
}

async function admin (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}
