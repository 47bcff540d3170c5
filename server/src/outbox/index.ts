export { Outbox, OutboxWorker, type EnqueueInput, type OutboxWorkerOptions } from './outbox'
export { DEFAULT_BACKOFF_MS, PermanentJobError, retryDelayMs, type JobContext, type JobHandler, type JobHandlers } from './outbox.types'
export { outboxDeliveries, outboxJobs, type OutboxDeliveryRow, type OutboxJobRow, type OutboxStatus } from './outbox.schema'
