import { and, eq, sql } from 'drizzle-orm'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Executor, Tx } from '../../db/client'
import type { Outbox } from '../../outbox'
import { deliveries, type DeliveryChannel, type DeliveryRow } from './notify.schema'

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
   * Records the delivery and enqueues `topic` with `{ deliveryId }`; the same subject, channel and
   * recipient again (a repeated event) does nothing and returns undefined.
   */
  async enqueue (tx: Tx, d: NewDelivery, topic: string, runAt?: Date): Promise<DeliveryRow | undefined> {
    const now = this.deps.clock.now()
    const [row] = await tx.insert(deliveries).values({
      id: this.deps.newId('dlv'),
      ...d,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    }).onConflictDoNothing().returning()
    if (row === undefined) return undefined
    const jobId = await this.deps.outbox.enqueue(tx, { topic, payload: { deliveryId: row.id }, dedupeKey: row.id, ...(runAt === undefined ? {} : { runAt }) })
    await tx.update(deliveries).set({ jobId: jobId ?? null }).where(eq(deliveries.id, row.id))
    return { ...row, jobId: jobId ?? null }
  }

  async get (exec: Executor, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await exec.select().from(deliveries).where(eq(deliveries.id, id))
    return row
  }

  /** One attempt finished: counts it and records the outcome (compare-and-set from pending). */
  async settle (exec: Executor, id: string, outcome: { status: 'sent' } | { status: 'failed' | 'fallback' | 'pending', error: string }): Promise<boolean> {
    const now = this.deps.clock.now()
    const rows = await exec.update(deliveries).set({
      status: outcome.status,
      attempts: sql`${deliveries.attempts} + 1`,
      updatedAt: now,
      ...(outcome.status === 'sent' ? { sentAt: now, lastError: null } : { lastError: outcome.error }),
    }).where(and(eq(deliveries.id, id), eq(deliveries.status, 'pending'))).returning({ id: deliveries.id })
    return rows.length === 1
  }
}
