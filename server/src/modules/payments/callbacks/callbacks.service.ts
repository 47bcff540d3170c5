import { and, asc, eq, inArray } from 'drizzle-orm'
import { AppError, type IdGenerator, type List, type PaymentCallbackDto } from '@yima/shared'
import type { Clock } from '../../../clock'
import type { Db, Tx } from '../../../db/client'
import { outboxDeliveries, outboxJobs, PermanentJobError, type JobContext, type JobHandler, type Outbox } from '../../../outbox'
import type { SecretBox } from '../../../secrets'
import type { AuditLog } from '../../audit'
import { auditedBy, type Caller } from '../../tenancy/caller'
import { merchantSecretContext } from '../../tenancy/merchants.service'
import { scopeWhere, type Scope } from '../../tenancy/scope'
import { merchants, serviceProviders, stores } from '../../tenancy/tenancy.schema'
import { orders, paymentCallbacks, type OrderRow, type PaymentCallbackRow, type RefundRow } from '../payment.schema'
import type { PaymentEvents } from '../payment.service'
import { paymentCallbackDto } from './dto'
import { buildEnvelope, paidContent, parseReply, refundedContent, type CallbackContent } from './envelope'
import { postJson } from './http-post'
import { checkUrl, UrlRefusedError, type Resolver, type UrlPolicy } from './url-guard'

export const TRADE_CALLBACK_TOPIC = 'payments.trade_callback'

/**
 * After the first attempt, the delays before each retry: WeChat Pay's notification schedule
 * (cloudpay-api.md §9), about 24 h in all. After the last one the callback has failed.
 */
export const CALLBACK_RETRY_DELAYS_MS: readonly number[] = [
  15_000, 15_000, 30_000, 3 * 60_000, 10 * 60_000, 20 * 60_000, 30 * 60_000, 30 * 60_000, 30 * 60_000,
  60 * 60_000, 3 * 3_600_000, 3 * 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 6 * 3_600_000,
]
// The outbox looks its delay up by the number of the attempt that failed; entry 0 is never used.
const BACKOFF_MS = [0, ...CALLBACK_RETRY_DELAYS_MS]
export const CALLBACK_MAX_ATTEMPTS = 1 + CALLBACK_RETRY_DELAYS_MS.length

/** How long a receiver has to answer; the job's own limit is a little longer. */
const REQUEST_TIMEOUT_MS = 10_000
/** A manual resend is one attempt; its result shows in the log and it can be resent again. */
const RESEND_ATTEMPTS = 1

export type CallbackEvent = PaymentCallbackRow['event']

export interface TradeCallbackJob {
  callbackId: string
  /**
   * The business content as it was when the event happened, as JSON text: jsonb would reorder
   * its keys. Each attempt adds a nonce and signs.
   */
  content: string
}

export interface CallbackDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  box: SecretBox
  outbox: Outbox
  audit: AuditLog
  /** Which URLs may be called: from the environment (url-guard.ts `urlPolicyFor`). */
  policy: UrlPolicy
  resolve?: Resolver
}

/** A failed attempt, in words for the console; starts with `HTTP <status>` when the receiver answered. */
class CallbackDeliveryError extends Error {
  override readonly name = 'CallbackDeliveryError'
}

const orderScope = { sp: orders.spId, ssp: orders.sspId, merchant: orders.merchantId, store: orders.storeId }

/**
 * Trade-complete callbacks (mission P6): on payment and refund success, a signed Cloud Pay
 * envelope to the SP's 交易完成回调URL and to the order's own callback URL, retried on WeChat's
 * schedule until a receiver answers status 0, each attempt logged, resendable from the console.
 */
export class CallbackService {
  constructor (private readonly deps: CallbackDeps) {}

  /** The payment events that write callbacks, for PaymentService. */
  readonly events: PaymentEvents = {
    paid: async (tx, order) => { await this.enqueue(tx, { order, event: 'paid' }) },
    refunded: async (tx, refund, order) => { await this.enqueue(tx, { order, refund, event: 'refunded' }) },
  }

