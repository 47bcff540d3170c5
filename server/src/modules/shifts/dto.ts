import { PAY_PLATFORMS, type HandoverSummaryDto, type HandoverTotalsDto, type OnDutyDto, type ShiftDto } from '@yima/shared'
import type { StaffRow } from '../tenancy/tenancy.schema'
import { netFen, type HandoverTotals, type ShiftSummary } from './handover'
import type { StaffShiftRow } from './shifts.schema'

export const shiftDto = (s: StaffShiftRow): ShiftDto => ({
  id: s.id,
  staffId: s.staffId,
  storeId: s.storeId,
  clockInAt: s.clockInAt.toISOString(),
  clockOutAt: s.clockOutAt?.toISOString() ?? null,
})

/** The person at the store, and their open shift (or the one just closed, after clocking out). */
export function onDutyDto (person: StaffRow, shift: StaffShiftRow | undefined): OnDutyDto {
  if (person.role !== 'clerk' && person.role !== 'store_manager') throw new Error(`${person.role} works no shifts`)
  return {
    staffId: person.id,
    name: person.name,
    role: person.role,
    onDuty: shift !== undefined && shift.clockOutAt === null,
    shift: shift === undefined ? null : shiftDto(shift),
  }
}

const totalsDto = (t: HandoverTotals): HandoverTotalsDto => ({
  paymentCount: t.paymentCount,
  paymentFen: t.paymentFen,
  refundCount: t.refundCount,
  refundFen: t.refundFen,
  netFen: netFen(t),
})

export const handoverSummaryDto = (s: ShiftSummary<StaffShiftRow>): HandoverSummaryDto => ({
  shiftId: s.shift?.id ?? null,
  staffId: s.shift?.staffId ?? null,
  staffName: s.staffName,
  kind: s.kind,
  from: s.from.toISOString(),
  to: s.to?.toISOString() ?? null,
  clockInAt: s.shift?.clockInAt.toISOString() ?? null,
  clockOutAt: s.shift?.clockOutAt?.toISOString() ?? null,
  ...totalsDto(s.totals),
  byChannel: PAY_PLATFORMS.map((payPlatform) => ({ payPlatform, ...totalsDto(s.byChannel[payPlatform]) })),
})
