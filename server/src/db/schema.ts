// Every table, re-exported from the module that owns it. drizzle-kit reads this file.
export * from '../outbox/outbox.schema'
export * from '../http/idempotency.schema'
