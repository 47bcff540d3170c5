import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase } from '../../src/db/client'
import { migrate, migrationsApplied } from '../../src/db/migrate'
import { OuterDbInTransactionError } from '../../src/db/guard'
import { outboxJobs } from '../../src/outbox'
import { onPostgres, useTestDatabase } from '../helpers/database'
import { withDatabaseName } from '../helpers/postgres'

const database = useTestDatabase()

describe('database layer', () => {
  it('gives up connecting to a PostgreSQL host that accepts but never answers, instead of hanging', async () => {
    // A TCP peer that takes the connection and says nothing: a stalled server or a half-dead path.
    const sockets: Socket[] = []
    const silent = createServer((socket) => { sockets.push(socket) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const database = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/nothing`, poolMax: 1 })
    try {
      const started = Date.now()
      await expect(database.ping()).rejects.toThrow(/timeout/i)
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await database.close()
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('reports every shipped migration as applied, and re-running them changes nothing', async () => {
    const d = database.get()
    expect(await migrationsApplied(d)).toBe(true)
    await migrate(d, database.url())
    expect(await migrationsApplied(d)).toBe(true)
  })

  it('refuses the outer db inside a transaction instead of hanging or escaping it', async () => {
    const { db } = database.get()
    await expect(db.transaction(async () => {
      await db.select().from(outboxJobs)
    })).rejects.toBeInstanceOf(OuterDbInTransactionError)
    // and the tx handle works, and the guard is lifted afterwards
    await db.transaction(async (tx) => { await tx.select().from(outboxJobs) })
    await expect(db.select().from(outboxJobs)).resolves.toEqual([])
  })

  it('reads int8 as an exact number and refuses values beyond 2^53', async () => {
    const { db } = database.get()
    const ok = await db.execute(sql`select 9007199254740991::int8 as n, count(*) as c from (values (1), (2)) v(x)`)
    expect(ok.rows[0]).toEqual({ n: 9_007_199_254_740_991, c: 2 })
    const tooBig = await db.execute(sql`select 9007199254740993::int8 as n`).catch((e: unknown) => e)
    expect(tooBig).toBeInstanceOf(Error)
    expect(String((tooBig as Error).cause)).toMatch(/outside the safe integer range/)
  })

  it('rolls a failed transaction back completely', async () => {
    const { db } = database.get()
    const now = new Date()
    await expect(db.transaction(async (tx) => {
      await tx.insert(outboxJobs).values({ id: 'job_x', topic: 't', payload: {}, maxAttempts: 1, nextAttemptAt: now, createdAt: now, updatedAt: now })
      throw new Error('boom')
    })).rejects.toThrow('boom')
    expect(await db.select().from(outboxJobs)).toEqual([])
  })

  it('enforces the status check constraint', async () => {
    const { db } = database.get()
    const now = new Date()
    await expect(db.execute(sql`insert into outbox_jobs (id, topic, payload, status, max_attempts, next_attempt_at, created_at, updated_at)
      values ('job_y', 't', '{}', 'exploded', 1, ${now}, ${now}, ${now})`)).rejects.toThrow()
  })

  // Several instances starting at once against one empty PostgreSQL (mission O4). Without the
  // advisory lock, drizzle's migrator fails here with a duplicate pg_namespace key.
  ;(onPostgres() ? it : it.skip)('lets several instances migrate one empty PostgreSQL at once', async () => {
    const base = process.env.DATABASE_URL as string
    const name = `yima_t_blank_${randomBytes(4).toString('hex')}`
    const admin = async (statement: string) => {
      const c = new pg.Client({ connectionString: base })
      await c.connect()
      try { await c.query(statement) } finally { await c.end() }
    }
    await admin(`create database "${name}"`)
    const url = withDatabaseName(base, name)
    const instances = await Promise.all([1, 2, 3].map(async () => await openDatabase({ kind: 'postgres', url, poolMax: 2 })))
    try {
      await Promise.all(instances.map(async (d) => { await migrate(d, url) }))
      for (const d of instances) expect(await migrationsApplied(d)).toBe(true)
    } finally {
      await Promise.all(instances.map(async (d) => { await d.close() }))
      await admin(`drop database if exists "${name}" with (force)`)
    }
  })
})
