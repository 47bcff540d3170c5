import request from 'supertest'
import { idempotencyKeys } from '../../../src/http/idempotency.schema'
import { orders } from '../../../src/modules/payments/payment.schema'
import { transitionOrder } from '../../../src/modules/payments/payment.repo'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { ALIPAY_CODE, WECHAT_CODE, advance, incidentKinds, orderRow, runPaymentJobs, shop, staffPhone, type Shop } from '../../helpers/payments'

/*
 * P2: a cashier scans the customer's payment code. Synchronous answers come back at once; a
 * customer still typing the password is polled (every 5 s) and reversed at 45 s. The sandbox's
 * codepay script decides what the "customer" does.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => {
  await live.pushTicket()
  // Most cases want the answer the request had when it returned; the quick-answer case widens this.
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const script = async (result: string, o: Record<string, unknown> = {}): Promise<void> => {
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', { result, ...o })).status).toBe(200)
}
const sandboxOrder = async (outTradeNo: string) =>
  (await c().sim<Array<{ out_trade_no: string, trade_state: string }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body.find((o) => o.out_trade_no === outTradeNo)
const pay = (s: Shop, body: Record<string, unknown> = {}): request.Test =>
  s.owner.post('/v1/micropay', { storeId: s.store.id, authCode: WECHAT_CODE, amountFen: 1250, ...body })
/** Moves both clocks by 5 s steps up to `seconds` after the order, running the payment jobs at each step. */
const pollUntil = async (seconds: number): Promise<void> => {
  for (let t = 0; t < seconds; t += 5) {
    await advance(live, c(), 5)
    await runPaymentJobs(live, db())
  }
}

