import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { asc, eq } from 'drizzle-orm'
import request from 'supertest'
import { createIdGenerator, fen, type PaymentCallbackDto } from '@yima/shared'
import { verifyAuthenCode } from '../../../src/cloudpay/authen'
import { outboxJobs } from '../../../src/outbox'
import { auditLog } from '../../../src/modules/audit'
import { orders, paymentCallbacks } from '../../../src/modules/payments/payment.schema'
import { reserveRefund } from '../../../src/modules/payments/payment.repo'
import { CALLBACK_RETRY_DELAYS_MS, CallbackService, TRADE_CALLBACK_TOPIC } from '../../../src/modules/payments/callbacks/callbacks.service'
import { STRICT_URL_POLICY } from '../../../src/modules/payments/callbacks/url-guard'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

/*
 * P6: trade-complete callbacks. A receiver on 127.0.0.1 (allowed: the app runs with env "test")
 * plays the service provider's and the cashier's servers; the outbox is drained on demand and the
 * manual clock walks the retry schedule.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>

const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'
const ACK = JSON.stringify({ response_content: JSON.stringify({ status: 0, description: '操作成功。' }) })

interface Received { path: string, body: string }
/** The SP's and the cashier's servers: records what arrives, answers per `answer` (status 0 by default). */
const receiver = {
  server: undefined as Server | undefined,
  url: '',
  got: [] as Received[],
  answer: (_r: Received, _n: number): { status: number, body: string } => ({ status: 200, body: ACK }),
}

