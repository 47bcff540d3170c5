import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import type { Clock } from '../../src/clock'
import type { Database } from '../../src/db/client'
import { OutboxWorker, type JobHandlers } from '../../src/outbox'

/**
 * Runs the outbox as main.ts's worker would, but on demand: every job due at the clock's time,
 * batch after batch, until none is due. `topics` keeps other modules' jobs out of a test that is
 * about one kind of job. Returns how many attempts ran.
 */
export async function runDueJobs (o: { database: Database, clock: Clock, handlers: JobHandlers, topics?: readonly string[] }): Promise<number> {
  const handlers = o.topics === undefined
    ? o.handlers
    : Object.fromEntries(o.topics.flatMap((t) => o.handlers[t] === undefined ? [] : [[t, o.handlers[t]]]))
  const worker = new OutboxWorker({
    db: o.database.db,
    clock: o.clock,
    newId: createIdGenerator(),
    logger: pino({ level: 'silent' }),
    handlers,
    batchSize: 20,
    pollMs: 10,
    workerId: 'test-worker',
  })
  let total = 0
  // A failed job is due again only after its backoff, so this ends unless a backoff is 0.
  for (let round = 0; round < 50; round++) {
    const ran = await worker.runOnce()
    if (ran === 0) return total
    total += ran
  }
  throw new Error('runDueJobs: jobs keep falling due; is a backoff 0?')
}
