import { eq, inArray, or, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import { AppError } from '@yima/shared'
import type { Executor } from '../../db/client'
import { accounts } from '../identity/identity.schema'
import { serviceProviders, staff, subServiceProviders, type StaffRow } from './tenancy.schema'

/**
 * What a caller may see (T9: platform ⊃ SP ⊃ sub-SP ⊃ merchant ⊃ store). A row is visible when any
 * of its ancestor ids is listed here; `all` is the platform operator. Built once per request from the
 * caller's identity, never from ids the client sent.
 */
export interface Scope {
  readonly all: boolean
  readonly spIds: readonly string[]
  readonly sspIds: readonly string[]
  readonly merchantIds: readonly string[]
  readonly storeIds: readonly string[]
}

export const EMPTY_SCOPE: Scope = { all: false, spIds: [], sspIds: [], merchantIds: [], storeIds: [] }

/** Everything: for the platform operator, and for reads after the caller's own access was checked. */
export const ALL_SCOPE: Scope = { ...EMPTY_SCOPE, all: true }

/** The columns of a table that name its ancestors (and itself). */
export interface ScopeColumns { sp?: AnyColumn, ssp?: AnyColumn, merchant?: AnyColumn, store?: AnyColumn }

/** The WHERE condition that keeps a query inside the scope. Every tenant query goes through it. */
export function scopeWhere (scope: Scope, cols: ScopeColumns): SQL {
  if (scope.all) return sql`true`
  const conditions: SQL[] = []
  const add = (col: AnyColumn | undefined, ids: readonly string[]): void => {
    if (col !== undefined && ids.length > 0) conditions.push(inArray(col, [...ids]))
  }
  add(cols.sp, scope.spIds)
  add(cols.ssp, scope.sspIds)
  add(cols.merchant, scope.merchantIds)
  add(cols.store, scope.storeIds)
  return conditions.length === 0 ? sql`false` : (or(...conditions) as SQL)
}

/** An entity's place in the hierarchy. */
export interface Ancestry { spId: string, sspId?: string | null, merchantId?: string | null, storeId?: string | null }

export function inScope (scope: Scope, e: Ancestry): boolean {
  return scope.all || scope.spIds.includes(e.spId) ||
    (e.sspId != null && scope.sspIds.includes(e.sspId)) ||
    (e.merchantId != null && scope.merchantIds.includes(e.merchantId)) ||
    (e.storeId != null && scope.storeIds.includes(e.storeId))
}

/** SP-level actions (edit the SP, its channels, sub-SPs, 买单) need the SP itself in scope, not a part of it. */
export function requireSpLevel (scope: Scope, spId: string): void {
  if (!(scope.all || scope.spIds.includes(spId))) throw new AppError('permission', 'forbidden')
}

/** A console account's scope: operators see all; others their own SPs and the sub-SPs they sign in as. */
export async function consoleScope (exec: Executor, accountId: string): Promise<Scope> {
  const [account] = await exec.select({ isOperator: accounts.isOperator }).from(accounts).where(eq(accounts.id, accountId))
  if (account?.isOperator === true) return ALL_SCOPE
  const sps = await exec.select({ id: serviceProviders.id }).from(serviceProviders).where(eq(serviceProviders.ownerAccountId, accountId))
  const ssps = await exec.select({ id: subServiceProviders.id }).from(subServiceProviders).where(eq(subServiceProviders.accountId, accountId))
  return { ...EMPTY_SCOPE, spIds: sps.map((r) => r.id), sspIds: ssps.map((r) => r.id) }
}

/**
 * A WeChat user's scope from the roles activated for their openid: an SP admin sees the SP, a
 * merchant admin the merchant, a manager or clerk the store.
 */
export async function wechatScope (exec: Executor, appId: string, openid: string): Promise<Scope> {
  return scopeOfStaff(await activeRoles(exec, appId, openid))
}

/** The staff rows a WeChat user acts as: activated and not removed. */
export async function activeRoles (exec: Executor, appId: string, openid: string): Promise<StaffRow[]> {
  return await exec.select().from(staff)
    .where(sql`${staff.wxAppId} = ${appId} and ${staff.wxOpenid} = ${openid} and ${staff.activatedAt} is not null and ${staff.deletedAt} is null`)
}

/** The scope of roles already loaded (the same as wechatScope for the same rows). */
export function scopeOfStaff (roles: readonly StaffRow[]): Scope {
  const pick = (role: readonly StaffRow['role'][], f: (s: StaffRow) => string | null): string[] =>
    [...new Set(roles.filter((r) => role.includes(r.role)).map(f).filter((x): x is string => x !== null))]
  return {
    all: false,
    spIds: pick(['sp_admin'], (r) => r.spId),
    sspIds: pick(['ssp_admin'], (r) => r.sspId),
    merchantIds: pick(['merchant_admin'], (r) => r.merchantId),
    storeIds: pick(['store_manager', 'clerk'], (r) => r.storeId),
  }
}