beforeAll(async () => {
  live = await startLiveApp(database.get(), channels.get(), { env: 'test' })
  receiver.server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      const r = { path: req.url ?? '', body }
      receiver.got.push(r)
      const a = receiver.answer(r, receiver.got.filter((g) => g.path === r.path).length)
      res.writeHead(a.status, { 'content-type': 'application/json' })
      res.end(a.body)
    })
  })
  await new Promise<void>((resolve) => receiver.server?.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`
}, 60_000)
beforeEach(async () => {
  // Tests walk the clock a day ahead; the sandbox keeps real time (signatures, expiries).
  live.clock.set(new Date())
  await live.pushTicket()
  receiver.got = []
  receiver.answer = () => ({ status: 200, body: ACK })
})
afterAll(async () => {
  await live.stop()
  await new Promise((resolve) => receiver.server?.close(resolve))
})

const drain = async (): Promise<number> => await runDueJobs({ database: database.get(), clock: live.clock, handlers: live.services.jobHandlers, topics: [TRADE_CALLBACK_TOPIC] })
const callbackRows = async (orderId: string) => await database.get().db.select().from(paymentCallbacks).where(eq(paymentCallbacks.orderId, orderId)).orderBy(asc(paymentCallbacks.target))
const job = async (id: string | null) => (await database.get().db.select().from(outboxJobs).where(eq(outboxJobs.id, id ?? '')))[0]
const idle = async (): Promise<void> => { await channels.get().sim('wxpay', 'POST', '/__sim/idle') }

/** An SP whose 交易完成回调URL is the receiver, and one of its merchants (with its 认证密钥). */
async function tenant (): Promise<{ user: ConsoleUser, spId: string, merchantId: string, authenKey: string }> {
  const user = await consoleUser(live.app, database.get())
  const sp = await createSp(user, channels.get(), { tradeCallbackUrl: `${receiver.url}/sp` })
  const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
  return { user, spId: sp.id, merchantId: m.merchant.id, authenKey: m.credentials.authenKey }
}

/** A WeChat JSAPI order, optionally with its own callback URL, paid by the sandbox's customer. */
async function paidOrder (merchantId: string, callbackUrl?: string) {
  const { order } = await live.services.payments.create({ merchantId, sourceType: 'one_code', tradeType: 'one_code', method: 'wechat_jsapi', amountFen: fen(1234), description: '好味餐饮', payerId: OPENID })
  // caller_notify_url arrives with the Cloud Pay API; here it is written as that API will.
  if (callbackUrl !== undefined) await database.get().db.update(orders).set({ callbackUrl }).where(eq(orders.id, order.id))
  expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
  await idle()
  const [paid] = await database.get().db.select().from(orders).where(eq(orders.id, order.id))
  expect(paid?.status).toBe('succeeded')
  return paid as NonNullable<typeof paid>
}

/** The envelope as the receiver got it, verified with the merchant's key. */
function opened (r: Received, key: string): Record<string, any> {
  const outer = JSON.parse(r.body)
  expect(typeof outer.request_content).toBe('string')
  expect(outer.authen_info.a.authen_type).toBe(1)
  expect(verifyAuthenCode(key, outer.request_content, outer.authen_info.a.authen_code)).toBe(true)
  return JSON.parse(outer.request_content)
}

describe('trade-complete callbacks', () => {
  it('sends a signed envelope once to the SP URL and once to the order URL, and only once however often WeChat notifies', async () => {
    const t = await tenant()
    const order = await paidOrder(t.merchantId, `${receiver.url}/order`)
    expect(await callbackRows(order.id)).toMatchObject([
      { event: 'paid', target: 'order', url: `${receiver.url}/order`, status: 'pending' },
      { event: 'paid', target: 'service_provider', url: `${receiver.url}/sp`, status: 'pending' },
    ])

    expect(await drain()).toBe(2)
    expect(receiver.got.map((r) => r.path).sort()).toEqual(['/order', '/sp'])
    for (const r of receiver.got) {
      const content = opened(r, t.authenKey)
      expect(Object.keys(content)).toEqual(['nonce_str', 'pay_mch_key', 'order_content', 'order_client'])
      expect(content.nonce_str).toMatch(/^[0-9a-f]{32}$/)
      expect(content.pay_mch_key).toMatchObject({ pay_platform: 1, out_sub_mch_id: expect.stringMatching(/^[0-9A-Za-z]{20}$/), out_mch_id: expect.stringMatching(/^[0-9A-Za-z]{20}$/) })
      expect(content.order_content).toMatchObject({
        out_trade_no: order.outTradeNo,
        transaction_id: order.channelTxnId,
        trade_type: 8,
        source_type: 1,
        total_fee: 1234,
        fee_type: 'CNY',
        caller_notify_url: `${receiver.url}/order`,
        wxpay_order_content_ext: { current_trade_state: 3 },
      })
      expect(content.order_client).toEqual({})
    }
    expect(await callbackRows(order.id)).toMatchObject([
      { target: 'order', status: 'delivered', attempts: 1, lastHttpStatus: 200, lastError: null },
      { target: 'service_provider', status: 'delivered', attempts: 1, lastHttpStatus: 200, lastError: null },
    ])

    // WeChat notifies again (twice): nothing new is written or sent.
    const [delivery] = (await channels.get().sim<Array<{ url: string, request: { headers: Record<string, string>, body: string } }>>('wxpay', 'GET', '/__sim/notifications')).body
      .filter((d) => d.url.endsWith(`/${order.id}`))
    for (let i = 0; i < 2; i++) {
      const req = request(live.app.callback()).post(`/hooks/wechat_pay/${order.id}`)
      for (const [k, v] of Object.entries(delivery?.request.headers ?? {})) if (!['content-length', 'host'].includes(k.toLowerCase())) req.set(k, v)
      expect((await req.send(delivery?.request.body)).status).toBe(204)
    }
    expect(await callbackRows(order.id)).toHaveLength(2)
    expect(await drain()).toBe(0)
    expect(receiver.got).toHaveLength(2)

    const list = (await t.user.get(`/v1/orders/${order.id}/callbacks`).expect(200)).body
    expect(list).toMatchObject({ object: 'list', hasMore: false })
    expect(list.data.map((c: PaymentCallbackDto) => [c.target, c.status, c.deliveries.map((d) => [d.attempt, d.outcome, d.httpStatus])]).sort()).toEqual([
      ['order', 'delivered', [[1, 'succeeded', 200]]],
      ['service_provider', 'delivered', [[1, 'succeeded', 200]]],
    ])
  })

  it('retries on WeChat\'s schedule until the receiver answers status 0', async () => {
    const t = await tenant()
    receiver.answer = (_r, n) => n === 1
      ? { status: 200, body: JSON.stringify({ response_content: JSON.stringify({ status: 1, description: '系统繁忙' }) }) }
      : { status: 200, body: JSON.stringify({ response_content: { status: 0 } }) }
    const order = await paidOrder(t.merchantId)
    expect(await drain()).toBe(1)
    const [first] = await callbackRows(order.id)
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastHttpStatus: 200, lastError: 'HTTP 200：回复 status=1：系统繁忙' })
    const dto = (await t.user.get(`/v1/orders/${order.id}/callbacks`).expect(200)).body.data[0] as PaymentCallbackDto
    expect(new Date(dto.nextAttemptAt ?? 0).getTime() - live.clock.now().getTime()).toBe(15_000)

    live.clock.advance(14_999)
    expect(await drain()).toBe(0)
    live.clock.advance(1)
    expect(await drain()).toBe(1)
    expect(receiver.got).toHaveLength(2)
    // A fresh nonce on each attempt, each signed.
    expect(opened(receiver.got[0] as Received, t.authenKey).nonce_str).not.toBe(opened(receiver.got[1] as Received, t.authenKey).nonce_str)
    const [done] = await callbackRows(order.id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, lastHttpStatus: 200, lastError: null })
    const log = (await t.user.get(`/v1/orders/${order.id}/callbacks`).expect(200)).body.data[0].deliveries
    expect(log.map((d: any) => [d.attempt, d.outcome, d.httpStatus, d.error])).toEqual([
      [1, 'failed', 200, 'HTTP 200：回复 status=1：系统繁忙'],
      [2, 'succeeded', 200, null],
    ])
  })

  it('gives up after the last delay (about 24 h), and a manual resend delivers it', async () => {
    const t = await tenant()
    receiver.answer = () => ({ status: 503, body: 'busy' })
    const order = await paidOrder(t.merchantId)
    expect(await drain()).toBe(1)
    for (const delay of CALLBACK_RETRY_DELAYS_MS) {
      live.clock.advance(delay - 1)
      expect(await drain()).toBe(0)
      live.clock.advance(1)
      expect(await drain()).toBe(1)
    }
    live.clock.advance(7 * 24 * 3_600_000)
    expect(await drain()).toBe(0)
    expect(receiver.got).toHaveLength(16)
    const [failed] = await callbackRows(order.id)
    expect(failed).toMatchObject({ status: 'failed', attempts: 16, lastHttpStatus: 503, lastError: 'HTTP 503' })
    expect(await job(failed?.jobId ?? null)).toMatchObject({ status: 'dead', attempts: 16 })

    receiver.answer = () => ({ status: 200, body: ACK })
    // A day later the owner's session has expired: the platform operator resends.
    const operator = await consoleUser(live.app, database.get(), { operator: true })
    const resent = (await operator.post(`/v1/payment-callbacks/${failed?.id}/resend`).expect(200)).body as PaymentCallbackDto
    expect(resent).toMatchObject({ id: failed?.id, status: 'pending' })
    // Resending something already on its way is refused.
    expect((await operator.post(`/v1/payment-callbacks/${failed?.id}/resend`).expect(409)).body.error.code).toBe('payment_callback_pending')
    expect(await drain()).toBe(1)
    expect(await callbackRows(order.id)).toMatchObject([{ status: 'delivered', attempts: 17, lastHttpStatus: 200, lastError: null }])
    const log = (await operator.get(`/v1/orders/${order.id}/callbacks`).expect(200)).body.data[0].deliveries
    expect(log).toHaveLength(17)
    expect(log[16]).toMatchObject({ attempt: 17, outcome: 'succeeded', httpStatus: 200 })
    expect(log[15]).toMatchObject({ attempt: 16, outcome: 'failed', httpStatus: 503, error: 'HTTP 503' })

    // A delivered callback can be sent again too.
    await operator.post(`/v1/payment-callbacks/${failed?.id}/resend`).expect(200)
    expect(await drain()).toBe(1)
    expect(receiver.got).toHaveLength(18)
  })

  it('sends a refunded callback when a refund succeeds', async () => {
    const t = await tenant()
    const order = await paidOrder(t.merchantId)
    await drain()
    const c = channels.get()
    const outRefundNo = `${order.outTradeNo.slice(0, 6)}R${order.id.slice(-12)}`
    const { refund } = await database.get().db.transaction(async (tx) => await reserveRefund(tx, {
      id: `rfd_${order.id.slice(4)}`,
      orderId: order.id,
      spId: order.spId,
      merchantId: order.merchantId,
      outRefundNo,
      amountFen: fen(234),
      status: 'processing',
      reason: '退菜',
      operatorKind: 'account',
      operatorId: t.user.id,
      createdAt: live.clock.now(),
      updatedAt: live.clock.now(),
    }))
    const creds = await live.services.payments.credentials(database.get().db, order.merchantId, 'wechat_pay')
    const asked = await live.services.channels.wechat_pay.refund({ outTradeNo: order.outTradeNo, outRefundNo, refundFen: fen(234), totalFen: fen(1234), reason: '退菜', notifyUrl: `${live.url}/hooks/wechat_pay/${order.id}` }, creds)
    expect(asked.kind).not.toBe('failed')
    expect((await c.sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', { out_refund_no: outRefundNo, status: 'SUCCESS' })).status).toBe(200)
    await idle()

    const rows = await callbackRows(order.id)
    expect(rows.map((r) => [r.event, r.refundId, r.status])).toEqual([['paid', null, 'delivered'], ['refunded', refund.id, 'pending']])
    expect(await drain()).toBe(1)
    const content = opened(receiver.got[1] as Received, t.authenKey)
    expect(Object.keys(content)).toEqual(['nonce_str', 'pay_mch_key', 'refund_order_content'])
    expect(content.refund_order_content).toEqual([expect.objectContaining({
      out_refund_no: outRefundNo,
      out_trade_no: order.outTradeNo,
      total_fee: 1234,
      refund_fee: 234,
      refund_reason: '退菜',
      refund_success_time: expect.any(Number),
      wxpay_refund_order_content_ext: { state: 2 },
    })])
    expect((await callbackRows(order.id))[1]).toMatchObject({ event: 'refunded', status: 'delivered' })
  })

  it('refuses private addresses in production: the callback fails at once with the reason', async () => {
    const t = await tenant()
    const order = await paidOrder(t.merchantId)
    const { db } = database.get()
    // The same rows, carried out by a service configured as production is.
    const strict = new CallbackService({ db, clock: live.clock, newId: createIdGenerator(), box: live.services.box, outbox: live.services.outbox, audit: live.services.audit, policy: STRICT_URL_POLICY })
    const cases: Array<[string, string]> = [
      [`${receiver.url}/sp`, '回调地址必须使用 https'],
      ['https://10.0.0.8/cb', '回调地址指向内网或保留地址（10.0.0.8），已拒绝'],
      ['https://[::1]/cb', '回调地址指向内网或保留地址（::1），已拒绝'],
      ['https://169.254.169.254/latest/meta-data/', '回调地址指向内网或保留地址（169.254.169.254），已拒绝'],
      ['https://127.0.0.1/cb', '回调地址指向内网或保留地址（127.0.0.1），已拒绝'],
    ]
    const [row] = await callbackRows(order.id)
    for (const [url, reason] of cases) {
      await db.update(paymentCallbacks).set({ url, status: 'pending' }).where(eq(paymentCallbacks.id, row?.id ?? ''))
      await db.update(outboxJobs).set({ status: 'pending', nextAttemptAt: live.clock.now(), maxAttempts: 100 }).where(eq(outboxJobs.id, row?.jobId ?? ''))
      expect(await runDueJobs({ database: database.get(), clock: live.clock, handlers: { [TRADE_CALLBACK_TOPIC]: strict.handler() } })).toBe(1)
      expect((await callbackRows(order.id))[0]).toMatchObject({ status: 'failed', lastError: reason, lastHttpStatus: null })
      expect(await job(row?.jobId ?? null)).toMatchObject({ status: 'dead', lastError: `PermanentJobError: ${reason}` })
    }
    expect(receiver.got).toEqual([])
  })

  it('checks the SP\'s callback URL when it is saved; the rest is decided on sending', async () => {
    const t = await tenant()
    const save = (tradeCallbackUrl: string): request.Test => t.user.patch(`/v1/service-providers/${t.spId}`, { tradeCallbackUrl })
    for (const [url, message] of [
      ['https://user:secret@sp.example.com/cb', '回调地址不能包含用户名或密码'],
      ['ftp://sp.example.com/cb', '请填写以 http:// 或 https:// 开头的网址'],
      ['https:///cb', '请填写以 http:// 或 https:// 开头的网址'],
      [`https://sp.example.com/${'a'.repeat(500)}`, '回调地址不能超过 512 个字符'],
    ] as const) {
      const res = await save(url)
      expect([res.status, res.body.error.param, res.body.error.message]).toEqual([400, 'tradeCallbackUrl', `tradeCallbackUrl: ${message}`])
    }
    expect((await save('https://sp.example.com/cpay/notify?from=yima').expect(200)).body.tradeCallbackUrl).toBe('https://sp.example.com/cpay/notify?from=yima')
    // An address only DNS can judge is saved; production refuses it when sending (url-guard).
    await save('http://10.0.0.8/cb').expect(200)
    expect((await save('').expect(200)).body.tradeCallbackUrl).toBeNull()
    // Without a URL, a payment writes no callback.
    const order = await paidOrder(t.merchantId)
    expect(await callbackRows(order.id)).toEqual([])
  })

  it('shows and resends only within the caller\'s scope', async () => {
    const a = await tenant()
    const b = await tenant()
    const order = await paidOrder(b.merchantId)
    await drain()
    const [cb] = await callbackRows(order.id)
    await a.user.get(`/v1/orders/${order.id}/callbacks`).expect(404)
    expect((await a.user.post(`/v1/payment-callbacks/${cb?.id}/resend`).expect(404)).body.error.code).toBe('payment_callback_not_found')
    await request(live.app.callback()).post(`/v1/payment-callbacks/${cb?.id}/resend`).expect(401)
    expect(await drain()).toBe(0)
    expect((await callbackRows(order.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 })
    // Its owner may, and the resend is audited.
    await b.user.post(`/v1/payment-callbacks/${cb?.id}/resend`).expect(200)
    expect(await drain()).toBe(1)
    expect(await database.get().db.select().from(auditLog).where(eq(auditLog.targetId, cb?.id ?? ''))).toMatchObject([{ action: 'payment_callback.resent', actorId: b.user.id }])
  })
})
