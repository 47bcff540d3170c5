import { and, asc, eq, inArray, or, sql } from 'drizzle-orm'
import type { DeliveryDto, DeliveryRecipientKind } from '@yima/shared'
import type { Executor } from '../../db/client'
import { cloudPrinters, cloudSpeakers } from '../devices/devices.schema'
import { refunds } from '../payments/payment.schema'
import { staff } from '../tenancy/tenancy.schema'
import { deliveries, type DeliveryRow } from './notify.schema'

export const deliveryDto = (r: DeliveryRow, name: string | null): DeliveryDto => ({
  id: r.id,
  subject: r.subject,
  subjectId: r.subjectId,
  channel: r.channel,
  status: r.status,
  recipient: { kind: r.recipientKind as DeliveryRecipientKind, id: r.recipientId, name },
  target: r.target,
  attempts: r.attempts,
  lastError: r.lastError,
  sentAt: r.sentAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

/**
 * Who was told of an order, and how (N2): every delivery about it and its refunds (refund
 * receipts are about the refund), oldest first (a template message before the SMS that replaced
 * it), with the recipient's name where it still exists. The caller checked the order is theirs.
 */
export async function deliveriesOfOrder (exec: Executor, orderId: string): Promise<DeliveryDto[]> {
  const rows = await exec.select({
    d: deliveries,
    name: sql<string | null>`coalesce(${staff.name}, ${cloudPrinters.name}, ${cloudSpeakers.name})`,
  }).from(deliveries)
    .leftJoin(staff, and(eq(deliveries.recipientKind, 'staff'), eq(staff.id, deliveries.recipientId)))
    .leftJoin(cloudPrinters, and(eq(deliveries.recipientKind, 'printer'), eq(cloudPrinters.id, deliveries.recipientId)))
    .leftJoin(cloudSpeakers, and(eq(deliveries.recipientKind, 'speaker'), eq(cloudSpeakers.id, deliveries.recipientId)))
    .where(or(
      eq(deliveries.subjectId, orderId),
      inArray(deliveries.subjectId, exec.select({ id: refunds.id }).from(refunds).where(eq(refunds.orderId, orderId))),
    ))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.id))
  return rows.map((r) => deliveryDto(r.d, r.name))
}
