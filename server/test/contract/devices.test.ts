import { randomUUID } from 'node:crypto'
import { startSandbox, type Sandbox } from '../../../sandbox/src'
import type { DeviceView } from '../../../sandbox/src/devices'
import { createBrhkAdapter, createFeieAdapter, createYlyAdapter, type PrintDocument, type PrinterAdapter, type SpeakerAdapter } from '../../src/channels/devices'
import { Secret } from '../../src/secret'

/*
 * The cloud printer and speaker adapters against the sandbox's Feie, Yilianyun and BRHK: real
 * signatures and envelopes, each vendor's refusals as typed outcomes, and the faults (OFFLINE,
 * PAPER_OUT, 5xx, TIMEOUT) the print and announce jobs must tell apart.
 */

// A short timeout keeps the TIMEOUT cases fast; the sandbox answers everything else in milliseconds.
const TIMEOUT_MS = 400
let sandbox: Sandbox
let feie: PrinterAdapter
let yly: PrinterAdapter
let brhk: SpeakerAdapter

beforeAll(async () => {
  sandbox = await startSandbox()
  const c = sandbox.clients.devices
  feie = createFeieAdapter({ url: c.feie.url, user: c.feie.user, ukey: new Secret(c.feie.ukey), timeoutMs: TIMEOUT_MS })
  yly = createYlyAdapter({ baseUrl: c.yly.baseUrl, clientId: c.yly.clientId, clientSecret: new Secret(c.yly.clientSecret), timeoutMs: TIMEOUT_MS })
  brhk = createBrhkAdapter({ baseUrl: c.brhk.baseUrl, agencyToken: new Secret(c.brhk.token), timeoutMs: TIMEOUT_MS })
})
beforeEach(async () => { await sim('POST', '/__sim/reset') })
afterAll(async () => { await sandbox.stop() })

