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

/** What a LISTENing connection reports; see `openListener`. */
export interface ListenHandlers {
  /** A notification on the channel arrived (the payload is not passed on). */
  onNotify: () => void
  /** The connection failed or ended after it was listening. Called at most once; open another to go on. */
  onLost: (err: Error) => void
}

/** A LISTEN that `openListener` set up. */
export interface Listener {
  /** Stops listening and closes the connection; `onLost` is not called for it. */
  close: () => Promise<void>
}

type OpenListener = (channel: string, handlers: ListenHandlers) => Promise<Listener>

/** How to LISTEN on each database `openDatabase` opened, keyed by its `db`. */
const listenerOpeners = new WeakMap<Db, OpenListener>()

/**
 * LISTENs on `channel` of the database `db` belongs to. On PostgreSQL this is a connection of its
 * own, not one of the pool's (a pooled client is handed to other queries, and a pool drops idle
 * ones), so it hears notifications from every connection and every server instance. On PGlite it
 * is the instance's own `listen()`: its single backend hears its own NOTIFYs, delivered on commit as
 * on PostgreSQL. Throws when the connection cannot be set up; resolves undefined for a `db` that
 * `openDatabase` did not open (the caller goes without).
 */
export async function openListener (db: Db, channel: string, handlers: ListenHandlers): Promise<Listener | undefined> {
  const open = listenerOpeners.get(db)
  return open === undefined ? undefined : await open(channel, handlers)
}

async function listenOnPostgres (url: string, channel: string, handlers: ListenHandlers): Promise<Listener> {
  // keepAlive: the connection is idle for good, so without probes a silently dropped one (a NAT or
  // firewall timeout) would never report an error, and notifications would just stop.
  const client = new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 30_000, connectionTimeoutMillis: 10_000 })
  let listening = false
  let done = false
  const lost = (err: Error): void => {
    if (!listening || done) return
    done = true
    client.end().catch(() => {})
    handlers.onLost(err)
  }
  // Without an 'error' listener an idle client whose server goes away would crash the process.
  client.on('error', lost)
  client.on('end', () => { lost(new Error('the listening connection was closed')) })
  client.on('notification', (message) => { if (message.channel === channel) handlers.onNotify() })
  try {
    await client.connect()
    await client.query(`listen ${client.escapeIdentifier(channel)}`)
  } catch (err) {
    done = true
    await client.end().catch(() => {})
    throw err
  }
  listening = true
  return {
    close: async () => {
      if (done) return
      done = true
      await client.end()
    },
  }
}

/**
 * Opens the database the configuration names: a pg pool for PostgreSQL, or embedded PGlite
 * (in memory without a data dir, else on disk under an exclusive lock).
 */
export async function openDatabase (target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    // A database host that stops answering (a dead network path, a failover in progress) would
    // otherwise leave a new connection waiting for the kernel's TCP timeout, minutes, and every
    // request, /readyz and /metrics with it: give up after 5 s and let the caller answer 503.
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolMax ?? 10, connectionTimeoutMillis: 5_000 })
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => {})
    const db = guardDb(drizzlePg({ client: pool, schema }) as unknown as Db)
    listenerOpeners.set(db, async (channel, handlers) => await listenOnPostgres(target.url, channel, handlers))
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
    // In process only, which is all there is: one process owns a PGlite. Never lost while open.
    listenerOpeners.set(db, async (channel, handlers) => {
      const unlisten = await client.listen(channel, () => { handlers.onNotify() })
      return { close: async () => { if (!client.closed) await unlisten() } }
    })
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
