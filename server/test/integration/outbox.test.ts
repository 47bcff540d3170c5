import { asc, eq } from 'drizzle-orm'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { ManualClock } from '../../src/clock'
import { Outbox, OutboxWorker, PermanentJobError, outboxDeliveries, outboxJobs, type JobHandlers } from '../../src/outbox'
import { onPostgres, useTestDatabase } from '../helpers/database'

const database = useTestDatabase()
const logger = pino({ level: 'silent' })
const newId = createIdGenerator()

function setup (handlers: JobHandlers, o: { workerId?: string, batchSize?: number, timeoutMs?: number, clock?: ManualClock, pollMs?: number } = {}) {
  const clock = o.clock ?? new ManualClock()
  const { db } = database.get()
  const outbox = new Outbox({ clock, newId, handlers })
  const worker = new OutboxWorker({
    db,
    clock,
    newId,
    logger,
    handlers,
    batchSize: o.batchSize ?? 50,
    pollMs: o.pollMs ?? 10,
    timeoutMs: o.timeoutMs ?? 1000,
    workerId: o.workerId ?? 'w1',
  })
  return { db, clock, outbox, worker }
}

const jobs = async () => await database.get().db.select().from(outboxJobs).orderBy(asc(outboxJobs.createdAt), asc(outboxJobs.id))
const deliveries = async (jobId: string) =>
  await database.get().db.select().from(outboxDeliveries).where(eq(outboxDeliveries.jobId, jobId)).orderBy(asc(outboxDeliveries.attempt))

