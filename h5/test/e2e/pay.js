// The one-code pay scenario of the browser test (mission P1, P6, S3, S4, C4), run by run.js against
// the real server wired to the sandbox: the tenant is made through the API, then phones with the
// WeChat and the Alipay user agent scan the printed URL `/q/<code>`, go through the sandbox's OAuth
// (the `sim_user` cookie picks the customer), type the amount on the pay page's keypad and pay in
// the sandbox cashier that the bridge shim (PAY_BRIDGE_BASE_URL) opens. A clerk of the store clocks
// in and out from the same page (H1, seed 003).
const assert = require('assert/strict')
const { scenarioKit, listenLocal, v, text, press, paid } = require('./kit')
const { wechatPaySettings } = require('./sandbox-keys')

/** A console account of its own, created by run.js before the server starts (embedded DB). */
const PAY_ACCOUNT = { login: 'payops', password: 'S3cure-pay!' }
const BINDING_USER = 'wangwu' // sandbox WeChat user bound to PAY_ACCOUNT (T1)
const WECHAT_CUSTOMER = 'lisi' // sandbox WeChat user who pays
const WECHAT_CLERK = { user: 'zhangsan', name: '张三' } // sandbox WeChat user activated as the store's clerk
const ALIPAY_CUSTOMER = 'e2e-alipay-buyer' // any name is an Alipay sandbox buyer
const WECHAT_SUB_MCH_ID = '1900000102'
const ALIPAY_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 AlipayClient/10.6.10.6000 Language/zh-Hans'
// ~360 KB today (React, the Taro runtime, the page's own code; no vantui, no zod, no Taro.request).
const PAY_FIRST_LOAD_BUDGET = 450_000
const PNG_PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

/**
 * The SP's side on the internet: the trade-complete callback receiver (answers Cloud Pay's
 * `status: 0`), the pay-complete page and the ad, on one loopback port.
 */
