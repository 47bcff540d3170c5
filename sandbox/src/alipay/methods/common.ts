import { yuanStringToFen, type Fen } from '@yima/shared'
import type { Merchant } from '../auth'
import type { NewTrade, Trade, TradeOrigin } from '../ledger'
import { bizFail, invalidParameter, type MethodResult } from '../result'
import { ZERO_AMOUNTS, type AlipaySim } from '../sim'

/** One verified gateway call (v2 or v3), with the merchant its app_auth_token names, if any. */
export interface CallContext {
  sim: AlipaySim
  /** The ISV app that signed the request. */
  appId: string
  merchant?: Merchant
  /** Top-level (public) parameters: notify_url, return_url, grant_type, code, … */
  params: Record<string, string>
  /** biz_content (v2) or the JSON body (v3). */
  biz: Record<string, unknown>
}

export type Method = (c: CallContext) => MethodResult

export const isResult = (x: unknown): x is MethodResult => typeof x === 'object' && x !== null && 'kind' in x

export const sellerOf = (c: CallContext): string => c.merchant?.userId ?? c.sim.keys.pid
export const authAppOf = (c: CallContext): string => c.merchant?.authAppId ?? c.appId

/** A biz_content field as a string; Alipay also accepts JSON numbers for amounts and ids. */
export function str (biz: Record<string, unknown>, k: string): string | undefined {
  const v = biz[k]
  if (typeof v === 'string') return v === '' ? undefined : v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

const MAX_FEN = 100_000_000_00 // total_amount range: [0.01, 100000000]

/** A yuan amount field as fen, through string arithmetic only. */
export function amount (biz: Record<string, unknown>, k: string): Fen | MethodResult {
  const raw = str(biz, k)
  if (raw === undefined) return invalidParameter(`${k} 不能为空`)
  let f: Fen
  try {
    f = yuanStringToFen(raw)
  } catch {
    return invalidParameter(`${k} 格式不正确`)
  }
  if (f <= 0) return invalidParameter(`${k} 必须大于0`)
  if (f > MAX_FEN) return bizFail('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额')
  return f
}

/** The trade a query/refund/close/cancel names (trade_no wins over out_trade_no). */
export function lookupTrade (c: CallContext): Trade | MethodResult {
  const tradeNo = str(c.biz, 'trade_no')
  const outTradeNo = str(c.biz, 'out_trade_no')
  if (tradeNo === undefined && outTradeNo === undefined) return invalidParameter('out_trade_no 和 trade_no 不能同时为空')
  const t = c.sim.ledger.find(sellerOf(c), { tradeNo, outTradeNo })
  if (t === undefined || !t.visible) return tradeNotExist(outTradeNo)
  return t
}

/** Alipay still echoes out_trade_no and zero amounts beside ACQ.TRADE_NOT_EXIST. */
export const tradeNotExist = (outTradeNo?: string): MethodResult =>
  bizFail('ACQ.TRADE_NOT_EXIST', '交易不存在', { out_trade_no: outTradeNo, ...ZERO_AMOUNTS })

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3600_000, d: 86_400_000 }

/** When an unpaid trade closes: time_expire (China time), timeout_express (90m, 2h, 1d, 1c), or the default. */
export function expiry (c: CallContext, defaultMs: number): number | MethodResult {
  const now = c.sim.world.clock.nowMs()
  const at = str(c.biz, 'time_expire')
  if (at !== undefined) {
    const ms = Date.parse(`${at.replace(' ', 'T')}+08:00`)
    return Number.isNaN(ms) ? invalidParameter('time_expire 格式不正确') : ms
  }
  const te = str(c.biz, 'timeout_express')
  if (te === undefined) return now + defaultMs
  if (te === '1c') {
    // "1c": until midnight China time of the current day.
    const china = now + 8 * 3600_000
    return china - (china % 86_400_000) + 86_400_000 - 8 * 3600_000
  }
  const m = /^(\d+)([mhd])$/.exec(te)
  if (m === null || Number(m[1]) < 1) return invalidParameter('timeout_express 格式不正确')
  return now + Number(m[1]) * (UNIT_MS[m[2] ?? 'm'] ?? 60_000)
}

/**
 * Opens a trade for a create-type call, or answers for the one this out_trade_no already names:
 * the same unpaid trade again (idempotent), or the error Alipay gives for a paid, closed or
 * different one.
 */
export function openTrade (
  c: CallContext, origin: TradeOrigin, productCode: string, defaultTimeoutMs: number,
  extra: Partial<NewTrade> = {},
): Trade | MethodResult {
  const outTradeNo = str(c.biz, 'out_trade_no')
  if (outTradeNo === undefined) return invalidParameter('out_trade_no 不能为空')
  const subject = str(c.biz, 'subject')
  if (subject === undefined) return invalidParameter('subject 不能为空')
  const total = amount(c.biz, 'total_amount')
  if (isResult(total)) return total
  const expiresAt = expiry(c, defaultTimeoutMs)
  if (isResult(expiresAt)) return expiresAt

  const existing = c.sim.ledger.find(sellerOf(c), { outTradeNo })
  if (existing !== undefined) {
    switch (existing.status) {
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED': return bizFail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
      case 'TRADE_CLOSED': return bizFail('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
      case 'WAIT_BUYER_PAY':
        if (existing.total !== total || existing.subject !== subject) return bizFail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
        return existing
    }
  }
  return c.sim.ledger.create({
    outTradeNo,
    appId: c.appId,
    authAppId: authAppOf(c),
    sellerId: sellerOf(c),
    origin,
    productCode: str(c.biz, 'product_code') ?? productCode,
    total,
    subject,
    expiresAt,
    body: str(c.biz, 'body'),
    passbackParams: str(c.biz, 'passback_params'),
    storeId: str(c.biz, 'store_id'),
    terminalId: str(c.biz, 'terminal_id'),
    operatorId: str(c.biz, 'operator_id'),
    notifyUrl: c.params.notify_url,
    returnUrl: c.params.return_url,
    ...extra,
  })
}