describe('micropay', () => {
  it('answers a WeChat or Alipay payment that succeeds at once, attributed to store and device', async () => {
    const s = await shop(live, db(), c())
    const wx = await pay(s, { deviceId: 'POS-01', description: '午餐' }).expect(200)
    expect(wx.body).toMatchObject({ status: 'succeeded', payPlatform: 'wechat_pay', method: 'wechat_micropay', tradeType: 'micropay', sourceType: 'one_code' })
    expect(wx.body).toMatchObject({ storeId: s.store.id, deviceId: 'POS-01', staffId: null, amountFen: 1250, description: '午餐', failureMessage: null })
    expect(wx.body.channelTxnId).toMatch(/^\d+$/)
    await s.owner.get(`/v1/orders/${wx.body.id as string}`).expect(200).expect((r) => { expect(r.body).toEqual(wx.body) })

    const ali = await pay(s, { authCode: ALIPAY_CODE }).expect(200)
    expect(ali.body).toMatchObject({ status: 'succeeded', payPlatform: 'alipay', method: 'alipay_micropay' })
  })

  it('charges once per Idempotency-Key even when the first request died before its answer was stored', async () => {
    const s = await shop(live, db(), c())
    const first = await pay(s, { amountFen: 777 }).set('idempotency-key', 'pos-1-0001').expect(200)
    expect(first.body.status).toBe('succeeded')
    // As if the first request's process died after charging: its key was never marked done, and
    // a retry takes it over once the lease lapsed (here: the row is gone).
    await db().db.delete(idempotencyKeys)
    const retried = await pay(s, { amountFen: 777 }).set('idempotency-key', 'pos-1-0001').expect(200)
    expect(retried.body).toMatchObject({ id: first.body.id, status: 'succeeded', outTradeNo: first.body.outTradeNo })
    const charged = (await c().sim<Array<{ out_trade_no: string, amount: { total: number } }>>('wxpay', 'GET', '/__sim/wxpay/orders')).body.filter((o) => o.amount.total === 777)
    expect(charged).toHaveLength(1)
    expect((await db().db.select().from(orders)).filter((o) => o.amountFen === 777)).toHaveLength(1)
    // Another payment under that key is refused, not charged.
    await db().db.delete(idempotencyKeys)
    const other = await pay(s, { amountFen: 778 }).set('idempotency-key', 'pos-1-0001').expect(409)
    expect(other.body.error.code).toBe('idempotency_key_reused')
  })

  it('waits a few seconds for a customer who confirms quickly', async () => {
    const s = await shop(live, db(), c())
    live.services.micropay.inlineWait = { totalMs: 8000, everyMs: 400 }
    await script('USERPAYING_THEN_SUCCESS', { finish_after_seconds: 1 })
    const r = await pay(s).expect(200)
    expect(r.body.status).toBe('succeeded')
  })

  it('polls a customer still typing the password until the payment succeeds', async () => {
    const s = await shop(live, db(), c())
    await script('USERPAYING_THEN_SUCCESS', { finish_after_seconds: 20 })
    const r = await pay(s).expect(202)
    expect(r.body.status).toBe('pending')
    await pollUntil(10)
    expect((await orderRow(db(), r.body.id))?.status).toBe('pending')
    await pollUntil(15)
    const paid = await s.owner.get(`/v1/orders/${r.body.id as string}`).expect(200)
    expect(paid.body).toMatchObject({ status: 'succeeded', amountFen: 1250 })
    expect((await sandboxOrder(r.body.outTradeNo))?.trade_state).toBe('SUCCESS')
  })

  it('reverses an order the customer never confirms, at 45 s and not before', async () => {
    const s = await shop(live, db(), c())
    await script('USERPAYING_TIMEOUT')
    const r = await pay(s).expect(202)
    await pollUntil(40)
    expect((await orderRow(db(), r.body.id))?.status).toBe('pending')
    expect((await sandboxOrder(r.body.outTradeNo))?.trade_state).toBe('USERPAYING')
    await pollUntil(5)
    const reversed = await orderRow(db(), r.body.id)
    expect(reversed).toMatchObject({ status: 'reversed', failureCode: 'REVOKED' })
    expect(reversed?.closedAt).toBeInstanceOf(Date)
    expect((await sandboxOrder(r.body.outTradeNo))?.trade_state).toBe('REVOKED')
    // Nothing is left to run for it: the poll job is done.
    await pollUntil(10)
    expect((await orderRow(db(), r.body.id))?.status).toBe('reversed')
  })

  it('repeats a reversal that got no answer', async () => {
    const s = await shop(live, db(), c())
    await script('USERPAYING_TIMEOUT')
    const r = await pay(s).expect(202)
    await pollUntil(40)
    await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/reverse', mode: '5xx', count: 1 })
    await pollUntil(5)
    expect((await orderRow(db(), r.body.id))?.status).toBe('pending')
    await pollUntil(5)
    expect((await orderRow(db(), r.body.id))?.status).toBe('reversed')
    expect((await sandboxOrder(r.body.outTradeNo))?.trade_state).toBe('REVOKED')
  })

  it('reports a refused payment as failed, with words for the cashier', async () => {
    const s = await shop(live, db(), c())
    await script('PAYERROR')
    const r = await pay(s).expect(200)
    expect(r.body).toMatchObject({ status: 'failed', failureCode: 'TRADE_ERROR' })
    expect(r.body.failureMessage).toMatch(/支付失败/)
  })

  it('refuses a code that is neither WeChat\'s nor Alipay\'s, before any order exists', async () => {
    const s = await shop(live, db(), c())
    const r = await pay(s, { authCode: '991234567890123456' }).expect(400)
    expect(r.body.error).toMatchObject({ code: 'auth_code_invalid', param: 'authCode' })
    expect(await db().db.select().from(orders)).toEqual([])
  })

  it('charges only at stores in the caller\'s reach', async () => {
    const a = await shop(live, db(), c())
    const b = await shop(live, db(), c())
    const r = await pay(a, { storeId: b.store.id }).expect(404)
    expect(r.body.error.code).toBe('store_not_found')

    // A clerk of A's store: takes payments there (attributed to them), not at another store.
    const clerk = await staffPhone(live, db(), c(), { owner: a.owner, storeId: a.store.id })
    const other = (await a.owner.post(`/v1/merchants/${a.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    const server = live.app.callback()
    await request(server).post('/v1/mobile/micropay').set('cookie', clerk.cookie).send({ storeId: other.id, authCode: WECHAT_CODE, amountFen: 100 }).expect(404)
    await request(server).post('/v1/mobile/micropay').set('cookie', clerk.cookie).send({ storeId: b.store.id, authCode: WECHAT_CODE, amountFen: 100 }).expect(404)
    await request(server).post('/v1/mobile/micropay').send({ storeId: a.store.id, authCode: WECHAT_CODE, amountFen: 100 }).expect(401)
    expect(await db().db.select().from(orders)).toEqual([])

    const taken = await request(server).post('/v1/mobile/micropay').set('cookie', clerk.cookie).send({ storeId: a.store.id, authCode: WECHAT_CODE, amountFen: 100 }).expect(200)
    expect(taken.body).toMatchObject({ status: 'succeeded', staffId: clerk.staffId, storeId: a.store.id })
    await request(server).get(`/v1/mobile/orders/${taken.body.id as string}`).set('cookie', clerk.cookie).expect(200)
    // The merchant admin sees it too; B's owner does not.
    const admin = await staffPhone(live, db(), c(), { staffId: a.adminId })
    await request(server).get(`/v1/mobile/orders/${taken.body.id as string}`).set('cookie', admin.cookie).expect(200)
    await b.owner.get(`/v1/orders/${taken.body.id as string}`).expect(404)
  })

  it('flags money that arrives after the reversal as an incident', async () => {
    const s = await shop(live, db(), c())
    await script('USERPAYING_TIMEOUT')
    const r = await pay(s).expect(202)
    // Our reversal is recorded, and the customer's confirmation lands at WeChat anyway (the
    // sandbox refuses to pay a revoked order, so the race is set up from our side).
    await transitionOrder(db().db, r.body.id, 'reversed', { closedAt: live.clock.now(), failureCode: 'REVOKED' })
    expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: r.body.outTradeNo })).status).toBe(200)
    // Micropay is never notified: the last check after the deadline asks WeChat and finds the money.
    await advance(live, c(), 45 + 5 * 60)
    await runPaymentJobs(live, db())
    expect((await orderRow(db(), r.body.id))?.status).toBe('reversed')
    expect(await incidentKinds(db(), r.body.id)).toEqual(['late_success'])
  })
})
