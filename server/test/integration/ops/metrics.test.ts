import request from 'supertest'
import { fen } from '@yima/shared'
import { Secret } from '../../../src/secret'
import { testApp } from '../../helpers/app'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { orderRow, sandboxIdle, shop, WECHAT_CODE } from '../../helpers/payments'

/*
 * O3: Prometheus metrics at /metrics, for the operator's scraper only. A payment through the API
 * shows up as HTTP requests by route template, channel calls by outcome, outbox depth, and (for
 * a notification) how late the channel told us.
 */

const database = useTestDatabase()
const channels = useChannels()
const TOKEN = 'metrics-scraper-token-0123456789'
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get(), { metricsToken: new Secret(TOKEN) }) })
beforeEach(async () => {
  await live.pushTicket()
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

const scrape = async (): Promise<string> => {
  const r = await request(live.app.callback()).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)
  expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  return r.text
}

/** The value of one sample, by its name and exact labels as exposed (`{a="b",c="d"}`), or undefined. */
function sample (text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('/metrics', () => {
  it('shows a payment through the API: routes, channel calls, outbox depth', async () => {
    const s = await shop(live, database.get(), channels.get())
    const paid = await s.owner.post('/v1/micropay', { storeId: s.store.id, authCode: WECHAT_CODE, amountFen: 1250 }).expect(200)
    expect(paid.body.status).toBe('succeeded')
    await s.owner.get(`/v1/orders/${paid.body.id as string}`).expect(200)
    await request(live.app.callback()).get('/no/such/path').expect(404)
    // Cloud Pay calls are labelled by API when the name is one; an unknown one keeps the template.
    await request(live.app.callback()).post('/cpay/micro_pay').send('not json').expect(200)
    await request(live.app.callback()).post(`/cpay/nope_${paid.body.id as string}`).send('{}').expect(200)

    const text = await scrape()
    // HTTP: route templates, never the ids in the path.
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="POST",route="/v1/micropay",status="200"}')).toBe(1)
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="GET",route="/v1/orders/:id",status="200"}')).toBe(1)
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="POST",route="/cpay/micro_pay",status="200"}')).toBe(1)
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="POST",route="/cpay/:api",status="200"}')).toBe(1)
    expect(text).not.toContain(paid.body.id as string)
    expect(text).toMatch(/^# TYPE yima_http_request_duration_seconds histogram$/m)

    // The channel call, by outcome, and its duration.
    expect(sample(text, 'yima_channel_calls_total', '{channel="wechat_pay",operation="createPayment",outcome="succeeded"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'yima_channel_call_duration_seconds_count', '{channel="wechat_pay",operation="createPayment"}')).toBeGreaterThanOrEqual(1)

    // The outbox: the payment queued its follow-ups (callback, messages, …), none due late yet.
    const pending = sample(text, 'yima_outbox_jobs', '{status="pending"}') ?? 0
    expect(pending).toBeGreaterThan(0)
    expect(sample(text, 'yima_outbox_jobs', '{status="running"}')).toBe(0)
    expect(sample(text, 'yima_outbox_jobs', '{status="dead"}')).toBe(0)
    expect(sample(text, 'yima_outbox_oldest_due_seconds')).toBeLessThan(5)
    // Nobody runs them here: a minute later the oldest is a minute overdue.
    live.clock.advance(60_000)
    expect(sample(await scrape(), 'yima_outbox_oldest_due_seconds')).toBeGreaterThanOrEqual(60)

    // Process metrics, under yima_.
    expect(text).toContain('yima_process_cpu_seconds_total')
    expect(text).toContain('yima_nodejs_eventloop_lag_seconds')
  })

  it('observes the notification lag of a WeChat Pay notification', async () => {
    const before = sample(await scrape(), 'yima_notification_lag_seconds_count', '{channel="wechat_pay"}') ?? 0
    const s = await shop(live, database.get(), channels.get())
    const { order } = await live.services.payments.create({ merchantId: s.merchant.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(800), description: '好味餐饮', payerId: OPENID })
    // Paid at the sandbox's now; yima's clock says it heard 3 s later.
    live.clock.set(new Date(Date.now() + 3000))
    expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
    await sandboxIdle(channels.get())
    expect((await orderRow(database.get(), order.id))?.status).toBe('succeeded')

    const text = await scrape()
    expect(sample(text, 'yima_notification_lag_seconds_count', '{channel="wechat_pay"}')).toBe(before + 1)
    // WeChat's success_time has whole seconds.
    const sum = sample(text, 'yima_notification_lag_seconds_sum', '{channel="wechat_pay"}') ?? 0
    expect(sum).toBeGreaterThanOrEqual(2)
    expect(sample(text, 'yima_channel_calls_total', '{channel="wechat_pay",operation="parseNotification",outcome="ok"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'yima_http_request_duration_seconds_count', '{method="POST",route="/hooks/:channel/:orderId",status="204"}')).toBeGreaterThanOrEqual(1)
  })

  it('counts the payment incidents a person has to look at, by kind', async () => {
    const kind = '{kind="unverified_notification"}'
    const before = sample(await scrape(), 'yima_payment_incidents', kind) ?? 0
    const s = await shop(live, database.get(), channels.get())
    const { order } = await live.services.payments.create({ merchantId: s.merchant.id, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(900), description: '好味餐饮', payerId: OPENID })
    // WeChat's first notification arrives with a signature that does not verify.
    expect((await channels.get().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })).status).toBeLessThan(300)
    expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
    await sandboxIdle(channels.get())
    expect(sample(await scrape(), 'yima_payment_incidents', kind)).toBe(before + 1)
  })

  it('answers 404 without the bearer token, from anywhere, and 200 with it', async () => {
    const app = live.app.callback()
    // The token is set: a request relayed from the internet, or one with a wrong token, finds nothing here.
    for (const headers of [
      { 'X-Forwarded-For': '203.0.113.7' },
      { 'X-Forwarded-For': '203.0.113.7', Authorization: 'Bearer not-the-token-0123456789' },
      { 'X-Forwarded-For': '203.0.113.7', Authorization: TOKEN },
      {},
    ]) {
      const r = await request(app).get('/metrics').set(headers).expect(404)
      expect(r.body.error).toMatchObject({ type: 'not_found', code: 'route_not_found' })
    }
    const ok = await request(app).get('/metrics').set({ 'X-Forwarded-For': '203.0.113.7', Authorization: `Bearer ${TOKEN}` }).expect(200)
    expect(ok.text).toContain('# TYPE yima_channel_calls_total counter')
  })

  it('without a token, lets in loopback and private addresses only', async () => {
    const { app } = testApp(database.get())
    const text = (await request(app.callback()).get('/metrics').expect(200)).text
    expect(text).toContain('# TYPE yima_outbox_jobs gauge')
    await request(app.callback()).get('/metrics').set('X-Forwarded-For', '10.1.2.3, 192.168.0.1').expect(200)
    // A public address anywhere in the chain (a proxy on the loopback relaying an internet client): refused.
    await request(app.callback()).get('/metrics').set('X-Forwarded-For', '127.0.0.1, 198.51.100.20').expect(404)
    await request(app.callback()).get('/metrics').set('X-Real-IP', '2001:db8::1').expect(404)
    await request(app.callback()).get('/metrics').set('Forwarded', 'for="[2001:db8::1]:4711";proto=https').expect(404)
    await request(app.callback()).get('/metrics').set('Forwarded', 'for=192.168.1.5:8080').expect(200)
  })
})
