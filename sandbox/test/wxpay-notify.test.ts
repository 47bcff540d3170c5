import type { NotificationAttempt } from '../src'
import type { TransactionWire } from '../src/wxpay/wire'
import { dataOf, jsapiOrder, receiver, startHarness, verifyNotification, type Harness, type Received } from './helpers/wxpay'

let h: Harness
beforeAll(async () => { h = await startHarness() })
afterAll(async () => { await h.stop() })
beforeEach(async () => { await h.sim('POST', '/__sim/reset') })

/** Creates a JSAPI order notifying `url` and pays it as the customer. */
async function payWithNotify (url: string): Promise<string> {
  const order = jsapiOrder(h.cfg, { notifyUrl: url, total: 666 })
  await h.wx.chain('v3/pay/partner/transactions/jsapi').post(order)
  expect((await h.sim('POST', '/__sim/wxpay/pay', { out_trade_no: order.out_trade_no })).status).toBe(200)
  await h.idle()
  return order.out_trade_no as string
}

const attempts = async (): Promise<NotificationAttempt[]> => (await h.sim<NotificationAttempt[]>('GET', '/__sim/notifications?channel=wxpay')).body
const advance = async (seconds: number): Promise<void> => { await h.sim('POST', '/__sim/clock/advance', { seconds }) }

describe('wxpay TRANSACTION.SUCCESS notifications', () => {
  it('posts a signed, encrypted envelope whose plaintext is the query object', async () => {
    const hook = await receiver(h.cfg)
    const outTradeNo = await payWithNotify(hook.url)
    expect(hook.received).toHaveLength(1)
    const r = hook.received[0] as Received
    expect(r.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(r.headers['content-type']).toBe('application/json')
    const n = verifyNotification(h.cfg, r)
    if (!n.ok) throw new Error(`notification rejected: ${n.reason}`)
    expect(n.event.id).toMatch(/^EV-\d{19}$/)
    expect(n.event.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    expect(n.event).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', summary: '支付成功', resource_type: 'encrypt-resource', resource: { original_type: 'transaction', associated_data: 'transaction', algorithm: 'AEAD_AES_256_GCM' } })
    expect(n.event.resource.nonce).toMatch(/^[0-9A-Za-z]{12}$/)

    const queried = await dataOf<TransactionWire>(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, out_trade_no: outTradeNo }))
    expect(n.resource).toEqual(queried)
    expect(n.resource).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 666, payer_total: 666 } })
    expect((await attempts()).map((a) => [a.kind, a.attempt, a.acknowledged])).toEqual([['TRANSACTION.SUCCESS', 1, true]])
    await hook.close()
  })

  it('signs with the PUB_KEY_ID in public-key mode', async () => {
    await h.sim('POST', '/__sim/wxpay/mode', { signWith: 'public_key' })
    const hook = await receiver(h.cfg)
    await payWithNotify(hook.url)
    expect(hook.received[0]?.headers['wechatpay-serial']).toBe(h.cfg.platformPublicKeyId)
    expect(verifyNotification(h.cfg, hook.received[0] as Received).ok).toBe(true)
    await hook.close()
  })

  it('retries an unacknowledged notification on WeChat\'s schedule, re-signed each time', async () => {
    const hook = await receiver(h.cfg, (_r, n) => (n < 4 ? { status: 500, body: '{"code":"FAIL","message":"busy"}' } : { status: 200, body: '{"code":"FAIL","message":"200 still acknowledges"}' }))
    await payWithNotify(hook.url)
    expect(hook.received).toHaveLength(1)
    await advance(14)
    expect(hook.received).toHaveLength(1)
    await advance(1) // 15 s after the first try
    expect(hook.received).toHaveLength(2)
    await advance(15)
    expect(hook.received).toHaveLength(3)
    await advance(30)
    expect(hook.received).toHaveLength(4)
    await advance(24 * 3600)
    expect(hook.received).toHaveLength(4) // a 2xx, whatever its body, ends the retries

    const bodies = new Set(hook.received.map((r) => r.body))
    expect(bodies.size).toBe(1) // the same event every time…
    const nonces = new Set(hook.received.map((r) => r.headers['wechatpay-nonce']))
    expect(nonces.size).toBe(4) // …signed afresh each time
    expect(hook.received.every((r) => verifyNotification(h.cfg, r).ok)).toBe(true)
    expect((await attempts()).map((a) => [a.attempt, a.response?.status, a.acknowledged])).toEqual([[1, 500, false], [2, 500, false], [3, 500, false], [4, 200, true]])
    await hook.close()
  })

  it('keeps retrying while the receiver is unreachable, on the simulated clock', async () => {
    const hook = await receiver(h.cfg)
    const { url } = hook
    await hook.close()
    await payWithNotify(url)
    h.sandbox.world.clock.advance(15_000); await h.idle()
    h.sandbox.world.clock.advance(15_000); await h.idle()
    const log = await attempts()
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3])
    expect(log.every((a) => !a.acknowledged && a.error !== undefined)).toBe(true)
    expect(h.sandbox.world.scheduler.pending()).toBe(1)
  })
})

describe('wxpay notification faults: a verifying receiver refuses, the retry gets through', () => {
  it.each([
    ['SIGN_BAD', 'signature'],
    ['SERIAL_UNKNOWN', 'serial'],
    ['SIGNTEST', 'signature'],
    ['STALE_TIMESTAMP', 'stale'],
    ['GCM_TAMPER', 'decrypt'],
  ])('%s is caught as %s', async (mode, reason) => {
    await h.sim('POST', '/__sim/faults', { route: 'wxpay:notify', mode })
    const hook = await receiver(h.cfg)
    await payWithNotify(hook.url)
    const first = verifyNotification(h.cfg, hook.received[0] as Received)
    expect(first).toEqual({ ok: false, reason })
    if (mode === 'SIGNTEST') expect(hook.received[0]?.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect((await attempts())[0]).toMatchObject({ acknowledged: false, response: { status: 400 } })

    await advance(15)
    expect(hook.received).toHaveLength(2)
    const second = verifyNotification(h.cfg, hook.received[1] as Received)
    expect(second.ok).toBe(true)
    expect((await attempts()).map((a) => a.acknowledged)).toEqual([false, true])
    await hook.close()
  })
})
