/**
 * What a gateway method answers, independent of the wire: v2 wraps it in `<method>_response`
 * with `code`/`msg`, v3 turns it into an HTTP status and a bare JSON body.
 */

/** Response fields: strings, numbers and nested objects exactly as Alipay serializes them. */
export type Fields = Record<string, unknown>

/** The public error codes (https://opendocs.alipay.com/common/02km9f), each with its fixed `msg`. */
export const ERROR_MSG = {
  20000: 'Service Currently Unavailable',
  20001: 'Insufficient Token Permissions',
  40001: 'Missing Required Arguments',
  40002: 'Invalid Arguments',
  40004: 'Business Failed',
} as const
export type ErrorCode = keyof typeof ERROR_MSG

export interface AlipayError {
  code: ErrorCode
  subCode: string
  subMsg: string
  /** Fields Alipay still returns beside an error, e.g. `out_trade_no` and zero amounts on TRADE_NOT_EXIST. */
  fields?: Fields
}

export type MethodResult =
  /** 10000; `waiting` turns it into 10003 (bar-code payment waiting for the customer's password). */
  | { kind: 'ok', fields: Fields, waiting?: boolean, bare?: boolean }
  | { kind: 'error', error: AlipayError }

export const ok = (fields: Fields, o: { waiting?: boolean, bare?: boolean } = {}): MethodResult => ({ kind: 'ok', fields, ...o })

export const fail = (code: ErrorCode, subCode: string, subMsg: string, fields?: Fields): MethodResult =>
  ({ kind: 'error', error: { code, subCode, subMsg, ...(fields === undefined ? {} : { fields }) } })

/** 40004 with an `ACQ.*` sub code: the business failures of the trade APIs. */
export const bizFail = (subCode: string, subMsg: string, fields?: Fields): MethodResult => fail(40004, subCode, subMsg, fields)

export const invalidParameter = (detail: string): MethodResult => bizFail('ACQ.INVALID_PARAMETER', `参数无效：${detail}`)

/** The `<method>_response` object: code, msg, sub_code, sub_msg first, then the rest sorted, as Alipay orders them. */
export function v2Payload (r: MethodResult): Fields {
  if (r.kind === 'error') {
    const { code, subCode, subMsg, fields = {} } = r.error
    return { code: String(code), msg: ERROR_MSG[code], sub_code: subCode, sub_msg: subMsg, ...sorted(fields) }
  }
  // alipay.system.oauth.token answers success without code/msg.
  if (r.bare === true) return sorted(r.fields)
  return r.waiting === true
    ? { code: '10003', msg: ' order success pay inprocess', ...sorted(r.fields) } // sic: Alipay's leading space
    : { code: '10000', msg: 'Success', ...sorted(r.fields) }
}

function sorted (f: Fields): Fields {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** v3 maps the gateway codes onto HTTP statuses; business failures are 400 with the `ACQ.*` code. */
export function v3Status (r: MethodResult): number {
  if (r.kind === 'ok') return 200
  switch (r.error.code) {
    case 20000: return 500
    case 20001: return 401
    case 40001:
    case 40002:
    case 40004: return 400
  }
}

export function v3Body (r: MethodResult): Fields {
  if (r.kind === 'ok') return sorted(r.fields)
  // v3 drops the gateway prefixes (isv.invalid-signature → invalid-signature) but keeps ACQ.*.
  return { code: r.error.subCode.replace(/^(isv|aop|isp)\./, ''), message: r.error.subMsg }
}
