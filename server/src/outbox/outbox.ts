import { hostname } from 'node:os'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../clock'
import type { Db, Executor } from '../db/client'
import type { Logger } from '../logger'
import { claimDueJobs, finishAttempt, insertJob, requeueJob } from './outbox.repo'
import type { OutboxJobRow } from './outbox.schema'
import { OutboxWake } from './outbox.wake'
import { DEFAULT_MAX_ATTEMPTS, PermanentJobError, retryDelayMs, type JobHandler, type JobHandlers } from './outbox.types'

export interface EnqueueInput {
  topic: string
  /** JSON-serialisable. */
  payload: unknown
  /** A second enqueue of the same topic and key does nothing (e.g. a duplicated notification). */
  dedupeKey?: string
  /** Not before this time; default now. */
  runAt?: Date
  maxAttempts?: number
}

/** Writes jobs. Call `enqueue` with the transaction that makes the state change the job is about. */
export class Outbox {
  constructor (private readonly deps: { clock: Clock, newId: IdGenerator, handlers: JobHandlers }) {}

  /** Returns the job id, or undefined when the dedupe key was already used. */
  async enqueue (exec: Executor, input: EnqueueInput): Promise<string | undefined> {
    const handler = this.deps.handlers[input.topic]
    if (handler === undefined) throw new Error(`outbox: no handler registered for topic ${input.topic}`)
    const id = this.deps.newId('job')
    const inserted = await insertJob(exec, {
      id,
      topic: input.topic,
      payload: input.payload,
      ...(input.dedupeKey === undefined ? {} : { dedupeKey: input.dedupeKey }),
      maxAttempts: input.maxAttempts ?? handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runAt: input.runAt ?? this.deps.clock.now(),
    })
    return inserted ? id : undefined
  }

  async requeue (exec: Executor, jobId: string, extraAttempts = 1): Promise<boolean> {
    return await requeueJob(exec, jobId, this.deps.clock.now(), extraAttempts)
  }
}

export interface OutboxWorkerOptions {
  db: Db
  clock: Clock
  newId: IdGenerator
  logger: Logger
  handlers: JobHandlers
  batchSize: number
  /** The safety net: how long to sleep between claims when no notification wakes the worker earlier. */
  pollMs: number
  /** Default handler time limit; a job's lease is twice its handler's limit, so a live worker never loses it. */
  timeoutMs?: number
  workerId?: string
}

/**
 * Drains the outbox: claims due jobs with `FOR UPDATE SKIP LOCKED`, runs each topic's handler
 * outside any transaction, and records every attempt. Several workers (and server instances)
 * may run against one database. While started it LISTENs for the notification every enqueue
 * commits, and claims at once when one arrives; otherwise it claims every `pollMs`. Up to
 * `batchSize` jobs run at once, and a slot that frees up is filled without waiting for the others:
 * a clerk's payment message does not queue behind an integrator's callback that takes 10 s.
 */
export class OutboxWorker {
  readonly workerId: string
  #running = false
  #loop: Promise<void> | undefined
  #listen: OutboxWake | undefined
  /** Ends the current sleep early; undefined while not sleeping. */
  #interrupt: (() => void) | undefined
  /** A notification came while claiming or running: claim again before sleeping. */
  #woken = false
  /** The jobs running now (at most `batchSize`). */
  readonly #inFlight = new Set<Promise<void>>()
  /** More jobs may be due than there were free slots: a job that finishes claims again. */
  #backlog = false
  readonly #timeoutMs: number

  constructor (private readonly o: OutboxWorkerOptions) {
    this.workerId = o.workerId ?? `${hostname()}:${process.pid}:${o.newId('job').slice(-6)}`
    this.#timeoutMs = o.timeoutMs ?? 30_000
  }

