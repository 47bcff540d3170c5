import { eq } from 'drizzle-orm'
import type { OrderStatus } from '@yima/shared'
import type { ChannelRegistry } from '../../channels/registry'
import type { ChannelOutcome } from '../../channels/types'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { JobHandler, Outbox } from '../../outbox'
import { orders, type OrderRow } from './payment.schema'
import type { PaymentService } from './payment.service'

/**
 * Orders the channel has not settled yet (P2, P3, P4, P7): asking the channel instead of waiting
 * for a notification that may never come, closing expired orders, and reversing micropays whose
 * customer never confirmed. Every run is a compare-and-set on what the channel said, so a job that
 * runs twice, or beside a notification, changes nothing the second time.
 */

export const RECONCILE_TOPIC = 'payments.reconcile'
export const MICROPAY_POLL_TOPIC = 'payments.micropay_poll'

/** A lost notification is noticed this soon, instead of at expiry. */
export const FIRST_CHECK_MS = 60_000
/** Micropay: the customer has this long to confirm on the phone; then the order is reversed (channels.md §2.6). */
export const MICROPAY_DEADLINE_MS = 45_000
/** Micropay: how often the channel is asked while the customer is typing the password. */
export const MICROPAY_POLL_MS = 5_000
/**
 * Micropay: one more look after the deadline, in case the poll job gave up or money arrived
 * after the reversal (micropay is never notified, so only a query can tell).
 */
export const MICROPAY_FINAL_CHECK_MS = 5 * 60_000

export interface ReconcilePayload { orderId: string, stage: 'check' | 'expire' }
export interface MicropayPollPayload { orderId: string }

const OPEN: ReadonlySet<OrderStatus> = new Set(['created', 'pending'])
export const isOpen = (o: Pick<OrderRow, 'status'>): boolean => OPEN.has(o.status)
export const isMicropay = (o: Pick<OrderRow, 'method'>): boolean => o.method === 'wechat_micropay' || o.method === 'alipay_micropay'

/**
 * "No such order" at query time: a micropay whose create is still on its way, or an Alipay QR code
 * nobody scanned yet. Neither is final; only the deadline's close or reverse settles it.
 */
const NOT_YET_THERE = new Set(['ORDER_NOT_EXIST', 'ACQ.TRADE_NOT_EXIST'])

/** Thrown to have the outbox run the job again later: the channel has not settled the order yet. */
export class NotSettledYet extends Error {
  override readonly name = 'NotSettledYet'
}

/**
 * The follow-up jobs of a new order, written in the transaction that inserts it, so no order can
 * exist without them. One-code orders: a check after a minute and the close at expiry. Micropay:
 * the poll (every few seconds, reversing at the deadline) and a last check after it.
 */
export async function scheduleFollowUps (outbox: Outbox, tx: Executor, order: OrderRow): Promise<void> {
  const at = (ms: number): Date => new Date(order.createdAt.getTime() + ms)
  const payload = (stage: ReconcilePayload['stage']): ReconcilePayload => ({ orderId: order.id, stage })
  if (isMicropay(order)) {
    await outbox.enqueue(tx, { topic: MICROPAY_POLL_TOPIC, payload: { orderId: order.id } satisfies MicropayPollPayload, dedupeKey: order.id, runAt: at(MICROPAY_POLL_MS) })
    await outbox.enqueue(tx, { topic: RECONCILE_TOPIC, payload: payload('expire'), dedupeKey: `${order.id}:expire`, runAt: new Date(order.expiresAt.getTime() + MICROPAY_FINAL_CHECK_MS) })
    return
  }
  await outbox.enqueue(tx, { topic: RECONCILE_TOPIC, payload: payload('check'), dedupeKey: `${order.id}:check`, runAt: at(FIRST_CHECK_MS) })
  await outbox.enqueue(tx, { topic: RECONCILE_TOPIC, payload: payload('expire'), dedupeKey: `${order.id}:expire`, runAt: order.expiresAt })
}

export interface ReconcilerDeps { db: Db, clock: Clock, channels: ChannelRegistry, payments: PaymentService }

/** Asks the channel about one order and applies the answer; the outbox runs it (see the handlers). */
export class PaymentReconciler {
  constructor (private readonly deps: ReconcilerDeps) {}

