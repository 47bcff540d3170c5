import { isNull, sql } from 'drizzle-orm'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Clock } from './clock'
import type { Db } from './db/client'
import { paymentIncidents } from './modules/payments/payment.schema'
import { outboxJobs } from './outbox/outbox.schema'

/**
 * Prometheus metrics (O3), one set per app: tests start several apps in one process, so nothing
 * goes to prom-client's global registry. Label values are bounded sets (route templates, channel
 * and operation names, outcome kinds); never ids or raw paths.
 */
export interface Metrics {
  registry: Registry
  /** `yima_http_request_duration_seconds{method, route, status}`: `route` is the route template or `unmatched`. */
  http: Histogram<'method' | 'route' | 'status'>
  /** `yima_channel_calls_total{channel, operation, outcome}`: outcome is the result's `kind`, or `error` when the call threw. */
  channelCalls: Counter<'channel' | 'operation' | 'outcome'>
  /** `yima_channel_call_duration_seconds{channel, operation}`. */
  channelCallDuration: Histogram<'channel' | 'operation'>
  /** `yima_notification_lag_seconds{channel}`: our clock when a verified payment notification is applied − the channel's paid time. */
  notificationLag: Histogram<'channel'>
}

/** What the outbox gauges show, read once per scrape. */
export interface OutboxDepth {
  pending: number
  running: number
  dead: number
  /** The `next_attempt_at` of the oldest pending job already due; null when none is due. */
  oldestDueAt: Date | null
}

export interface MetricsOptions {
  /** Read at scrape time for the outbox gauges; without it they are not registered. */
  outbox?: () => Promise<OutboxDepth>
  /** Read at scrape time: unresolved payment incidents by kind; without it the gauge is not registered. */
  incidents?: () => Promise<Map<string, number>>
  clock?: Clock
}

export function createMetrics (o: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'yima_' })
  const http = new Histogram({
    name: 'yima_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const channelCalls = new Counter({
    name: 'yima_channel_calls_total',
    help: 'Calls to the payment channels by operation and outcome (the outcome kind, or error when the call threw).',
    labelNames: ['channel', 'operation', 'outcome'] as const,
    registers: [registry],
  })
  const channelCallDuration = new Histogram({
    name: 'yima_channel_call_duration_seconds',
    help: 'Duration of calls to the payment channels.',
    labelNames: ['channel', 'operation'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  })
  const notificationLag = new Histogram({
    name: 'yima_notification_lag_seconds',
    help: 'Time from the channel\'s paid time to applying its verified payment notification.',
    labelNames: ['channel'] as const,
    // WeChat retries an unacknowledged notification for up to 24 h.
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  })
  if (o.outbox !== undefined) registerOutboxGauges(registry, o.outbox, o.clock ?? { now: () => new Date() })
  if (o.incidents !== undefined) registerIncidentGauge(registry, o.incidents)
  return { registry, http, channelCalls, channelCallDuration, notificationLag }
}

/**
 * `yima_outbox_jobs{status}` and `yima_outbox_oldest_due_seconds`, collected when scraped. Both
 * gauges share one read per scrape (prom-client collects them concurrently). When the read fails
 * (database down) the gauges are left empty, so the scrape still answers and the series go absent.
 */
function registerOutboxGauges (registry: Registry, read: () => Promise<OutboxDepth>, clock: Clock): void {
  let inflight: Promise<OutboxDepth | null> | null = null
  const depth = async (): Promise<OutboxDepth | null> => {
    inflight ??= read().catch(() => null).finally(() => { inflight = null })
    return await inflight
  }
  new Gauge({ // eslint-disable-line no-new -- registered in `registry`
    name: 'yima_outbox_jobs',
    help: 'Outbox jobs by status (pending, running, dead).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect () {
      const d = await depth()
      this.reset()
      if (d === null) return
      this.set({ status: 'pending' }, d.pending)
      this.set({ status: 'running' }, d.running)
      this.set({ status: 'dead' }, d.dead)
    },
  })
  new Gauge({ // eslint-disable-line no-new -- registered in `registry`
    name: 'yima_outbox_oldest_due_seconds',
    help: 'Age of the oldest pending outbox job that is due (0 when none is due): how far the workers lag behind.',
    registers: [registry],
    async collect () {
      const d = await depth()
      this.reset()
      if (d === null) return
      this.set(d.oldestDueAt === null ? 0 : Math.max(0, (clock.now().getTime() - d.oldestDueAt.getTime()) / 1000))
    },
  })
}

/**
 * The outbox's depth in one statement. Pending and running counts and the oldest due job read the
 * partial indexes on those statuses; the dead count scans (dead jobs are few, but done ones stay).
 */
export async function readOutboxDepth (db: Db, now: Date): Promise<OutboxDepth> {
  const count = (status: string) => sql`(select count(*) from ${outboxJobs} where ${outboxJobs.status} = ${status})`
  const [row] = await db.select({
    pending: count('pending').mapWith(Number),
    running: count('running').mapWith(Number),
    dead: count('dead').mapWith(Number),
    oldestDueAt: sql<Date | null>`(select min(${outboxJobs.nextAttemptAt}) from ${outboxJobs} where ${outboxJobs.status} = 'pending' and ${outboxJobs.nextAttemptAt} <= ${now.toISOString()})`
      .mapWith(outboxJobs.nextAttemptAt),
  }).from(sql`(select 1) as one`)
  return { pending: row?.pending ?? 0, running: row?.running ?? 0, dead: row?.dead ?? 0, oldestDueAt: row?.oldestDueAt ?? null }
}

/**
 * `yima_payment_incidents{kind}`: what the channels said that yima would not apply — an amount that
 * differs from the order's, a success after the order was closed, a notification that did not
 * verify or named another merchant. Each needs a person (money may have moved at the channel that
 * yima does not show), so an increase is worth an alert; nothing else surfaces them.
 */
function registerIncidentGauge (registry: Registry, read: () => Promise<Map<string, number>>): void {
  new Gauge({ // eslint-disable-line no-new -- registered in `registry`
    name: 'yima_payment_incidents',
    help: 'Unresolved payment incidents (amount mismatches, late successes, unverified or misdirected notifications…) by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect () {
      const counts = await read().catch(() => null)
      this.reset()
      if (counts === null) return
      for (const [kind, n] of counts) this.set({ kind }, n)
    },
  })
}

/** Unresolved incidents by kind, from the partial index on open incidents. */
export async function readOpenIncidents (db: Db): Promise<Map<string, number>> {
  const rows = await db.select({ kind: paymentIncidents.kind, n: sql<number>`count(*)`.mapWith(Number) })
    .from(paymentIncidents).where(isNull(paymentIncidents.resolvedAt)).groupBy(paymentIncidents.kind)
  return new Map(rows.map((r) => [r.kind, r.n]))
}
