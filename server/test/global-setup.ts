import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { openDatabase } from '../src/db/client'
import { migrate, MIGRATIONS_DIR } from '../src/db/migrate'
import { TEMPLATE_DB, withDatabaseName } from './helpers/postgres'

/**
 * Migrates once per run: a PGlite data-dir dump that each test file loads (about a second instead
 * of initdb + migrate), or on PostgreSQL a template database each test file is cloned from.
 */
export default async function globalSetup (): Promise<void> {
  const url = process.env.DATABASE_URL
  if (url !== undefined && url !== '') {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      const stale = await admin.query<{ datname: string }>(
        "select datname from pg_database where datname like 'yima\\_t\\_%' or datname = $1", [TEMPLATE_DB])
      for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`)
      await admin.query(`create database "${TEMPLATE_DB}"`)
    } finally {
      await admin.end()
    }
    const templateUrl = withDatabaseName(url, TEMPLATE_DB)
    const database = await openDatabase({ kind: 'postgres', url: templateUrl, poolMax: 1 })
    try { await migrate(database, templateUrl) } finally { await database.close() }
    return
  }
  const client = await PGlite.create()
  await migratePglite(drizzle({ client }), { migrationsFolder: MIGRATIONS_DIR })
  const dump = await client.dumpDataDir('gzip')
  await client.close()
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'yima-test-')), 'pglite.tar.gz')
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  process.env.YIMA_TEST_PGLITE_DUMP = file
}
