import { eq } from 'drizzle-orm'
import { createIdGenerator, fen, type Fen } from '@yima/shared'
import { orders, refunds } from '../../../src/modules/payments/payment.schema'
import { insertOrder, reserveRefund, transitionOrder, transitionRefund } from '../../../src/modules/payments/payment.repo'
import { useTestDatabase } from '../../helpers/database'

const database = useTestDatabase()
const newId = createIdGenerator()

/** An order row as the payment service would write it, in the given state. */
async function order (amount: number, status: 'created' | 'pending', payPlatform: 'wechat_pay' | 'alipay' = 'wechat_pay'): Promise<string> {
  const id = newId('ord')
  const now = new Date()
  await insertOrder(database.get().db, {
    id,
    spId: 'sp_x',
    merchantId: 'mch_x',
    sourceType: 'one_code',
    tradeType: 'jsapi',
    payPlatform,
    method: payPlatform === 'wechat_pay' ? 'wechat_jsapi' : 'alipay_jsapi',
    outTradeNo: `ab1234${id.slice(4)}`,
    amountFen: fen(amount),
    status,
    description: '测试',
    expiresAt: new Date(now.getTime() + 600_000),
    createdAt: now,
    updatedAt: now,
  })
  return id
}

async function paidOrder (amount: number): Promise<string> {
  const id = await order(amount, 'created')
  const now = new Date()
  await transitionOrder(database.get().db, id, 'pending')
  await transitionOrder(database.get().db, id, 'succeeded', { channelTxnId: '4200000001', paidAt: now })
  return id
}

const refundRow = (orderId: string, amount: number, outRefundNo = `ab1234${newId('rfd').slice(4)}`) => ({
  id: newId('rfd'),
  orderId,
  spId: 'sp_x',
  merchantId: 'mch_x',
  outRefundNo,
  amountFen: fen(amount) as Fen,
  status: 'processing' as const,
  operatorKind: 'staff',
  operatorId: 'stf_x',
  createdAt: new Date(),
  updatedAt: new Date(),
})

describe('order transitions (compare-and-set)', () => {
  it('moves along the table, treats a repeat as a duplicate and anything else as a conflict', async () => {
    const id = await paidOrder(1000)
    const again = await transitionOrder(database.get().db, id, 'succeeded', { channelTxnId: 'other' })
    expect(again.changed).toBe(false)
    expect(again.row.channelTxnId).toBe('4200000001')
    await expect(transitionOrder(database.get().db, id, 'closed')).rejects.toMatchObject({ code: 'order_state_conflict' })
    await expect(transitionOrder(database.get().db, id, 'pending')).rejects.toMatchObject({ code: 'order_state_conflict' })
  })

  it('lets exactly one of two racing writers win', async () => {
    const id = await order(500, 'pending', 'alipay')
    const results = await Promise.allSettled([
      transitionOrder(database.get().db, id, 'succeeded'),
      transitionOrder(database.get().db, id, 'closed'),
    ])
    const won = results.filter((r) => r.status === 'fulfilled' && r.value.changed)
    expect(won).toHaveLength(1)
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1)
  })
})

describe('refunds never exceed the paid amount', () => {
  it('20 concurrent partial refunds stop at the amount', async () => {
    const id = await paidOrder(1000)
    const attempts = Array.from({ length: 20 }, () => database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 70))))
    const results = await Promise.allSettled(attempts)
    const ok = results.filter((r) => r.status === 'fulfilled')
    expect(ok).toHaveLength(14) // 14 × 70 = 980 ≤ 1000 < 15 × 70
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'refund_exceeds_payment' })
    const [order] = await database.get().db.select().from(orders).where(eq(orders.id, id))
    const rows = await database.get().db.select().from(refunds).where(eq(refunds.orderId, id))
    expect(order?.refundedFen).toBe(980)
    expect(rows.reduce((s, r) => s + r.amountFen, 0)).toBe(980)
  })

  it('gives a failed refund\'s amount back, and a repeated refund number is the same refund', async () => {
    const id = await paidOrder(1000)
    const first = await database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 600, 'ab1234R1')))
    const repeat = await database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 600, 'ab1234R1')))
    expect(repeat).toMatchObject({ duplicate: true, refund: { id: first.refund.id } })
    await expect(database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 500)))).rejects.toMatchObject({ code: 'refund_exceeds_payment' })
    await database.get().db.transaction(async (tx) => await transitionRefund(tx, first.refund.id, 'failed', { failureCode: 'NOT_ENOUGH' }))
    const [order] = await database.get().db.select().from(orders).where(eq(orders.id, id))
    expect(order?.refundedFen).toBe(0)
    await database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 1000)))
    await expect(database.get().db.transaction(async (tx) => await transitionRefund(tx, first.refund.id, 'succeeded'))).rejects.toMatchObject({ code: 'order_state_conflict' })
  })

  it('refuses refunds of an order that is not paid', async () => {
    const id = await order(500, 'pending')
    await expect(database.get().db.transaction(async (tx) => await reserveRefund(tx, refundRow(id, 100)))).rejects.toMatchObject({ code: 'order_not_refundable' })
  })
})
