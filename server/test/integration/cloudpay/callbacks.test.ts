import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CloudPayClient, CloudPayError } from '../../../src/cloudpay/client'
import { TRADE_CALLBACK_TOPIC } from '../../../src/modules/payments/callbacks/callbacks.service'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { WECHAT_CODE, sandboxIdle } from '../../helpers/payments'
import { cpayWorld } from '../../factories/cloudpay'

/*
 * Callbacks of orders made through /cpay (cloudpay-api.md §9): the order's caller_notify_url gets
 * the Cloud Pay envelope signed with the merchant's 认证密钥, which the reference client verifies
 * (and refuses when tampered with); an answer other than status 0 is sent again.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
let server: Server
let url = ''
let got: string[] = []
let answer = CloudPayClient.callbackAck()

beforeAll(async () => {
  live = await startLiveApp(database.get(), channels.get(), { env: 'test' })
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => { got.push(body); res.writeHead(200, { 'content-type': 'application/json' }); res.end(answer) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cashier`
}, 60_000)
beforeEach(async () => {
  live.clock.set(new Date())
  await live.pushTicket()
  got = []
  answer = CloudPayClient.callbackAck()
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => {
  await live.stop()
  await new Promise((resolve) => server.close(resolve))
})

const drain = async (): Promise<number> => await runDueJobs({ database: database.get(), clock: live.clock, handlers: live.services.jobHandlers, topics: [TRADE_CALLBACK_TOPIC] })
type Payload = Record<string, any>

it('calls caller_notify_url for a micro_pay and its refund, signed for the reference client, until it answers status 0', async () => {
  const w = await cpayWorld(live, database.get(), channels.get())
  const no = w.orderNo()
  const paid = await w.client.call<Payload>('micro_pay', {
    pay_mch_key: w.mchKey(),
    pay_content: { out_trade_no: no, total_fee: 880, author_code: WECHAT_CODE, body: '咖啡', caller_notify_url: url },
    order_client: { machine_no: 'AA-BB', device_id: 'POS-1' },
  })
  expect(paid.payload.order_content.wxpay_order_content_ext.current_trade_state).toBe(2)

  // The first answer is not an acknowledgement: the same callback comes again.
  answer = JSON.stringify({ response_content: { status: 1, description: '忙' } })
  await drain()
  expect(got).toHaveLength(1)
  answer = CloudPayClient.callbackAck()
  live.clock.advance(16_000)
  await drain()
  expect(got).toHaveLength(2)
  const first = w.client.readCallback(got[0] ?? '')
  const second = w.client.readCallback(got[1] ?? '')
  for (const cb of [first, second]) {
    expect(cb.content).toMatchObject({ pay_mch_key: { out_sub_mch_id: w.merchant.outSubMchId }, order_content: { out_trade_no: no, total_fee: 880, wxpay_order_content_ext: { current_trade_state: 2 } } })
  }
  // Each attempt is signed afresh (its own nonce).
  expect(first.content.nonce_str).not.toBe(second.content.nonce_str)
  const tampered = (got[0] ?? '').replace('"total_fee\\":880', '"total_fee\\":1')
  expect(() => w.client.readCallback(tampered)).toThrow(CloudPayError)

  const refunded = await w.client.call('refund', { pay_mch_key: w.mchKey(), refund_content: { out_trade_no: no, out_refund_no: w.orderNo('R'), total_fee: 880, refund_fee: 80 }, order_client: {} })
  expect(refunded.status).toBe(0)
  await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', {})
  await sandboxIdle(channels.get())
  await drain()
  const refundCb = w.client.readCallback(got[2] ?? '')
  expect(refundCb.content).toMatchObject({ refund_order_content: [{ out_trade_no: no, refund_fee: 80, wxpay_refund_order_content_ext: { state: 2 } }] })
})
