import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { Db } from '../../db/client'
import type { AppContext, AppState } from '../../http/context'
import type { Caller } from './caller'
import { rolesOfMpUser, type MpIdentity, type OaIdentity } from './mini-program'
import type { ScanTokens } from './scan-tokens'
import { WX_SESSION_COOKIE } from './scan.routes'
import { activeRoles, scopeOfStaff, type Ancestry } from './scope'
import type { StaffRow } from './tenancy.schema'

/**
 * The staff pages on a phone (seed 000/003: 扫商户管理二维码 → 配置门店, 店员, 设备) and the staff
 * mini-program. The WeChat user — of the `yima_wx` cookie a management or activation code set, or
 * of the mini-program's bearer session and the official-account identities it is linked to — acts
 * through the roles activated for them; what they may see is the scope of those roles (404 outside
 * it), what they may change is decided per action by the helpers below (403 with a reason), and
 * the role that allowed it is the audited actor.
 */
interface MobileState extends AppState { staffRoles?: StaffRow[], sessionKey?: string }

/** The official-account user of the `yima_wx` cookie, if it is there and valid. */
export function officialAccountSession (ctx: AppContext, tokens: ScanTokens): OaIdentity | undefined {
  const session = tokens.verify<{ appId: string, openid: string }>(ctx.cookies.get(WX_SESSION_COOKIE) ?? '', 'wx_session')
  return session === undefined ? undefined : { appId: session.appId, openid: session.openid }
}

/** The mini-program user of an `Authorization: Bearer` session, if there is a valid one. */
export function miniProgramSession (ctx: AppContext, tokens: ScanTokens): MpIdentity | undefined {
  const bearer = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1]
  if (bearer === undefined) return undefined
  const claims = tokens.verify<{ mpAppId: string, mpOpenid: string }>(bearer, 'mp_session')
  return claims === undefined ? undefined : { mpAppId: claims.mpAppId, mpOpenid: claims.mpOpenid }
}

export function mobileSession (d: { db: Db, tokens: ScanTokens }): Middleware<AppState> {
  return async (ctx, next) => {
    const mp = miniProgramSession(ctx, d.tokens)
    const oa = mp === undefined ? officialAccountSession(ctx, d.tokens) : undefined
    // Roles are read on every request: someone removed since the session began stands for no one.
    const roles = mp !== undefined
      ? await rolesOfMpUser(d.db, mp)
      : oa !== undefined ? await activeRoles(d.db, oa.appId, oa.openid) : []
    if (roles.length === 0) {
      throw mp !== undefined
        ? new AppError('authentication', 'mini_program_not_linked')
        : new AppError('authentication', 'unauthenticated', '请重新扫描管理二维码')
    }
    const state: MobileState = ctx.state
    state.staffRoles = roles
    state.sessionKey = mp !== undefined ? `mp:${mp.mpAppId}:${mp.mpOpenid}` : `wx:${oa?.appId ?? ''}:${oa?.openid ?? ''}`
    await next()
  }
}

/** Who is signed in, as a key (e.g. the scope of their Idempotency-Keys): one per WeChat user and app. */
export function mobileSessionKey (ctx: AppContext): string {
  const key = (ctx.state as MobileState).sessionKey
  if (key === undefined) throw new AppError('authentication', 'unauthenticated')
  return key
}

export function rolesOf (ctx: AppContext): StaffRow[] {
  const roles = (ctx.state as MobileState).staffRoles
  if (roles === undefined) throw new AppError('authentication', 'unauthenticated')
  return roles
}

/** The caller for service calls: sees every role's part, audited as the role that allowed the act. */
export function mobileCaller (ctx: AppContext, actingAs?: StaffRow): Caller {
  const roles = rolesOf(ctx)
  const actor = actingAs ?? roles[0]
  if (actor === undefined) throw new AppError('authentication', 'unauthenticated')
  return {
    actor: { id: actor.id, kind: 'staff' },
    scope: scopeOfStaff(roles),
    origin: { ip: ctx.ip, userAgent: ctx.get('user-agent'), requestId: ctx.state.requestId },
  }
}

/** An SP, sub-SP or merchant admin above the entity. */
export function adminOver (roles: readonly StaffRow[], e: Ancestry): StaffRow | undefined {
  return roles.find((r) => (r.role === 'sp_admin' && r.spId === e.spId) ||
    (r.role === 'ssp_admin' && e.sspId != null && r.sspId === e.sspId) ||
    (r.role === 'merchant_admin' && e.merchantId != null && r.merchantId === e.merchantId))
}

export function managerOf (roles: readonly StaffRow[], storeId: string): StaffRow | undefined {
  return roles.find((r) => r.role === 'store_manager' && r.storeId === storeId)
}

/** Adding, editing, closing or deleting stores: the merchant admin (or an admin above). */
export function requireMerchantAdmin (roles: readonly StaffRow[], e: Ancestry): StaffRow {
  const admin = adminOver(roles, e)
  if (admin === undefined) throw new AppError('permission', 'forbidden', '只有商户管理员可以添加、修改或删除门店')
  return admin
}

/** A store's people and devices: the merchant admin, or the store's own manager. */
export function requireStoreManager (roles: readonly StaffRow[], store: Ancestry & { id: string }): StaffRow {
  const allowed = adminOver(roles, store) ?? managerOf(roles, store.id)
  if (allowed === undefined) throw new AppError('permission', 'forbidden', '只有商户管理员和本店店长可以管理门店的员工和设备')
  return allowed
}

/**
 * Managing a person of a store (edit, remove, refund permission, activation code): the merchant
 * admin for anyone of the merchant's stores; a manager for the clerks of their own store. So a
 * clerk can never grant themselves refunds, and a manager cannot edit another manager.
 */
export function requireStaffManager (roles: readonly StaffRow[], person: StaffRow): StaffRow {
  if (person.storeId === null) throw new AppError('permission', 'staff_not_manageable', '手机端只能管理门店的店长和店员')
  const admin = adminOver(roles, person)
  if (admin !== undefined) return admin
  const manager = person.role === 'clerk' ? managerOf(roles, person.storeId) : undefined
  if (manager === undefined || manager.id === person.id) throw new AppError('permission', 'staff_not_manageable')
  return manager
}
