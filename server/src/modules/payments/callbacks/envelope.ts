import { randomBytes } from 'node:crypto'
import { authenCode } from '../../../cloudpay/authen'
import { orderClient, orderContent, payMchKey, refundOrderContent, type OrderContentRows, type RefundContentRows } from '../../../cloudpay/order-content'

/*
 * The Cloud Pay trade-complete callback (cloudpay-api.md §9): the same envelope as a Cloud Pay
 * request, `request_content` a JSON string HMAC'd with the sub-merchant's 认证密钥 (§4).
 */

/** The business part of a callback, fixed when the event happens; each attempt adds a nonce and signs. */
export type CallbackContent = Record<string, unknown>

/** 支付成功回调: `{pay_mch_key, order_content, order_client}`. */
export const paidContent = (rows: OrderContentRows): CallbackContent =>
  ({ pay_mch_key: payMchKey(rows), order_content: orderContent(rows), order_client: orderClient(rows) })

/** 退款成功回调: `{pay_mch_key, refund_order_content: [...]}`, the refund that just succeeded. */
export const refundedContent = (rows: OrderContentRows & RefundContentRows): CallbackContent =>
  ({ pay_mch_key: payMchKey(rows), refund_order_content: [refundOrderContent(rows)] })

/** 32 lower-case hex characters, like the official Java client's dashless UUID. */
export const newNonce = (): string => randomBytes(16).toString('hex')

export interface CallbackEnvelope {
  /** The exact string the HMAC covers. */
  requestContent: string
  /** The HTTP body. */
  body: string
}

export function buildEnvelope (content: CallbackContent, authenKey: string, nonce: string = newNonce()): CallbackEnvelope {
  const requestContent = JSON.stringify({ nonce_str: nonce, ...content })
  const body = JSON.stringify({
    request_content: requestContent,
    authen_info: { a: { authen_type: 1, authen_code: authenCode(authenKey, requestContent) } },
  })
  return { requestContent, body }
}

export type CallbackReply =
  | { acknowledged: true, description?: string }
  | { acknowledged: false, reason: string }

/**
 * The receiver's answer. Only `status: 0` inside `response_content` acknowledges; the official
 * form carries it as a JSON string, third-party handlers often as an object, and neither needs
 * `authen_info` (§9). Anything else (non-2xx, not JSON, no status, status ≠ 0) means "send again".
 */
export function parseReply (httpStatus: number, text: string): CallbackReply {
  if (httpStatus < 200 || httpStatus > 299) return { acknowledged: false, reason: `HTTP ${httpStatus}` }
  const outer = parseJson(text)
  if (!isObject(outer)) return { acknowledged: false, reason: '回复不是 JSON 对象' }
  const raw = outer.response_content
  const content = typeof raw === 'string' ? parseJson(raw) : raw
  if (!isObject(content)) return { acknowledged: false, reason: raw === undefined ? '回复缺少 response_content' : 'response_content 不是 JSON 对象' }
  const description = typeof content.description === 'string' ? content.description : undefined
  // Cloud Pay's status is an int; a string "0" is tolerated, anything else is not an acknowledgement.
  if (content.status === 0 || content.status === '0') return { acknowledged: true, ...(description === undefined ? {} : { description }) }
  const said = content.status === undefined ? '回复缺少 status' : `回复 status=${JSON.stringify(content.status)}`
  return { acknowledged: false, reason: description === undefined || description === '' ? said : `${said}：${description.slice(0, 200)}` }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
