import { eq } from 'drizzle-orm'
import request from 'supertest'
import { MAX_PAY_FEN } from '@yima/shared'
import { orders } from '../../../src/modules/payments/payment.schema'
import { merchants, serviceProviders, stores } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { testApp } from '../../helpers/app'
import { scan, simUser } from '../../helpers/scan'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

/*
 * P1 one-code pay from the customer's phone, against the sandbox: the page for a code, the
 * payer's identity (WeChat OAuth on the SP's official account / Alipay auth_base) in the payer
 * cookie, the order with its bridge parameters, the sandbox customer paying, the notification,
 * and the page's poll showing the result with the ads.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => {
  const urls = channels.get().sandbox.urls
  live = await startLiveApp(database.get(), channels.get(), {
    payBridgeScripts: { wechat: `${urls.wxpay}/__sim/bridge/weixin.js`, alipay: `${urls.alipay}/__sim/bridge/alipay.js` },
  })
})
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
const ALIPAY_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 ChannelId(1) Ariver/1.1.0 AliApp(AP/10.5.86.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|844|3.0) AlipayClient/10.5.86.6000 Language/zh-Hans'
const BROWSER_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const SP_AD = { adImageUrl: 'https://sp.example.com/ad.png', adUrl: 'https://sp.example.com/', payCompleteUrl: 'https://sp.example.com/done' }
const MERCHANT_AD = { adImageUrl: 'https://haowei.example.com/ad.png', adUrl: null }

const server = () => live.app.callback()
const oaAppId = (): string => channels.get().sandbox.clients.wxmp.officialAccount.appId
const payPage = (code: string): string => `/#/pages/pay/index?code=${code}`
const problemPage = (problem: string): string => `/#/pages/scan/result/index?problem=${problem}`
const payerCookie = (setCookies: string[]): string => {
  const cookie = setCookies.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('yima_payer='))
  if (cookie === undefined) throw new Error(`no payer cookie in ${JSON.stringify(setCookies)}`)
  return cookie
}

interface Shop { owner: ConsoleUser, sp: any, merchant: any, store: any, clerk: any, code: (body: object) => Promise<any> }

/** An SP (AppSecret mode) with the ads set, a merchant, a store with a clerk; `alipay` authorizes the merchant's Alipay. */
async function shop (o: { alipay?: boolean } = {}): Promise<Shop> {
  const c = channels.get()
  const owner = await consoleUser(live.app, database.get())
  const sp = await createSp(owner, c)
  const { merchant } = await createMerchant(owner, sp.id, await newSubMchId(c))
  const store = (await owner.post(`/v1/merchants/${merchant.id}/stores`, { name: '科技园店' }).expect(201)).body
  const clerk = (await owner.post(`/v1/stores/${store.id}/staff`, { name: '王小明', role: 'clerk' }).expect(201)).body
  await database.get().db.update(serviceProviders).set(SP_AD).where(eq(serviceProviders.id, sp.id))
  await database.get().db.update(merchants).set(MERCHANT_AD).where(eq(merchants.id, merchant.id))
  if (o.alipay === true) {
    // The merchant authorizes the SP's Alipay app, as its owner would by scanning.
    const url = new URL((await owner.get(`/v1/merchants/${merchant.id}/alipay-authorization`).expect(200)).body.url)
    url.searchParams.set('sim_merchant', 'new')
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '')
    await request(server()).get(`${back.pathname}${back.search}`).expect(302)
  }
  const code = async (body: object): Promise<any> => (await owner.post(`/v1/stores/${store.id}/qr-codes`, body).expect(201)).body
  return { owner, sp, merchant, store, clerk, code }
}