  /**
   * One callback row and one outbox job per target URL, in the transaction of the state change.
   * The row's unique index (order, event, target, refund) makes a repeated event a no-op.
   */
  async enqueue (tx: Tx, e: { order: OrderRow, refund?: RefundRow, event: CallbackEvent }): Promise<PaymentCallbackRow[]> {
    const { order } = e
    const [rows] = await tx.select({
      sp: { outMchId: serviceProviders.outMchId, oaAuthorizerAppId: serviceProviders.oaAuthorizerAppId, wxOaAppId: serviceProviders.wxOaAppId, tradeCallbackUrl: serviceProviders.tradeCallbackUrl },
      merchant: { outSubMchId: merchants.outSubMchId },
    }).from(merchants).innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId)).where(eq(merchants.id, order.merchantId))
    if (rows === undefined) throw new Error(`order ${order.id}: merchant ${order.merchantId} not found`)
    const targets: Array<{ target: PaymentCallbackRow['target'], url: string }> = []
    const spUrl = rows.sp.tradeCallbackUrl ?? ''
    const orderUrl = order.callbackUrl ?? ''
    if (spUrl !== '') targets.push({ target: 'service_provider', url: spUrl })
    // The same URL twice would only make the receiver deduplicate.
    if (orderUrl !== '' && orderUrl !== spUrl) targets.push({ target: 'order', url: orderUrl })
    if (targets.length === 0) return []

    const [store] = order.storeId === null ? [] : await tx.select({ outShopId: stores.outShopId }).from(stores).where(eq(stores.id, order.storeId))
    const base = { order, sp: rows.sp, merchant: rows.merchant, store: store ?? null }
    const content = e.refund === undefined ? paidContent(base) : refundedContent({ ...base, refund: e.refund })
    const now = this.deps.clock.now()
    const written: PaymentCallbackRow[] = []
    for (const t of targets) {
      const id = this.deps.newId('pcb')
      const [row] = await tx.insert(paymentCallbacks).values({
        id,
        spId: order.spId,
        merchantId: order.merchantId,
        orderId: order.id,
        refundId: e.refund?.id ?? null,
        event: e.event,
        target: t.target,
        url: t.url,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      if (row === undefined) continue
      const payload: TradeCallbackJob = { callbackId: id, content: JSON.stringify(content) }
      const jobId = await this.deps.outbox.enqueue(tx, { topic: TRADE_CALLBACK_TOPIC, payload, dedupeKey: id })
      const [withJob] = await tx.update(paymentCallbacks).set({ jobId: jobId ?? null }).where(eq(paymentCallbacks.id, id)).returning()
      written.push(withJob ?? row)
    }
    return written
  }

  handler (): JobHandler<TradeCallbackJob> {
    return {
      backoffMs: BACKOFF_MS,
      maxAttempts: CALLBACK_MAX_ATTEMPTS,
      timeoutMs: REQUEST_TIMEOUT_MS + 5_000,
      handle: async (job, ctx) => await this.#deliver(job, ctx),
    }
  }

  /** The callbacks of an order in the caller's scope, with every attempt. */
  async list (caller: Caller, orderId: string): Promise<List<PaymentCallbackDto>> {
    const [order] = await this.deps.db.select({ id: orders.id }).from(orders).where(and(eq(orders.id, orderId), scopeWhere(caller.scope, orderScope)))
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    const rows = await this.deps.db.select().from(paymentCallbacks).where(eq(paymentCallbacks.orderId, order.id))
      .orderBy(asc(paymentCallbacks.createdAt), asc(paymentCallbacks.id))
    return { object: 'list', data: await this.#dtos(rows), hasMore: false }
  }

  /**
   * Sends a delivered or failed callback again (one attempt). A callback to the SP goes to the
   * SP's current URL, so fixing a wrong URL and resending is the way out of a failure.
   */
  async resend (caller: Caller, callbackId: string): Promise<PaymentCallbackDto> {
    const row = await this.#inScope(caller.scope, callbackId)
    if (row.status === 'pending' || row.jobId === null) throw new AppError('conflict', 'payment_callback_pending')
    const jobId = row.jobId
    const [sp] = await this.deps.db.select({ url: serviceProviders.tradeCallbackUrl }).from(serviceProviders).where(eq(serviceProviders.id, row.spId))
    const url = row.target === 'service_provider' && sp?.url != null && sp.url !== '' ? sp.url : row.url
    const now = this.deps.clock.now()
    const updated = await this.deps.db.transaction(async (tx) => {
      if (!await this.deps.outbox.requeue(tx, jobId, RESEND_ATTEMPTS)) throw new AppError('conflict', 'payment_callback_pending')
      const [r] = await tx.update(paymentCallbacks).set({ status: 'pending', url, updatedAt: now }).where(eq(paymentCallbacks.id, row.id)).returning()
      await this.deps.audit.record(tx, {
        ...auditedBy(caller),
        action: 'payment_callback.resent',
        target: { type: 'payment_callback', id: row.id },
        tenantId: row.spId,
        before: { status: row.status, url: row.url },
        after: { status: 'pending', url },
      })
      return r ?? row
    })
    const [dto] = await this.#dtos([updated])
    return dto as PaymentCallbackDto
  }

  async #inScope (scope: Scope, callbackId: string): Promise<PaymentCallbackRow> {
    const [hit] = await this.deps.db.select({ cb: paymentCallbacks }).from(paymentCallbacks)
      .innerJoin(orders, eq(orders.id, paymentCallbacks.orderId))
      .where(and(eq(paymentCallbacks.id, callbackId), scopeWhere(scope, orderScope)))
    if (hit === undefined) throw new AppError('not_found', 'payment_callback_not_found')
    return hit.cb
  }

  async #dtos (rows: PaymentCallbackRow[]): Promise<PaymentCallbackDto[]> {
    const jobIds = rows.map((r) => r.jobId).filter((id): id is string => id !== null)
    const jobs = jobIds.length === 0 ? [] : await this.deps.db.select({ id: outboxJobs.id, status: outboxJobs.status, nextAttemptAt: outboxJobs.nextAttemptAt }).from(outboxJobs).where(inArray(outboxJobs.id, jobIds))
    const log = jobIds.length === 0 ? [] : await this.deps.db.select().from(outboxDeliveries).where(inArray(outboxDeliveries.jobId, jobIds)).orderBy(asc(outboxDeliveries.attempt))
    return rows.map((r) => paymentCallbackDto(r, jobs.find((j) => j.id === r.jobId), log.filter((d) => d.jobId === r.jobId)))
  }

  /** One attempt: check the URL, sign, POST, read the answer, and note it on the row. */
  async #deliver ({ callbackId, content }: TradeCallbackJob, ctx: JobContext): Promise<{ httpStatus: number, description?: string }> {
    const [row] = await this.deps.db.select().from(paymentCallbacks).where(eq(paymentCallbacks.id, callbackId))
    if (row === undefined) throw new PermanentJobError(`payment callback ${callbackId} does not exist`)
    const [m] = await this.deps.db.select({ id: merchants.id, sealed: merchants.authenKeySealed }).from(merchants).where(eq(merchants.id, row.merchantId))
    if (m === undefined) throw new PermanentJobError(`merchant ${row.merchantId} does not exist`)
    // The key is read on every attempt: after a key change, retries are signed with the new key.
    const key = this.deps.box.open(m.sealed, merchantSecretContext(m.id, 'authen_key')).reveal()
    const startedAt = this.deps.clock.now()
    let httpStatus: number | null = null
    try {
      const target = await checkUrl(row.url, this.deps.policy, this.deps.resolve)
      const { body } = buildEnvelope(JSON.parse(content) as CallbackContent, key)
      const res = await postJson(target, body, AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]))
      httpStatus = res.status
      const reply = parseReply(res.status, res.text)
      if (!reply.acknowledged) {
        throw new CallbackDeliveryError(reply.reason.startsWith('HTTP ') ? reply.reason : `HTTP ${res.status}：${reply.reason}`)
      }
      await this.#note(row.id, { attempts: ctx.attempt, status: 'delivered', lastHttpStatus: httpStatus, lastError: null, lastAttemptAt: startedAt, deliveredAt: this.deps.clock.now() })
      return { httpStatus, ...(reply.description === undefined ? {} : { description: reply.description }) }
    } catch (err) {
      const refused = err instanceof UrlRefusedError
      const message = refused || err instanceof CallbackDeliveryError ? err.message : failureText(err)
      const final = refused || await this.#lastAttempt(ctx)
      await this.#note(row.id, { attempts: ctx.attempt, status: final ? 'failed' : 'pending', lastHttpStatus: httpStatus, lastError: message, lastAttemptAt: startedAt })
      if (refused) throw new PermanentJobError(message)
      throw err instanceof CallbackDeliveryError ? err : new CallbackDeliveryError(message)
    }
  }

  async #lastAttempt (ctx: JobContext): Promise<boolean> {
    const [job] = await this.deps.db.select({ maxAttempts: outboxJobs.maxAttempts }).from(outboxJobs).where(eq(outboxJobs.id, ctx.jobId))
    return job === undefined || ctx.attempt >= job.maxAttempts
  }

  async #note (id: string, patch: Partial<typeof paymentCallbacks.$inferInsert>): Promise<void> {
    await this.deps.db.update(paymentCallbacks).set({ ...patch, updatedAt: this.deps.clock.now() }).where(eq(paymentCallbacks.id, id))
  }
}

/** A transport failure, in words for the console. */
function failureText (err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `回调超时：${REQUEST_TIMEOUT_MS / 1000} 秒内没有回复`
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `回调地址的域名无法解析（${code}）`
  if (code !== undefined) return `连接失败（${code}）`
  return `发送失败：${err instanceof Error ? err.message : String(err)}`.slice(0, 500)
}