  start (): void {
    if (this.#running) return
    this.#running = true
    this.#listen = new OutboxWake({ db: this.o.db, logger: this.o.logger, pollMs: this.o.pollMs, wake: () => { this.#wake() } })
    this.#listen.open()
    this.#loop = this.#run()
  }

  /** Stops claiming, closes the listening connection and waits for the jobs in hand to finish. */
  async stop (): Promise<void> {
    this.#running = false
    this.#interrupt?.()
    const listen = this.#listen
    this.#listen = undefined
    await Promise.all([this.#loop, listen?.close()])
  }

  /** Whether notifications currently wake this worker (false before `start`, and while reconnecting). */
  get listening (): boolean {
    return this.#listen?.listening ?? false
  }

  /** Claims and runs one batch, waiting for all of it (tests and tools; `start` runs them continuously); returns how many jobs it ran. */
  async runOnce (): Promise<number> {
    const jobs = await this.#claim(this.o.batchSize)
    await Promise.all(jobs.map(async (job) => { await this.#runJob(job) }))
    return jobs.length
  }

  #wake (): void {
    this.#woken = true
    // With every slot taken the claim waits for a job to finish (see #start).
    if (this.#inFlight.size >= this.o.batchSize) this.#backlog = true
    this.#interrupt?.()
  }

  async #run (): Promise<void> {
    while (this.#running) {
      this.#woken = false
      const free = this.o.batchSize - this.#inFlight.size
      let claimed = 0
      if (free > 0) {
        try {
          const jobs = await this.#claim(free)
          claimed = jobs.length
          this.#backlog = claimed === free
          for (const job of jobs) this.#start(job)
        } catch (err) {
          this.o.logger.error({ err }, 'outbox: claiming jobs failed')
        }
      }
      // Every free slot filled: more may be due, claim again at once (with no slot left, the next
      // turn sleeps until a job finishes). A notification during the claim may be for a job that
      // committed after the claim's query ran; sleeping now would leave it until the next poll.
      const more = free > 0 && (claimed === free || this.#woken)
      if (!more && this.#running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs)
          this.#interrupt = () => { clearTimeout(timer); resolve() }
        })
        this.#interrupt = undefined
      }
    }
    await Promise.all(this.#inFlight)
  }

  /** Runs a claimed job in a slot of its own; when it ends, claims again if jobs were left waiting. */
  #start (job: OutboxJobRow): void {
    const run: Promise<void> = this.#runJob(job).finally(() => {
      this.#inFlight.delete(run)
      if (this.#backlog) this.#interrupt?.()
    })
    this.#inFlight.add(run)
  }

  async #claim (limit: number): Promise<OutboxJobRow[]> {
    const now = this.o.clock.now()
    // Each job is held for twice its own handler's limit, not the longest of any topic's: a job
    // of a worker that died is due again that soon (a callback after 30 s, not a sync's 20 min).
    const leaseUntil = Object.fromEntries(Object.entries(this.o.handlers).map(([topic, handler]) =>
      [topic, new Date(now.getTime() + 2 * (handler.timeoutMs ?? this.#timeoutMs))]))
    return await claimDueJobs(this.o.db, { worker: this.workerId, now, leaseUntil, limit })
  }

  async #runJob (job: OutboxJobRow): Promise<void> {
    const handler = this.o.handlers[job.topic] as JobHandler | undefined
    const logger = this.o.logger.child({ jobId: job.id, topic: job.topic, attempt: job.attempts })
    const startedAt = this.o.clock.now()
    const timeoutMs = handler?.timeoutMs ?? this.#timeoutMs
    let result: unknown
    let failure: unknown
    try {
      if (handler === undefined) throw new PermanentJobError(`no handler for topic ${job.topic}`)
      result = await withTimeout(timeoutMs, (signal) =>
        handler.handle(job.payload, { jobId: job.id, attempt: job.attempts, signal, logger }))
    } catch (err) {
      failure = err
    }
    const finishedAt = this.o.clock.now()
    const record = {
      id: this.o.newId('dlv'),
      jobId: job.id,
      attempt: job.attempts,
      worker: this.workerId,
      startedAt,
      finishedAt,
      ...(failure === undefined ? { result: result ?? null } : { error: describe(failure) }),
    }
    let next: Parameters<typeof finishAttempt>[2]
    if (failure === undefined) {
      next = { status: 'done' }
    } else if (failure instanceof PermanentJobError || job.attempts >= job.maxAttempts) {
      next = { status: 'dead', error: describe(failure) }
      logger.error({ err: failure }, 'outbox: job dead-lettered')
    } else {
      const delay = retryDelayMs(job.attempts, handler?.backoffMs)
      next = { status: 'pending', nextAttemptAt: new Date(finishedAt.getTime() + delay), error: describe(failure) }
      logger.warn({ err: failure, retryInMs: delay }, 'outbox: job failed, will retry')
    }
    try {
      const held = await this.o.db.transaction(async (tx) => await finishAttempt(tx, record, next))
      if (!held) logger.warn('outbox: lease lapsed before the job finished; another worker owns it now')
    } catch (err) {
      // The lease lapses and another claim retries the job: nothing is lost, at worst run again.
      logger.error({ err }, 'outbox: recording the attempt failed')
    }
  }
}

async function withTimeout<T> (ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`job timed out after ${ms} ms`)
      controller.abort(err)
      reject(err)
    }, ms)
  })
  try {
    return await Promise.race([run(controller.signal), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function describe (err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return text.slice(0, 2000)
}