const page = (code: string, ua: string, cookie?: string): request.Test => {
  const r = request(server()).get(`/v1/public/pay/${code}`).set('user-agent', ua)
  return cookie === undefined ? r : r.set('cookie', cookie)
}
const createOrder = (cookie: string | undefined, body: object, key?: string): request.Test => {
  const r = request(server()).post('/v1/public/pay/orders').set('user-agent', WECHAT_UA)
  if (cookie !== undefined) r.set('cookie', cookie)
  if (key !== undefined) r.set('idempotency-key', key)
  return r.send(body)
}
const poll = (cookie: string | undefined, id: string): request.Test => {
  const r = request(server()).get(`/v1/public/pay/orders/${id}`)
  return cookie === undefined ? r : r.set('cookie', cookie)
}
const orderRow = async (id: string) => (await database.get().db.select().from(orders).where(eq(orders.id, id)))[0]
const orderCount = async (): Promise<number> => (await database.get().db.select().from(orders)).length

/** The phone in WeChat: /pay/auth → the SP's OAuth as sandbox user `index` → back on the pay page with the cookie. */
async function wechatPayer (code: string, index = 0): Promise<{ cookie: string, openid: string }> {
  const person = await simUser(channels.get(), index)
  const landed = await scan(channels.get(), `${live.url}/pay/auth?code=${code}`, person.id)
  expect(landed).toMatchObject({ page: 'pages/pay/index', query: { code } })
  return { cookie: payerCookie(landed.cookies), openid: person.openid(oaAppId()) }
}

