import { fen } from '@yima/shared'
import { alipayTime, nonce } from '../../core/ids'
import { DEFAULT_BUYER } from '../auth'
import { type AuthOrder, type FundAuthLedger, type FundAuthRefusal, type FundOperation } from '../fund-auth-ledger'
import type { Trade } from '../ledger'
import { bizFail, ok, type MethodResult } from '../result'
import { maskLogon, payTrade, yuan } from '../sim'
import { amount, authAppOf, expiry, isResult, openTrade, sellerOf, str, type CallContext } from './common'

/**
 * 当面资金授权 (alipay.fund.auth.*): bar-code freeze, scan-code voucher, detail query, unfreeze and
 * cancel. Their sub codes carry no `ACQ.` prefix (ILLEGAL_ARGUMENT, AUTH_ORDER_NOT_EXIST, …).
 * Consumption is alipay.trade.pay with auth_no (`payFromFreeze`).
 */

/** How long a scripted customer takes to confirm an INIT freeze (as for trade.pay's 10003). */
const CUSTOMER_CONFIRM_MS = 10_000
/** An unconfirmed bar-code freeze or an unscanned QR code closes after this without timeout_express (sandbox choice). */
const FREEZE_TIMEOUT_MS = 2 * 3600_000
/** operation.cancel reaches a freeze only within a day of it (CANCEL_OPERATION_TIME_OUT). */
const CANCEL_WINDOW_MS = 24 * 3600_000
/** Payment codes, as trade.pay accepts them: 16–24 digits starting 25–30. */
const AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/
const PRODUCT_CODES = new Set(['PRE_AUTH', 'PREAUTH_PAY'])

const refuse = (subCode: string, subMsg: string): MethodResult => bizFail(subCode, subMsg)
const illegalArgument = (detail: string): MethodResult => refuse('ILLEGAL_ARGUMENT', `参数异常或参数缺失：${detail}`)
const orderNotExist = (): MethodResult => refuse('AUTH_ORDER_NOT_EXIST', '支付宝资金授权订单不存在')
const isRefusal = (x: unknown): x is FundAuthRefusal => typeof x === 'object' && x !== null && 'refused' in x

/** alipay.fund.auth.order.freeze (条码预授权): the scripted outcome decides SUCCESS, INIT (then confirmed or not) or a refusal. */
export function fundAuthOrderFreeze (c: CallContext): MethodResult {
  const authCode = str(c.biz, 'auth_code')
  if (authCode === undefined) return illegalArgument('auth_code')
  const codeType = str(c.biz, 'auth_code_type') ?? 'bar_code'
  if (codeType !== 'bar_code' && codeType !== 'security_code') return illegalArgument('auth_code_type')
  const ledger = c.sim.fundAuth
  const existing = repeated(c, ledger)
  if (existing !== undefined) return existing
  const fields = newOrderFields(c)
  if (isResult(fields)) return fields
  if (!AUTH_CODE.test(authCode)) return refuse('PAYMENT_AUTH_CODE_INVALID', '授权失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款')

  const script = ledger.next.shift() ?? { result: 'SUCCESS' }
  if (script.result === 'FAIL') return refuse('MONEY_NOT_ENOUGH', '授权失败，顾客余额不足，建议顾客充值完成后再进行付款')
  const payer = script.buyerId !== undefined ? c.sim.auth.buyerById(script.buyerId) : c.sim.auth.buyer(DEFAULT_BUYER)
  const o = ledger.create({ ...fields, origin: 'freeze', payer })
  switch (script.result) {
    case 'SUCCESS': ledger.confirm(o, payer); break
    case 'INIT_THEN_SUCCESS': c.sim.world.scheduler.after(CUSTOMER_CONFIRM_MS, () => { ledger.confirm(o, payer) }); break
    case 'INIT_TIMEOUT': break // closes at its timeout
  }
  return ok(freezeFields(c, ledger, o))
}

