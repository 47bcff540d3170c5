import { runInNewContext } from 'node:vm'
import { Formatter, Rsa } from 'wechatpay-axios-plugin'
import type { TransactionWire } from '../src/wxpay/wire'
import { dataOf, jsapiOrder, startHarness, type Harness } from './helpers/wxpay'

let h: Harness
beforeAll(async () => { h = await startHarness() })
afterAll(async () => { await h.stop() })
beforeEach(async () => { await h.sim('POST', '/__sim/reset') })

async function prepay (total = 1800): Promise<{ prepayId: string, outTradeNo: string }> {
  const order = jsapiOrder(h.cfg, { total })
  const { prepay_id: prepayId } = await dataOf<{ prepay_id: string }>(h.wx.chain('v3/pay/partner/transactions/jsapi').post(order))
  return { prepayId, outTradeNo: order.out_trade_no as string }
}

/** The parameters yima's server hands the page (channels.md §2.4), signed with the service provider's key. */
function payParams (prepayId: string, o: { appId?: string, key?: string } = {}): Record<string, string> {
  const appId = o.appId ?? h.cfg.spAppId
  const timeStamp = String(Formatter.timestamp())
  const nonceStr = Formatter.nonce()
  const pkg = `prepay_id=${prepayId}`
  const paySign = Rsa.sign(Formatter.joinedByLineFeed(appId, timeStamp, nonceStr, pkg), Rsa.from(o.key ?? h.cfg.merchantPrivateKeyPem, Rsa.KEY_TYPE_PRIVATE))
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
}

interface FakeFrame { src: string, parentNode: { removeChild: (f: FakeFrame) => void } | null, setAttribute: (k: string, v: string) => void }

/**
 * Runs the bridge script against just enough of a browser: a document that records appended
 * iframes and dispatched events, a window whose message listeners the test can call, and fetch.
 */
async function loadBridge (): Promise<{ invoke: (api: string, params: unknown) => Promise<Record<string, string>>, frames: FakeFrame[], events: string[], post: (origin: string, data: unknown) => void }> {
  const script = await (await fetch(`${h.sandbox.urls.wxpay}/__sim/bridge/weixin.js`)).text()
  const frames: FakeFrame[] = []
  const events: string[] = []
  const listeners: Array<(e: { origin: string, data: unknown }) => void> = []
  const body = { appendChild: (f: FakeFrame) => { f.parentNode = { removeChild: (x) => { frames.splice(frames.indexOf(x), 1) } }; frames.push(f) } }
  const document = {
    body,
    createElement: (): FakeFrame => ({ src: '', parentNode: null, setAttribute: () => {} }),
    dispatchEvent: (e: { type: string }) => { events.push(e.type) },
  }
  const window: Record<string, unknown> = {
    addEventListener: (type: string, fn: (e: { origin: string, data: unknown }) => void) => { if (type === 'message') listeners.push(fn) },
    removeEventListener: (_type: string, fn: (e: { origin: string, data: unknown }) => void) => { listeners.splice(listeners.indexOf(fn), 1) },
  }
  const context = { window, document, fetch, setTimeout, Event: class { constructor (readonly type: string) {} }, encodeURIComponent, JSON, String }
  runInNewContext(script, context)
  const bridge = window.WeixinJSBridge as { invoke: (api: string, params: unknown, cb: (res: Record<string, string>) => void) => void }
  return {
    invoke: async (api, params) => await new Promise((resolve) => { bridge.invoke(api, params, resolve) }),
    frames,
    events,
    post: (origin, data) => { for (const l of [...listeners]) l({ origin, data }) },
  }
}

