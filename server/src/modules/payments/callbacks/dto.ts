import type { PaymentCallbackAttemptDto, PaymentCallbackDto } from '@yima/shared'
import type { OutboxDeliveryRow, OutboxJobRow } from '../../../outbox'
import type { PaymentCallbackRow } from '../payment.schema'

/**
 * The outbox keeps an attempt's error as `<ErrorName>: <message>`, and only a successful one's
 * result; the handler writes failures as `HTTP <status>…` when the receiver answered, so the
 * status of every attempt can be shown.
 */
const ERROR_PREFIX = /^\w+: /
const HTTP_STATUS = /^HTTP (\d{3})\b/

export function attemptDto (d: OutboxDeliveryRow): PaymentCallbackAttemptDto {
  const error = d.error === null ? null : d.error.replace(ERROR_PREFIX, '')
  const result = typeof d.result === 'object' && d.result !== null ? d.result as { httpStatus?: unknown } : {}
  const fromError = error === null ? undefined : HTTP_STATUS.exec(error)?.[1]
  return {
    attempt: d.attempt,
    at: d.finishedAt.toISOString(),
    outcome: d.outcome,
    httpStatus: typeof result.httpStatus === 'number' ? result.httpStatus : fromError === undefined ? null : Number(fromError),
    error,
    durationMs: d.durationMs,
  }
}

export function paymentCallbackDto (row: PaymentCallbackRow, job: Pick<OutboxJobRow, 'status' | 'nextAttemptAt'> | undefined, deliveries: OutboxDeliveryRow[]): PaymentCallbackDto {
  return {
    id: row.id,
    orderId: row.orderId,
    refundId: row.refundId,
    event: row.event,
    target: row.target,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    lastHttpStatus: row.lastHttpStatus,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.status === 'pending' && job?.status === 'pending' ? job.nextAttemptAt.toISOString() : null,
    deliveries: deliveries.map(attemptDto),
  }
}
