import { generateKeyPairSync } from 'node:crypto'
import { createContext, runInContext } from 'node:vm'
import { alipaySdk, control, idle, notifyReceiver, outTradeNo, stripEmpty, useAlipaySandbox, type NotifyReceiver } from './alipay.helpers'

let receiver: NotifyReceiver | undefined
const v = { validateSign: true }
const RETURN_URL = 'https://shop.example/return?from=alipay'
const QUIT_URL = 'https://shop.example/quit'

const ctx = useAlipaySandbox()
afterEach(async () => { await receiver?.close(); receiver = undefined })

const formAction = (html: string, kind: 'pay' | 'cancel'): string => {
  const m = new RegExp(`action="(/__sim/alipay/cashier/\\d+/${kind})"`).exec(html)
  if (m?.[1] === undefined) throw new Error(`no ${kind} form in ${html}`)
  return m[1]
}

const post = async (path: string, form: Record<string, string>): Promise<Response> =>
  await fetch(`${ctx.sandbox.urls.alipay}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })

describe('alipay page methods (wap.pay / page.pay) and the cashier', () => {
  it('GET link → cashier → 确认付款 → notification + 302 to return_url with verifiable sync params', async () => {
    receiver = await notifyReceiver()
    const no = outTradeNo()
    const url = ctx.sdk.pageExecute('alipay.trade.wap.pay', 'GET', {
      appAuthToken: ctx.merchant.appAuthToken,
      notifyUrl: receiver.url,
      returnUrl: RETURN_URL,
      bizContent: { outTradeNo: no, totalAmount: '0.01', subject: '测试<商品>', productCode: 'QUICK_WAP_WAY', quitUrl: QUIT_URL },
    })
    expect(url.startsWith(ctx.sandbox.clients.alipay.gateway)).toBe(true)
    const page = await fetch(url)
    const html = await page.text()
    expect(html).toContain('支付宝收银台')
    expect(html).toContain('¥0.01')
    expect(html).toContain('测试&lt;商品&gt;')
    expect(html).toContain('确认付款')

    const res = await post(formAction(html, 'pay'), { sim_user: 'alice' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/return')
    const sync = Object.fromEntries(location.searchParams)
    expect(sync).toMatchObject({ from: 'alipay', method: 'alipay.trade.wap.pay.return', out_trade_no: no, total_amount: '0.01', auth_app_id: ctx.merchant.authAppId, seller_id: ctx.merchant.userId, sign_type: 'RSA2' })
    const { from: _from, ...signed } = sync
    expect(ctx.sdk.checkNotifySignV2(signed)).toBe(true)
    expect(ctx.sdk.checkNotifySignV2({ ...signed, total_amount: '100.00' })).toBe(false)

    await idle(ctx.sandbox)
    const n = receiver.received[0]?.params ?? {}
    expect(n).toMatchObject({ out_trade_no: no, trade_no: sync.trade_no, trade_status: 'TRADE_SUCCESS' })
    expect(ctx.sdk.checkNotifySignV2(stripEmpty(n))).toBe(true)
    expect((await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no } }, v)).tradeStatus).toBe('TRADE_SUCCESS')
  })

  it('POST form (page.pay) works the same; cancelling goes to quit_url and leaves no trade', async () => {
    const no = outTradeNo()
    const form = ctx.sdk.pageExecute('alipay.trade.page.pay', 'POST', {
      appAuthToken: ctx.merchant.appAuthToken,
      returnUrl: RETURN_URL,
      bizContent: { outTradeNo: no, totalAmount: '9.99', subject: '"引号"', productCode: 'FAST_INSTANT_TRADE_PAY', quitUrl: QUIT_URL },
    })
    const action = /action="([^"]+)"/.exec(form)?.[1] ?? ''
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replaceAll('&quot;', '"')]))
    const page = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
    const html = await page.text()
    expect(html).toContain('¥9.99')

    const res = await post(formAction(html, 'cancel'), {})
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(QUIT_URL)
    expect((await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no } }, v)).subCode).toBe('ACQ.TRADE_NOT_EXIST')
  })

  it('refuses a page request with a bad signature on an error page', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const url = alipaySdk(ctx.sandbox, { privateKey: other.privateKey }).pageExecute('alipay.trade.wap.pay', 'GET', { bizContent: { outTradeNo: outTradeNo(), totalAmount: '0.01', subject: 's' } })
    const html = await (await fetch(url)).text()
    expect(html).toContain('<code id="error-code">isv.invalid-signature</code>')
    expect(html).not.toContain('确认付款')
  })
})

describe('customer OAuth (auth_base) and alipay.system.oauth.token', () => {
  const authorize = async (appId: string, query = '', headers: Record<string, string> = {}): Promise<URL> => {
    const res = await fetch(`${ctx.sandbox.urls.alipay}/__sim/alipay/oauth/authorize?app_id=${appId}&scope=auth_base&state=st%201&redirect_uri=${encodeURIComponent('https://h5.example/cb?x=1')}${query}`, { redirect: 'manual', headers })
    expect(res.status).toBe(302)
    return new URL(res.headers.get('location') ?? '')
  }

  it('redirects with a single-use auth_code for the chosen test user; the code yields user_id and open_id', async () => {
    const loc = await authorize(ctx.merchant.authAppId, '&sim_user=alice')
    expect(loc.searchParams.get('x')).toBe('1')
    expect(loc.searchParams.get('state')).toBe('st 1')
    expect(loc.searchParams.get('app_id')).toBe(ctx.merchant.authAppId)
    const code = loc.searchParams.get('auth_code') ?? ''

    const r = await ctx.sdk.exec('alipay.system.oauth.token', { appAuthToken: ctx.merchant.appAuthToken, grantType: 'authorization_code', code }, v)
    expect(r.code).toBeUndefined() // success carries no code on this method
    expect(r.userId).toMatch(/^2088\d{12}$/)
    expect(r.openId).toMatch(/^0[0-9A-Za-z]{40,}$/)
    expect(r.accessToken).toMatch(/^authusrB/)
    expect(r).toMatchObject({ expiresIn: 1_296_000, reExpiresIn: 2_592_000 })

    const reused = await ctx.sdk.exec('alipay.system.oauth.token', { appAuthToken: ctx.merchant.appAuthToken, grantType: 'authorization_code', code }, v)
    expect(reused).toMatchObject({ code: '40002', subCode: 'isv.code-invalid' })

    // The same customer gets the same open_id again; the cookie picks another customer.
    const again = await ctx.sdk.exec('alipay.system.oauth.token', { appAuthToken: ctx.merchant.appAuthToken, grantType: 'authorization_code', code: (await authorize(ctx.merchant.authAppId, '&sim_user=alice')).searchParams.get('auth_code') }, v)
    expect(again.openId).toBe(r.openId)
    const bob = await ctx.sdk.exec('alipay.system.oauth.token', { appAuthToken: ctx.merchant.appAuthToken, grantType: 'authorization_code', code: (await authorize(ctx.merchant.authAppId, '', { cookie: 'sim_user=bob' })).searchParams.get('auth_code') }, v)
    expect(bob.userId).not.toBe(r.userId)

    // JSAPI: trade.create with the open_id, paid by that customer.
    const no = outTradeNo()
    const created = await ctx.sdk.exec('alipay.trade.create', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no, totalAmount: '3.00', subject: 's', buyerOpenId: r.openId } }, v)
    expect(created.code).toBe('10000')
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', { trade_no: created.tradeNo })).status).toBe(200)
    const q = await ctx.sdk.exec('alipay.trade.query', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: no } }, v)
    expect(q).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', buyerUserId: r.userId, buyerOpenId: r.openId })
  })

  it('a code issued to one app is refused to another; unknown apps are refused at the authorize page', async () => {
    const code = (await authorize(ctx.merchant.authAppId)).searchParams.get('auth_code')
    const r = await ctx.sdk.exec('alipay.system.oauth.token', { grantType: 'authorization_code', code }, v) // ISV's own app, no token
    expect(r).toMatchObject({ code: '40002', subCode: 'isv.code-invalid' })
    const res = await fetch(`${ctx.sandbox.urls.alipay}/__sim/alipay/oauth/authorize?app_id=2021000000000000&redirect_uri=https%3A%2F%2Fx.example%2F`, { redirect: 'manual' })
    expect(res.status).toBe(400)
  })
})

/** Just enough DOM for the bridge shim: elements, a body, cookies and events. */
class FakeElement {
  children: FakeElement[] = []
  parentNode: FakeElement | undefined
  style = { cssText: '' }
  textContent = ''
  innerHTML = ''
  id = ''
  onclick: (() => void) | undefined
  readonly #found = new Map<string, FakeElement>()
  appendChild (c: FakeElement): FakeElement { c.parentNode = this; this.children.push(c); return c }
  removeChild (c: FakeElement): void { this.children = this.children.filter((x) => x !== c); c.parentNode = undefined }
  querySelector (sel: string): FakeElement {
    const el = this.#found.get(sel) ?? new FakeElement()
    this.#found.set(sel, el)
    return el
  }

  button (text: string): FakeElement {
    const b = this.children.flatMap((c) => c.children).find((c) => c.textContent === text)
    if (b === undefined) throw new Error(`no ${text} button`)
    return b
  }
}

interface BridgeResult { resultCode: string }
interface Bridge { call: (name: string, params: Record<string, string>, cb: (r: BridgeResult) => void) => void }

async function loadBridge (): Promise<{ bridge: Bridge, body: FakeElement, events: string[] }> {
  const script = await (await fetch(`${ctx.sandbox.urls.alipay}/__sim/bridge/alipay.js`)).text()
  const body = new FakeElement()
  const events: string[] = []
  const document = {
    body,
    cookie: 'sim_user=carol',
    createElement: () => new FakeElement(),
    dispatchEvent: (e: { type: string }) => { events.push(e.type); return true },
  }
  const context = createContext({ document, fetch, setTimeout, Event })
  context.window = context
  runInContext(script, context)
  await new Promise((resolve) => setTimeout(resolve, 10))
  return { bridge: context.AlipayJSBridge as Bridge, body, events }
}

async function overlay (body: FakeElement): Promise<FakeElement> {
  for (let i = 0; i < 100 && body.children.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  const box = body.children[0]
  if (box === undefined) throw new Error('the cashier overlay never appeared')
  return box
}

describe('AlipayJSBridge shim', () => {
  it('dispatches AlipayJSBridgeReady; tradePay pays (9000) or cancels (6001)', async () => {
    const { bridge, body, events } = await loadBridge()
    expect(events).toContain('AlipayJSBridgeReady')
    const created = async (): Promise<string> => (await ctx.sdk.exec('alipay.trade.create', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: outTradeNo(), totalAmount: '2.50', subject: 'JSAPI', buyerId: '2088102177846880' } }, v)).tradeNo

    const paidNo = await created()
    const paid = new Promise<BridgeResult>((resolve) => { bridge.call('tradePay', { tradeNO: paidNo }, resolve) })
    const box = await overlay(body)
    expect(box.children[0]?.querySelector('#alipay-sim-amount').textContent).toBe('¥2.50')
    box.button('确认付款').onclick?.()
    expect((await paid).resultCode).toBe('9000')
    expect(body.children).toHaveLength(0)
    const orders = await control<Array<{ trade_status: string }>>(ctx.sandbox, 'GET', `/__sim/alipay/orders?trade_no=${paidNo}`)
    expect(orders.body[0]?.trade_status).toBe('TRADE_SUCCESS')

    const cancelNo = await created()
    const cancelled = new Promise<BridgeResult>((resolve) => { bridge.call('tradePay', { tradeNO: cancelNo }, resolve) })
    ;(await overlay(body)).button('取消').onclick?.()
    expect((await cancelled).resultCode).toBe('6001')

    const unknown = await new Promise<BridgeResult>((resolve) => { bridge.call('tradePay', { tradeNO: '2026000000' }, resolve) })
    expect(unknown.resultCode).toBe('4000')
  })

  it('control /pay refuses unknown or already-paid trades', async () => {
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', { trade_no: 'nope' })).status).toBe(404)
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', {})).status).toBe(400)
    const t = await ctx.sdk.exec('alipay.trade.create', { appAuthToken: ctx.merchant.appAuthToken, bizContent: { outTradeNo: outTradeNo(), totalAmount: '1.00', subject: 's', buyerId: '2088102177846880' } }, v)
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', { trade_no: t.tradeNo })).status).toBe(200)
    expect((await control(ctx.sandbox, 'POST', '/__sim/alipay/pay', { trade_no: t.tradeNo })).status).toBe(409)
  })
})