  /**
   * `check`: only a success is acted on (a lost notification). `expire`: an order still unpaid is
   * closed (reversed, for micropay) at the channel first, and locally only once the channel
   * confirms. A final order is asked once more, so money that arrived after the close or reversal
   * becomes a `late_success` incident instead of going unnoticed.
   */
  async reconcile ({ orderId, stage }: ReconcilePayload): Promise<Record<string, unknown>> {
    const order = await this.#order(orderId)
    if (order === undefined) return { skipped: 'no such order' }
    if (order.status === 'succeeded') return { status: order.status }
    const outcome = await this.#query(order)
    if (outcome.kind === 'succeeded') return { status: (await this.deps.payments.applyOutcome(order, outcome)).status }
    if (stage === 'check' || !isOpen(order)) return { status: order.status, channel: outcome.kind }
    return { status: (await this.#end(order)).status }
  }

  /**
   * One look at a micropay while the customer may still be paying: a success or a definitive
   * refusal is applied, anything else leaves it open. Used by the poll job and by the request
   * that created the order (which waits a few seconds for a quick answer).
   */
  async checkMicropay (orderId: string): Promise<OrderRow | undefined> {
    const order = await this.#order(orderId)
    if (order === undefined || !isOpen(order)) return order
    const outcome = await this.#query(order)
    switch (outcome.kind) {
      case 'succeeded': return await this.deps.payments.applyOutcome(order, outcome)
      case 'failed':
        if (NOT_YET_THERE.has(outcome.code)) return order
        // Reversed elsewhere (a Cloud Pay client's reverse call) is not a failed payment.
        if (outcome.code === 'REVOKED') return await this.deps.payments.endOrder(order, 'reversed', outcome)
        return await this.deps.payments.applyOutcome(order, outcome)
      case 'pending':
      case 'unknown':
        return await this.deps.payments.applyOutcome(order, outcome)
    }
  }

  /** The poll job: look again; at the deadline, reverse. Throws while it should run again. */
  async pollMicropay ({ orderId }: MicropayPollPayload): Promise<Record<string, unknown>> {
    const order = await this.checkMicropay(orderId)
    if (order === undefined) return { skipped: 'no such order' }
    if (!isOpen(order)) return { status: order.status }
    const deadline = order.createdAt.getTime() + MICROPAY_DEADLINE_MS
    if (this.deps.clock.now().getTime() < deadline) throw new NotSettledYet('the customer is still paying; asking again')
    return { status: (await this.#end(order)).status }
  }

  /** The outbox handlers, by topic (services.ts registers them). */
  handlers (): Record<typeof RECONCILE_TOPIC | typeof MICROPAY_POLL_TOPIC, JobHandler> {
    const reconcile: JobHandler<ReconcilePayload> = {
      // The default backoff (15 s … 24 h) keeps asking a channel that does not answer.
      handle: async (payload) => await this.reconcile(payload),
    }
    const poll: JobHandler<MicropayPollPayload> = {
      // Every 5 s: 8 looks before the 45 s deadline, then the reversal, repeated while it gets no
      // answer (channels.md §2.6). The final reconcile job takes over if this one runs out.
      backoffMs: [MICROPAY_POLL_MS],
      maxAttempts: 30,
      timeoutMs: 30_000,
      handle: async (payload) => await this.pollMicropay(payload),
    }
    return { [RECONCILE_TOPIC]: reconcile, [MICROPAY_POLL_TOPIC]: poll }
  }

  async #order (id: string): Promise<OrderRow | undefined> {
    const [row] = await this.deps.db.select().from(orders).where(eq(orders.id, id))
    return row
  }

  async #query (order: OrderRow): Promise<ChannelOutcome> {
    const creds = await this.deps.payments.credentialsOf(order)
    return await this.deps.channels[order.payPlatform].queryPayment(order.outTradeNo, creds)
  }

  /**
   * Ends an unpaid order at the channel: close, or reverse for micropay. The local state follows
   * only what the channel confirmed; no answer (or a still-open order) is retried by the outbox.
   */
  async #end (order: OrderRow): Promise<OrderRow> {
    const creds = await this.deps.payments.credentialsOf(order)
    const adapter = this.deps.channels[order.payPlatform]
    const micropay = isMicropay(order)
    const outcome = micropay ? await adapter.reversePayment(order.outTradeNo, creds) : await adapter.closePayment(order.outTradeNo, creds)
    switch (outcome.kind) {
      // The close or reverse was refused because it had been paid after all.
      case 'succeeded': return await this.deps.payments.applyOutcome(order, outcome)
      // CLOSED / REVOKED / TRADE_CLOSED / TRADE_REFUNDED, or "no such order" (never created, never
      // scanned): it can no longer be paid. A micropay still `created` (the process died before the
      // channel answered the create) has to pass through pending: created → reversed is no transition.
      case 'failed': {
        const open = micropay && order.status === 'created' ? await this.deps.payments.applyOutcome(order, { kind: 'pending', raw: outcome.raw }) : order
        return await this.deps.payments.endOrder(open, micropay ? 'reversed' : 'closed', outcome)
      }
      case 'pending':
      case 'unknown':
        throw new NotSettledYet(`${micropay ? 'reverse' : 'close'} not confirmed by ${order.payPlatform}: ${outcome.kind === 'unknown' ? outcome.reason : 'still open'}`)
    }
  }
}
