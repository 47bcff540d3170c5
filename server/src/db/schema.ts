// Every table, re-exported from the module that owns it. drizzle-kit reads this file.
export * from '../outbox/outbox.schema'
export * from '../http/idempotency.schema'
export * from '../http/rate-limit.schema'
export * from '../modules/identity/identity.schema'
export * from '../modules/audit/audit.schema'
export * from '../modules/tenancy/tenancy.schema'
export * from '../modules/qr-codes/qr-codes.schema'
export * from '../modules/payments/payment.schema'