/** The phone in Alipay: /pay/auth → publicAppAuthorize.htm (auth_base) as sandbox buyer `buyer` → back with the cookie. */
async function alipayPayer (sp: any, code: string, buyer = 'sim_buyer'): Promise<{ cookie: string, callback: string }> {
  const endpoint = channels.get().sandbox.clients.alipay.endpoint
  const start = await fetch(`${live.url}/pay/auth?code=${code}`, { redirect: 'manual', headers: { 'user-agent': ALIPAY_UA } })
  const authorize = new URL(start.headers.get('location') ?? '')
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${endpoint}/oauth2/publicAppAuthorize.htm`)
  expect(Object.fromEntries(authorize.searchParams)).toEqual({
    app_id: sp.alipay.appId, scope: 'auth_base', redirect_uri: `${live.url}/pay/oauth/alipay/callback`, state: expect.any(String),
  })
  // The sandbox answers at the real path; sim_user picks the buyer who agrees.
  authorize.searchParams.set('sim_user', buyer)
  const callback = (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? ''
  expect(callback.startsWith(`${live.url}/pay/oauth/alipay/callback?`)).toBe(true)
  const landed = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': ALIPAY_UA } })
  expect(landed.headers.get('location')).toBe(payPage(code))
  return { cookie: payerCookie(landed.headers.getSetCookie()), callback }
}

describe('the pay page (GET /v1/public/pay/:code)', () => {
  it('describes store, clerk and fixed-amount codes by name, with the platform from the user agent', async () => {
    const s = await shop()
    const storeCode = await s.code({ kind: 'store' })
    const { body: dto } = await page(storeCode.code, WECHAT_UA).expect(200)
    expect(dto).toEqual({
      code: storeCode.code,
      kind: 'store',
      store: { name: '科技园店', branchName: null },
      merchant: { name: s.merchant.name, shortName: s.merchant.shortName, logoUrl: null },
      serviceProvider: { shortName: s.sp.shortName, logoUrl: null },
      limits: { minFen: 1, maxFen: MAX_PAY_FEN, maxQuantity: 99, remarkMaxLength: 40 },
      platform: 'wechat',
      payerKnown: false,
      authUrl: `${live.url}/pay/auth?code=${storeCode.code}`,
      bridgeScriptUrl: `${channels.get().sandbox.urls.wxpay}/__sim/bridge/weixin.js`,
      simulator: true,
    })
    // The customer's page learns names, not ids.
    for (const id of [s.sp.id, s.merchant.id, s.store.id, storeCode.id]) expect(JSON.stringify(dto)).not.toContain(id)
    // The shims are where the page is told to load them from.
    for (const url of [dto.bridgeScriptUrl, `${channels.get().sandbox.urls.alipay}/__sim/bridge/alipay.js`]) {
      const res = await fetch(url)
      expect([res.status, res.headers.get('content-type')]).toEqual([200, expect.stringContaining('javascript')])
    }

    const staffCode = await s.code({ kind: 'staff', staffId: s.clerk.id })
    expect((await page(staffCode.code, ALIPAY_UA).expect(200)).body).toMatchObject({
      kind: 'staff', staffName: '王小明', platform: 'alipay', bridgeScriptUrl: `${channels.get().sandbox.urls.alipay}/__sim/bridge/alipay.js`,
    })

    const latte = await s.code({ kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 })
    const { body: fixed } = await page(latte.code, BROWSER_UA).expect(200)
    expect(fixed).toMatchObject({ kind: 'fixed_amount', unitPriceFen: 1250, itemName: '拿铁咖啡', platform: 'other', payerKnown: false, authUrl: `${live.url}/pay/auth?code=${latte.code}` })
    expect(fixed.limits.maxQuantity).toBe(99)
    expect(fixed).not.toHaveProperty('bridgeScriptUrl')
    // A price near the cap leaves fewer units per payment.
    const pricey = await s.code({ kind: 'fixed_amount', name: '金条', unitPriceFen: 1_200_000 })
    expect((await page(pricey.code, WECHAT_UA).expect(200)).body.limits.maxQuantity).toBe(4)
    // Outside WeChat and Alipay the authorization says which apps to use.
    const other = await request(server()).get(`/pay/auth?code=${latte.code}`).set('user-agent', BROWSER_UA).expect(302)
    expect(other.headers.location).toBe(problemPage('unsupported_app'))
    // Against the sandbox a desktop browser may act as an app: the demo without a phone.
    expect((await page(latte.code, BROWSER_UA).set('cookie', 'sim_app=alipay').expect(200)).body).toMatchObject({ platform: 'alipay', simulator: true })
    const simulated = await request(server()).get(`/pay/auth?code=${latte.code}`).set('user-agent', BROWSER_UA).set('cookie', 'sim_app=wechat').expect(302)
    expect(simulated.headers.location).toContain('/connect/oauth2/authorize')
  })

  it('tells the apps apart by user agent alone when no sandbox is configured', async () => {
    const plain = testApp(database.get(), { config: { ...channels.get().config(live.url), payBridgeScripts: null } })
    const s = await shop()
    const storeCode = await s.code({ kind: 'store' })
    const { body } = await request(plain.app.callback()).get(`/v1/public/pay/${storeCode.code}`).set('user-agent', BROWSER_UA).set('cookie', 'sim_app=wechat').expect(200)
    expect(body).toMatchObject({ platform: 'other' })
    expect(body).not.toHaveProperty('simulator')
    expect(body).not.toHaveProperty('bridgeScriptUrl')
  })

  it('refuses unknown, unbound, disabled and closed-store codes; the printed URL and /pay/auth land on their pages', async () => {
    const s = await shop()
    const unknown = 'zzzzzzzzzzzz'
    expect((await page(unknown, WECHAT_UA).expect(404)).body.error).toMatchObject({ code: 'qr_code_not_found', param: 'code' })

    const { body: batch } = await s.owner.post('/v1/qr-batches', { serviceProviderId: s.sp.id, count: 1 }).expect(201)
    const blank = (await s.owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)).body.data[0]
    expect((await page(blank.code, WECHAT_UA).expect(409)).body.error.code).toBe('qr_code_unbound')

    const disabled = await s.code({ kind: 'store' })
    await s.owner.post(`/v1/qr-codes/${disabled.id}/disable`).expect(200)
    expect((await page(disabled.code, WECHAT_UA).expect(409)).body.error.code).toBe('qr_code_disabled')

    const open = await s.code({ kind: 'store' })
    await database.get().db.update(stores).set({ status: 'closed' }).where(eq(stores.id, s.store.id))
    expect((await page(open.code, WECHAT_UA).expect(409)).body.error).toMatchObject({ code: 'store_closed', message: '门店已停止收款' })
    expect((await request(server()).get(`/v1/public/qr/${open.code}`).expect(409)).body.error.code).toBe('store_closed')
    expect((await request(server()).get(`/q/${open.code}`).expect(302)).headers.location).toBe(problemPage('store_closed'))
    expect((await request(server()).get(`/pay/auth?code=${open.code}`).set('user-agent', WECHAT_UA).expect(302)).headers.location).toBe(problemPage('store_closed'))
    expect((await request(server()).get(`/pay/auth?code=${disabled.code}`).set('user-agent', ALIPAY_UA).expect(302)).headers.location).toBe(problemPage('qr_disabled'))
    expect((await request(server()).get(`/pay/auth?code=${unknown}`).set('user-agent', WECHAT_UA).expect(302)).headers.location).toBe(problemPage('qr_unknown'))
  })
})

describe('paying in WeChat', () => {
  it('authorizes on the SP\'s official account, orders, pays in the sandbox and polls the result with the ads', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const { cookie, openid } = await wechatPayer(qr.code)
    expect(openid).not.toBe('')
    expect((await page(qr.code, WECHAT_UA, cookie).expect(200)).body.payerKnown).toBe(true)

    const { body: created } = await createOrder(cookie, { code: qr.code, amountFen: 1234, remark: '  靠窗  ' }).expect(201)
    expect(created).toEqual({
      orderId: expect.stringMatching(/^ord_/),
      outTradeNo: expect.any(String),
      amountFen: 1234,
      bridge: { type: 'wechat_jsapi', appId: oaAppId(), timeStamp: expect.any(String), nonceStr: expect.any(String), package: expect.stringMatching(/^prepay_id=wx/), signType: 'RSA', paySign: expect.any(String) },
    })
    expect(await orderRow(created.orderId)).toMatchObject({
      status: 'pending',
      merchantId: s.merchant.id,
      storeId: s.store.id,
      staffId: null,
      qrCodeId: qr.id,
      sourceType: 'one_code',
      tradeType: 'one_code',
      method: 'wechat_jsapi',
      payerId: openid,
      quantity: null,
      remark: '靠窗',
      description: `${s.merchant.shortName}-科技园店`,
    })
    // WeChat's cashier checks the paySign against the prepay id, as the sandbox's bridge shim does.
    const paySignParams = Object.fromEntries(Object.entries(created.bridge).filter(([k]) => k !== 'type'))
    const verified = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/jsapi/verify', paySignParams)
    expect(verified.body).toMatchObject({ ok: true })

    const { body: before } = await poll(cookie, created.orderId).expect(200)
    expect(before).toMatchObject({ orderId: created.orderId, status: 'pending', paidAt: null })
    const prepayId = String(created.bridge.package).slice('prepay_id='.length)
    expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { prepay_id: prepayId, openid })).status).toBe(200)
    await channels.get().sim('wxpay', 'POST', '/__sim/idle')

    const { body: after } = await poll(cookie, created.orderId).expect(200)
    expect(after).toEqual({
      orderId: created.orderId,
      outTradeNo: created.outTradeNo,
      status: 'succeeded',
      amountFen: 1234,
      discountFen: 0,
      quantity: null,
      remark: '靠窗',
      paidAt: expect.any(String),
      store: { name: '科技园店', branchName: null },
      merchant: { shortName: s.merchant.shortName, logoUrl: null },
      ads: [
        { owner: 'service_provider', imageUrl: SP_AD.adImageUrl, linkUrl: SP_AD.adUrl },
        { owner: 'merchant', imageUrl: MERCHANT_AD.adImageUrl, linkUrl: null },
      ],
      payCompleteUrl: SP_AD.payCompleteUrl,
    })
  })

  it('credits a clerk code to the clerk and charges a fixed-amount code unit × quantity', async () => {
    const s = await shop()
    const staffCode = await s.code({ kind: 'staff', staffId: s.clerk.id })
    const latte = await s.code({ kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 })
    const { cookie } = await wechatPayer(staffCode.code, 1)

    const { body: tip } = await createOrder(cookie, { code: staffCode.code, amountFen: 500 }).expect(201)
    expect(await orderRow(tip.orderId)).toMatchObject({ staffId: s.clerk.id, qrCodeId: staffCode.id, sourceType: 'staff_outdoor_qr', amountFen: 500 })

    const { body: coffee } = await createOrder(cookie, { code: latte.code, quantity: 3 }).expect(201)
    expect(coffee.amountFen).toBe(3750)
    expect(await orderRow(coffee.orderId)).toMatchObject({ amountFen: 3750, quantity: 3, sourceType: 'fixed_amount_qr', description: `${s.merchant.shortName}-科技园店 拿铁咖啡×3` })
    // What WeChat was asked to charge.
    const sandboxOrders = (await channels.get().sim<any[]>('wxpay', 'GET', '/__sim/wxpay/orders')).body
    expect(sandboxOrders.find((o) => o.out_trade_no === coffee.outTradeNo)?.amount).toMatchObject({ total: 3750 })
  })

  it('asks WeChat itself when the notification does not come, at most every few seconds', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const { cookie, openid } = await wechatPayer(qr.code, 2)
    const { body: created } = await createOrder(cookie, { code: qr.code, amountFen: 990 }).expect(201)
    // The notification is refused (bad signature); WeChat's retry is 15 s away on the sandbox clock.
    await channels.get().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:notify', mode: 'SIGN_BAD', count: 1 })
    await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: created.outTradeNo, openid })
    await channels.get().sim('wxpay', 'POST', '/__sim/idle')
    expect((await orderRow(created.orderId))?.status).toBe('pending')
    // Checked a moment ago (created): not asked again yet.
    expect((await poll(cookie, created.orderId).expect(200)).body.status).toBe('pending')
    live.clock.advance(4000)
    const { body } = await poll(cookie, created.orderId).expect(200)
    expect(body).toMatchObject({ status: 'succeeded', paidAt: expect.any(String) })
  })
})

describe('paying in Alipay', () => {
  it('identifies the buyer with auth_base, orders with the merchant\'s authorization and polls the payment', async () => {
    const s = await shop({ alipay: true })
    const qr = await s.code({ kind: 'store' })
    expect((await page(qr.code, ALIPAY_UA).expect(200)).body).toMatchObject({ platform: 'alipay', payerKnown: false })
    const { cookie, callback } = await alipayPayer(s.sp, qr.code)
    expect((await page(qr.code, ALIPAY_UA, cookie).expect(200)).body.payerKnown).toBe(true)
    // Not a WeChat payer: the WeChat page of the same code still asks.
    expect((await page(qr.code, WECHAT_UA, cookie).expect(200)).body.payerKnown).toBe(false)

    // Phone browsers may load the callback twice: the spent code must not undo the first load.
    const again = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': ALIPAY_UA, cookie } })
    expect(again.headers.get('location')).toBe(payPage(qr.code))
    const stranger = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': ALIPAY_UA } })
    expect(stranger.headers.get('location')).toBe(problemPage('alipay_auth_failed'))

    const { body: created } = await createOrder(cookie, { code: qr.code, amountFen: 2000 }).expect(201)
    expect(created.bridge).toEqual({ type: 'alipay_jsapi', tradeNo: expect.stringMatching(/^\d{28}$/) })
    expect(await orderRow(created.orderId)).toMatchObject({ method: 'alipay_jsapi', payPlatform: 'alipay', sourceType: 'one_code', payerId: expect.stringMatching(/^2088\d{12}$/) })

    expect((await channels.get().sim('alipay', 'POST', '/__sim/alipay/pay', { out_trade_no: created.outTradeNo })).status).toBe(200)
    await channels.get().sim('alipay', 'POST', '/__sim/idle')
    expect((await poll(cookie, created.orderId).expect(200)).body).toMatchObject({
      status: 'succeeded', amountFen: 2000, ads: [{ owner: 'service_provider' }, { owner: 'merchant' }], payCompleteUrl: SP_AD.payCompleteUrl,
    })
  })

  it('sends an Alipay customer of a merchant without Alipay to a page that says so', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const res = await request(server()).get(`/pay/auth?code=${qr.code}`).set('user-agent', ALIPAY_UA).expect(302)
    expect(res.headers.location).toBe(problemPage('alipay_not_enabled'))
  })
})

describe('order rules', () => {
  it('pays a store that sells as its own WeChat Pay sub-merchant to that sub-merchant, and follows the order there (S1)', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const own = await newSubMchId(channels.get(), '科技园店特约商户')
    await s.owner.patch(`/v1/stores/${s.store.id}`, { wechatSubMchId: own }).expect(200)
    const { cookie, openid } = await wechatPayer(qr.code)
    const created = (await createOrder(cookie, { code: qr.code, amountFen: 321 }).expect(201)).body
    expect(await orderRow(created.orderId)).toMatchObject({ wxSubMchId: own })
    const sandbox = (await channels.get().sim<any[]>('wxpay', 'GET', '/__sim/wxpay/orders')).body.find((o) => o.out_trade_no === created.outTradeNo)
    expect(sandbox).toMatchObject({ sub_mchid: own })
    // The notification names that sub-merchant: it is the order's, so it is applied.
    expect((await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: created.outTradeNo, openid })).status).toBe(200)
    await channels.get().sim('wxpay', 'POST', '/__sim/idle')
    expect(await orderRow(created.orderId)).toMatchObject({ status: 'succeeded' })
    // A later change of the store's setting does not move the paid order: refunds go where the money is.
    await s.owner.patch(`/v1/stores/${s.store.id}`, { wechatSubMchId: '' }).expect(200)
    await s.owner.post(`/v1/orders/${created.orderId}/refunds`, { amountFen: 21 }).expect(201)
    const refunded = (await channels.get().sim<any[]>('wxpay', 'GET', '/__sim/wxpay/orders')).body.find((o) => o.out_trade_no === created.outTradeNo)
    expect(refunded.refunds).toHaveLength(1)
  })

  it('takes only the channels the store accepts, and sends the store\'s goods_tag with its orders (S1, C2)', async () => {
    const s = await shop({ alipay: true })
    const qr = await s.code({ kind: 'store' })
    const alipay = await alipayPayer(s.sp, qr.code)
    await s.owner.patch(`/v1/stores/${s.store.id}`, { paymentTypes: ['wechat_pay'], goodsTag: 'MUTEX_STORE' }).expect(200)
    // Alipay is off at this store: the scan lands on a page that says so, and ordering is refused.
    const res = await request(server()).get(`/pay/auth?code=${qr.code}`).set('user-agent', ALIPAY_UA).expect(302)
    expect(res.headers.location).toBe(problemPage('payment_type_not_accepted'))
    const refused = await request(server()).post('/v1/public/pay/orders').set('user-agent', ALIPAY_UA).set('cookie', alipay.cookie).send({ code: qr.code, amountFen: 100 }).expect(409)
    expect(refused.body.error.code).toBe('payment_type_not_accepted')
    // WeChat still pays, and the order carries the tag WeChat matches vouchers on.
    const { cookie } = await wechatPayer(qr.code, 3)
    const created = await createOrder(cookie, { code: qr.code, amountFen: 888 }).expect(201)
    const [row] = await database.get().db.select().from(orders).where(eq(orders.id, created.body.orderId))
    expect(row?.goodsTag).toBe('MUTEX_STORE')
  })

  it('takes an amount for store codes and a quantity for fixed-amount codes, within the limits', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const latte = await s.code({ kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 })
    const gold = await s.code({ kind: 'fixed_amount', name: '金条', unitPriceFen: 2_000_000 })
    const { cookie } = await wechatPayer(qr.code)
    const refused = async (body: object, status: number): Promise<{ code: string, param?: string }> =>
      (await createOrder(cookie, body).expect(status)).body.error

    for (const amountFen of [0, -5, MAX_PAY_FEN + 1]) {
      expect(await refused({ code: qr.code, amountFen }, 400)).toMatchObject({ code: 'amount_out_of_range', param: 'amountFen' })
    }
    expect(await refused({ code: qr.code, amountFen: 12.5 }, 400)).toMatchObject({ code: 'validation_failed', param: 'amountFen' })
    expect(await refused({ code: qr.code }, 400)).toMatchObject({ code: 'validation_failed', param: 'amountFen' })
    expect(await refused({ code: qr.code, amountFen: 100, quantity: 1 }, 400)).toMatchObject({ code: 'validation_failed', param: 'quantity' })
    expect(await refused({ code: latte.code }, 400)).toMatchObject({ code: 'validation_failed', param: 'quantity' })
    expect(await refused({ code: latte.code, amountFen: 1250, quantity: 1 }, 400)).toMatchObject({ code: 'validation_failed', param: 'amountFen' })
    expect(await refused({ code: latte.code, quantity: 0 }, 400)).toMatchObject({ code: 'validation_failed', param: 'quantity' })
    expect(await refused({ code: gold.code, quantity: 3 }, 400)).toMatchObject({ code: 'amount_out_of_range', param: 'quantity' })
    expect(await orderCount()).toBe(0)

    // The limits themselves are fine.
    await createOrder(cookie, { code: qr.code, amountFen: 1 }).expect(201)
    await createOrder(cookie, { code: qr.code, amountFen: MAX_PAY_FEN }).expect(201)
    await createOrder(cookie, { code: gold.code, quantity: 2 }).expect(201)
    // Each payer gets 20 tries a minute, refused ones included: 13 so far.
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await createOrder(cookie, { code: qr.code, amountFen: 0 })).status)
    expect(statuses).toEqual([...Array<number>(7).fill(400), 429])
  })

  it('refuses codes that cannot take payments, and anyone without the payer cookie', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const { cookie } = await wechatPayer(qr.code)
    expect((await createOrder(undefined, { code: qr.code, amountFen: 100 }).expect(401)).body.error.code).toBe('payer_unknown')
    expect((await createOrder('yima_payer=forged.token.value', { code: qr.code, amountFen: 100 }).expect(401)).body.error.code).toBe('payer_unknown')
    expect((await createOrder(cookie, { code: 'zzzzzzzzzzzz', amountFen: 100 }).expect(404)).body.error.code).toBe('qr_code_not_found')

    const { body: batch } = await s.owner.post('/v1/qr-batches', { serviceProviderId: s.sp.id, count: 1 }).expect(201)
    const blank = (await s.owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)).body.data[0]
    expect((await createOrder(cookie, { code: blank.code, amountFen: 100 }).expect(409)).body.error.code).toBe('qr_code_unbound')
    const disabled = await s.code({ kind: 'store' })
    await s.owner.post(`/v1/qr-codes/${disabled.id}/disable`).expect(200)
    expect((await createOrder(cookie, { code: disabled.code, amountFen: 100 }).expect(409)).body.error.code).toBe('qr_code_disabled')
    await database.get().db.update(stores).set({ status: 'closed' }).where(eq(stores.id, s.store.id))
    expect((await createOrder(cookie, { code: qr.code, amountFen: 100 }).expect(409)).body.error.code).toBe('store_closed')
    expect(await orderCount()).toBe(0)

    // A bound blank is Cloud Pay's "bound QR" (source type 3).
    await database.get().db.update(stores).set({ status: 'open' }).where(eq(stores.id, s.store.id))
    await s.owner.post(`/v1/qr-codes/${blank.id}/bind`, { storeId: s.store.id }).expect(200)
    const { body: bound } = await createOrder(cookie, { code: blank.code, amountFen: 100 }).expect(201)
    expect(await orderRow(bound.orderId)).toMatchObject({ sourceType: 'bound_qr', qrCodeId: blank.id })
  })

  it('asks a payer of another SP\'s official account to authorize again', async () => {
    const a = await shop()
    const b = await shop()
    const qrA = await a.code({ kind: 'store' })
    const qrB = await b.code({ kind: 'store' })
    // Both SPs use the sandbox's one official account; a cookie for another appid is someone else's.
    await database.get().db.update(serviceProviders).set({ wxOaAppId: 'wx0123456789abcdef' }).where(eq(serviceProviders.id, b.sp.id))
    const { cookie } = await wechatPayer(qrA.code)
    expect((await page(qrB.code, WECHAT_UA, cookie).expect(200)).body.payerKnown).toBe(false)
    expect((await createOrder(cookie, { code: qrB.code, amountFen: 100 }).expect(401)).body.error.code).toBe('payer_unknown')
  })

  it('shows an order only to the payer who made it, and replays a repeated tap', async () => {
    const s = await shop()
    const qr = await s.code({ kind: 'store' })
    const mine = await wechatPayer(qr.code, 0)
    const theirs = await wechatPayer(qr.code, 1)
    const first = await createOrder(mine.cookie, { code: qr.code, amountFen: 700 }, 'tap-1').expect(201)
    const repeat = await createOrder(mine.cookie, { code: qr.code, amountFen: 700 }, 'tap-1').expect(201)
    expect(repeat.headers['idempotent-replayed']).toBe('true')
    expect(repeat.body.orderId).toBe(first.body.orderId)
    expect(await orderCount()).toBe(1)

    await poll(mine.cookie, first.body.orderId).expect(200)
    const foreign = (await poll(theirs.cookie, first.body.orderId).expect(404)).body.error
    const missing = (await poll(theirs.cookie, 'ord_01J00000000000000000000000').expect(404)).body.error
    expect({ ...foreign, requestId: undefined }).toEqual({ ...missing, requestId: undefined })
    expect(foreign).toMatchObject({ code: 'order_not_found' })
    expect((await poll(undefined, first.body.orderId).expect(401)).body.error.code).toBe('payer_unknown')
  })

  it('answers channel_unavailable when the channel does not answer, and nothing can be paid', async () => {
    const s = await shop({ alipay: true })
    const qr = await s.code({ kind: 'store' })
    const { cookie } = await wechatPayer(qr.code)
    await channels.get().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /v3/pay/partner/transactions/jsapi', mode: '5xx', count: 1 })
    const { body } = await createOrder(cookie, { code: qr.code, amountFen: 1500 }).expect(503)
    expect(body.error).toMatchObject({ type: 'unavailable', code: 'channel_unavailable', message: '支付通道暂时不可用，请稍后再试' })
    const [left] = await database.get().db.select().from(orders)
    // Pending for reconciliation, never paid: WeChat has no such order and the page got no paySign.
    expect(left).toMatchObject({ status: 'pending', amountFen: 1500 })
    const wechatOrders = (await channels.get().sim<any[]>('wxpay', 'GET', '/__sim/wxpay/orders')).body
    expect(wechatOrders.filter((o) => o.out_trade_no === left?.outTradeNo)).toEqual([])
    // The channel is back: the customer simply pays again.
    await createOrder(cookie, { code: qr.code, amountFen: 1500 }).expect(201)

    const alipay = await alipayPayer(s.sp, qr.code)
    await channels.get().sim('alipay', 'POST', '/__sim/faults', { route: 'alipay:alipay.trade.create', mode: '5xx', count: 1 })
    expect((await createOrder(alipay.cookie, { code: qr.code, amountFen: 1500 }).expect(503)).body.error.code).toBe('channel_unavailable')
  })
})
