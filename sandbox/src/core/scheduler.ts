import type { SimClock } from './clock'

interface Task { at: number, run: () => Promise<void> | void, seq: number }

/**
 * Runs tasks when the simulated clock reaches their time: checked every `tickMs` of real time and
 * at once whenever a test advances the clock, so a 24-hour retry schedule plays out in milliseconds.
 */
export class Scheduler {
  #tasks: Task[] = []
  #seq = 0
  #timer: NodeJS.Timeout | undefined
  #running = false
  readonly #inFlight = new Set<Promise<void>>()

  constructor (private readonly clock: SimClock, tickMs = 50) {
    clock.onAdvance(() => { this.runDue() })
    this.#timer = setInterval(() => { this.runDue() }, tickMs)
    this.#timer.unref()
  }

  at (when: Date | number, run: () => Promise<void> | void): void {
    this.#tasks.push({ at: typeof when === 'number' ? when : when.getTime(), run, seq: this.#seq++ })
  }

  after (ms: number, run: () => Promise<void> | void): void { this.at(this.clock.nowMs() + ms, run) }

  /** Starts every task due now, in time order (tasks they schedule start in a later pass). */
  runDue (): void {
    if (this.#running) return
    this.#running = true
    try {
      const now = this.clock.nowMs()
      const due = this.#tasks.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)
      this.#tasks = this.#tasks.filter((t) => t.at > now)
      for (const task of due) {
        const p: Promise<void> = Promise.resolve().then(task.run)
          .catch(() => { /* a task records its own failure */ })
          .then(() => { this.#inFlight.delete(p) })
        this.#inFlight.add(p)
      }
    } finally {
      this.#running = false
    }
  }

  /** Resolves when nothing is due and nothing is running (tests wait on this after an advance). */
  async idle (): Promise<void> {
    for (;;) {
      this.runDue()
      const now = this.clock.nowMs()
      if (this.#inFlight.size === 0 && !this.#tasks.some((t) => t.at <= now)) return
      await Promise.all([...this.#inFlight])
    }
  }

  pending (): number { return this.#tasks.length }

  clear (): void { this.#tasks = [] }

  stop (): void { clearInterval(this.#timer) }
}
