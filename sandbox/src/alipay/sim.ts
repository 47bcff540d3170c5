import { fenToYuanString, type Fen } from '@yima/shared'
import type { SimWorld } from '../core/world'
import type { AlipayAuth, Buyer } from './auth'
import type { AlipayKeys } from './keys'
import type { FundAuthLedger } from './fund-auth-ledger'
import type { Trade, TradeLedger } from './ledger'

/** How the next bar-code payment (alipay.trade.pay) goes; set by `POST /__sim/alipay/trade-pay/next`. */
export const BARCODE_OUTCOMES = ['SUCCESS', 'WAIT_THEN_SUCCESS', 'WAIT_TIMEOUT', 'FAIL'] as const
export type BarcodeOutcome = typeof BARCODE_OUTCOMES[number]

/** The Alipay simulator's state, shared by the gateway, v3 routes, pages and controls. */
export interface AlipaySim {
  world: SimWorld
  keys: AlipayKeys
  auth: AlipayAuth
  ledger: TradeLedger
  /** 资金授权: freezes and their operations (consumptions are trades of `ledger`). */
  fundAuth: FundAuthLedger
  /** Scripted bar-code outcomes, first one next; empty means SUCCESS. */
  barcode: Array<{ result: BarcodeOutcome, buyerId?: string }>
}

/** The customer pays: open_id is the one the trade's app sees. False when the trade is not payable. */
export function payTrade (sim: AlipaySim, trade: Trade, buyer: Buyer): boolean {
  return sim.ledger.markPaid(trade, buyer, sim.auth.openId(trade.authAppId, buyer))
}

export const yuan = (f: Fen): string => fenToYuanString(f)

/** 13812345678 → 138****5678, the way Alipay shows a buyer's login to merchants. */
export const maskLogon = (logonId: string): string => `${logonId.slice(0, 3)}****${logonId.slice(-4)}`

/** The buyer_* fields of responses, once the trade knows its customer. */
export function buyerFields (t: Trade): Record<string, string | undefined> {
  return {
    buyer_logon_id: t.buyer === undefined ? undefined : maskLogon(t.buyer.logonId),
    buyer_user_id: t.buyer?.userId,
    buyer_open_id: t.buyerOpenId,
  }
}

export const ZERO_AMOUNTS = { buyer_pay_amount: '0.00', invoice_amount: '0.00', point_amount: '0.00', receipt_amount: '0.00' } as const

/** What the customer actually paid: the total once paid (no discounts are simulated), 0.00 before. */
export function paidAmounts (t: Trade): Record<string, string> {
  if (t.paidAt === undefined) return { ...ZERO_AMOUNTS }
  const paid = yuan(t.total)
  return { ...ZERO_AMOUNTS, buyer_pay_amount: paid, invoice_amount: paid, receipt_amount: paid }
}

/** fund_bill_list: everything from the balance (ALIPAYACCOUNT). */
export const fundBills = (t: Trade): Array<{ amount: string, fund_channel: string }> =>
  t.paidAt === undefined ? [] : [{ amount: yuan(t.total), fund_channel: 'ALIPAYACCOUNT' }]
