import { ApiError, createApiClient, ERROR_MESSAGES, type OnDutyDto, type PayPageDto } from '@yima/shared'
import { fetchTransport } from './fetch-transport'

/*
 * Clocking in and out from the store code's pay page (mission H1, seed 003: 员工扫门店二维码可以进入
 * 支付页面…可以点击下班登出). The server knows the person by the same payer cookie that pays: the
 * official-account openid the clerk or store manager was activated with. Same light client as
 * pay-api.ts (plain fetch, no zod): the page is a customer's first load.
 */
const staffApi = createApiClient({ base: process.env.TARO_APP_API_BASE ?? '', send: fetchTransport })
const path = (code: string, what: string): string => `/v1/public/pay/${encodeURIComponent(code)}/${what}`

/** Who the person on the pay page is at the code's store, and whether they are on duty. */
export interface PayStaff { name: string, role: OnDutyDto['role'], onDuty: boolean }

/**
 * Whether the page asks `/staff` at all: a WeChat payer already known, on a store code. Alipay
 * payers are never staff (activation is through WeChat); other codes are for customers.
 */
export const asksStaff = (page: Pick<PayPageDto, 'kind' | 'platform' | 'payerKnown'>): boolean =>
  page.kind === 'store' && page.platform === 'wechat' && page.payerKnown

/** The answer as the bar needs it; anything that is not an OnDutyDto is "not staff". */
function staffOf (body: unknown): PayStaff | null {
  const o = body as Partial<OnDutyDto> | null
  if (o === null || typeof o !== 'object' || typeof o.name !== 'string' || typeof o.onDuty !== 'boolean') return null
  return { name: o.name, role: o.role === 'store_manager' ? 'store_manager' : 'clerk', onDuty: o.onDuty }
}

/** The person as staff of the code's store; null for a customer (404 staff_not_found). */
export async function getPayStaff (code: string): Promise<PayStaff | null> {
  try {
    return staffOf(await staffApi.request<OnDutyDto>({ path: path(code, 'staff') }))
  } catch (e) {
    if (e instanceof ApiError && e.code === 'staff_not_found') return null
    throw e
  }
}

/** 上班打卡 / 下班打卡: the person after the change. */
export async function clock (code: string, action: 'in' | 'out'): Promise<PayStaff> {
  const body = await staffApi.request<OnDutyDto>({ method: 'POST', path: path(code, `clock-${action}`) })
  return staffOf(body) ?? { name: '', role: 'clerk', onDuty: action === 'in' }
}

export const roleLabel = (role: PayStaff['role']): string => role === 'store_manager' ? '店长' : '店员'

/**
 * What the bar does with a failed clock-in or clock-out, besides showing `message`:
 * - onDuty: the server says the person already is (already_on_duty) or is not (not_on_duty) on duty
 * - gone: no longer staff of this store (removed, or not permitted): the bar goes away
 * - auth: the payer cookie expired: WeChat OAuth again, as paying does
 */
export type StaffFailure =
  | { kind: 'message', message: string }
  | { kind: 'onDuty', onDuty: boolean, message: string }
  | { kind: 'gone', message: string }
  | { kind: 'auth' }

const CJK = /[\u4e00-\u9fff]/

export function staffFailure (e: unknown): StaffFailure {
  if (!(e instanceof ApiError)) return { kind: 'message', message: '打卡失败，请稍后再试' }
  const code: string = e.code
  if (code === 'payer_unknown') return { kind: 'auth' }
  // Server messages are written to be shown (e.g. when the open shift began); English ones are not.
  const message = (CJK.test(e.message) ? e.message : undefined) ?? (ERROR_MESSAGES as Record<string, string>)[code] ?? '打卡失败，请稍后再试'
  if (code === 'already_on_duty') return { kind: 'onDuty', onDuty: true, message }
  if (code === 'not_on_duty') return { kind: 'onDuty', onDuty: false, message }
  if (code === 'staff_not_found' || code === 'clock_in_not_permitted') return { kind: 'gone', message }
  return { kind: 'message', message }
}
