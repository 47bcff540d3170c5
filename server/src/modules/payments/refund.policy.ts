import { and, eq, isNull } from 'drizzle-orm'
import { AppError } from '@yima/shared'
import type { Executor } from '../../db/client'
import type { Scope } from '../tenancy/scope'
import type { StaffRow, StoreRow } from '../tenancy/tenancy.schema'
import { staffShifts } from '../shifts/shifts.schema'
import type { OrderRow } from './payment.schema'

/**
 * Who among the staff may act on orders from their phone (P2, P5, H3). A WeChat user may hold
 * several roles (a merchant admin who is also a clerk somewhere); each rule looks for the role
 * that allows the act. Console accounts are the SP's operators and act on their whole scope.
 */

/** Their scope, as wechatScope computes it, from rows already loaded. */
export function scopeOfRoles (roles: readonly StaffRow[]): Scope {
  const pick = (role: StaffRow['role'][], f: (s: StaffRow) => string | null): string[] =>
    [...new Set(roles.filter((r) => role.includes(r.role)).map(f).filter((x): x is string => x !== null))]
  return {
    all: false,
    spIds: pick(['sp_admin'], (r) => r.spId),
    sspIds: pick(['ssp_admin'], (r) => r.sspId),
    merchantIds: pick(['merchant_admin'], (r) => r.merchantId),
    storeIds: pick(['store_manager', 'clerk'], (r) => r.storeId),
  }
}

/** On duty = an open shift (clocked in, not out) at that store. */
export async function onDuty (exec: Executor, staffId: string, storeId: string): Promise<boolean> {
  const [open] = await exec.select({ id: staffShifts.id }).from(staffShifts)
    .where(and(eq(staffShifts.staffId, staffId), eq(staffShifts.storeId, storeId), isNull(staffShifts.clockOutAt)))
  return open !== undefined
}

const adminOf = (roles: readonly StaffRow[], merchantId: string): StaffRow | undefined =>
  roles.find((r) => r.role === 'merchant_admin' && r.merchantId === merchantId)
const ofStore = (roles: readonly StaffRow[], role: 'store_manager' | 'clerk', storeId: string | null): StaffRow | undefined =>
  storeId === null ? undefined : roles.find((r) => r.role === role && r.storeId === storeId)

/**
 * The role a refund is authorized under: the merchant's admin or the store's manager always; a
 * clerk of the store only with refund permission and while on duty (P5). 403 says which is missing.
 */
export async function refundAuthorizer (exec: Executor, roles: readonly StaffRow[], order: OrderRow): Promise<StaffRow> {
  const allowed = adminOf(roles, order.merchantId) ?? ofStore(roles, 'store_manager', order.storeId)
  if (allowed !== undefined) return allowed
  const clerk = ofStore(roles, 'clerk', order.storeId)
  if (clerk === undefined || order.storeId === null) throw new AppError('permission', 'refund_not_permitted', '只有商户管理员、店长和有退款权限的本店店员可以退款')
  if (!clerk.refundPermission) throw new AppError('permission', 'refund_not_permitted', '没有退款权限：请联系店长或商户管理员开通')
  if (!await onDuty(exec, clerk.id, order.storeId)) throw new AppError('permission', 'refund_not_permitted', '不在班：请先上班打卡再退款')
  return clerk
}

/**
 * Whether a staff member may see an order: admins (SP, sub-SP, merchant) and managers always; a
 * clerk of the store only while on duty (H3), or the order they took themselves (the device polls
 * its own micropay).
 */
export async function mayViewOrder (exec: Executor, roles: readonly StaffRow[], order: OrderRow): Promise<boolean> {
  if (roles.some((r) => (r.role === 'sp_admin' && r.spId === order.spId) || (r.role === 'ssp_admin' && r.sspId !== null && r.sspId === order.sspId))) return true
  if (adminOf(roles, order.merchantId) !== undefined || ofStore(roles, 'store_manager', order.storeId) !== undefined) return true
  const clerk = ofStore(roles, 'clerk', order.storeId)
  if (clerk === undefined || order.storeId === null) return false
  return order.staffId === clerk.id || await onDuty(exec, clerk.id, order.storeId)
}

/** Who takes a micropay at a store: one of its clerks or its manager, or the merchant's admin. */
export function cashierAt (roles: readonly StaffRow[], store: StoreRow): StaffRow {
  const cashier = ofStore(roles, 'clerk', store.id) ?? ofStore(roles, 'store_manager', store.id) ?? adminOf(roles, store.merchantId)
  if (cashier === undefined) throw new AppError('permission', 'micropay_not_permitted')
  return cashier
}
