/**
 * Business time of the simulated world: the real clock plus an offset that tests move forward
 * (`POST /__sim/clock/advance`). Order expiry and notification retries follow it; response
 * signature timestamps use the real clock, because the SDKs compare them with theirs (±300 s).
 */
export class SimClock {
  #offsetMs = 0
  readonly #listeners = new Set<() => void>()

  now (): Date { return new Date(Date.now() + this.#offsetMs) }
  nowMs (): number { return Date.now() + this.#offsetMs }

  advance (ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot move the clock by ${ms} ms`)
    this.#offsetMs += ms
    for (const listener of this.#listeners) listener()
  }

  reset (): void { this.#offsetMs = 0 }

  /** Called after every advance (the scheduler runs what became due). */
  onAdvance (listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }
}
