import type { Logger } from '../logger'

export interface JobContext {
  jobId: string
  /** 1 for the first run. */
  attempt: number
  /** Aborted when the job's time is up; pass it to outbound HTTP calls. */
  signal: AbortSignal
  logger: Logger
}

/** How one topic's jobs are carried out. */
export interface JobHandler<P = unknown> {
  /**
   * Does the work. Resolving records a successful delivery (the resolved value is kept on the
   * delivery record); throwing schedules a retry, or dead-letters the job after `maxAttempts`.
   * Must be safe to repeat: delivery is at-least-once when a worker dies mid-job.
   */
  handle (payload: P, ctx: JobContext): Promise<unknown>
  /** Delay before each retry, in ms; the last entry repeats. Defaults to DEFAULT_BACKOFF_MS. */
  backoffMs?: readonly number[]
  maxAttempts?: number
  timeoutMs?: number
}

// Each handler is typed for its own payload; `handle` is a method, so its parameter is bivariant
// and a JobHandler<Foo> fits here.
export type JobHandlers = Readonly<Record<string, JobHandler>>

/** Thrown by a handler when retrying cannot help (a malformed payload, a refused target). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError'
}

/** 0 s, 15 s, 1 m, 5 m, 30 m, 2 h, 6 h, 24 h: the first run is immediate, then backing off. */
export const DEFAULT_BACKOFF_MS = [0, 15_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 86_400_000] as const

export const DEFAULT_MAX_ATTEMPTS = DEFAULT_BACKOFF_MS.length

/** The delay after the `attempt`-th failure. */
export function retryDelayMs (attempt: number, schedule: readonly number[] = DEFAULT_BACKOFF_MS): number {
  if (schedule.length === 0) return 0
  return schedule[Math.min(attempt, schedule.length - 1)] ?? 0
}