/** alipay.fund.auth.order.voucher.create (扫码预授权): a QR code; the order exists for queries once the customer scans it. */
export function fundAuthOrderVoucherCreate (c: CallContext): MethodResult {
  const ledger = c.sim.fundAuth
  const existing = ledger.find(sellerOf(c), { outOrderNo: str(c.biz, 'out_order_no') })
  if (existing?.origin === 'voucher' && existing.status === 'INIT' && ledger.freezeOf(existing).outRequestNo === str(c.biz, 'out_request_no')) {
    return ok(voucherFields(ledger, existing))
  }
  if (existing !== undefined) return refuse('UNIQUE_VIOLATION', '商户订单号重复')
  const fields = newOrderFields(c)
  if (isResult(fields)) return fields
  const o = ledger.create({ ...fields, origin: 'voucher', codeValue: `https://qr.alipay.com/bax0${nonce(20).toLowerCase()}` })
  return ok(voucherFields(ledger, o))
}

/** alipay.fund.auth.operation.detail.query: one operation of an order, with the order's totals. */
export function fundAuthOperationDetailQuery (c: CallContext): MethodResult {
  const ledger = c.sim.fundAuth
  const o = lookupOrder(c, ledger)
  if (isResult(o)) return o
  if (!o.visible) return orderNotExist()
  const op = lookupOperation(c, o)
  if (isResult(op)) return op
  return ok({
    amount: yuan(op.amount),
    auth_no: o.authNo,
    gmt_create: alipayTime(op.createdAt),
    gmt_trans: op.transAt === undefined ? undefined : alipayTime(op.transAt),
    operation_id: op.operationId,
    operation_type: op.type,
    order_status: o.status,
    order_title: o.orderTitle,
    out_order_no: o.outOrderNo,
    out_request_no: op.outRequestNo,
    payer_logon_id: o.payer === undefined ? undefined : maskLogon(o.payer.logonId),
    payer_user_id: o.payer?.userId,
    remark: op.remark,
    rest_amount: yuan(ledger.rest(o)),
    status: op.status,
    total_freeze_amount: yuan(ledger.freezeOf(o).status === 'SUCCESS' ? o.amount : fen(0)),
    total_pay_amount: yuan(o.paid),
  })
}

/** alipay.fund.auth.order.unfreeze: any part of the rest, any number of times; a repeated out_request_no answers the same operation. */
export function fundAuthOrderUnfreeze (c: CallContext): MethodResult {
  const authNo = str(c.biz, 'auth_no')
  if (authNo === undefined) return illegalArgument('auth_no')
  const outRequestNo = str(c.biz, 'out_request_no')
  if (outRequestNo === undefined) return illegalArgument('out_request_no')
  const amt = amount(c.biz, 'amount')
  if (isResult(amt)) return illegalArgument('amount')
  const ledger = c.sim.fundAuth
  const o = ledger.find(sellerOf(c), { authNo })
  if (o === undefined || !o.visible) return orderNotExist()

  const previous = o.operations.find((op) => op.outRequestNo === outRequestNo)
  let op: FundOperation | FundAuthRefusal
  if (previous !== undefined) {
    if (previous.type !== 'UNFREEZE' || previous.amount !== amt) return refuse('UNIQUE_VIOLATION', '解冻信息被篡改')
    op = previous
  } else {
    op = ledger.unfreeze(o, outRequestNo, amt, str(c.biz, 'remark'))
  }
  if (isRefusal(op)) return refuse(op.refused, op.message)
  return ok({
    amount: yuan(op.amount),
    auth_no: o.authNo,
    gmt_trans: op.transAt === undefined ? undefined : alipayTime(op.transAt),
    operation_id: op.operationId,
    out_order_no: o.outOrderNo,
    out_request_no: op.outRequestNo,
    status: op.status,
  })
}

/**
 * alipay.fund.auth.operation.cancel (撤销) of a freeze whose result the merchant does not know:
 * closes it if it never succeeded (action close), releases it whole if it did (action unfreeze).
 * Like trade.cancel it also reaches an unscanned QR code. Only within a day, and only while nothing
 * was released or paid.
 */
