/** The time source. Injected everywhere so expiry, retries and signatures can be tested exactly. */
export interface Clock { now (): Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  #ms: number
  constructor (start: Date | number = Date.UTC(2026, 0, 1)) { this.#ms = typeof start === 'number' ? start : start.getTime() }
  now (): Date { return new Date(this.#ms) }
  advance (ms: number): void { this.#ms += ms }
  set (at: Date): void { this.#ms = at.getTime() }
}
