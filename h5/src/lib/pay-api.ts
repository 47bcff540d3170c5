import { ApiError, createApiClient, ERROR_MESSAGES, type CreatedPayOrderDto, type CreatePayOrderBody, type PayOrderDto, type PayPageDto } from '@yima/shared'
import { fetchTransport } from './fetch-transport'

/*
 * The customer's API of one-code pay (P1). The payer is the httpOnly cookie the server set at the
 * end of OAuth (`/pay/auth`), so every call carries cookies. Plain fetch, not Taro.request: see
 * fetch-transport.ts.
 */
const payApi = createApiClient({ base: process.env.TARO_APP_API_BASE ?? '', send: fetchTransport })

export const getPayPage = async (code: string): Promise<PayPageDto> =>
  await payApi.request<PayPageDto>({ path: `/v1/public/pay/${encodeURIComponent(code)}` })

/** One key per attempt: a retried request is the same order, paying again after a cancel is a new one. */
export const createPayOrder = async (body: CreatePayOrderBody, idempotencyKey: string): Promise<CreatedPayOrderDto> =>
  await payApi.request<CreatedPayOrderDto>({ method: 'POST', path: '/v1/public/pay/orders', data: body, idempotencyKey })

export const getPayOrder = async (orderId: string): Promise<PayOrderDto> =>
  await payApi.request<PayOrderDto>({ path: `/v1/public/pay/orders/${encodeURIComponent(orderId)}` })

/** SIM_APP_COOKIE of @yima/shared, spelt out: its module carries zod, which the pay pages must not load. */
export const SIM_APP_COOKIE_NAME = 'sim_app'

/** Scan problem pages (SCAN_PROBLEMS keys) for the errors that mean "this code cannot take money". */
const PROBLEM_PAGES: Record<string, string> = {
  qr_code_not_found: 'qr_unknown',
  qr_code_unbound: 'qr_unbound',
  qr_code_disabled: 'qr_disabled',
  store_closed: 'store_closed',
  alipay_not_enabled: 'alipay_not_enabled',
}

/** Customer-facing words for codes the pay API answers that have no better message of their own. */
const PAY_MESSAGES: Record<string, string> = {
  payer_unknown: '需要重新获取您的身份，请稍候',
  amount_out_of_range: '金额超出允许范围，请重新输入',
  channel_unavailable: '支付通道暂时不可用，请稍后再试',
  channel_error: ERROR_MESSAGES.channel_error,
  order_not_found: ERROR_MESSAGES.order_not_found,
  rate_limited: ERROR_MESSAGES.rate_limited,
  internal_error: ERROR_MESSAGES.internal_error,
}

/**
 * - problem: the code itself is unusable → the scan problem page
 * - auth: the payer cookie is gone or expired → OAuth again
 * - message: shown on the page (`param` names the field at fault, e.g. amountFen)
 */
export type PayFailure =
  | { kind: 'problem', problem: string }
  | { kind: 'auth' }
  | { kind: 'message', message: string, param?: string }

const CJK = /[\u4e00-\u9fff]/

/** What the pay pages do with a failed call. */
export function payFailure (e: unknown): PayFailure {
  if (!(e instanceof ApiError)) return { kind: 'message', message: '操作失败，请稍后再试' }
  const code: string = e.code
  const problem = PROBLEM_PAGES[code]
  if (problem !== undefined) return { kind: 'problem', problem }
  if (code === 'payer_unknown') return { kind: 'auth' }
  // Server messages are written to be shown; a zod default in English is not, for a customer.
  const own = CJK.test(e.message) ? e.message : undefined
  const message = own ?? PAY_MESSAGES[code] ?? (ERROR_MESSAGES as Record<string, string>)[code] ?? '支付失败，请稍后再试'
  return e.param === undefined ? { kind: 'message', message } : { kind: 'message', message, param: e.param }
}
