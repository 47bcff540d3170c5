import type { SimClock } from './clock'
import type { Scheduler } from './scheduler'

/** WeChat Pay's notification retry intervals (payment-notice docs): 15s 15s 30s 3m 10m 20m 30m 30m 30m 60m 3h 3h 3h 6h 6h. */
export const WECHAT_RETRY_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600].map((s) => s * 1000)
/** Alipay's: 8 notifications within ~25 h, after 4m 10m 10m 1h 2h 6h 15h. */
export const ALIPAY_RETRY_MS = [240, 600, 600, 3600, 7200, 21_600, 54_000].map((s) => s * 1000)

export interface OutgoingRequest {
  headers: Record<string, string>
  body: string
}

/** One delivery attempt, as `GET /__sim/notifications` lists it. */
export interface NotificationAttempt {
  id: string
  channel: string
  kind: string
  url: string
  attempt: number
  at: string
  request: OutgoingRequest
  response?: { status: number, body: string }
  error?: string
  acknowledged: boolean
}

export interface Notification {
  channel: string
  /** e.g. TRANSACTION.SUCCESS, trade_status_sync, user_get_card. */
  kind: string
  url: string
  /** Built afresh for every attempt: each delivery is signed with its own timestamp and nonce. */
  build: () => OutgoingRequest
  /** Whether the receiver's answer ends the retries (WeChat: any 2xx; Alipay: body `success`). */
  acknowledged: (status: number, body: string) => boolean
  retryMs: readonly number[]
}

/**
 * Sends notifications the way the platforms do: POST, wait for the receiver's acknowledgement,
 * retry on the platform's schedule (in simulated time), and log every attempt.
 */
export class Notifier {
  readonly log: NotificationAttempt[] = []
  #seq = 0

  constructor (private readonly clock: SimClock, private readonly scheduler: Scheduler, private readonly timeoutMs = 5000) {}

  send (n: Notification): void {
    this.scheduler.after(0, async () => { await this.#deliver(n, 1) })
  }

  async #deliver (n: Notification, attempt: number): Promise<void> {
    const request = n.build()
    const entry: NotificationAttempt = {
      id: `ntf_${++this.#seq}`,
      channel: n.channel,
      kind: n.kind,
      url: n.url,
      attempt,
      at: this.clock.now().toISOString(),
      request,
      acknowledged: false,
    }
    this.log.push(entry)
    try {
      const res = await fetch(n.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(this.timeoutMs) })
      const body = await res.text()
      entry.response = { status: res.status, body }
      entry.acknowledged = n.acknowledged(res.status, body)
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err)
    }
    const delay = n.retryMs[attempt - 1]
    if (!entry.acknowledged && delay !== undefined) {
      this.scheduler.after(delay, async () => { await this.#deliver(n, attempt + 1) })
    }
  }

  clear (): void { this.log.length = 0 }
}
