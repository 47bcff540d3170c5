import { createHash } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import { MAX_PAY_FEN } from '@yima/shared'
import type { RefundOperator } from '../../modules/payments/refund.service'
import { staff, type StaffRow } from '../../modules/tenancy/tenancy.schema'
import { CpayError } from '../envelope'
import type { CpayCall } from '../router'
import type { CpayApiDeps } from './index'

/* What the endpoint families share: reading request fields, the order-number rules (§12), and who authorised a refund or release (§6). */

export type Json = Record<string, unknown>

/** Clients poll query_order every ~2 s; the channel is asked at most this often per order (§15.5). */
export const CPAY_QUERY_EVERY_MS = 5_000

export const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {})
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
export const bad = (param: string): CpayError => new CpayError(101, 1, `参数${param}错误.`)

/** A required string of at most `max` characters, else 101 naming the parameter. */
export function need (v: unknown, param: string, max = 256): string {
  const s = str(v)
  if (s === undefined || s.length > max) throw bad(param)
  return s
}

/** An amount in fen: a positive integer (numbers and digit strings both arrive from clients). */
export function feeOf (v: unknown, param: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0 || n > MAX_PAY_FEN) throw bad(param)
  return n
}

/** §12: the client's order and refund numbers start with the merchant's cloud_cashier_id; 102 asks for a new one. */
export function ownNumber (call: CpayCall, v: unknown, param: string): string {
  const no = need(v, param, 32)
  if (!no.startsWith(call.merchant.orderPrefix) || !/^[A-Za-z0-9_\-|*@]+$/.test(no)) {
    throw new CpayError(102, 1, `${param}必须以云支付订单前缀${call.merchant.orderPrefix}开头.`)
  }
  return no
}

/** Keys sorted at every level: one serialisation for equal content, whatever order the client wrote. */
export function canonical (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().filter((k) => (v as Json)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/**
 * §12: what makes two requests "the same order": the API, the pay_mch_key ids and platform, and
 * the business content without its nonce. order_client and the top-level nonce do not count.
 */
export function contentHash (call: Pick<CpayCall, 'api' | 'content'>, contentKey: 'pay_content' | 'unfreeze_content' | 'freeze_content'): string {
  const key = obj(call.content.pay_mch_key)
  const { nonce_str: _nonce, ...business } = obj(call.content[contentKey])
  return createHash('sha256').update(canonical({
    api: call.api,
    pay_mch_key: { out_mch_id: key.out_mch_id, out_sub_mch_id: key.out_sub_mch_id, out_shop_id: key.out_shop_id, pay_platform: key.pay_platform },
    [contentKey]: business,
  })).digest('hex')
}

export const notFound = (): CpayError => new CpayError(104, 400, '订单不存在.')
export const reused = (): CpayError => new CpayError(104, 407, '订单号已被使用，且订单内容不同.')

/** A clerk, manager or admin of this merchant named by the client (order_client.staff_id), if it names one. */
export async function staffOfMerchant (d: Pick<CpayApiDeps, 'db'>, call: CpayCall, v: unknown): Promise<StaffRow | undefined> {
  const id = str(v)
  if (id === undefined) return undefined
  const [row] = await d.db.select().from(staff).where(and(eq(staff.id, id), eq(staff.merchantId, call.merchant.id), isNull(staff.deletedAt)))
  return row
}

/**
 * api_version 2 (§6): the refund names who allowed it, a sub-merchant admin (is_sub_mch_admin,
 * or is_sub_admin as the doc table spells it) or a staff member of the merchant with refund
 * rights: its admin, the order's store manager, or a clerk of that store with refund
 * permission. api_version 1 checks nothing. The integrator stands as the operator otherwise.
 */
export async function authorizedOperator (d: Pick<CpayApiDeps, 'db'>, call: CpayCall, storeId: string | null): Promise<RefundOperator> {
  const key = obj(call.content.pay_mch_key)
  // The refunds table records who authorized it; Cloud Pay integrators are an operator kind of their own.
  const integrator: RefundOperator = { kind: 'integrator', id: call.merchant.outSubMchId }
  // Unchecked, so nobody named is recorded as having authorized it.
  if (Number(call.content.api_version ?? 1) !== 2) return integrator
  const named = await staffOfMerchant(d, call, key.authorization_staff_id)
  if (key.is_sub_mch_admin === true || key.is_sub_admin === true) return named === undefined ? integrator : { kind: 'staff', id: named.id }
  if (str(key.authorization_staff_id) === undefined) throw new CpayError(104, 403, '退款需要授权：请由商户管理员操作，或提供有退款权限的店员authorization_staff_id.')
  if (named === undefined) throw new CpayError(104, 403, 'authorization_staff_id不是本商户的店员.')
  const allowed = named.role === 'merchant_admin' ||
    (named.storeId !== null && named.storeId === storeId && (named.role === 'store_manager' || (named.role === 'clerk' && named.refundPermission)))
  if (!allowed) {
    throw new CpayError(104, 403, named.role === 'clerk' && named.storeId === storeId ? '该店员没有退款权限：请联系店长或商户管理员开通.' : '该店员不能退本订单：只有商户管理员、本店店长和有退款权限的本店店员可以退款.')
  }
  return { kind: 'staff', id: named.id }
}