export function fundAuthOperationCancel (c: CallContext): MethodResult {
  const ledger = c.sim.fundAuth
  const o = lookupOrder(c, ledger)
  if (isResult(o)) return o
  const op = lookupOperation(c, o)
  if (isResult(op)) return op
  if (op.type !== 'FREEZE') return illegalArgument('只能撤销冻结操作')
  const base = { auth_no: o.authNo, operation_id: op.operationId, out_order_no: o.outOrderNo, out_request_no: op.outRequestNo }
  if (o.cancelAction !== undefined) return ok({ ...base, action: o.cancelAction })
  if (c.sim.world.clock.nowMs() - op.createdAt.getTime() > CANCEL_WINDOW_MS) return refuse('CANCEL_OPERATION_TIME_OUT', '撤销操作超过允许时间范围')

  switch (o.status) {
    case 'INIT':
      ledger.close(o)
      o.visible = true
      o.cancelAction = 'close'
      return ok({ ...base, action: 'close' })
    case 'AUTHORIZED': {
      if (o.unfrozen > 0 || o.paid > 0) return refuse('REQUEST_AMOUNT_EXCEED', '撤销触发的解冻金额超过冻结金额')
      const released = ledger.unfreeze(o, `cancel_${op.operationId}`, o.amount, '撤销')
      if (isRefusal(released)) return refuse(released.refused, released.message)
      o.cancelAction = 'unfreeze'
      return ok({ ...base, action: 'unfreeze' })
    }
    case 'CLOSED': return ok({ ...base, action: 'close' })
    case 'FINISH': return refuse('ORDER_ALREADY_FINISH', '授权订单已经完结，无法再进行资金操作')
  }
}

/**
 * alipay.trade.pay with auth_no (预授权转支付, product_code PRE_AUTH): a trade paid out of the
 * freeze's rest, at once. auth_confirm_mode COMPLETE releases what stays frozen; NOT_COMPLETE (the
 * default) keeps it for later consumptions or unfreezes. A repeated out_trade_no answers as for
 * any trade (ACQ.TRADE_HAS_SUCCESS). Sub codes of the refusals are sandbox choices (README).
 */
export function payFromFreeze (c: CallContext, authNo: string): Trade | MethodResult {
  const productCode = str(c.biz, 'product_code')
  if (productCode === undefined || !PRODUCT_CODES.has(productCode)) return bizFail('ACQ.INVALID_PARAMETER', '参数无效：预授权转支付的 product_code 须为 PRE_AUTH')
  const mode = str(c.biz, 'auth_confirm_mode') ?? 'NOT_COMPLETE'
  if (mode !== 'COMPLETE' && mode !== 'NOT_COMPLETE') return bizFail('ACQ.INVALID_PARAMETER', '参数无效：auth_confirm_mode')
  const outTradeNo = str(c.biz, 'out_trade_no')
  const ledger = c.sim.fundAuth
  const o = ledger.find(sellerOf(c), { authNo })
  if (o === undefined || !o.visible) return bizFail('ACQ.AUTH_ORDER_NOT_EXIST', '资金授权订单不存在')
  if (outTradeNo !== undefined && c.sim.ledger.find(sellerOf(c), { outTradeNo }) !== undefined) {
    // Already used: the trade's own answer (TRADE_HAS_SUCCESS, TRADE_HAS_CLOSE), never a second debit.
    const t = openTrade(c, 'pay', 'PRE_AUTH', FREEZE_TIMEOUT_MS)
    return isResult(t) ? t : bizFail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
  }
  if (o.status !== 'AUTHORIZED' || o.payer === undefined) return bizFail('ACQ.AUTH_ORDER_STATUS_ERROR', `资金授权订单状态不合法：${o.status}`)
  const buyerId = str(c.biz, 'buyer_id')
  if (buyerId !== undefined && buyerId !== o.payer.userId) return bizFail('ACQ.TRADE_BUYER_NOT_MATCH', '交易买家不匹配')
  const total = amount(c.biz, 'total_amount')
  if (isResult(total)) return total
  if (total > ledger.rest(o)) return bizFail('ACQ.REQUEST_AMOUNT_EXCEED', '转支付金额超过剩余冻结金额')

  const payer = o.payer
  const t = openTrade(c, 'pay', productCode, FREEZE_TIMEOUT_MS, { buyer: payer, buyerOpenId: c.sim.auth.openId(authAppOf(c), payer) })
  if (isResult(t)) return t
  const op = ledger.pay(o, t.outTradeNo, total, t.tradeNo, mode === 'COMPLETE')
  if (isRefusal(op)) return bizFail(`ACQ.${op.refused}`, op.message)
  payTrade(c.sim, t, payer)
  return t
}

// ---- helpers ----

