/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * Notifications to people and devices (mission N1, N2): payment messages to clerks with an SMS
 * fallback, receipts and announcements, and the delivery ledger the merchant reads ("who was
 * told, how").
 */

/** How someone or something was told. */
export const DELIVERY_CHANNEL_LABELS = {
  template: '公众号消息',
  sms: '短信',
  print: '小票打印',
  speaker: '云音箱播报',
} as const
export type DeliveryChannelName = keyof typeof DELIVERY_CHANNEL_LABELS

/** `fallback`: this way failed and another row took over (a template message replaced by an SMS). */
export const DELIVERY_STATUS_LABELS = {
  pending: '发送中',
  sent: '已发送',
  failed: '发送失败',
  fallback: '失败，已改发短信',
} as const
export type DeliveryStatusName = keyof typeof DELIVERY_STATUS_LABELS

export type DeliveryRecipientKind = 'staff' | 'printer' | 'speaker'

/** One row of the delivery ledger, as the console and the merchant's phone show it. */
export interface DeliveryDto {
  id: string
  /** What the delivery is about (payment, refund, handover …) and its id (an order id for payments). */
  subject: string
  subjectId: string
  channel: DeliveryChannelName
  status: DeliveryStatusName
  recipient: {
    kind: DeliveryRecipientKind
    id: string
    /** The staff member's name (or the device's), when it still exists. */
    name: string | null
  }
  /** Where it went, masked: an openid's ends, a phone's first three and last four digits, a device SN. */
  target: string
  attempts: number
  /** The last failure in words (vendor code included); null once sent. */
  lastError: string | null
  sentAt: string | null
  createdAt: string
  updatedAt: string
}

/**
 * A staff member's own payment-message switches at one store (N1, S2): a clerk or manager turns
 * messages on or off; a manager may also receive them off duty. At least one switch is given.
 */
export const StaffNotificationsBody = z.object({
  storeId: z.string().trim().min(1, '请选择门店').max(64),
  receiveMessages: z.boolean().optional(),
  receiveOffDuty: z.boolean().optional(),
}).refine((b) => b.receiveMessages !== undefined || b.receiveOffDuty !== undefined, { message: '请选择要修改的设置', path: ['receiveMessages'] })
export type StaffNotificationsBody = z.infer<typeof StaffNotificationsBody>

export const StaffNotificationsQuery = z.object({ storeId: z.string().trim().min(1, '请选择门店').max(64) })

export interface StaffNotificationsDto {
  staffId: string
  storeId: string
  role: 'clerk' | 'store_manager'
  receiveMessages: boolean
  /** Meaningful for managers only; clerks are told only while on duty. */
  receiveOffDuty: boolean
}
