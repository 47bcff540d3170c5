import { eq } from 'drizzle-orm'
import { AppError, type StaffNotificationsBody, type StaffNotificationsDto } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { AuditEntry, AuditLog } from '../audit'
import { staff, type StaffRow } from '../tenancy/tenancy.schema'

type StoreRole = StaffRow & { role: 'clerk' | 'store_manager', storeId: string }

const dto = (r: StoreRole): StaffNotificationsDto =>
  ({ staffId: r.id, storeId: r.storeId, role: r.role, receiveMessages: r.receiveMessages, receiveOffDuty: r.receiveOffDuty })

/**
 * A person's own payment-message switches at a store (N1, S2; seed 003: 员工可以配置是否接受用户支付
 * 成功消息). Anyone working there turns messages on or off for themselves; only a manager may ask
 * for them off duty too. Nobody sets another person's switches here.
 */
export class NotificationSettings {
  constructor (private readonly deps: { db: Db, clock: Clock, audit: AuditLog }) {}

  get (roles: readonly StaffRow[], storeId: string): StaffNotificationsDto {
    return dto(roleAt(roles, storeId))
  }

  async update (roles: readonly StaffRow[], body: StaffNotificationsBody, origin?: AuditEntry['origin']): Promise<StaffNotificationsDto> {
    const me = roleAt(roles, body.storeId)
    if (body.receiveOffDuty !== undefined && me.role !== 'store_manager') throw new AppError('permission', 'notify_setting_not_permitted', undefined, { param: 'receiveOffDuty' })
    const patch = {
      ...(body.receiveMessages === undefined ? {} : { receiveMessages: body.receiveMessages }),
      ...(body.receiveOffDuty === undefined ? {} : { receiveOffDuty: body.receiveOffDuty }),
    }
    return await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(staff).set({ ...patch, updatedAt: this.deps.clock.now() }).where(eq(staff.id, me.id)).returning()
      if (after === undefined) throw new AppError('not_found', 'store_staff_not_found')
      await this.deps.audit.record(tx, {
        actor: { id: me.id, kind: 'staff' },
        action: 'staff.notifications_changed',
        target: { type: 'staff', id: me.id },
        tenantId: me.spId,
        before: { receiveMessages: me.receiveMessages, receiveOffDuty: me.receiveOffDuty },
        after: { receiveMessages: after.receiveMessages, receiveOffDuty: after.receiveOffDuty },
        ...(origin === undefined ? {} : { origin }),
      })
      return dto({ ...me, ...after } as StoreRole)
    })
  }
}

/** The caller's role at the store: the manager's if they are both. */
function roleAt (roles: readonly StaffRow[], storeId: string): StoreRole {
  const at = roles.filter((r): r is StoreRole => r.storeId === storeId && (r.role === 'clerk' || r.role === 'store_manager'))
  const me = at.find((r) => r.role === 'store_manager') ?? at[0]
  if (me === undefined) throw new AppError('not_found', 'store_staff_not_found', undefined, { param: 'storeId' })
  return me
}
