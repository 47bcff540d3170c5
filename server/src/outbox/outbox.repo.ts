import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Executor } from '../db/client'
import { outboxDeliveries, outboxJobs, type OutboxJobRow } from './outbox.schema'

export interface NewJob {
  id: string
  topic: string
  payload: unknown
  dedupeKey?: string
  maxAttempts: number
  runAt: Date
}

/** The NOTIFY channel that wakes workers (on every instance) when a job was enqueued. */
export const OUTBOX_CHANNEL = 'yima_outbox'

/** Transactions that have notified already (PostgreSQL would fold the repeats into one anyway). */
const notified = new WeakSet<Executor>()

/**
 * Inserts a job and NOTIFYs `OUTBOX_CHANNEL` in the same transaction, so listening workers wake when
 * it commits (PostgreSQL delivers notifications on commit only, and drops them on rollback). Returns
 * false when (topic, dedupeKey) was already enqueued.
 */
export async function insertJob (exec: Executor, job: NewJob): Promise<boolean> {
  const rows = await exec.insert(outboxJobs).values({
    id: job.id,
    topic: job.topic,
    payload: job.payload,
    dedupeKey: job.dedupeKey ?? null,
    maxAttempts: job.maxAttempts,
    nextAttemptAt: job.runAt,
    createdAt: job.runAt,
    updatedAt: job.runAt,
  }).onConflictDoNothing().returning({ id: outboxJobs.id })
  if (rows.length !== 1) return false
  // Once per transaction saves a round trip per further job. Keyed by the transaction object: a
  // savepoint (nested transaction) is one of its own, so if it rolls back, taking its notification
  // with it, the parent's next enqueue still notifies. Outside a transaction each insert commits
  // by itself and notifies for itself.
  if (!notified.has(exec)) {
    await exec.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`)
    if (exec instanceof PgTransaction) notified.add(exec)
  }
  return true
}

/**
 * Claims up to `limit` due jobs of the topics in `leaseUntil` for `worker`, each until its topic's
 * lease end. Rows locked by another claimer are skipped, so concurrent workers never take the same
 * job; a running job whose lease lapsed (its worker died) is due again.
 */
export async function claimDueJobs (exec: Executor, o: {
  worker: string, now: Date, leaseUntil: Readonly<Record<string, Date>>, limit: number
}): Promise<OutboxJobRow[]> {
  const topics = Object.keys(o.leaseUntil)
  if (topics.length === 0) return []
  const lease = sql`case ${outboxJobs.topic} ${sql.join(topics.map((t) =>
    sql`when ${t} then ${(o.leaseUntil[t] as Date).toISOString()}::timestamptz`), sql` `)} end`
  const due = exec.select({ id: outboxJobs.id }).from(outboxJobs)
    .where(and(
      inArray(outboxJobs.topic, topics),
      or(
        and(eq(outboxJobs.status, 'pending'), lte(outboxJobs.nextAttemptAt, o.now)),
        and(eq(outboxJobs.status, 'running'), lte(outboxJobs.lockedUntil, o.now)),
      ),
    ))
    .orderBy(asc(outboxJobs.nextAttemptAt))
    .limit(o.limit)
    .for('update', { skipLocked: true })
  return await exec.update(outboxJobs)
    .set({
      status: 'running',
      attempts: sql`${outboxJobs.attempts} + 1`,
      lockedBy: o.worker,
      lockedUntil: lease,
      updatedAt: o.now,
    })
    .where(inArray(outboxJobs.id, due))
    .returning()
}

export interface AttemptRecord {
  id: string
  jobId: string
  attempt: number
  worker: string
  startedAt: Date
  finishedAt: Date
  error?: string
  result?: unknown
}

/**
 * Records the attempt and moves the job on, if this worker still holds it. Returns false when the
 * lease was lost (the job was reclaimed after it lapsed); the delivery is recorded regardless.
 */
export async function finishAttempt (exec: Executor, record: AttemptRecord, next:
  | { status: 'done' }
  | { status: 'pending', nextAttemptAt: Date, error: string }
  | { status: 'dead', error: string },
): Promise<boolean> {
  await exec.insert(outboxDeliveries).values({
    id: record.id,
    jobId: record.jobId,
    attempt: record.attempt,
    worker: record.worker,
    outcome: next.status === 'done' ? 'succeeded' : 'failed',
    error: record.error ?? null,
    result: record.result ?? null,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: Math.max(0, record.finishedAt.getTime() - record.startedAt.getTime()),
  })
  const updated = await exec.update(outboxJobs)
    .set({
      status: next.status,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: record.finishedAt,
      ...(next.status === 'done' ? { finishedAt: record.finishedAt, lastError: null } : {}),
      ...(next.status === 'pending' ? { nextAttemptAt: next.nextAttemptAt, lastError: next.error } : {}),
      ...(next.status === 'dead' ? { finishedAt: record.finishedAt, lastError: next.error } : {}),
    })
    .where(and(
      eq(outboxJobs.id, record.jobId),
      eq(outboxJobs.status, 'running'),
      eq(outboxJobs.lockedBy, record.worker),
      eq(outboxJobs.attempts, record.attempt),
    ))
    .returning({ id: outboxJobs.id })
  return updated.length === 1
}

/**
 * Puts a finished or dead job back in the queue for `extraAttempts` more runs (manual resend).
 * Attempt numbers keep counting up, so earlier delivery records stay as they were.
 */
export async function requeueJob (exec: Executor, jobId: string, now: Date, extraAttempts: number): Promise<boolean> {
  const rows = await exec.update(outboxJobs)
    .set({
      status: 'pending',
      maxAttempts: sql`${outboxJobs.attempts} + ${extraAttempts}`,
      nextAttemptAt: now,
      updatedAt: now,
      finishedAt: null,
    })
    .where(and(eq(outboxJobs.id, jobId), inArray(outboxJobs.status, ['dead', 'done'])))
    .returning({ id: outboxJobs.id })
  return rows.length === 1
}
