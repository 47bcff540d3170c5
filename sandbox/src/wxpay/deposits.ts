import { createHmac, timingSafeEqual } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'

/**
 * WeChat Pay 押金 (deposit, API v2) as the simulator holds it: one deposit per (sub_mch_id,
 * out_trade_no), taken from the customer by `/deposit/micropay`, then either returned whole
 * (`/deposit/reverse`) or consumed once (`/deposit/consume`, the rest goes back to the customer on
 * its own); refunds give back part of what was consumed. Routes: routes/deposits.ts.
 */

/** One scripted answer for the next new deposit (`POST /__sim/wxpay/deposit/next`). */
export const DEPOSIT_RESULTS = ['SUCCESS', 'USERPAYING_THEN_SUCCESS', 'USERPAYING_TIMEOUT', 'PAYERROR', 'SYSTEMERROR'] as const
export type DepositResult = typeof DEPOSIT_RESULTS[number]

export interface DepositScript {
  result: DepositResult
  /** USERPAYING_THEN_SUCCESS: simulated seconds until the customer confirms. */
  finishAfterSeconds: number
  /** PAYERROR: the err_code micropay answers (NOTENOUGH, AUTHCODEEXPIRE, …). */
  errCode: string
  openid?: string
}

/**
 * `CONSUMED` is the sandbox's name for a consumed deposit: the v2 docs we could read list
 * `consume_fee` in the order query but not the trade_state that goes with it (see README).
 */
export type DepositState = 'USERPAYING' | 'SUCCESS' | 'PAYERROR' | 'REVOKED' | 'CONSUMED'

export interface DepositRefund {
  outRefundNo: string
  refundId: string
  fee: number
  status: 'PROCESSING' | 'SUCCESS'
  createdAt: Date
  succeededAt?: Date
}

export interface Deposit {
  spMchId: string
  subMchId: string
  appId: string
  subAppId?: string
  outTradeNo: string
  transactionId: string
  body: string
  attach?: string
  total: number
  state: DepositState
  /** PAYERROR: what micropay answered. */
  payErrCode?: string
  openid: string
  /** The micropay request without nonce_str and sign: a retry must repeat it exactly. */
  fingerprint: string
  createdAt: Date
  paidAt?: Date
  consumeFee?: number
  consumedAt?: Date
  revokedAt?: Date
  refunds: DepositRefund[]
}

/** A business refusal: `result_code FAIL` with this err_code, signed like any answer. */
export class DepositRefusal extends Error {
  constructor (readonly errCode: string, message: string) { super(message) }
}

export class Deposits {
  readonly script: DepositScript[] = []
  readonly #all = new Map<string, Deposit>()