/** A freeze or voucher.create naming an out_order_no already used: the same operation again, or a refusal. */
function repeated (c: CallContext, ledger: FundAuthLedger): MethodResult | undefined {
  const o = ledger.find(sellerOf(c), { outOrderNo: str(c.biz, 'out_order_no') })
  if (o === undefined) return undefined
  const freeze = ledger.freezeOf(o)
  const amt = amount(c.biz, 'amount')
  if (o.origin !== 'freeze' || freeze.outRequestNo !== str(c.biz, 'out_request_no') || isResult(amt) || amt !== o.amount) {
    return refuse('UNIQUE_VIOLATION', '授权失败，商户订单号重复，请收银员取消本笔订单并重新授权')
  }
  if (o.status === 'CLOSED' && freeze.status === 'CLOSED') return refuse('ORDER_ALREADY_CLOSED', '授权失败，本笔授权订单已关闭')
  return ok(freezeFields(c, ledger, o))
}

/** The fields both freeze and voucher.create need. */
function newOrderFields (c: CallContext): Omit<Parameters<FundAuthLedger['create']>[0], 'origin'> | MethodResult {
  const outOrderNo = str(c.biz, 'out_order_no')
  if (outOrderNo === undefined) return illegalArgument('out_order_no')
  const outRequestNo = str(c.biz, 'out_request_no')
  if (outRequestNo === undefined) return illegalArgument('out_request_no')
  const orderTitle = str(c.biz, 'order_title')
  if (orderTitle === undefined) return illegalArgument('order_title')
  const productCode = str(c.biz, 'product_code')
  if (productCode === undefined || !PRODUCT_CODES.has(productCode)) return illegalArgument('product_code')
  const amt = amount(c.biz, 'amount')
  if (isResult(amt)) return illegalArgument('amount')
  const expiresAt = expiry(c, FREEZE_TIMEOUT_MS)
  if (isResult(expiresAt)) return illegalArgument('timeout_express')
  return {
    outOrderNo,
    outRequestNo,
    orderTitle,
    productCode,
    amount: amt,
    expiresAt,
    appId: c.appId,
    authAppId: authAppOf(c),
    sellerId: sellerOf(c),
    ...(str(c.biz, 'remark') === undefined ? {} : { remark: str(c.biz, 'remark') }),
  }
}

/** auth_no wins over out_order_no, as for trades; another seller's order does not exist. */
function lookupOrder (c: CallContext, ledger: FundAuthLedger): AuthOrder | MethodResult {
  const authNo = str(c.biz, 'auth_no')
  const outOrderNo = str(c.biz, 'out_order_no')
  if (authNo === undefined && outOrderNo === undefined) return illegalArgument('auth_no 和 out_order_no 不能同时为空')
  return ledger.find(sellerOf(c), { authNo, outOrderNo }) ?? orderNotExist()
}

function lookupOperation (c: CallContext, o: AuthOrder): FundOperation | MethodResult {
  const operationId = str(c.biz, 'operation_id')
  const outRequestNo = str(c.biz, 'out_request_no')
  if (operationId === undefined && outRequestNo === undefined) return illegalArgument('operation_id 和 out_request_no 不能同时为空')
  const op = o.operations.find((x) => operationId !== undefined ? x.operationId === operationId : x.outRequestNo === outRequestNo)
  return op ?? refuse('AUTH_OPERATION_NOT_EXIST', '支付宝资金操作流水不存在')
}

function freezeFields (c: CallContext, ledger: FundAuthLedger, o: AuthOrder): Record<string, unknown> {
  const op = ledger.freezeOf(o)
  return {
    amount: yuan(op.amount),
    auth_no: o.authNo,
    fund_amount: op.status === 'SUCCESS' ? yuan(op.amount) : undefined,
    gmt_trans: op.transAt === undefined ? undefined : alipayTime(op.transAt),
    operation_id: op.operationId,
    out_order_no: o.outOrderNo,
    out_request_no: op.outRequestNo,
    payer_logon_id: o.payer === undefined ? undefined : maskLogon(o.payer.logonId),
    payer_open_id: o.payer === undefined ? undefined : c.sim.auth.openId(o.authAppId, o.payer),
    payer_user_id: o.payer?.userId,
    status: op.status,
  }
}

function voucherFields (ledger: FundAuthLedger, o: AuthOrder): Record<string, unknown> {
  return {
    code_type: 'qrCode',
    code_url: `${o.codeValue ?? ''}.png`,
    code_value: o.codeValue,
    out_order_no: o.outOrderNo,
    out_request_no: ledger.freezeOf(o).outRequestNo,
  }
}
