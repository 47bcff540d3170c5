import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import type { OrderRow } from '../payments/payment.schema'
import { staffShifts } from '../shifts/shifts.schema'
import { staff, type StaffRow } from '../tenancy/tenancy.schema'

/**
 * Who is told of a payment (N1, seed 003 店员接收顾客支付成功消息):
 * - only one-code payments (store, clerk and fixed-amount codes: trade type `one_code`). A micropay
 *   is taken by the cashier standing at the counter, who sees the result on the device;
 * - the store's clerks and managers who activated (have a WeChat identity), are not removed and
 *   have messages on (`receiveMessages`, the master switch);
 * - of those, whoever is on duty (an open shift at this store), and managers who chose to receive
 *   messages off duty too (`receiveOffDuty`). An off-duty clerk gets nothing;
 * - a staff-bound code's payment goes to that clerk alone, under the same switches and duty
 *   rule: the code says whose customer it was, not that they work off the clock.
 */
export async function paymentRecipients (exec: Executor, order: OrderRow): Promise<StaffRow[]> {
  if (order.tradeType !== 'one_code' || order.storeId === null) return []
  const storeId = order.storeId
  const rows = await exec.select({ person: staff, shiftId: staffShifts.id }).from(staff)
    // At most one open shift per person (unique index), so one row each.
    .leftJoin(staffShifts, and(eq(staffShifts.staffId, staff.id), eq(staffShifts.storeId, storeId), isNull(staffShifts.clockOutAt)))
    .where(and(
      eq(staff.storeId, storeId),
      inArray(staff.role, ['clerk', 'store_manager']),
      isNotNull(staff.activatedAt),
      isNull(staff.deletedAt),
      eq(staff.receiveMessages, true),
      order.staffId === null ? undefined : eq(staff.id, order.staffId),
    ))
    .orderBy(staff.id)
  return rows
    .filter((r) => r.shiftId !== null || (r.person.role === 'store_manager' && r.person.receiveOffDuty))
    .map((r) => r.person)
}
