import { and, eq } from 'drizzle-orm'
import { fen } from '@yima/shared'
import { outboxJobs } from '../../../src/outbox'
import { ORDER_TTL_MS } from '../../../src/modules/payments/payment.service'
import { RECONCILE_TOPIC } from '../../../src/modules/payments/reconcile.jobs'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { advance, incidentKinds, orderRow, runPaymentJobs, sandboxIdle, shop, type Shop } from '../../helpers/payments'

/*
 * P3/P4/P7: every order is followed by jobs written with it: a check after a minute (a lost
 * notification) and the close at expiry, which asks the channel first and follows only what the
 * channel confirms. A channel that does not answer is asked again later.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'
const db = () => database.get()
const c = () => channels.get()
const TTL_S = ORDER_TTL_MS / 1000

async function jsapiOrder (s: Shop, amount = 1800): Promise<{ id: string, outTradeNo: string }> {
  const { order } = await live.services.payments.create({ merchantId: s.merchant.id, storeId: s.store.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(amount), description: '一码付', payerId: OPENID })
  expect(order.status).toBe('pending')
  return order
}
const wxState = async (outTradeNo: string): Promise<string | undefined> =>
  (await c().sim<Array<{ out_trade_no: string, trade_state: string }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body.find((o) => o.out_trade_no === outTradeNo)?.trade_state
const jobsOf = async (orderId: string) =>
  await db().db.select().from(outboxJobs).where(and(eq(outboxJobs.topic, RECONCILE_TOPIC), eq(outboxJobs.dedupeKey, `${orderId}:expire`)))

describe('reconciliation and expiry', () => {
  it('writes the follow-up jobs with the order, and closes an unpaid order at expiry only after the channel closed it', async () => {
    const s = await shop(live, db(), c())
    const order = await jsapiOrder(s)
    const jobs = await db().db.select().from(outboxJobs).where(eq(outboxJobs.topic, RECONCILE_TOPIC))
    expect(jobs.map((j) => j.dedupeKey).sort()).toEqual([`${order.id}:check`, `${order.id}:expire`])

    // The first check finds it unpaid and leaves it be.
    await advance(live, c(), 60)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('pending')
    expect(await wxState(order.outTradeNo)).toBe('NOTPAY')

    await advance(live, c(), TTL_S - 61)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('pending')
    await advance(live, c(), 1)
    await runPaymentJobs(live, db())
    const closed = await orderRow(db(), order.id)
    expect(closed).toMatchObject({ status: 'closed', failureCode: 'CLOSED' })
    expect(closed?.closedAt).toEqual(live.clock.now())
    expect(await wxState(order.outTradeNo)).toBe('CLOSED')
    // And the customer can no longer pay it.
    expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(409)
  })

  it('closes an Alipay QR order nobody scanned (the trade never existed at Alipay)', async () => {
    const s = await shop(live, db(), c())
    const { order } = await live.services.payments.create({ merchantId: s.merchant.id, storeId: s.store.id, sourceType: 'one_code', tradeType: 'native', method: 'alipay_qr', amountFen: fen(500), description: '扫码' })
    expect(order.status).toBe('pending')
    await advance(live, c(), TTL_S)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))).toMatchObject({ status: 'closed' })
    const trade = (await c().sim<Array<{ out_trade_no: string, trade_status: string }>>('alipay', 'GET', `/__sim/alipay/orders?out_trade_no=${order.outTradeNo}`)).body[0]
    expect(trade?.trade_status).toBe('TRADE_CLOSED')
  })

  it('resolves a paid order whose notification never arrived', async () => {
    const s = await shop(live, db(), c())
    const order = await jsapiOrder(s)
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })
    expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
    await sandboxIdle(c())
    // WeChat's retry would come 15 s later (sandbox time, which stands still here): the check comes first.
    expect((await orderRow(db(), order.id))?.status).toBe('pending')
    live.clock.advance(60_000)
    await runPaymentJobs(live, db())
    const paid = await orderRow(db(), order.id)
    expect(paid).toMatchObject({ status: 'succeeded', amountFen: 1800 })
    expect(paid?.channelTxnId).toMatch(/^\d+$/)
    // The expiry job finds nothing to do.
    live.clock.advance(ORDER_TTL_MS)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('succeeded')
    expect(await wxState(order.outTradeNo)).toBe('SUCCESS')
  })

  it('asks again later when the channel does not answer, and only then closes', async () => {
    const s = await shop(live, db(), c())
    const order = await jsapiOrder(s)
    await advance(live, c(), TTL_S)
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/close', mode: '5xx', count: 1 })
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('pending')
    const [job] = await jobsOf(order.id)
    expect(job).toMatchObject({ status: 'pending', attempts: 1 })
    expect(job?.lastError).toMatch(/close not confirmed/)

    await advance(live, c(), 15)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('closed')
    expect((await jobsOf(order.id))[0]).toMatchObject({ status: 'done', attempts: 2 })
  })

  it('records money that lands after the channel confirmed the close as an incident', async () => {
    const s = await shop(live, db(), c())
    const order = await jsapiOrder(s)
    await advance(live, c(), TTL_S)
    // WeChat confirms the close, but the customer's payment was already on its way and lands just
    // after; its first notification is refused, so it arrives (on the retry) after the close is ours.
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/close', mode: 'LATE_SUCCESS_AFTER_CLOSE', count: 1 })
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), order.id))?.status).toBe('closed')
    await sandboxIdle(c())
    await advance(live, c(), 20)
    await sandboxIdle(c())
    expect(await wxState(order.outTradeNo)).toBe('SUCCESS')
    expect((await orderRow(db(), order.id))?.status).toBe('closed')
    expect(await incidentKinds(db(), order.id)).toContain('late_success')
  })
})