async function sim<T = any> (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number, body: T }> {
  const res = await fetch(`${sandbox.urls.devices}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}
const device = async (sn: string): Promise<DeviceView> => (await sim<DeviceView>('GET', `/__sim/devices/${sn}`)).body
const fault = async (route: string, mode: string, count = 1): Promise<void> => {
  const r = await sim('POST', '/__sim/faults', { route: `devices:${route}`, mode, count })
  if (r.status !== 204) throw new Error(`fault not armed: ${r.status}`)
}
const setState = async (sn: string, s: { online?: boolean, paper?: 'ok' | 'out' }): Promise<void> => {
  expect((await sim('POST', `/__sim/devices/${sn}/state`, s)).status).toBe(200)
}
/** A device of the vendor, fresh off the line (nobody has added it). */
const newDevice = async (vendor: 'feie' | 'yly' | 'brhk'): Promise<{ sn: string, key: string }> => (await sim('POST', '/__sim/devices', { vendor })).body
const receipt: PrintDocument = { title: '收款小票', lines: ['商户：好味餐饮', '---', '订单金额：12.50元', '备注：<BR>不要辣'] }

describe.each([
  ['feie', () => feie],
  ['yly', () => yly],
] as const)('%s printers', (vendor, adapter) => {
  it('adds a printer with the key on its label, prints with copies, and reports it online', async () => {
    const p = await newDevice(vendor)
    expect(await adapter().bind({ sn: p.sn, key: p.key, name: '前台' })).toMatchObject({ kind: 'ok' })
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'online' })
    const printed = await adapter().print({ sn: p.sn, doc: receipt, copies: 2, requestId: 'dlv_01JTESTPRINT' })
    expect(printed).toMatchObject({ kind: 'ok', value: { vendorOrderId: expect.any(String) } })
    const view = await device(p.sn)
    expect(view.printed).toHaveLength(1)
    expect(view.printed[0]).toMatchObject({ copies: 2, content: expect.stringContaining('订单金额：12.50元') })
    // A remark cannot smuggle markup in.
    expect(view.printed[0]?.content).not.toContain('<BR>不要辣')
    // Adding it again (the platform's own earlier binding) is fine.
    expect(await adapter().bind({ sn: p.sn, key: p.key })).toMatchObject({ kind: 'ok' })
  })

  it('refuses a wrong key and an unknown SN, permanently, in the vendor\'s words', async () => {
    const p = await newDevice(vendor)
    const wrong = await adapter().bind({ sn: p.sn, key: 'wrongkey1' })
    expect(wrong).toMatchObject({ kind: 'permanent', code: 'bad_key', message: expect.any(String) })
    expect(await device(p.sn)).toMatchObject({ boundTo: null })
    expect(await adapter().bind({ sn: '99999999', key: 'whatever1' })).toMatchObject({ kind: 'permanent' })
  })

  it('reports offline and paper out, from the printer and from injected faults; the cloud holds a job until the printer is back', async () => {
    const p = await newDevice(vendor)
    await adapter().bind({ sn: p.sn, key: p.key })
    await setState(p.sn, { online: false })
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'offline' })
    expect(await adapter().print({ sn: p.sn, doc: receipt, copies: 1, requestId: 'dlv_held' })).toMatchObject({ kind: 'ok' })
    expect((await device(p.sn)).waiting).toHaveLength(1)
    await setState(p.sn, { online: true, paper: 'out' })
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'paper_out' })
    await setState(p.sn, { paper: 'ok' })
    expect(await device(p.sn)).toMatchObject({ waiting: [], printed: [expect.objectContaining({ copies: 1 })] })

    const statusApi = vendor === 'feie' ? 'feie:Open_queryPrinterStatus' : 'yly:printer/getprintstatus'
    await fault(statusApi, 'OFFLINE')
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'offline' })
    await fault(statusApi, 'PAPER_OUT')
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'paper_out' })
    expect(await adapter().status(p.sn)).toMatchObject({ kind: 'ok', value: 'online' })
  })

  it('5xx and TIMEOUT are retryable; nothing printed', async () => {
    const p = await newDevice(vendor)
    await adapter().bind({ sn: p.sn, key: p.key })
    const printApi = vendor === 'feie' ? 'feie:Open_printMsg' : 'yly:print/index'
    await fault(printApi, '5xx')
    expect(await adapter().print({ sn: p.sn, doc: receipt, copies: 1, requestId: 'dlv_5xx' })).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('HTTP 500') })
    await fault(printApi, 'TIMEOUT')
    const started = Date.now()
    expect(await adapter().print({ sn: p.sn, doc: receipt, copies: 1, requestId: 'dlv_timeout' })).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('timeout') })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await device(p.sn)).toMatchObject({ printed: [], waiting: [] })
  })

  it('after unbinding, the printer is no longer the platform\'s', async () => {
    const p = await newDevice(vendor)
    await adapter().bind({ sn: p.sn, key: p.key })
    expect(await adapter().unbind(p.sn)).toMatchObject({ kind: 'ok' })
    expect(await device(p.sn)).toMatchObject({ boundTo: null })
    expect(await adapter().print({ sn: p.sn, doc: receipt, copies: 1, requestId: 'dlv_gone' })).toMatchObject({ kind: 'permanent', code: 'not_ours' })
  })
})

describe('printer platform credentials', () => {
  it('a wrong Feie UKEY or Yilianyun client secret is an `auth` refusal', async () => {
    const c = sandbox.clients.devices
    const p = await newDevice('feie')
    const badFeie = createFeieAdapter({ url: c.feie.url, user: c.feie.user, ukey: new Secret('not-the-ukey'), timeoutMs: TIMEOUT_MS })
    expect(await badFeie.bind({ sn: p.sn, key: p.key })).toMatchObject({ kind: 'permanent', code: 'auth', message: expect.stringContaining('签名') })
    const badYly = createYlyAdapter({ baseUrl: c.yly.baseUrl, clientId: c.yly.clientId, clientSecret: new Secret('0'.repeat(32)), timeoutMs: TIMEOUT_MS })
    const q = await newDevice('yly')
    expect(await badYly.bind({ sn: q.sn, key: q.key })).toMatchObject({ kind: 'permanent', code: 'auth', message: expect.stringContaining('sign') })
  })

  it('a Yilianyun token fetch that fails (5xx) is retryable and tried again on the next call', async () => {
    const c = sandbox.clients.devices
    const fresh = createYlyAdapter({ baseUrl: c.yly.baseUrl, clientId: c.yly.clientId, clientSecret: new Secret(c.yly.clientSecret), timeoutMs: TIMEOUT_MS })
    const q = await newDevice('yly')
    await fault('yly:oauth/oauth', '5xx')
    expect(await fresh.bind({ sn: q.sn, key: q.key })).toMatchObject({ kind: 'retryable' })
    expect(await fresh.bind({ sn: q.sn, key: q.key })).toMatchObject({ kind: 'ok' })
  })
})

describe('BRHK speakers', () => {
  const seq = (): string => randomUUID().replace(/-/g, '')

  it('binds, says the amount with the payment type at the speaker\'s volume, and a repeated push is said once', async () => {
    const s = await newDevice('brhk')
    expect(await brhk.bind({ sn: s.sn, userId: 'mch_a' })).toMatchObject({ kind: 'ok' })
    const n = seq()
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 1250, volume: 80, seq: n })).toMatchObject({ kind: 'ok' })
    // The same push again (our retry after a lost answer): errcode 17, taken as done.
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 1250, volume: 80, seq: n })).toMatchObject({ kind: 'ok' })
    expect(await brhk.announce({ sn: s.sn, platform: 'alipay', amountFen: 5, volume: 80, seq: seq() })).toMatchObject({ kind: 'ok' })
    expect(await brhk.say({ sn: s.sn, text: '交接班完成', volume: 30, seq: seq() })).toMatchObject({ kind: 'ok' })
    const view = await device(s.sn)
    expect(view.spoken.map((a) => [a.text, a.volume])).toEqual([['微信收款12.50元', 80], ['支付宝收款0.05元', 80], ['交接班完成', 30]])
    expect(view.volume).toBe(30)
  })

  it('a speaker left bound to another merchant under the platform\'s token is taken over; binding twice is fine', async () => {
    const s = await newDevice('brhk')
    await brhk.bind({ sn: s.sn, userId: 'mch_old' })
    expect(await brhk.bind({ sn: s.sn, userId: 'mch_new' })).toMatchObject({ kind: 'ok' })
    expect(await device(s.sn)).toMatchObject({ boundTo: 'mch_new' })
    expect(await brhk.bind({ sn: s.sn, userId: 'mch_new' })).toMatchObject({ kind: 'ok' })
    expect(await brhk.unbind(s.sn)).toMatchObject({ kind: 'ok' })
    expect(await brhk.unbind(s.sn)).toMatchObject({ kind: 'ok' })
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 100, volume: 50, seq: seq() })).toMatchObject({ kind: 'permanent', code: 'not_ours' })
  })

  it('refuses an unknown speaker, another agency\'s speaker and a wrong token', async () => {
    expect(await brhk.bind({ sn: '1999999', userId: 'mch_a' })).toMatchObject({ kind: 'permanent', code: 'not_found' })
    const other = (await sim('POST', '/__sim/devices', { vendor: 'brhk', agencyToken: 'OTHERAGENCY1' })).body as { sn: string }
    expect(await brhk.bind({ sn: other.sn, userId: 'mch_a' })).toMatchObject({ kind: 'permanent', code: 'not_ours' })
    const bad = createBrhkAdapter({ baseUrl: sandbox.clients.devices.brhk.baseUrl, agencyToken: new Secret('1234wrongtok'), timeoutMs: TIMEOUT_MS })
    const s = await newDevice('brhk')
    expect(await bad.bind({ sn: s.sn, userId: 'mch_a' })).toMatchObject({ kind: 'permanent', code: 'auth' })
  })

  it('5xx and TIMEOUT are retryable; an offline speaker takes the push and misses it', async () => {
    const s = await newDevice('brhk')
    await brhk.bind({ sn: s.sn, userId: 'mch_a' })
    await fault('brhk:add.php', '5xx')
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 100, volume: 50, seq: seq() })).toMatchObject({ kind: 'retryable' })
    await fault('brhk:add.php', 'TIMEOUT')
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 100, volume: 50, seq: seq() })).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('timeout') })
    await fault('brhk:add.php', 'OFFLINE')
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 200, volume: 50, seq: seq() })).toMatchObject({ kind: 'ok' })
    await setState(s.sn, { online: false })
    expect(await brhk.announce({ sn: s.sn, platform: 'wechat_pay', amountFen: 300, volume: 50, seq: seq() })).toMatchObject({ kind: 'ok' })
    const view = await device(s.sn)
    expect(view.spoken).toEqual([])
    expect(view.missed.map((a) => a.text)).toEqual(['微信收款2.00元', '微信收款3.00元'])
  })
})