describe('outbox', () => {
  it('keeps a job only when the transaction that wrote it commits', async () => {
    const seen: unknown[] = []
    const { db, outbox, worker } = setup({ 'test.note': { handle: async (p) => { seen.push(p) } } })
    await expect(db.transaction(async (tx) => {
      await outbox.enqueue(tx, { topic: 'test.note', payload: { n: 1 } })
      throw new Error('the payment failed')
    })).rejects.toThrow()
    await db.transaction(async (tx) => { await outbox.enqueue(tx, { topic: 'test.note', payload: { n: 2 } }) })

    expect(await worker.runOnce()).toBe(1)
    expect(seen).toEqual([{ n: 2 }])
    const [job] = await jobs()
    expect(job).toMatchObject({ status: 'done', attempts: 1, lockedBy: null })
    const [delivery] = await deliveries(job!.id)
    expect(delivery).toMatchObject({ attempt: 1, worker: 'w1', outcome: 'succeeded', error: null })
  })

  it('retries a failing job on the backoff schedule, recording every attempt', async () => {
    let calls = 0
    const { db, clock, outbox, worker } = setup({
      'test.flaky': {
        backoffMs: [0, 15_000, 60_000],
        handle: async () => { calls++; if (calls < 3) throw new Error(`refused ${calls}`); return { ok: true } },
      },
    })
    await outbox.enqueue(db, { topic: 'test.flaky', payload: {} })

    expect(await worker.runOnce()).toBe(1) // attempt 1 fails → due in 15 s
    expect(await worker.runOnce()).toBe(0)
    clock.advance(14_999)
    expect(await worker.runOnce()).toBe(0)
    clock.advance(1)
    expect(await worker.runOnce()).toBe(1) // attempt 2 fails → due in 60 s
    clock.advance(59_999)
    expect(await worker.runOnce()).toBe(0)
    clock.advance(1)
    expect(await worker.runOnce()).toBe(1) // attempt 3 succeeds

    const [job] = await jobs()
    expect(job).toMatchObject({ status: 'done', attempts: 3, lastError: null })
    const log = await deliveries(job!.id)
    expect(log.map((d) => [d.attempt, d.outcome, d.error])).toEqual([
      [1, 'failed', 'Error: refused 1'], [2, 'failed', 'Error: refused 2'], [3, 'succeeded', null],
    ])
    expect(log[2]!.result).toEqual({ ok: true })
  })

  it('dead-letters a job after its last attempt, and at once for a permanent error', async () => {
    const { db, clock, outbox, worker } = setup({
      'test.down': { maxAttempts: 3, backoffMs: [0, 1000], handle: async () => { throw new Error('503 from printer cloud') } },
      'test.refused': { handle: async () => { throw new PermanentJobError('printer SN unknown') } },
    })
    const down = await outbox.enqueue(db, { topic: 'test.down', payload: {} })
    const refused = await outbox.enqueue(db, { topic: 'test.refused', payload: {} })
    for (let i = 0; i < 5; i++) { await worker.runOnce(); clock.advance(1000) }

    const byId = new Map((await jobs()).map((j) => [j.id, j]))
    expect(byId.get(down!)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'Error: 503 from printer cloud' })
    expect(byId.get(refused!)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'PermanentJobError: printer SN unknown' })
    expect(await deliveries(down!)).toHaveLength(3)

    // A manual resend gives it more attempts; history is kept.
    const succeed = setup({ 'test.down': { handle: async () => 'printed' } }, { clock })
    expect(await succeed.outbox.requeue(db, down!)).toBe(true)
    expect(await succeed.worker.runOnce()).toBe(1)
    expect((await deliveries(down!)).map((d) => d.outcome)).toEqual(['failed', 'failed', 'failed', 'succeeded'])
  })

  it('ignores a second enqueue with the same dedupe key', async () => {
    const { db, outbox } = setup({ 'test.note': { handle: async () => {} } })
    const first = await outbox.enqueue(db, { topic: 'test.note', payload: { a: 1 }, dedupeKey: 'pay_1' })
    const again = await outbox.enqueue(db, { topic: 'test.note', payload: { a: 2 }, dedupeKey: 'pay_1' })
    expect(first).toMatch(/^job_/)
    expect(again).toBeUndefined()
    expect(await jobs()).toHaveLength(1)
  })

  it('refuses to enqueue a topic nobody handles', async () => {
    const { db, outbox } = setup({})
    await expect(outbox.enqueue(db, { topic: 'nobody', payload: {} })).rejects.toThrow(/no handler/)
  })

  it('leaves topics it has no handler for to other workers', async () => {
    const both = setup({ 'test.a': { handle: async () => {} }, 'test.b': { handle: async () => {} } })
    await both.outbox.enqueue(both.db, { topic: 'test.a', payload: {} })
    await both.outbox.enqueue(both.db, { topic: 'test.b', payload: {} })
    const onlyA = setup({ 'test.a': { handle: async () => {} } }, { clock: both.clock })
    expect(await onlyA.worker.runOnce()).toBe(1)
    expect((await jobs()).map((j) => [j.topic, j.status]).sort()).toEqual([['test.a', 'done'], ['test.b', 'pending']])
  })

  it('runs a job whose worker died again once its lease lapses, and the late worker cannot overwrite it', async () => {
    const clock = new ManualClock()
    let release: () => void = () => {}
    const hung = setup({ 'test.slow': { handle: async () => { await new Promise<void>((resolve) => { release = resolve }) } } }, { clock, workerId: 'dead-worker', timeoutMs: 60_000 })
    await hung.outbox.enqueue(hung.db, { topic: 'test.slow', payload: {} })
    const stuck = hung.worker.runOnce() // claims, then hangs like a frozen process

    await new Promise((resolve) => setTimeout(resolve, 50))
    const rescuer = setup({ 'test.slow': { handle: async () => 'done by rescuer' } }, { clock, workerId: 'rescuer', timeoutMs: 60_000 })
    expect(await rescuer.worker.runOnce()).toBe(0) // lease still held
    clock.advance(120_001)
    expect(await rescuer.worker.runOnce()).toBe(1)

    release()
    await stuck
    const [job] = await jobs()
    expect(job).toMatchObject({ status: 'done', attempts: 2 })
    expect((await deliveries(job!.id)).map((d) => [d.attempt, d.worker])).toEqual([[1, 'dead-worker'], [2, 'rescuer']])
  })

  it('times out a handler that never returns and retries it', async () => {
    const { db, worker, outbox } = setup({ 'test.hang': { timeoutMs: 50, handle: async () => await new Promise(() => {}) } })
    await outbox.enqueue(db, { topic: 'test.hang', payload: {} })
    await worker.runOnce()
    const [job] = await jobs()
    expect(job).toMatchObject({ status: 'pending', lastError: 'Error: job timed out after 50 ms' })
  })

  it('never runs a job twice with two workers draining one queue, and loses none', async () => {
    const total = 300
    const runs = new Map<number, number>()
    const handlers: JobHandlers = {
      'test.count': {
        handle: async (p: { n: number }) => {
          runs.set(p.n, (runs.get(p.n) ?? 0) + 1)
          await new Promise((resolve) => setImmediate(resolve))
          if (p.n % 10 === 0 && runs.get(p.n) === 1) throw new Error('first try fails')
        },
      },
    }
    const clock = new ManualClock()
    const a = setup(handlers, { clock, workerId: 'a', batchSize: 7 })
    const b = setup(handlers, { clock, workerId: 'b', batchSize: 7 })
    await a.db.transaction(async (tx) => {
      for (let n = 0; n < total; n++) await a.outbox.enqueue(tx, { topic: 'test.count', payload: { n } })
    })

    for (let round = 0; round < 200; round++) {
      const [ra, rb] = await Promise.all([a.worker.runOnce(), b.worker.runOnce()])
      if (ra + rb === 0) {
        if ((await jobs()).every((j) => j.status === 'done')) break
        clock.advance(15_000)
      }
    }

    const all = await jobs()
    expect(all).toHaveLength(total)
    expect(all.every((j) => j.status === 'done')).toBe(true)
    const failedFirst = [...runs.entries()].filter(([n]) => n % 10 === 0)
    expect(failedFirst.every(([, count]) => count === 2)).toBe(true)
    expect([...runs.entries()].filter(([n]) => n % 10 !== 0).every(([, count]) => count === 1)).toBe(true)
    expect(runs.size).toBe(total)
    const workers = new Set((await database.get().db.select({ w: outboxDeliveries.worker }).from(outboxDeliveries)).map((d) => d.w))
    if (onPostgres()) expect(workers).toEqual(new Set(['a', 'b'])) // both really took part
  })

  it('starts and stops a polling worker, finishing the job in hand', async () => {
    let finished = 0
    const { db, outbox, worker } = setup({ 'test.note': { handle: async () => { await new Promise((resolve) => setTimeout(resolve, 30)); finished++ } } })
    await outbox.enqueue(db, { topic: 'test.note', payload: {} })
    worker.start()
    for (let i = 0; i < 100; i++) {
      if ((await jobs())[0]?.status === 'running') break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await worker.stop()
    expect(finished).toBe(1)
    expect((await jobs())[0]?.status).toBe('done')
  })

  it('runs a job enqueued while a slow one is still running, without waiting for it', async () => {
    let release: () => void = () => {}
    const slowDone = new Promise<void>((resolve) => { release = resolve })
    const fastRan: number[] = []
    const { db, outbox, worker } = setup({
      'test.slow': { handle: async () => { await slowDone } },
      'test.fast': { handle: async () => { fastRan.push(Date.now()) } },
    }, { batchSize: 4, timeoutMs: 10_000 })
    await outbox.enqueue(db, { topic: 'test.slow', payload: {} })
    worker.start()
    try {
      const until = async (check: () => Promise<boolean>): Promise<void> => {
        for (let i = 0; i < 400 && !await check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await until(async () => (await jobs())[0]?.status === 'running')
      await outbox.enqueue(db, { topic: 'test.fast', payload: {} })
      // Done means recorded: the handler returns before its attempt is written.
      await until(async () => (await jobs()).some((j) => j.topic === 'test.fast' && j.status === 'done'))
      // The integrator's slow callback is still going; the clerk's message went out anyway.
      expect(fastRan).toHaveLength(1)
      expect((await jobs()).map((j) => [j.topic, j.status])).toEqual([['test.slow', 'running'], ['test.fast', 'done']])
    } finally {
      release()
      await worker.stop()
    }
    expect((await jobs()).every((j) => j.status === 'done')).toBe(true)
  })

  it('fills a slot as soon as a job ends when more were due than it had slots, not at the next poll', async () => {
    const { db, outbox, worker } = setup({ 'test.note': { handle: async () => { await new Promise((resolve) => setTimeout(resolve, 20)) } } }, { batchSize: 2, pollMs: 60_000 })
    await db.transaction(async (tx) => {
      for (let n = 0; n < 9; n++) await outbox.enqueue(tx, { topic: 'test.note', payload: { n } })
    })
    const started = Date.now()
    worker.start()
    try {
      for (let i = 0; i < 400 && !(await jobs()).every((j) => j.status === 'done'); i++) await new Promise((resolve) => setTimeout(resolve, 5))
      // Nine 20 ms jobs two at a time: well under a second, while the poll is a minute away.
      expect((await jobs()).every((j) => j.status === 'done')).toBe(true)
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      await worker.stop()
    }
  })
})