  add (d: Deposit): void { this.#all.set(`${d.subMchId}/${d.outTradeNo}`, d) }

  /** By transaction_id when given (WeChat's precedence), else out_trade_no; only within this sub-merchant. */
  find (subMchId: string, by: { transactionId?: string, outTradeNo?: string }): Deposit | undefined {
    if (by.transactionId !== undefined) return this.all().find((d) => d.subMchId === subMchId && d.transactionId === by.transactionId)
    return by.outTradeNo === undefined ? undefined : this.#all.get(`${subMchId}/${by.outTradeNo}`)
  }

  all (): Deposit[] { return [...this.#all.values()] }

  clear (): void {
    this.#all.clear()
    this.script.length = 0
  }
}

export const refundedFee = (d: Deposit): number => d.refunds.reduce((sum, r) => sum + r.fee, 0)

/** What went back to the customer: all of a reversed paid deposit, the remainder of a consumed one. */
export function returnedFee (d: Deposit): number {
  if (d.state === 'REVOKED' && d.paidAt !== undefined) return d.total
  if (d.state === 'CONSUMED') return d.total - (d.consumeFee ?? 0)
  return 0
}

/** 撤销: only before any consumption. Repeating it is harmless. */
export function reverseDeposit (d: Deposit, at: Date): void {
  if (d.state === 'CONSUMED') throw new DepositRefusal('ORDERCONSUMED', '押金已消费，不能撤销')
  if (d.state === 'REVOKED') return
  d.state = 'REVOKED'
  d.revokedAt = at
}

/** One consumption of a paid deposit; the rest goes back to the customer at once. */
export function consumeDeposit (d: Deposit, o: { totalFee: number, consumeFee: number }, at: Date): void {
  if (d.state === 'CONSUMED') throw new DepositRefusal('ORDERCONSUMED', '押金已消费，不能重复消费')
  if (d.state === 'REVOKED') throw new DepositRefusal('ORDERREVERSED', '订单已撤销')
  if (d.state !== 'SUCCESS') throw new DepositRefusal('TRADE_STATE_ERROR', '押金未支付成功，不能消费')
  if (o.totalFee !== d.total) throw new DepositRefusal('PARAM_ERROR', '押金总金额total_fee与订单金额不一致')
  if (o.consumeFee < 1 || o.consumeFee > d.total) throw new DepositRefusal('PARAM_ERROR', '消费金额consume_fee须大于0且不超过押金金额')
  d.state = 'CONSUMED'
  d.consumeFee = o.consumeFee
  d.consumedAt = at
}

const MAX_REFUNDS = 50

/**
 * A refund of the consumed part. The same out_refund_no with the same amount is the same refund
 * (WeChat: 同一退款单号多次请求只退一笔); the refunds together never exceed consume_fee.
 */
export function refundDeposit (d: Deposit, o: { outRefundNo: string, totalFee: number, refundFee: number }, make: () => DepositRefund): DepositRefund {
  const existing = d.refunds.find((r) => r.outRefundNo === o.outRefundNo)
  if (existing !== undefined) {
    if (existing.fee !== o.refundFee) throw new DepositRefusal('INVALID_REQUEST', '同一退款单号多次请求，退款金额不一致')
    return existing
  }
  if (d.state !== 'CONSUMED') throw new DepositRefusal('TRADE_STATE_ERROR', '押金未消费，不能退款')
  if (o.totalFee !== d.total) throw new DepositRefusal('PARAM_ERROR', '订单金额total_fee与押金金额不一致')
  if (o.refundFee < 1) throw new DepositRefusal('PARAM_ERROR', '退款金额refund_fee须大于0')
  if (refundedFee(d) + o.refundFee > (d.consumeFee ?? 0)) throw new DepositRefusal('INVALID_REQUEST', '退款金额超过已消费金额')
  if (d.refunds.length >= MAX_REFUNDS) throw new DepositRefusal('INVALID_REQUEST', '部分退款次数超过50次')
  const refund = make()
  d.refunds.push(refund)
  return refund
}

// ---- the v2 wire: flat XML, HMAC-SHA256 under the SP's API v2 key ----

export type V2Value = string | number | undefined

/** sign = upper-case HMAC-SHA256 of the non-empty fields but `sign`, sorted, as `k=v&…&key=<key>`. */
export function v2Sign (fields: Record<string, V2Value>, key: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&')
  return createHmac('sha256', key).update(`${text}&key=${key}`).digest('hex').toUpperCase()
}

export function v2SignOk (fields: Record<string, string>, key: string): boolean {
  const expected = Buffer.from(v2Sign(fields, key))
  const given = Buffer.from(fields.sign ?? '')
  return expected.length === given.length && timingSafeEqual(expected, given)
}

const parser = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, processEntities: true })

/** `<xml><k>v</k>…</xml>` (CDATA or not) → fields; undefined when it is not one flat `<xml>`. */
export function parseV2Xml (text: string): Record<string, string> | undefined {
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch {
    return undefined
  }
  const root = typeof doc === 'object' && doc !== null ? (doc as { xml?: unknown }).xml : undefined
  if (typeof root !== 'object' || root === null) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(root)) {
    if (typeof v !== 'string') return undefined
    out[k] = v
  }
  return out
}

/** As WeChat writes it: strings in CDATA, numbers bare, absent fields left out. */
export function toV2Xml (fields: Record<string, V2Value>): string {
  const parts = Object.entries(fields).flatMap(([k, v]) => {
    if (v === undefined) return []
    return typeof v === 'number' ? [`<${k}>${v}</${k}>`] : [`<${k}><![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${k}>`]
  })
  return `<xml>${parts.join('')}</xml>`
}
