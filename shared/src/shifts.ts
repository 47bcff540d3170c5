/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'
import type { PayPlatform } from './orders'

/**
 * Shifts (mission H1–H3): clocking in and out, the handover summaries (交接班) and the query that
 * asks for them. The rule that turns clock-ins and clock-outs into summary windows is the
 * server's `modules/shifts/handover.ts`; its README walks a timeline.
 */

/** The longest range one handover query may cover. */
export const MAX_HANDOVER_RANGE_DAYS = 31

/** `?from&to` of the handover routes: ISO 8601 instants with an offset (`2026-01-05T00:00:00+08:00`), from < to. */
export const HandoverQuery = z.object({
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
}).refine((q) => q.from < q.to, { message: '结束时间必须晚于开始时间', path: ['to'] })
export type HandoverQuery = z.infer<typeof HandoverQuery>

export type ShiftRole = 'clerk' | 'store_manager'

export interface ShiftDto {
  id: string
  staffId: string
  storeId: string
  clockInAt: string
  /** Null while on duty. */
  clockOutAt: string | null
}

/**
 * `GET …/shifts/me`, `GET /v1/public/pay/:code/staff` and the answer to clocking in or out: who
 * the caller is at that store and whether they are on duty (the open shift, or the one just closed).
 */
export interface OnDutyDto {
  staffId: string
  name: string
  role: ShiftRole
  onDuty: boolean
  shift: ShiftDto | null
}

/**
 * How a handover window came about:
 * - closed: from the previous handover to this clerk's clock-out
 * - forgot_clock_out: no clock-out, and someone clocked in after: ends at that clock-in
 * - on_duty: the store's latest clock-in, still open: runs until now (and changes as it goes)
 * - unassigned: everyone has clocked out; what comes in now goes to whoever clocks out next (待交班)
 */
export type HandoverKind = 'closed' | 'forgot_clock_out' | 'on_duty' | 'unassigned'

export interface HandoverTotalsDto {
  /** Succeeded store-code (one_code) payments whose payment time is in the window. */
  paymentCount: number
  paymentFen: number
  /** Refunds of store-code payments requested in the window (processing or succeeded), whatever the payment's time. */
  refundCount: number
  refundFen: number
  /** paymentFen − refundFen. */
  netFen: number
}

export interface HandoverSummaryDto extends HandoverTotalsDto {
  /** Null for the unassigned window. */
  shiftId: string | null
  staffId: string | null
  staffName: string | null
  kind: HandoverKind
  /** The window [from, to); `to` is null while it is still open (on duty, unassigned). */
  from: string
  to: string | null
  clockInAt: string | null
  clockOutAt: string | null
  byChannel: Array<HandoverTotalsDto & { payPlatform: PayPlatform }>
}