function startSpSite () {
  const callbacks = []
  const waiters = []
  const handler = (req, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => {
      if (req.method === 'POST') {
        callbacks.push({ path: req.url, headers: req.headers, body })
        for (const w of waiters.splice(0)) w()
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ response_content: JSON.stringify({ status: 0, description: 'ok' }) }))
      } else if (req.url === '/ad.png') {
        res.writeHead(200, { 'content-type': 'image/png' })
        res.end(PNG_PIXEL)
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        res.end(`<!doctype html><title>SP</title><h1 id="sp-page">${req.url}</h1>`)
      }
    })
  }
  /** Resolves with the first callback `match` accepts, waiting up to `timeoutMs`. */
  const waitForCallback = async (match, timeoutMs) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = callbacks.find(match)
      if (found !== undefined) return found
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching callback in ${timeoutMs / 1000} s (${callbacks.length} received)`)
      await new Promise((resolve) => { const t = setTimeout(resolve, left); waiters.push(() => { clearTimeout(t); resolve() }) })
    }
  }
  return listenLocal(handler).then((site) => ({ ...site, callbacks, waitForCallback }))
}

/** @param {Parameters<typeof scenarioKit>[0]} o what run.js hands every scenario */
async function payScenario (o) {
  const { browser, base, sandbox, wechatUa } = o
  const kit = scenarioKit(o)
  const { state, step, shot, api, orderWhen, signInAndBind, noPageErrors, closeAll } = kit
  const site = await startSpSite()
  /** A phone with `userAgent`; its page errors are collected under alipay / wechat. */
  const phone = async (userAgent, simUser) => await kit.phone(simUser, { userAgent, label: userAgent.includes('Alipay') ? 'alipay' : 'wechat' })

  try {
    await step(`pay: console account ${PAY_ACCOUNT.login} signs in (API) and binds WeChat user ${BINDING_USER} (a phone scan)`, [], async () => {
      await signInAndBind(PAY_ACCOUNT, BINDING_USER)
    })

    const ali = sandbox.clients.alipay
    await step('pay: SP (callback URL, pay-complete URL, ad), merchant with Alipay authorized, store and codes (API)', ['bound'], async () => {
      const sp = await api('POST', '/v1/service-providers', {
        name: 'yima 付款测试服务商',
        shortName: '付款测试',
        adminName: '王五',
        adminPhone: '13800000003',
        tradeCallbackUrl: `${site.url}/trade-callback`,
        payCompleteUrl: `${site.url}/done`,
        adUrl: `${site.url}/ad`,
        adImageUrl: `${site.url}/ad.png`,
        wechatPay: wechatPaySettings(sandbox),
        alipay: { appId: ali.appId, privateKey: ali.appPrivateKeyPem, alipayPublicKey: ali.alipayPublicKeyPem, pid: ali.pid },
      })
      const { merchant } = await api('POST', '/v1/merchants', {
        serviceProviderId: sp.id,
        name: '付款测试咖啡有限公司',
        shortName: '付款测试咖啡',
        adminName: '赵六',
        adminEmail: 'zhaoliu@example.com',
        wechatSubMchId: WECHAT_SUB_MCH_ID,
      })
      // The merchant authorizes the SP's Alipay app (T7); the sandbox page agrees at once for sim_merchant=new.
      const { url } = await api('GET', `/v1/merchants/${merchant.id}/alipay-authorization`)
      let next = `${url}&sim_merchant=new`
      for (let hop = 0; hop < 6 && !next.includes('/#/'); hop++) {
        const res = await fetch(next, { redirect: 'manual' })
        assert.ok(res.status >= 300 && res.status < 400, `${next} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
        next = new URL(res.headers.get('location'), next).toString()
      }
      assert.match(next, /ok=alipay_authorized/)
      const store = await api('POST', `/v1/merchants/${merchant.id}/stores`, { name: '付款测试门店', branchName: '一号店', address: '深圳市南山区' })
      const storeCode = await api('POST', `/v1/stores/${store.id}/qr-codes`, { kind: 'store', name: '收银台' })
      const fixedCode = await api('POST', `/v1/stores/${store.id}/qr-codes`, { kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1550 })
      const batch = await api('POST', '/v1/qr-batches', { serviceProviderId: sp.id, count: 1 })
      const blanks = await api('GET', `/v1/qr-codes?batchId=${encodeURIComponent(batch.id)}`)
      assert.equal(blanks.data.length, 1)
      assert.equal(blanks.data[0].kind, 'blank')
      Object.assign(state, { spId: sp.id, merchantId: merchant.id, storeId: store.id, storeCode: storeCode.url, fixedCode: fixedCode.url, blankCode: blanks.data[0].url })
      assert.equal(new URL(state.storeCode).origin, base, 'the printed URL is on PUBLIC_URL')
    })

    await step(`pay (WeChat): ${WECHAT_CUSTOMER} scans /q/<store code> → OAuth → the pay page (store, keypad)`, ['storeCode'], async () => {
      const { ctx, page } = await phone(wechatUa, WECHAT_CUSTOMER)
      await page.goto(state.storeCode)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      assert.match(page.url(), /#\/pages\/pay\/index\?code=/)
      assert.equal(await text(page, '.pay-head__store'), '付款测试门店（一号店）')
      assert.equal(await text(page, '.pay-head__merchant'), '付款测试咖啡')
      assert.equal(await page.$$eval(v('.pay__submit--disabled'), (els) => els.length), 1, '付款 is disabled before an amount is typed')
      state.wechat = { ctx, page }
    })

    await step(`pay (WeChat): ${WECHAT_CUSTOMER} is no clerk of the store: /staff answers 404, no staff bar`, ['wechat'], async () => {
      const { page } = state.wechat
      const staff = page.waitForResponse((r) => /\/v1\/public\/pay\/[^/]+\/staff$/.test(new URL(r.url()).pathname), { timeout: 15_000 })
      await page.reload()
      assert.equal((await staff).status(), 404)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      assert.equal(await page.$('.pay-staff'), null)
    })

    await step('pay (WeChat): first load of the pay page with an empty cache', ['wechat'], async () => {
      const { measurePage } = await import('../../scripts/measure-pay-page.mjs')
      const m = await measurePage(browser, state.wechat.page.url(), '.pay .keypad', { userAgent: wechatUa, storageState: await state.wechat.ctx.storageState() })
      console.log(`      pay page first load: ${m.total.raw} bytes raw, ${m.total.gzip} bytes gzip -9, ${m.total.requests} requests`)
      assert.ok(m.total.raw < PAY_FIRST_LOAD_BUDGET, `${m.total.raw} bytes ≥ budget ${PAY_FIRST_LOAD_BUDGET}`)
      // The page, then (not before: the keypad does not wait) whether this WeChat payer is the store's staff.
      assert.deepEqual(m.files.filter((f) => f.kind === 'api').map((f) => f.path.replace(/^\/v1\/public\/pay\/[^/]+/, ':code')), [':code', ':code/staff'])
    })

    await step('pay (WeChat): 12.34 on the keypad → 付款 → cancel in the cashier → 已取消支付, still on the page', ['wechat'], async () => {
      const { page } = state.wechat
      await press(page, '12.345')
      assert.equal(await text(page, '.pay__amount-value'), '12.34', 'a third decimal is refused')
      await page.fill(v('.pay__remark-input input'), '少冰')
      await shot(page, 'pay-wechat-keypad.png')
      await page.click(v('.pay__submit'))
      const cashier = page.frameLocator('iframe[src*="/__sim/cashier/wx"]')
      await cashier.locator('text=¥12.34').waitFor({ timeout: 15_000 })
      await shot(page, 'pay-wechat-cashier.png')
      await cashier.locator('#cancel').click()
      await page.waitForSelector(v('.pay-toast >> text=已取消支付'), { timeout: 10_000 })
      assert.match(page.url(), /pages\/pay\/index/)
      assert.equal(await text(page, '.pay__amount-value'), '12.34')
      state.cancelled = true
    })

    await step('pay (WeChat): 付款 again → a new order → 确认支付 in the cashier → 支付成功 ¥12.34, store and ad', ['cancelled'], async () => {
      const { page } = state.wechat
      await page.click(v('.pay__submit'))
      const cashier = page.frameLocator('iframe[src*="/__sim/cashier/wx"]')
      await cashier.locator('#pay').click({ timeout: 15_000 })
      state.wechatOrderId = await paid(page, '¥12.34')
      assert.equal(await text(page, '.pay-result__store'), '付款测试咖啡 · 付款测试门店（一号店）')
      assert.equal(await page.getAttribute(v('.pay-result__ad--service_provider img'), 'src'), `${site.url}/ad.png`)
      await shot(page, 'pay-wechat-paid.png')
    })

    await step('pay (WeChat): the order is paid: 12.34 yuan, remark, store code attribution (GET /v1/orders/:id)', ['wechatOrderId'], async () => {
      const order = await orderWhen(state.wechatOrderId, (o) => o.status === 'succeeded')
      assert.equal(order.amountFen, 1234)
      assert.equal(order.payPlatform, 'wechat_pay')
      assert.equal(order.remark, '少冰')
      assert.ok(order.qrCodeId)
      state.wechatOutTradeNo = order.outTradeNo
    })

    await step('pay (WeChat): the pay-complete page goes to the SP\'s pay-complete URL by itself (~3 s)', ['wechatOrderId'], async () => {
      await state.wechat.page.waitForURL(`${site.url}/done`, { timeout: 10_000 })
    })

    await step('pay: the SP\'s trade-complete callback was delivered (P6)', ['wechatOutTradeNo'], async () => {
      const cb = await site.waitForCallback((c) => c.body.includes(state.wechatOutTradeNo), 45_000)
      assert.equal(cb.path, '/trade-callback')
      const envelope = JSON.parse(cb.body)
      assert.equal(typeof envelope.request_content, 'string')
      assert.ok(envelope.authen_info, 'signed with the merchant\'s authentication key')
    })

    await step('pay (WeChat): fixed-amount code, quantity 3 × ¥15.50 → ¥46.50 charged (S4)', ['fixedCode', 'wechat'], async () => {
      const { page } = state.wechat
      await page.goto(state.fixedCode)
      await page.waitForSelector(v('.pay .stepper'), { timeout: 20_000 })
      assert.equal(await text(page, '.pay__item'), '拿铁咖啡')
      assert.equal(await text(page, '.pay__unit-price'), '¥15.50')
      await page.click(v('.stepper__plus'))
      await page.click(v('.stepper__plus'))
      assert.equal(await text(page, '.stepper__value'), '3')
      assert.equal(await text(page, '.pay__total'), '¥46.50')
      await shot(page, 'pay-fixed-amount.png')
      await page.click(v('.pay__submit'))
      await page.frameLocator('iframe[src*="/__sim/cashier/wx"]').locator('#pay').click({ timeout: 15_000 })
      const id = await paid(page, '¥46.50')
      const order = await orderWhen(id, (o) => o.status === 'succeeded')
      assert.equal(order.amountFen, 3 * 1550)
      assert.equal(order.quantity, 3)
    })

    await step(`pay (Alipay): ${ALIPAY_CUSTOMER} scans /q/<store code> → auth_base → keypad 0.5 → 付款 → 确认付款 → 支付成功 ¥0.50`, ['storeCode'], async () => {
      const { page } = await phone(ALIPAY_UA, ALIPAY_CUSTOMER)
      const staffCalls = []
      page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith('/staff')) staffCalls.push(r.url()) })
      await page.goto(state.storeCode)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      await press(page, '.5')
      assert.equal(await text(page, '.pay__amount-value'), '0.5')
      await page.click(v('.pay__submit'))
      await page.click('#alipay-sim-cashier button:has-text("确认付款")', { timeout: 15_000 })
      const id = await paid(page, '¥0.50')
      assert.deepEqual(staffCalls, [], 'an Alipay payer is never asked whether they are staff')
      await shot(page, 'pay-alipay-paid.png')
      const order = await orderWhen(id, (o) => o.status === 'succeeded')
      assert.equal(order.amountFen, 50)
      assert.equal(order.payPlatform, 'alipay')
    })

    await step(`pay (H1): clerk ${WECHAT_CLERK.name} added to the store (API) and activated by WeChat user ${WECHAT_CLERK.user} (a phone scan)`, ['storeId'], async () => {
      const clerk = await api('POST', `/v1/stores/${state.storeId}/staff`, { name: WECHAT_CLERK.name, role: 'clerk' })
      const { url } = await api('GET', `/v1/staff/${clerk.id}/activation-qr`)
      const { ctx, page } = await phone(wechatUa, WECHAT_CLERK.user)
      await page.goto(url)
      await page.waitForURL(/pages\/scan\/result\/index/, { timeout: 20_000 })
      assert.equal(await text(page, '.result__title'), '激活成功')
      state.clerk = { id: clerk.id, ctx, page }
    })

    await step(`pay (H1): ${WECHAT_CLERK.name} scans /q/<store code> → 店员：${WECHAT_CLERK.name} · 未上班 → 上班打卡 → 在班 → 下班打卡 → confirm → 未上班`, ['clerk', 'storeCode'], async () => {
      const { page } = state.clerk
      await page.goto(state.storeCode)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      await page.waitForSelector(v('.pay-staff'), { timeout: 15_000 })
      assert.equal(await text(page, '.pay-staff__text'), `店员：${WECHAT_CLERK.name} · 未上班`)
      assert.equal(await text(page, '.pay-staff__button'), '上班打卡')
      await shot(page, 'pay-clerk-off-duty.png')

      await page.click(v('.pay-staff__button'))
      await page.waitForSelector(v('.pay-toast >> text=已上班'), { timeout: 10_000 })
      assert.equal(await text(page, '.pay-staff__text'), `店员：${WECHAT_CLERK.name} · 在班`)
      assert.equal(await text(page, '.pay-staff__button'), '下班打卡')
      await shot(page, 'pay-clerk-on-duty.png')
      // The server agrees, also after a reload.
      await page.reload()
      await page.waitForSelector(v('.pay-staff--on'), { timeout: 15_000 })

      await page.click(v('.pay-staff__button'))
      await page.waitForSelector(v('.pay-dialog'), { timeout: 5_000 })
      assert.equal(await text(page, '.pay-dialog__message'), '下班后将不再收到收款消息')
      await shot(page, 'pay-clerk-clock-out-confirm.png')
      await page.click(v('.pay-dialog__confirm'))
      await page.waitForSelector(v('.pay-toast >> text=已下班'), { timeout: 10_000 })
      assert.equal(await page.$('.pay-dialog'), null)
      assert.equal(await text(page, '.pay-staff__text'), `店员：${WECHAT_CLERK.name} · 未上班`)
      assert.equal(await text(page, '.pay-staff__button'), '上班打卡')
      // The keypad is still there: a clerk may pay like anyone.
      await press(page, '1')
      assert.equal(await text(page, '.pay__amount-value'), '1')
      state.clockedOut = true
    })

    await step(`pay (H1): the console sees ${WECHAT_CLERK.name}'s closed shift (GET /v1/stores/:id/handover)`, ['clockedOut'], async () => {
      const now = Date.now()
      const q = `from=${encodeURIComponent(new Date(now - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 3_600_000).toISOString())}`
      const { data } = await api('GET', `/v1/stores/${state.storeId}/handover?${q}`)
      const mine = data.filter((w) => w.staffId === state.clerk.id)
      assert.equal(mine.length, 1, JSON.stringify(data))
      assert.equal(mine[0].kind, 'closed')
      assert.equal(mine[0].staffName, WECHAT_CLERK.name)
      assert.ok(mine[0].clockOutAt)
    })

    await step('pay: an unbound blank code → 该二维码尚未绑定门店 (S3)', ['blankCode'], async () => {
      const { page } = await phone(wechatUa, WECHAT_CUSTOMER)
      await page.goto(state.blankCode)
      await page.waitForURL(/pages\/scan\/result\/index\?problem=qr_unbound/, { timeout: 15_000 })
      assert.equal(await text(page, '.result__title'), '该二维码尚未绑定门店')
      await shot(page, 'pay-blank-code.png')
    })

    await step('pay: outside WeChat and Alipay → 请使用微信或支付宝扫码付款; the sandbox offers 模拟微信付款 → OAuth → keypad', ['storeCode'], async () => {
      const { page } = await phone('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', WECHAT_CUSTOMER)
      await page.goto(state.storeCode)
      await page.waitForSelector(v('.pay-message--other'), { timeout: 15_000 })
      assert.equal(await text(page, '.pay-message__title'), '请使用微信或支付宝扫码付款')
      assert.equal(await page.$('.keypad'), null)
      await page.click(v('.pay-simulator__wechat'))
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
    })

    await noPageErrors('pay: no page errors')
  } finally {
    await closeAll()
    await site.close()
  }
}

module.exports = { payScenario, PAY_ACCOUNT }
