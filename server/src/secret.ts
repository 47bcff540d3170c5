import { inspect } from 'node:util'

/**
 * Holds a secret so that it cannot leak by accident: JSON, string conversion and `util.inspect`
 * (hence console and pino) all print `[secret]`. Read it with `.reveal()` at the point of use.
 */
export class Secret<T> {
  readonly #value: T
  constructor (value: T) { this.#value = value }
  reveal (): T { return this.#value }
  toJSON (): string { return '[secret]' }
  toString (): string { return '[secret]' }
  [inspect.custom] (): string { return 'Secret([secret])' }
}
