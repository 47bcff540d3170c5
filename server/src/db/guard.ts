import { AsyncLocalStorage } from 'node:async_hooks'

const inTransaction = new AsyncLocalStorage<true>()
const GUARDED = new Set(['select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete', 'execute', '$count', 'with', 'query', 'transaction'])

export class OuterDbInTransactionError extends Error {
  override readonly name = 'OuterDbInTransactionError'
}

/**
 * Makes using the outer `db` inside `db.transaction()` throw instead of misbehaving: on PGlite it
 * would wait forever for the connection the transaction holds; on PostgreSQL it would silently
 * run outside the transaction on another pooled connection and read stale data.
 */
export function guardDb<T extends object> (db: T): T {
  return new Proxy(db, {
    get (target, prop, receiver) {
      if (typeof prop === 'string' && GUARDED.has(prop) && inTransaction.getStore() === true) {
        throw new OuterDbInTransactionError(`db.${prop}() called inside a transaction: use the tx handle`)
      }
      if (prop === 'transaction') {
        const transaction = Reflect.get(target, prop, receiver) as (fn: (tx: unknown) => unknown, config?: unknown) => unknown
        return (fn: (tx: unknown) => unknown, config?: unknown) =>
          transaction.call(target, (tx: unknown) => inTransaction.run(true, () => fn(tx)), config)
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}
