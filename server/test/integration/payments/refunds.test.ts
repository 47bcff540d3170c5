import request from 'supertest'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { ALIPAY_CODE, WECHAT_CODE, advance, clockIn, clockOut, orderRow, refundRow, runPaymentJobs, sandboxIdle, shop, staffPhone, type Shop } from '../../helpers/payments'

/*
 * P5: full and partial refunds, never more than was paid (also under concurrency), tracked until
 * the channel settles them (answer, notification, sync job), refused to staff who may not refund.
 * WeChat refunds start PROCESSING in the sandbox; `/__sim/wxpay/refunds/settle` ends them and notifies.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => {
  await live.pushTicket()
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()

/** A paid micropay of the shop's store. */
async function paid (s: Shop, amountFen: number, authCode = WECHAT_CODE): Promise<{ id: string, outTradeNo: string }> {
  const r = await s.owner.post('/v1/micropay', { storeId: s.store.id, authCode, amountFen }).expect(200)
  expect(r.body.status).toBe('succeeded')
  return r.body
}
const settle = async (o: { out_refund_no?: string, status?: string } = {}): Promise<void> => {
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', o)).status).toBe(200)
  await sandboxIdle(c())
}

describe('refunds', () => {
  it('refunds in parts and in full, never beyond what was paid', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 1250)
    const first = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 500, reason: '少上一道菜' }).expect(201)
    expect(first.body).toMatchObject({ orderId: order.id, amountFen: 500, status: 'processing', reason: '少上一道菜', operator: { kind: 'account', id: s.owner.id } })
    expect(first.body.outRefundNo.startsWith(order.outTradeNo)).toBe(true)
    expect(first.body.outRefundNo.length).toBeLessThanOrEqual(64)
    // Accepted is not refunded: the channel's notification settles it.
    await settle({ out_refund_no: first.body.outRefundNo })
    expect((await refundRow(db(), first.body.id))).toMatchObject({ status: 'succeeded' })

    await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 751 }).expect(409).expect((r) => { expect(r.body.error).toMatchObject({ code: 'refund_exceeds_payment', param: 'amountFen' }) })
    const rest = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 750 }).expect(201)
    await settle({ out_refund_no: rest.body.outRefundNo })
    const list = await s.owner.get(`/v1/orders/${order.id}/refunds`).expect(200)
    expect(list.body).toMatchObject({ object: 'list', hasMore: false })
    expect(list.body.data.map((r: { amountFen: number, status: string }) => [r.amountFen, r.status])).toEqual([[500, 'succeeded'], [750, 'succeeded']])
    expect((await orderRow(db(), order.id))).toMatchObject({ status: 'succeeded', refundedFen: 1250 })
    await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 1 }).expect(409)

    // Alipay refunds synchronously: succeeded in the answer.
    const ali = await paid(s, 990, ALIPAY_CODE)
    const full = await s.owner.post(`/v1/orders/${ali.id}/refunds`, { amountFen: 990 }).expect(201)
    expect(full.body.status).toBe('succeeded')
    expect(full.body.refundedAt).not.toBeNull()
  })

  it('lets 20 concurrent partial refunds take exactly what was paid', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 1000)
    const server = live.app.callback()
    const results = await Promise.all(Array.from({ length: 20 }, async () =>
      await request(server).post(`/v1/orders/${order.id}/refunds`).set('authorization', `Bearer ${s.owner.token}`).send({ amountFen: 100 })))
    const statuses = results.map((r) => r.status).sort()
    expect(statuses.filter((x) => x === 201)).toHaveLength(10)
    expect(statuses.filter((x) => x === 409)).toHaveLength(10)
    expect((await orderRow(db(), order.id))?.refundedFen).toBe(1000)
    const list = await s.owner.get(`/v1/orders/${order.id}/refunds`).expect(200)
    expect(list.body.data.reduce((sum: number, r: { amountFen: number }) => sum + r.amountFen, 0)).toBe(1000)
    // WeChat holds the same ten.
    const sandbox = (await c().sim<Array<{ out_trade_no: string, refunds: Array<{ amount: { refund: number } }> }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body.find((o) => o.out_trade_no === order.outTradeNo)
    expect(sandbox?.refunds.reduce((sum, r) => sum + r.amount.refund, 0)).toBe(1000)
  })

  it('follows a refund whose notification is lost with the sync job', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 800)
    const r = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 800 }).expect(201)
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })
    await settle({ out_refund_no: r.body.outRefundNo })
    expect((await refundRow(db(), r.body.id))?.status).toBe('processing')
    // The first look is a minute after the refund.
    live.clock.advance(59_000)
    await runPaymentJobs(live, db())
    expect((await refundRow(db(), r.body.id))?.status).toBe('processing')
    live.clock.advance(1000)
    await runPaymentJobs(live, db())
    expect((await refundRow(db(), r.body.id))).toMatchObject({ status: 'succeeded' })
  })

  it('keeps a refund the channel did not answer processing, and releases it once the channel shows it never arrived', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 600)
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /v3/refund/domestic/refunds', mode: '5xx', count: 1 })
    const r = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 600 }).expect(201)
    expect(r.body.status).toBe('processing')
    await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 1 }).expect(409)
    await advance(live, c(), 60)
    await runPaymentJobs(live, db())
    expect((await refundRow(db(), r.body.id))).toMatchObject({ status: 'failed', failureCode: 'RESOURCE_NOT_EXISTS' })
    expect((await orderRow(db(), order.id))?.refundedFen).toBe(0)
    // A refund the channel closed gives its amount back too.
    const again = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 600 }).expect(201)
    await settle({ out_refund_no: again.body.outRefundNo, status: 'CLOSED' })
    expect((await refundRow(db(), again.body.id))?.status).toBe('failed')
    expect((await orderRow(db(), order.id))?.refundedFen).toBe(0)
  })

  it('treats the same outRefundNo as the same refund', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 500)
    const first = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 200, outRefundNo: 'RF-2026-0001' }).expect(201)
    const again = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 200, outRefundNo: 'RF-2026-0001' }).expect(200)
    expect(again.body.id).toBe(first.body.id)
    expect((await orderRow(db(), order.id))?.refundedFen).toBe(200)
    const other = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 300, outRefundNo: 'RF-2026-0001' }).expect(409)
    expect(other.body.error.code).toBe('idempotency_key_reused')
    // Idempotency-Key: the repeated request is answered from the first, nothing refunded twice.
    const keyed = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 100 }).set('idempotency-key', 'k-1').expect(201)
    const replayed = await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 100 }).set('idempotency-key', 'k-1').expect(201)
    expect(replayed.headers['idempotent-replayed']).toBe('true')
    expect(replayed.body.id).toBe(keyed.body.id)
    expect((await orderRow(db(), order.id))?.refundedFen).toBe(300)
  })

  it('lets merchant admins, managers and on-duty clerks with permission refund from their phones, and no one else', async () => {
    const s = await shop(live, db(), c())
    const order = await paid(s, 1000)
    const server = live.app.callback()
    const refund = (cookie: string, amountFen = 100) => request(server).post(`/v1/mobile/orders/${order.id}/refunds`).set('cookie', cookie).send({ amountFen })

    const admin = await staffPhone(live, db(), c(), { staffId: s.adminId })
    expect((await refund(admin.cookie).expect(201)).body.operator).toEqual({ kind: 'staff', id: s.adminId })
    const manager = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id, role: 'store_manager' })
    expect((await refund(manager.cookie).expect(201)).body.operator).toEqual({ kind: 'staff', id: manager.staffId })

    const permitted = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id, refundPermission: true })
    const offDuty = await refund(permitted.cookie).expect(403)
    expect(offDuty.body.error).toMatchObject({ code: 'refund_not_permitted' })
    expect(offDuty.body.error.message).toMatch(/不在班/)
    const shift = await clockIn(db(), permitted.staffId, s.store, s.merchant.id)
    expect((await refund(permitted.cookie).expect(201)).body.operator).toEqual({ kind: 'staff', id: permitted.staffId })
    await clockOut(db(), shift)
    await refund(permitted.cookie).expect(403)

    const unpermitted = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id })
    await clockIn(db(), unpermitted.staffId, s.store, s.merchant.id)
    const refused = await refund(unpermitted.cookie).expect(403)
    expect(refused.body.error.message).toMatch(/没有退款权限/)

    // A clerk on duty at another store of the merchant cannot reach this store's order.
    const other = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    const elsewhere = await staffPhone(live, db(), c(), { owner: s.owner, storeId: other.id, refundPermission: true })
    await clockIn(db(), elsewhere.staffId, other, s.merchant.id)
    await refund(elsewhere.cookie).expect(404)
    await request(server).post(`/v1/mobile/orders/${order.id}/refunds`).send({ amountFen: 100 }).expect(401)

    expect((await orderRow(db(), order.id))?.refundedFen).toBe(300)
  })
})