/** Resolves once the bridge has appended its cashier iframe. */
async function frameAppears (frames: FakeFrame[]): Promise<FakeFrame> {
  for (let i = 0; i < 100; i++) {
    if (frames[0] !== undefined) return frames[0]
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('no cashier iframe')
}

describe('wxpay cashier page', () => {
  it('shows the merchant, the amount and the two buttons', async () => {
    const { prepayId } = await prepay(1850)
    const res = await fetch(`${h.sandbox.urls.wxpay}/__sim/cashier/wx?prepay_id=${prepayId}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const html = await res.text()
    for (const text of ['微信支付', '示例咖啡馆', '¥18.50', '拿铁 大杯', '确认支付', '取消']) expect(html).toContain(text)
    expect(html).not.toContain('<button id="pay" disabled')
  })

  it('disables paying a paid order and answers 404 for an unknown one', async () => {
    const { prepayId } = await prepay()
    await h.sim('POST', '/__sim/wxpay/pay', { prepay_id: prepayId })
    expect(await (await fetch(`${h.sandbox.urls.wxpay}/__sim/cashier/wx?prepay_id=${prepayId}`)).text()).toContain('<button id="pay" disabled')
    expect((await fetch(`${h.sandbox.urls.wxpay}/__sim/cashier/wx?prepay_id=wxnope`)).status).toBe(404)
  })
  it('pays from the 确认支付 button and tells the opening page', async () => {
    const { prepayId, outTradeNo } = await prepay()
    const html = await (await fetch(`${h.sandbox.urls.wxpay}/__sim/cashier/wx?prepay_id=${prepayId}`)).text()
    const inline = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? ''
    type El = { onclick?: (this: El) => void, disabled?: boolean, textContent?: string, style: Record<string, string> }
    const elements: Record<string, El> = { pay: { style: {} }, cancel: { style: {} }, status: { style: {} } }
    const messages: unknown[] = []
    const parent = { postMessage: (m: unknown) => { messages.push(m) } }
    runInNewContext(inline, {
      window: { parent },
      document: { getElementById: (id: string) => elements[id] },
      fetch: async (path: string, init: RequestInit) => await fetch(`${h.sandbox.urls.wxpay}${path}`, init),
      JSON,
    })
    elements.pay?.onclick?.()
    for (let i = 0; i < 100 && messages.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(messages).toEqual([{ source: 'yima-sim-cashier', prepay_id: prepayId, result: 'ok', message: '支付成功' }])
    expect(elements.status?.textContent).toBe('支付成功')
    const orders = await h.sim<Array<{ out_trade_no: string, trade_state: string }>>('GET', '/__sim/wxpay/orders')
    expect(orders.body.find((o) => o.out_trade_no === outTradeNo)?.trade_state).toBe('SUCCESS')
    elements.cancel?.onclick?.()
    expect(messages[1]).toMatchObject({ result: 'cancel' })
  })
})

describe('wxpay WeixinJSBridge shim', () => {
  it('checks paySign server-side like the WeChat client', async () => {
    const { prepayId } = await prepay()
    const good = await h.sim<{ ok: boolean, prepay_id: string }>('POST', '/__sim/wxpay/jsapi/verify', payParams(prepayId))
    expect(good.body).toEqual({ ok: true, prepay_id: prepayId })
    const wrongApp = await h.sim<{ ok: boolean, reason: string }>('POST', '/__sim/wxpay/jsapi/verify', payParams(prepayId, { appId: 'wx0000000000000000' }))
    expect(wrongApp.body.ok).toBe(false)
    const tampered = { ...payParams(prepayId), nonceStr: 'changed' }
    expect((await h.sim<{ ok: boolean, reason: string }>('POST', '/__sim/wxpay/jsapi/verify', tampered)).body).toEqual({ ok: false, reason: '支付验证签名失败' })
  })

  it('fires WeixinJSBridgeReady, opens the cashier, and answers :ok once the customer has paid', async () => {
    const { prepayId, outTradeNo } = await prepay()
    const bridge = await loadBridge()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(bridge.events).toEqual(['WeixinJSBridgeReady'])

    const answer = bridge.invoke('getBrandWCPayRequest', payParams(prepayId))
    const frame = await frameAppears(bridge.frames)
    expect(frame.src).toBe(`${h.sandbox.urls.wxpay}/__sim/cashier/wx?prepay_id=${prepayId}`)
    // What the cashier's 确认支付 button does, then its message to the page.
    expect((await h.sim('POST', '/__sim/wxpay/pay', { prepay_id: prepayId })).status).toBe(200)
    bridge.post('https://evil.example', { source: 'yima-sim-cashier', prepay_id: prepayId, result: 'ok' }) // ignored: wrong origin
    bridge.post(h.sandbox.urls.wxpay, { source: 'yima-sim-cashier', prepay_id: prepayId, result: 'ok', message: '支付成功' })
    expect(await answer).toEqual({ err_msg: 'get_brand_wcpay_request:ok' })
    expect(bridge.frames).toHaveLength(0)
    const t = await dataOf<TransactionWire>(h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: h.cfg.spMchId, sub_mchid: h.cfg.subMchIds[0] }, out_trade_no: outTradeNo }))
    expect(t.trade_state).toBe('SUCCESS')
  })

  it('answers :cancel when the customer cancels', async () => {
    const { prepayId } = await prepay()
    const bridge = await loadBridge()
    const answer = bridge.invoke('getBrandWCPayRequest', payParams(prepayId))
    await frameAppears(bridge.frames)
    bridge.post(h.sandbox.urls.wxpay, { source: 'yima-sim-cashier', prepay_id: prepayId, result: 'cancel', message: '已取消支付' })
    expect(await answer).toEqual({ err_msg: 'get_brand_wcpay_request:cancel' })
  })

  it('answers :fail at once for a paySign made with another key, without opening the cashier', async () => {
    const { prepayId } = await prepay()
    const { generateKeyPairSync } = await import('node:crypto')
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const bridge = await loadBridge()
    expect(await bridge.invoke('getBrandWCPayRequest', payParams(prepayId, { key: otherKey }))).toEqual({ err_msg: 'get_brand_wcpay_request:fail', err_desc: '支付验证签名失败' })
    expect(bridge.frames).toHaveLength(0)
  })
})
