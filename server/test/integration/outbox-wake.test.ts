import { sql } from 'drizzle-orm'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { ManualClock } from '../../src/clock'
import { openDatabase, type Db } from '../../src/db/client'
import { Outbox, OutboxWorker, outboxJobs, type JobHandlers } from '../../src/outbox'
import { onPostgres, useTestDatabase } from '../helpers/database'

// The worker wakes on the NOTIFY every enqueue commits. Each worker here polls once a minute,
// so a job that runs within a couple of seconds was run because of a notification.

const database = useTestDatabase()
const newId = createIdGenerator()
const LONG_POLL_MS = 60_000

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Handlers recording when each job ran, by its payload's `n`. */
function recorder (): { handlers: JobHandlers, ran: Map<number, number> } {
  const ran = new Map<number, number>()
  return { ran, handlers: { 'test.note': { handle: async (p: { n: number }) => { ran.set(p.n, Date.now()) } } } }
}

const workers: OutboxWorker[] = []
afterEach(async () => { await Promise.all(workers.splice(0).map(async (w) => { await w.stop() })) })

/** A started worker that is listening, past its start-up claims. */
async function listeningWorker (handlers: JobHandlers, o: { clock?: ManualClock, pollMs?: number, logger?: pino.Logger } = {}): Promise<OutboxWorker> {
  const worker = new OutboxWorker({
    db: database.get().db,
    clock: o.clock ?? new ManualClock(),
    newId,
    logger: o.logger ?? pino({ level: 'silent' }),
    handlers,
    batchSize: 20,
    pollMs: o.pollMs ?? LONG_POLL_MS,
    workerId: `w-${workers.length}`,
  })
  workers.push(worker)
  worker.start()
  await until('the worker to listen', () => worker.listening)
  // The claim made when the LISTEN came up must be over, or it, not a notification, could find the job.
  await sleep(200)
  return worker
}

const enqueue = async (db: Db, handlers: JobHandlers, n: number): Promise<void> => {
  const outbox = new Outbox({ clock: new ManualClock(), newId, handlers })
  await db.transaction(async (tx) => { await outbox.enqueue(tx, { topic: 'test.note', payload: { n } }) })
}

/** A due job inserted without the notification enqueue sends: only a poll or someone else's notification runs it. */
async function silentJob (n: number): Promise<void> {
  const now = new ManualClock().now()
  await database.get().db.insert(outboxJobs).values({ id: newId('job'), topic: 'test.note', payload: { n }, maxAttempts: 3, nextAttemptAt: now, createdAt: now, updatedAt: now })
}

describe('outbox wake', () => {
  it('runs a job within moments of the commit that enqueued it, not at the next poll', async () => {
    const { handlers, ran } = recorder()
    await listeningWorker(handlers)
    for (const n of [1, 2, 3]) {
      const committed = Date.now()
      await enqueue(database.get().db, handlers, n)
      await until(`job ${n} to run`, () => ran.has(n), 2_000)
      expect(ran.get(n)! - committed).toBeLessThan(1_000)
    }
  })

  it('is not woken by an enqueue whose transaction rolls back', async () => {
    const { handlers, ran } = recorder()
    await listeningWorker(handlers)
    await silentJob(1)
    const outbox = new Outbox({ clock: new ManualClock(), newId, handlers })
    await expect(database.get().db.transaction(async (tx) => {
      await outbox.enqueue(tx, { topic: 'test.note', payload: { n: 2 } })
      throw new Error('the payment failed')
    })).rejects.toThrow('the payment failed')
    await sleep(1_000)
    expect([...ran.keys()]).toEqual([])

    // A committed enqueue wakes it, and the claim takes every due job.
    await enqueue(database.get().db, handlers, 3)
    await until('jobs 1 and 3 to run', () => ran.size === 2, 2_000)
    expect([...ran.keys()].sort()).toEqual([1, 3])
  })

  it('runs every job of a transaction that enqueues several (one notification)', async () => {
    const { handlers, ran } = recorder()
    await listeningWorker(handlers)
    const outbox = new Outbox({ clock: new ManualClock(), newId, handlers })
    await database.get().db.transaction(async (tx) => {
      for (let n = 0; n < 5; n++) await outbox.enqueue(tx, { topic: 'test.note', payload: { n } })
    })
    await until('five jobs to run', () => ran.size === 5, 2_000)
  })

  it('leaves a job scheduled for later to the poll', async () => {
    const clock = new ManualClock()
    const { handlers, ran } = recorder()
    await listeningWorker(handlers, { clock, pollMs: 100 })
    const outbox = new Outbox({ clock, newId, handlers })
    await database.get().db.transaction(async (tx) => {
      await outbox.enqueue(tx, { topic: 'test.note', payload: { n: 1 }, runAt: new Date(clock.now().getTime() + 60_000) })
    })
    await sleep(300)
    expect(ran.size).toBe(0) // woken, and polled, but not due yet
    clock.advance(60_000)
    await until('the job to run once due', () => ran.has(1), 2_000)
  })

  it('stops listening when stopped', async () => {
    const { handlers, ran } = recorder()
    const worker = await listeningWorker(handlers)
    await worker.stop()
    expect(worker.listening).toBe(false)
    await enqueue(database.get().db, handlers, 1)
    await sleep(300)
    expect(ran.size).toBe(0)
    if (onPostgres()) expect(await listeningBackends()).toEqual([])
  })

  const postgresOnly = onPostgres() ? it : it.skip

  postgresOnly('is woken by a job another pool (another server instance) enqueues', async () => {
    const { handlers, ran } = recorder()
    await listeningWorker(handlers)
    const other = await openDatabase({ kind: 'postgres', url: database.url()!, poolMax: 2 })
    try {
      const committed = Date.now()
      await enqueue(other.db, handlers, 1)
      await until('the job to run', () => ran.has(1), 2_000)
      expect(ran.get(1)! - committed).toBeLessThan(1_000)
    } finally {
      await other.close()
    }
  })

  postgresOnly('keeps polling when the listening connection is lost, warns, and listens again', async () => {
    const lines: Array<{ level: number, msg: string }> = []
    const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as { level: number, msg: string }) } })
    const { handlers, ran } = recorder()
    const worker = await listeningWorker(handlers, { pollMs: 300, logger })
    expect(await listeningBackends()).toHaveLength(1)

    // What a PostgreSQL restart does to the connection, to this one backend only.
    await database.get().db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query like 'listen %'`)
    await until('the loss to be noticed', () => !worker.listening)
    expect(lines.find((l) => l.msg.includes('lost the connection listening'))).toMatchObject({ level: 40 })
    await silentJob(1) // the poll still runs
    await until('the poll to run the job', () => ran.has(1), 2_000)

    await until('the worker to listen again', () => worker.listening, 5_000)
    expect(lines.some((l) => l.msg.includes('listening for new jobs again'))).toBe(true)
    expect(await listeningBackends()).toHaveLength(1) // the lost connection was not leaked
    await worker.stop()
    expect(await listeningBackends()).toEqual([])
  })
})

async function listeningBackends (): Promise<number[]> {
  const rows = await database.get().db.execute(sql`select pid from pg_stat_activity
    where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`)
  return rows.rows.map((r) => Number(r.pid))
}
