import { eq } from 'drizzle-orm'
import request from 'supertest'
import { fen } from '@yima/shared'
import { orders, paymentIncidents } from '../../../src/modules/payments/payment.schema'
import { transitionOrder } from '../../../src/modules/payments/payment.repo'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

/*
 * P4: notifications are verified, checked against the order and applied once. The sandbox
 * delivers them to /hooks/:channel/:orderId as WeChat and Alipay would; its delivery log lets a
 * test replay, reorder and tamper with exactly what was sent.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'
const BUYER_ID = '2088102177846880'

interface Delivery { url: string, kind: string, request: { headers: Record<string, string>, body: string }, acknowledged: boolean }

async function merchant (): Promise<{ id: string }> {
  const user = await consoleUser(live.app, database.get())
  const sp = await createSp(user, channels.get())
  const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
  // Authorize Alipay for the merchant, as its owner would by scanning.
  const url = new URL((await user.get(`/v1/merchants/${m.merchant.id}/alipay-authorization`).expect(200)).body.url)
  url.searchParams.set('sim_merchant', 'new')
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '')
  await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  return m.merchant
}

const idle = async (): Promise<void> => {
  await channels.get().sim('wxpay', 'POST', '/__sim/idle')
}
const deliveries = async (orderId: string): Promise<Delivery[]> =>
  (await channels.get().sim<Delivery[]>('wxpay', 'GET', '/__sim/notifications')).body.filter((d) => d.url.endsWith(`/${orderId}`))
const replay = async (path: string, d: Delivery, patch: { body?: string, headers?: Record<string, string> } = {}) => {
  const req = request(live.app.callback()).post(path)
  for (const [k, v] of Object.entries({ ...d.request.headers, ...patch.headers })) if (k.toLowerCase() !== 'content-length' && k.toLowerCase() !== 'host') req.set(k, v)
  return await req.send(patch.body ?? d.request.body)
}
const orderRow = async (id: string) => (await database.get().db.select().from(orders).where(eq(orders.id, id)))[0]
const incidents = async (id: string) => await database.get().db.select().from(paymentIncidents).where(eq(paymentIncidents.orderId, id))

describe('WeChat Pay notifications', () => {
  it('credits a payment once, however often and in whatever order the notification comes', async () => {
    const m = await merchant()
    const { order, clientParams } = await live.services.payments.create({ merchantId: m.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(1234), description: '好味餐饮', payerId: OPENID })
    expect(clientParams).toMatchObject({ type: 'wechat_jsapi', signType: 'RSA' })
    expect(order).toMatchObject({ status: 'pending', payPlatform: 'wechat_pay' })
    expect(order.outTradeNo.startsWith((await database.get().db.select().from(orders).where(eq(orders.id, order.id)))[0]?.outTradeNo.slice(0, 6) ?? 'x')).toBe(true)

    expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
    await idle()
    const paid = await orderRow(order.id)
    expect(paid).toMatchObject({ status: 'succeeded', amountFen: 1234 })
    expect(paid?.channelTxnId).toMatch(/^\d+$/)
    const [delivered] = await deliveries(order.id)
    expect(delivered?.acknowledged).toBe(true)

    // The same notification again, twice: acknowledged, nothing changes.
    for (let i = 0; i < 2; i++) expect((await replay(`/hooks/wechat_pay/${order.id}`, delivered as Delivery)).status).toBe(204)
    expect(await orderRow(order.id)).toEqual(paid)
    expect(await incidents(order.id)).toEqual([])
  })

  it('changes nothing on a forged, tampered or misdirected notification', async () => {
    const m = await merchant()
    const a = (await live.services.payments.create({ merchantId: m.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(500), description: 'A', payerId: OPENID })).order
    const b = (await live.services.payments.create({ merchantId: m.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(500), description: 'B', payerId: OPENID })).order
    await channels.get().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })
    await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: a.outTradeNo })
    await idle()
    // The badly signed first delivery was refused; WeChat's retry (15 s later) has not come yet.
    expect((await orderRow(a.id))?.status).toBe('pending')
    const [forged] = await deliveries(a.id)
    expect(forged?.acknowledged).toBe(false)
    expect((await incidents(a.id)).map((i) => i.kind)).toEqual(['unverified_notification'])

    channels.get().sandbox.world.clock.advance(20_000)
    await idle()
    const good = (await deliveries(a.id)).find((d) => d.acknowledged) as Delivery
    expect((await orderRow(a.id))?.status).toBe('succeeded')
    // Tampered body, stale timestamp: refused.
    const tampered = good.request.body.replace(/"ciphertext":"(.)/, (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`)
    expect((await replay(`/hooks/wechat_pay/${a.id}`, good, { body: tampered })).status).toBeGreaterThanOrEqual(400)
    expect((await replay(`/hooks/wechat_pay/${a.id}`, good, { headers: { 'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000) - 3600) } })).status).toBeGreaterThanOrEqual(400)
    // A's (valid) notification delivered to B's address does not pay B.
    expect((await replay(`/hooks/wechat_pay/${b.id}`, good)).status).toBeGreaterThanOrEqual(400)
    expect((await orderRow(b.id))?.status).toBe('pending')
    expect((await incidents(b.id)).map((i) => i.kind)).toEqual(['notification_for_other_order'])
  })

  it('records a success that arrives after the order was closed, and keeps it closed', async () => {
    const m = await merchant()
    const { order } = await live.services.payments.create({ merchantId: m.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(800), description: '晚到', payerId: OPENID })
    await transitionOrder(database.get().db, order.id, 'closed', { closedAt: new Date() })
    await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })
    await idle()
    expect((await orderRow(order.id))?.status).toBe('closed')
    expect((await incidents(order.id)).map((i) => i.kind)).toEqual(['late_success'])
  })
})

describe('Alipay notifications', () => {
  it('credits once, answers `success`, and refuses a tampered form', async () => {
    const m = await merchant()
    const { order, clientParams } = await live.services.payments.create({ merchantId: m.id, sourceType: 'one_code', tradeType: 'one_code', method: 'alipay_jsapi', amountFen: fen(990), description: '好味餐饮', payerId: BUYER_ID })
    expect(clientParams).toMatchObject({ type: 'alipay_jsapi' })
    expect((await channels.get().sim('alipay', 'POST', '/__sim/alipay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
    await channels.get().sim('alipay', 'POST', '/__sim/idle')
    const paid = await orderRow(order.id)
    expect(paid).toMatchObject({ status: 'succeeded', amountFen: 990 })
    const log = (await channels.get().sim<Delivery[]>('alipay', 'GET', '/__sim/notifications')).body.filter((d) => d.url.endsWith(`/${order.id}`))
    const first = log[0] as Delivery
    expect(first.acknowledged).toBe(true)
    const again = await replay(`/hooks/alipay/${order.id}`, first)
    expect(again.text).toBe('success')
    expect(await orderRow(order.id)).toEqual(paid)
    const tampered = await replay(`/hooks/alipay/${order.id}`, first, { body: first.request.body.replace(/total_amount=[\d.]+/, 'total_amount=0.01') })
    expect(tampered.text).not.toBe('success')
    expect(await orderRow(order.id)).toEqual(paid)
  })
})
