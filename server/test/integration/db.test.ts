import { sql } from 'drizzle-orm'
import { migrate, migrationsApplied } from '../../src/db/migrate'
import { OuterDbInTransactionError } from '../../src/db/guard'
import { outboxJobs } from '../../src/outbox'
import { useTestDatabase } from '../helpers/database'

const database = useTestDatabase()

describe('database layer', () => {
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
})
