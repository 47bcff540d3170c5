import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSandbox, WECHAT_RETRY_MS, type Sandbox } from '../src'
import { Faults } from '../src/core/faults'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.wxpay}/__sim/reset`, { method: 'POST' }) })

/** A receiver that fails `failures` times, then acknowledges. */
async function receiver (failures: number): Promise<{ url: string, hits: () => number, close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => { hits++; res.statusCode = hits > failures ? 204 : 500; res.end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  }
}

describe('sandbox core', () => {
  it('retries a notification on the WeChat schedule, driven by the test clock', async () => {
    const r = await receiver(3)
    const { world } = sandbox
    world.notifier.send({
      channel: 'wxpay',
      kind: 'TRANSACTION.SUCCESS',
      url: r.url,
      retryMs: WECHAT_RETRY_MS,
      build: () => ({ headers: { 'content-type': 'application/json' }, body: '{}' }),
      acknowledged: (status) => status >= 200 && status < 300,
    })
    await world.scheduler.idle()
    expect(r.hits()).toBe(1)
    // Business time also moves with real time, so leave a margin either side of each interval.
    world.clock.advance(14_000); await world.scheduler.idle()
    expect(r.hits()).toBe(1)
    for (const seconds of [1, 15, 30]) { world.clock.advance(seconds * 1000); await world.scheduler.idle() }
    expect(r.hits()).toBe(4)
    world.clock.advance(24 * 3600_000); await world.scheduler.idle()
    expect(r.hits()).toBe(4) // acknowledged: no more tries

    const log = await (await fetch(`${sandbox.urls.alipay}/__sim/notifications?channel=wxpay`)).json() as Array<{ attempt: number, acknowledged: boolean, response: { status: number } }>
    expect(log.map((a) => [a.attempt, a.response.status, a.acknowledged])).toEqual([[1, 500, false], [2, 500, false], [3, 500, false], [4, 204, true]])
    await r.close()
  })

  it('gives up after the last interval', async () => {
    const r = await receiver(1000)
    const { world } = sandbox
    world.notifier.send({
      channel: 'wxpay',
      kind: 'REFUND.SUCCESS',
      url: r.url,
      retryMs: WECHAT_RETRY_MS,
      build: () => ({ headers: {}, body: '' }),
      acknowledged: (status) => status < 300,
    })
    for (let i = 0; i < 20; i++) { world.clock.advance(6 * 3600_000); await world.scheduler.idle() }
    expect(r.hits()).toBe(WECHAT_RETRY_MS.length + 1)
    await r.close()
  })

  it('consumes a fault for the next count calls of its route', () => {
    const f = new Faults()
    f.add('wxpay:POST /v3/pay/partner/transactions/jsapi', 'SIGN_BAD', 2)
    f.add('alipay:*', '5xx')
    expect(f.take('wxpay:GET /v3/certificates')).toBeUndefined()
    expect(f.take('wxpay:POST /v3/pay/partner/transactions/jsapi')).toBe('SIGN_BAD')
    expect(f.take('wxpay:POST /v3/pay/partner/transactions/jsapi')).toBe('SIGN_BAD')
    expect(f.take('wxpay:POST /v3/pay/partner/transactions/jsapi')).toBeUndefined()
    expect(f.take('alipay:alipay.trade.query')).toBe('5xx')
    expect(f.take('alipay:alipay.trade.query')).toBeUndefined()
  })

  it('answers the control API on every port and refuses bad control input', async () => {
    for (const url of Object.values(sandbox.urls)) {
      const before = Date.parse(((await (await fetch(`${url}/__sim/clock`)).json()) as { now: string }).now)
      const r = await fetch(`${url}/__sim/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 3600 }) })
      expect(Date.parse(((await r.json()) as { now: string }).now) - before).toBeGreaterThanOrEqual(3600_000)
    }
    const bad = await fetch(`${sandbox.urls.wxpay}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'wxpay:*', mode: 'EXPLODE' }) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/mode/)
  })
})
