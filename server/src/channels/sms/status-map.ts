/**
 * What a SendSms answer means for one message:
 * - `sent`: the number's `SendStatusSet` entry says `Ok`;
 * - `failed`: sending the same again cannot help (a refused number, a daily limit, a blacklisted
 *   phone, an unapproved signature or template, bad credentials);
 * - `retry`: the gateway or the operator was busy, or no answer came (HTTP 5xx, a timeout,
 *   `InternalError*`, `RequestLimitExceeded`).
 * Codes: https://cloud.tencent.com/document/api/382/52075 (SendSms) and /382/52068 (common errors).
 */
export type SmsOutcome =
  | { kind: 'sent', serialNo: string, fee: number }
  | { kind: 'failed', code: string, message: string }
  | { kind: 'retry', code: string, message: string }

/** One entry of `SendStatusSet`, field names verbatim. */
export interface SendStatusWire { SerialNo?: string, PhoneNumber?: string, Fee?: number, Code?: string, Message?: string }

const transient = (code: string): boolean =>
  code.startsWith('InternalError') || code === 'RequestLimitExceeded' || code.startsWith('ResourceUnavailable')

export function smsOutcomeOf (status: SendStatusWire | undefined): SmsOutcome {
  // A 200 without the number's entry: whether it went out is unknown, so ask again.
  if (status?.Code === undefined) return { kind: 'retry', code: 'NoSendStatus', message: '短信网关没有返回该号码的发送结果' }
  if (status.Code === 'Ok') return { kind: 'sent', serialNo: status.SerialNo ?? '', fee: status.Fee ?? 0 }
  const message = status.Message ?? ''
  return transient(status.Code) ? { kind: 'retry', code: status.Code, message } : { kind: 'failed', code: status.Code, message }
}

/** A thrown SDK error: `code` when the gateway refused the request, `httpCode` or none for transport failures. */
export function smsRequestFailure (err: unknown): SmsOutcome {
  const e = err as { code?: unknown, httpCode?: unknown, message?: unknown }
  const message = typeof e.message === 'string' ? e.message.slice(0, 300) : String(err)
  if (typeof e.code === 'string' && e.code !== '') {
    return transient(e.code) ? { kind: 'retry', code: e.code, message } : { kind: 'failed', code: e.code, message }
  }
  const code = typeof e.httpCode === 'number' ? `HTTP ${e.httpCode}` : 'NetworkError'
  return { kind: 'retry', code, message }
}
