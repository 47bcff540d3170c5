import { and, eq, inArray, sql } from 'drizzle-orm'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Executor, Tx } from '../../db/client'
import { outboxJobs, type Outbox } from '../../outbox'
import { deliveries, type DeliveryChannel, type DeliveryRow, type DeliveryStatus } from './notify.schema'

/** What a delivery is about and who it goes to (N2). */
export interface NewDelivery {
  spId: string
  sspId: string | null
  merchantId: string
  storeId: string | null
  subject: 'payment' | 'refund' | 'handover' | 'summary' | 'order_detail'
  subjectId: string
  channel: DeliveryChannel
  recipientKind: 'staff' | 'printer' | 'speaker'
  recipientId: string
  /** Masked for display: an openid's tail, a phone's tail, a device SN. */
  target: string
}

/**
 * The delivery ledger (N2): every message, SMS, print and announcement is a row here and an outbox
 * job carrying it, written in the caller's transaction. Job handlers report back with `sent` /
 * `failed` / `fallback`; the merchant reads the rows.
 */
export class DeliveryLedger {
  constructor (private readonly deps: { clock: Clock, newId: IdGenerator, outbox: Outbox }) {}

  /**
   * Records the delivery and enqueues `topic` with `{ deliveryId }` (plus `extra`, e.g. the text of
   * an on-request print); the same subject, channel and recipient again (a repeated event) does
   * nothing and returns undefined.
   */
  async enqueue (tx: Tx, d: NewDelivery, topic: string, runAt?: Date, extra?: Record<string, unknown>): Promise<DeliveryRow | undefined> {
    const now = this.deps.clock.now()
    const [row] = await tx.insert(deliveries).values({
      id: this.deps.newId('dlv'),
      ...d,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    }).onConflictDoNothing().returning()
    if (row === undefined) return undefined
    const jobId = await this.deps.outbox.enqueue(tx, { topic, payload: { ...extra, deliveryId: row.id }, dedupeKey: row.id, ...(runAt === undefined ? {} : { runAt }) })
    await tx.update(deliveries).set({ jobId: jobId ?? null }).where(eq(deliveries.id, row.id))
    return { ...row, jobId: jobId ?? null }
  }

  async get (exec: Executor, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await exec.select().from(deliveries).where(eq(deliveries.id, id))
    return row
  }

  /**
   * Whether the job's current run is its last (after it, a failure is final): a handler then
   * settles the row itself instead of leaving it pending for a retry that will never come.
   */
  async lastAttempt (exec: Executor, jobId: string, attempt: number): Promise<boolean> {
    const [job] = await exec.select({ maxAttempts: outboxJobs.maxAttempts }).from(outboxJobs).where(eq(outboxJobs.id, jobId))
    return job === undefined || attempt >= job.maxAttempts
  }

  /**
   * One attempt finished: counts it and records the outcome (compare-and-set from pending, or from
   * the states in `from`: a print marked failed while its printer is offline, still being retried).
   */
  async settle (exec: Executor, id: string, outcome: { status: 'sent' } | { status: 'failed' | 'fallback' | 'pending', error: string }, from: readonly DeliveryStatus[] = ['pending']): Promise<boolean> {
    const now = this.deps.clock.now()
    const rows = await exec.update(deliveries).set({
      status: outcome.status,
      attempts: sql`${deliveries.attempts} + 1`,
      updatedAt: now,
      ...(outcome.status === 'sent' ? { sentAt: now, lastError: null } : { lastError: outcome.error }),
    }).where(and(eq(deliveries.id, id), inArray(deliveries.status, [...from]))).returning({ id: deliveries.id })
    return rows.length === 1
  }

  /**
   * Tells the same recipient about the same subject again (a reprint on request): a delivery that
   * has finished (sent or failed, its job no longer running) goes back to pending with a new job,
   * `reopened`. One still on its way is answered as it is. Undefined when there is no such delivery.
   */
  async reopen (tx: Tx, d: Pick<NewDelivery, 'subject' | 'subjectId' | 'channel' | 'recipientId'>, topic: string, extra?: Record<string, unknown>): Promise<{ row: DeliveryRow, reopened: boolean } | undefined> {
    const [row] = await tx.select().from(deliveries).where(and(
      eq(deliveries.subject, d.subject), eq(deliveries.subjectId, d.subjectId), eq(deliveries.channel, d.channel), eq(deliveries.recipientId, d.recipientId),
    )).for('update')
    if (row === undefined) return undefined
    if (row.status === 'pending') return { row, reopened: false }
    if (row.jobId !== null) {
      // A failed row whose job still retries (a print held back while the printer is offline).
      const [job] = await tx.select({ status: outboxJobs.status }).from(outboxJobs).where(eq(outboxJobs.id, row.jobId))
      if (job?.status === 'pending' || job?.status === 'running') return { row, reopened: false }
    }
    const now = this.deps.clock.now()
    // A fresh dedupe key: the first job holds (topic, delivery id).
    const jobId = await this.deps.outbox.enqueue(tx, { topic, payload: { ...extra, deliveryId: row.id }, dedupeKey: this.deps.newId('dlv') })
    const [reopened] = await tx.update(deliveries).set({ status: 'pending', jobId: jobId ?? null, lastError: null, sentAt: null, updatedAt: now })
      .where(eq(deliveries.id, row.id)).returning()
    return { row: reopened ?? row, reopened: true }
  }
}
