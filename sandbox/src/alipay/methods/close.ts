import { fen } from '@yima/shared'
import { alipayTime } from '../../core/ids'
import { bizFail, ok, type MethodResult } from '../result'
import { isResult, lookupTrade, sellerOf, str, tradeNotExist, type CallContext } from './common'

/** A cancel may refund a paid trade only within a day of payment. */
const CANCEL_WINDOW_MS = 24 * 3600_000

/** alipay.trade.close: only an unpaid trade closes; TRADE_CLOSED is notified. */
export function tradeClose (c: CallContext): MethodResult {
  const t = lookupTrade(c)
  if (isResult(t)) return t
  if (!c.sim.ledger.close(t)) return bizFail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
  return ok({ out_trade_no: t.outTradeNo, trade_no: t.tradeNo })
}

/**
 * alipay.trade.cancel (撤销), the micropay reversal: closes an unpaid trade (action close) or
 * refunds a paid one in full (action refund). Unlike close it also reaches a trade the customer has
 * not opened yet (an unscanned QR code), so the out_trade_no can never be paid afterwards.
 */
export function tradeCancel (c: CallContext): MethodResult {
  const tradeNo = str(c.biz, 'trade_no')
  const outTradeNo = str(c.biz, 'out_trade_no')
  const t = c.sim.ledger.find(sellerOf(c), { tradeNo, outTradeNo })
  if (t === undefined) {
    const missing = lookupTrade(c) // the parameter error, or TRADE_NOT_EXIST
    return isResult(missing) ? missing : tradeNotExist(outTradeNo)
  }
  const base = { out_trade_no: t.outTradeNo, retry_flag: 'N', trade_no: t.tradeNo }
  if (t.cancelAction !== undefined) return ok({ ...base, action: t.cancelAction })

  switch (t.status) {
    case 'WAIT_BUYER_PAY':
      // Closed before it is revealed: a trade the customer never opened is not notified.
      c.sim.ledger.close(t)
      c.sim.ledger.reveal(t)
      t.cancelAction = 'close'
      return ok({ ...base, action: 'close' })
    case 'TRADE_SUCCESS': {
      if (t.paidAt !== undefined && c.sim.world.clock.nowMs() - t.paidAt.getTime() > CANCEL_WINDOW_MS) {
        return bizFail('ACQ.TRADE_CANCEL_TIME_OUT', '超过撤销时间范围')
      }
      const r = c.sim.ledger.refund(t, `cancel_${t.tradeNo}`, fen(t.total - t.refunded), '撤销')
      t.cancelAction = 'refund'
      return ok({ ...base, action: 'refund', gmt_refund_pay: alipayTime(r.at) })
    }
    case 'TRADE_CLOSED':
      return ok({ ...base, action: 'close' })
    case 'TRADE_FINISHED':
      return bizFail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
  }
}
