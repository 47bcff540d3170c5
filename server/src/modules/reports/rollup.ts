import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import type { OrderRow, RefundRow } from '../payments/payment.schema'
import { reportHourly } from './reports.schema'

const HOUR_MS = 3_600_000
/** The UTC hour an instant falls in (= its China hour: UTC+8 is a whole number of hours). */
export const hourOf = (at: Date): Date => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS)

type Delta = Partial<Record<'tradeCount' | 'tradeFen' | 'discountFen' | 'settlementFen' | 'refundCount' | 'refundFen' | 'refundSettlementFen', number>>

/** Adds `delta` to the counters of the order's attribution at `at`'s hour (one upsert). */
async function add (exec: Executor, order: OrderRow, at: Date, delta: Delta): Promise<void> {
  const row = {
    hour: hourOf(at),
    spId: order.spId,
    sspId: order.sspId,
    merchantId: order.merchantId,
    storeId: order.storeId ?? '',
    staffId: order.staffId ?? '',
    deviceId: order.deviceId ?? '',
    qrCodeId: order.qrCodeId ?? '',
    payPlatform: order.payPlatform,
    ...delta,
  }
  await exec.insert(reportHourly).values(row).onConflictDoUpdate({
    target: [reportHourly.merchantId, reportHourly.storeId, reportHourly.hour, reportHourly.staffId, reportHourly.deviceId, reportHourly.qrCodeId, reportHourly.payPlatform],
    set: {
      tradeCount: sql`${reportHourly.tradeCount} + excluded.trade_count`,
      tradeFen: sql`${reportHourly.tradeFen} + excluded.trade_fen`,
      discountFen: sql`${reportHourly.discountFen} + excluded.discount_fen`,
      settlementFen: sql`${reportHourly.settlementFen} + excluded.settlement_fen`,
      refundCount: sql`${reportHourly.refundCount} + excluded.refund_count`,
      refundFen: sql`${reportHourly.refundFen} + excluded.refund_fen`,
      refundSettlementFen: sql`${reportHourly.refundSettlementFen} + excluded.refund_settlement_fen`,
    },
  })
}

/**
 * A payment counts (sign 1) when its order succeeds, and stops counting (−1) if a succeeded
 * order is reversed. Called in the transaction of that state change (payment.repo.ts).
 */
export async function rollupPayment (exec: Executor, order: OrderRow, sign: 1 | -1): Promise<void> {
  if (order.paidAt === null) throw new Error(`order ${order.id} has no payment time to count it at`)
  await add(exec, order, order.paidAt, {
    tradeCount: sign,
    tradeFen: sign * order.amountFen,
    discountFen: sign * order.discountFen,
    settlementFen: sign * (order.amountFen - order.noCashDiscountFen),
  })
}

/**
 * What a refund takes back from the merchant's settlement: the refund less its share of the
 * no-charge (免充值) discount, which goes back to the voucher rather than out of the merchant's
 * money (WeChat returns a discount in proportion to the refund). Rounded as PostgreSQL's integer
 * division does in summary.repo.ts, so rollups and recomputations agree to the fen.
 */
export const refundSettlementFen = (refundFen: number, order: Pick<OrderRow, 'amountFen' | 'noCashDiscountFen'>): number =>
  refundFen - Math.floor(refundFen * order.noCashDiscountFen / order.amountFen)

/**
 * A refund counts (1) when it is requested and stops counting (−1) if it fails, at its request
 * hour under its order's attribution.
 */
export async function rollupRefund (exec: Executor, refund: RefundRow, order: OrderRow, sign: 1 | -1): Promise<void> {
  await add(exec, order, refund.createdAt, {
    refundCount: sign,
    refundFen: sign * refund.amountFen,
    refundSettlementFen: sign * refundSettlementFen(refund.amountFen, order),
  })
}
