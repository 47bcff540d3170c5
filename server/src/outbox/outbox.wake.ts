import { openListener, type Db, type Listener } from '../db/client'
import type { Logger } from '../logger'
import { OUTBOX_CHANNEL } from './outbox.repo'

/** Waits before each reconnection attempt; the last step repeats. */
const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000]

/**
 * Keeps a LISTEN on the outbox channel open for a worker and calls `wake` on every notification,
 * so a job committed on any instance runs at once instead of at the next poll. It is only a
 * shortcut: the worker polls all the same, so while the connection is down (a PostgreSQL restart)
 * jobs are merely as late as the poll, and this reconnects with backoff. `wake` is also called
 * each time the LISTEN is (re)established, for jobs committed while nobody was listening.
 */
export class OutboxWake {
  #listener: Listener | undefined
  #connecting: Promise<void> | undefined
  #retry: NodeJS.Timeout | undefined
  #failures = 0
  #closed = false

  constructor (private readonly o: { db: Db, logger: Logger, pollMs: number, wake: () => void }) {}

  get listening (): boolean {
    return this.#listener !== undefined
  }

  open (): void {
    this.#connecting = this.#connect()
  }

  /** Stops reconnecting and closes the connection. */
  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    await this.#connecting
    const listener = this.#listener
    this.#listener = undefined
    try {
      await listener?.close()
    } catch (err) {
      this.o.logger.warn({ err }, 'outbox: closing the listening connection failed')
    }
  }

  async #connect (): Promise<void> {
    let listener: Listener | undefined
    try {
      listener = await openListener(this.o.db, OUTBOX_CHANNEL, {
        onNotify: () => { this.o.wake() },
        onLost: (err) => { this.#lost(err) },
      })
    } catch (err) {
      if (this.#closed) return
      this.o.logger.warn({ err, retryInMs: this.#delay(), pollMs: this.o.pollMs }, 'outbox: cannot listen for new jobs; polling until it can')
      this.#scheduleRetry()
      return
    }
    if (listener === undefined) return // a database openDatabase did not open: polling only
    if (this.#closed) {
      await listener.close().catch(() => {})
      return
    }
    if (this.#failures > 0) this.o.logger.info('outbox: listening for new jobs again')
    this.#failures = 0
    this.#listener = listener
    this.o.wake()
  }

  #lost (err: Error): void {
    this.#listener = undefined
    if (this.#closed) return
    this.o.logger.warn({ err, retryInMs: this.#delay(), pollMs: this.o.pollMs }, 'outbox: lost the connection listening for new jobs; polling until it is back')
    this.#scheduleRetry()
  }

  #delay (): number {
    return RECONNECT_MS[Math.min(this.#failures, RECONNECT_MS.length - 1)] ?? 30_000
  }

  #scheduleRetry (): void {
    const delay = this.#delay()
    this.#failures++
    this.#retry = setTimeout(() => { this.#connecting = this.#connect() }, delay)
    this.#retry.unref()
  }
}
