// The WeChat Pay vouchers scenario of the browser test (issue 9: C2, C3), run by run.js against the
// real server wired to the sandbox: the console makes the tenant through the API (an SP in
// AppSecret mode with a pay-complete URL, a merchant, a store whose orders carry goods_tag
// MUTEX_STORE), a running 满 10 减 2 免充值 batch is created in the sandbox's WeChat Pay back office,
// imported and offered as the pay-complete page's main voucher. A WeChat phone pays 5.00 at the
// store code, finds the voucher on the pay-complete page (which holds its redirect to the SP's
// page meanwhile), claims it, then pays 15.00 at the same code: WeChat redeems the voucher, the
// page shows 代金券优惠 ¥2.00，实付 ¥13.00, and the console's order, batch and summary agree
// (settlement = amount − the 免充值 discount). Last, the merchant's voucher page (商户二维码) shows
// the voucher as 已领取.
const assert = require('assert/strict')
const { scenarioKit, listenLocal, v, text, press, paid } = require('./kit')
const { wechatPaySettings } = require('./sandbox-keys')

/** A console account of its own, created by run.js before the server starts (embedded DB). */
const VOUCHER_ACCOUNT = { login: 'voucherops', password: 'S3cure-voucher!' }
const USERS = {
  binder: { id: 'voucher-binder', nickname: '褚十一', phone: '13500000001' },
  customer: { id: 'voucher-customer', nickname: '卫小姐', phone: '13500000002' },
}
const MERCHANT_SHORT_NAME = '代金券测试茶饮'
const STORE = { name: '代金券测试门店', branchName: '科技园', address: '深圳市南山区', goodsTag: 'MUTEX_STORE' }
const BATCH = { name: '满10减2', amountFen: 200, thresholdFen: 1000 }
const CLAIMED_TEXT = '已领取，下次在本店付款时自动抵扣'

/** The SP's pay-complete page on the internet: one loopback port. */
function startSpSite () {
  return listenLocal((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>SP</title><h1 id="sp-page">${req.url}</h1>`)
  })
}

/** @param {Parameters<typeof scenarioKit>[0]} o what run.js hands every scenario */
async function vouchersScenario (o) {
  const { base, sandbox } = o
  const { state, step, phone, shot, api, sim, eventually, signInAndBind, noPageErrors, closeAll } = scenarioKit(o)
  const site = await startSpSite()
  const doneUrl = `${site.url}/done`
  /** The batch as the console sees it (issued, redeemed). */
  const consoleBatch = async () => (await api('GET', `/v1/merchants/${state.merchantId}/vouchers`)).batches.find((b) => b.id === state.batch.id)
  /** Amount typed on the store code's keypad → 付款 → the sandbox cashier shows `cashierAmount` → 确认支付. */
  const payAtStore = async (page, keys, cashierAmount, shotName) => {
    await page.goto(state.storeCode)
    await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
    assert.equal(await text(page, '.pay-head__store'), `${STORE.name}（${STORE.branchName}）`)
    await press(page, keys)
    assert.equal(await text(page, '.pay__amount-value'), keys)
    await page.click(v('.pay__submit'))
    const cashier = page.frameLocator('iframe[src*="/__sim/cashier/wx"]')
    await cashier.locator('.amount').waitFor({ timeout: 15_000 })
    assert.equal((await cashier.locator('.amount').textContent())?.trim(), cashierAmount)
    await shot(page, shotName)
    await cashier.locator('#pay').click()
  }
  /** The voucher cards as shown: amount, threshold, role (主券 / 奖励券 / null), name, validity, button, message. */
  const voucherCards = async (page) => await page.$$eval('.voucher', (els) => els.map((el) => ({
    amount: `${el.querySelector('.voucher__currency')?.textContent ?? ''}${el.querySelector('.voucher__yuan')?.textContent ?? ''}`,
    threshold: el.querySelector('.voucher__threshold')?.textContent?.trim() ?? '',
    role: el.querySelector('.voucher__role')?.textContent?.trim() ?? null,
    // The role label sits inside the name line, before the batch's name.
    name: (el.querySelector('.voucher__name')?.textContent ?? '').replace(el.querySelector('.voucher__role')?.textContent ?? '', '').trim(),
    validity: el.querySelector('.voucher__validity')?.textContent?.trim() ?? '',
    button: el.querySelector('.voucher__button')?.textContent?.trim() ?? null,
    buttonClass: el.querySelector('.voucher__button')?.className ?? '',
    message: el.querySelector('.voucher__message')?.textContent?.trim() ?? null,
  })))

  try {
    await step(`vouchers: sandbox WeChat users, console account ${VOUCHER_ACCOUNT.login} signs in (API) and binds WeChat (a phone scan)`, [], async () => {
      for (const u of Object.values(USERS)) await sim('wxmp', 'POST', '/__sim/wxmp/users', u)
      await signInAndBind(VOUCHER_ACCOUNT, USERS.binder.id)
    })

    await step(`vouchers: SP (AppSecret mode, pay-complete URL), merchant, store with goodsTag ${STORE.goodsTag} and its store code (API)`, ['bound'], async () => {
      const sp = await api('POST', '/v1/service-providers', {
        name: 'yima 代金券测试服务商',
        shortName: '代金券测试',
        adminName: '褚十一',
        adminPhone: USERS.binder.phone,
        payCompleteUrl: doneUrl,
        wechatPay: wechatPaySettings(sandbox),
      })
      const { sub_mchid: subMchId } = await sim('wxpay', 'POST', '/__sim/wxpay/merchants', { name: MERCHANT_SHORT_NAME })
      const { merchant } = await api('POST', '/v1/merchants', {
        serviceProviderId: sp.id,
        name: '深圳市代金券测试茶饮有限公司',
        shortName: MERCHANT_SHORT_NAME,
        adminName: '蒋十二',
        adminEmail: 'jiangshier@example.com',
        wechatSubMchId: subMchId,
      })
      const store = await api('POST', `/v1/merchants/${merchant.id}/stores`, STORE)
      assert.equal(store.goodsTag, STORE.goodsTag)
      const code = await api('POST', `/v1/stores/${store.id}/qr-codes`, { kind: 'store', name: '收银台' })
      assert.equal(new URL(code.url).origin, base, 'the printed URL is on PUBLIC_URL')
      Object.assign(state, { merchantId: merchant.id, subMchId, storeId: store.id, storeCode: code.url })
    })

    await step(`vouchers: a running batch ${BATCH.name} (免充值, 1 per user, ${STORE.goodsTag}) made in the sandbox, imported (POST …/voucher-batches) and set as the main voucher (PATCH uses: [main])`, ['subMchId'], async () => {
      const stock = await sim('wxpay', 'POST', '/__sim/wxpay/stocks', {
        creator_mchid: state.subMchId,
        name: BATCH.name,
        coupon_amount: BATCH.amountFen,
        transaction_minimum: BATCH.thresholdFen,
        max_coupons_per_user: 1,
        goods_tag: [STORE.goodsTag],
        no_cash: true,
        days: 30,
      })
      assert.match(stock.stock_id ?? '', /^\d+$/, JSON.stringify(stock))
      const imported = await api('POST', `/v1/merchants/${state.merchantId}/voucher-batches`, { stockId: stock.stock_id, creatorMchId: state.subMchId })
      assert.equal(imported.amountFen, BATCH.amountFen)
      assert.equal(imported.thresholdFen, BATCH.thresholdFen)
      assert.equal(imported.noCash, true)
      assert.equal(imported.maxPerUser, 1)
      assert.equal(imported.wechatStatus, 'running')
      assert.deepEqual(imported.uses, [])
      const batch = await api('PATCH', `/v1/voucher-batches/${imported.id}`, { uses: ['main'] })
      assert.deepEqual(batch.uses, ['main'])
      assert.equal(batch.issued, 0)
      state.batch = batch
      state.stockId = stock.stock_id
    })

    await step(`vouchers: ${USERS.customer.nickname} scans /q/<store code>, pays 5.00 in the sandbox cashier → 支付成功 ¥5.00 with the main voucher ¥2 满 10 元可用 主券 领取; the redirect to the SP's page waits`, ['batch', 'storeCode'], async () => {
      const { ctx, page } = await phone(USERS.customer.id)
      state.customer = { ctx, page }
      await payAtStore(page, '5', '¥5.00', 'vouchers-first-cashier.png')
      state.firstOrderId = await paid(page, '¥5.00')
      assert.equal(await page.$('.pay-result__discount'), null, 'no voucher was redeemed')
      await page.waitForSelector(v('.vouchers .voucher'), { timeout: 15_000 })
      assert.equal(await text(page, '.vouchers__title'), '送您代金券')
      const cards = await voucherCards(page)
      assert.equal(cards.length, 1, JSON.stringify(cards))
      assert.deepEqual({ ...cards[0], validity: undefined, buttonClass: undefined }, {
        amount: '¥2', threshold: '满 10 元可用', role: '主券', name: BATCH.name, validity: undefined, button: '领取', buttonClass: undefined, message: null,
      })
      assert.match(cards[0].validity, /^有效期至 \d{4}-\d{2}-\d{2}$/)
      assert.match(cards[0].buttonClass, /voucher__button--open/)
      await shot(page, 'vouchers-offered.png')
      // A voucher still to be claimed holds the 3 s redirect: no countdown, still here after 4 s.
      await page.waitForTimeout(4_000)
      assert.match(page.url(), /pages\/pay\/result\/index/)
      assert.equal(await page.$('.pay-result__countdown'), null)
      assert.equal(await text(page, '.pay-result__done'), '完成')
      state.offered = true
    })

    await step('vouchers: 领取 → 已领取，下次在本店付款时自动抵扣 (POST /v1/public/vouchers/claims 201), then the page goes to the SP\'s pay-complete URL', ['offered'], async () => {
      const { page } = state.customer
      const claimed = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/public/vouchers/claims', { timeout: 20_000 })
      await page.click(v('.voucher__button--open'))
      const res = await claimed
      assert.equal(res.status(), 201, await res.text())
      const body = await res.json()
      assert.equal(body.batchId, state.batch.id)
      assert.equal(body.amountFen, BATCH.amountFen)
      assert.match(body.couponId ?? '', /^\d+$/)
      assert.ok(res.request().headers()['idempotency-key'], 'the claim carries an Idempotency-Key')
      assert.deepEqual(JSON.parse(res.request().postData() ?? '{}'), { batchId: state.batch.id, orderId: state.firstOrderId })
      await page.waitForSelector(v('.voucher__message--ok'), { timeout: 10_000 })
      assert.equal(await text(page, '.voucher__message--ok'), CLAIMED_TEXT)
      assert.equal(await text(page, '.voucher__button'), '已领取')
      assert.match(await page.getAttribute(v('.voucher__button'), 'class') ?? '', /voucher__button--claimed/)
      assert.match(await text(page, '.pay-result__countdown'), /^\d 秒后自动跳转$/)
      await shot(page, 'vouchers-claimed.png')
      state.couponId = body.couponId
      await page.waitForURL(doneUrl, { timeout: 10_000 })
    })

    await step('vouchers: the claim went through: the batch has issued 1, redeemed 0 (GET /v1/merchants/:id/vouchers); the sandbox\'s wallet holds the coupon', ['couponId'], async () => {
      const batch = await eventually('the batch with one voucher issued', consoleBatch, (b) => b?.issued === 1)
      assert.equal(batch.redeemed, 0)
      const stocks = await sim('wxpay', 'GET', '/__sim/wxpay/stocks')
      const coupons = stocks.find((s) => s.stock_id === state.stockId)?.coupons ?? []
      assert.deepEqual(coupons.map((c) => [c.coupon_id, c.status]), [[state.couponId, 'SENDED']])
    })

    await step('vouchers: the same phone pays 15.00 at the same code: the cashier asks ¥15.00 (WeChat applies the voucher when paying) → 支付成功 ¥15.00, 代金券优惠 ¥2.00，实付 ¥13.00, the voucher 已领取, then the SP\'s page', ['couponId'], async () => {
      const { page } = state.customer
      await payAtStore(page, '15', '¥15.00', 'vouchers-second-cashier.png')
      const id = await paid(page, '¥15.00')
      // Read in one go: nothing is left to claim (the voucher, used now, still counts as held), so the
      // page leaves for the SP's page after 3 s.
      const shown = await page.waitForFunction(() => {
        const discount = document.querySelector('.pay-result__discount')?.textContent
        const button = document.querySelector('.voucher .voucher__button')
        return discount !== undefined && button !== null && { discount, button: button.textContent.trim(), buttonClass: button.className }
      }, null, { timeout: 10_000 })
      const { discount, button, buttonClass } = await shown.jsonValue()
      assert.equal(discount, '代金券优惠 ¥2.00，实付 ¥13.00')
      assert.equal(button, '已领取')
      assert.match(buttonClass, /voucher__button--closed/)
      await shot(page, 'vouchers-redeemed.png')
      state.secondOrderId = id
      await page.waitForURL(doneUrl, { timeout: 10_000 })
    })

    await step('vouchers: the console agrees: the order has discountFen 200 (GET /v1/orders/:id), the batch redeemed 1, the coupon is USED in the sandbox', ['secondOrderId'], async () => {
      const order = await eventually('the second order', async () => await api('GET', `/v1/orders/${state.secondOrderId}`), (o) => o.status === 'succeeded')
      assert.equal(order.amountFen, 1500)
      assert.equal(order.discountFen, BATCH.amountFen)
      assert.equal(order.storeId, state.storeId)
      const first = await api('GET', `/v1/orders/${state.firstOrderId}`)
      assert.equal(first.discountFen, 0)
      const batch = await eventually('the batch with one voucher redeemed', consoleBatch, (b) => b?.redeemed === 1)
      assert.equal(batch.issued, 1)
      const stocks = await sim('wxpay', 'GET', '/__sim/wxpay/stocks')
      const coupon = (stocks.find((s) => s.stock_id === state.stockId)?.coupons ?? []).find((c) => c.coupon_id === state.couponId)
      assert.equal(coupon?.status, 'USED', JSON.stringify(coupon))
    })

    await step('vouchers: the store\'s summary (GET /v1/reports/summary): 2 trades, ¥20.00, discount ¥2.00, settlement ¥18.00 (免充值: amount − discount)', ['secondOrderId'], async () => {
      const now = Date.now()
      const q = `from=${encodeURIComponent(new Date(now - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(now + 86_400_000).toISOString())}&storeId=${encodeURIComponent(state.storeId)}`
      const { total } = await eventually('the summary with both payments', async () => await api('GET', `/v1/reports/summary?${q}`), (s) => s?.total?.tradeCount === 2)
      assert.equal(total.tradeFen, 2000)
      assert.equal(total.discountFen, 200)
      assert.equal(total.settlementFen, 1800)
    })

    await step('vouchers: the merchant\'s voucher page (pageUrl, /v/<code>) on the phone → OAuth → the merchant and its voucher, 已领取', ['couponId'], async () => {
      const { pageUrl } = await api('GET', `/v1/merchants/${state.merchantId}/vouchers`)
      assert.match(pageUrl, new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/v/\\S+$`))
      const { page } = state.customer
      await page.goto(pageUrl)
      await page.waitForURL(/#\/pages\/vouchers\/index\?code=/, { timeout: 20_000 })
      await page.waitForSelector(v('.voucher-page .voucher'), { timeout: 20_000 })
      assert.equal(await text(page, '.voucher-head__name'), MERCHANT_SHORT_NAME)
      assert.equal(await text(page, '.vouchers__title'), '本店代金券')
      const cards = await voucherCards(page)
      assert.equal(cards.length, 1, JSON.stringify(cards))
      assert.equal(cards[0].amount, '¥2')
      assert.equal(cards[0].threshold, '满 10 元可用')
      assert.equal(cards[0].name, BATCH.name)
      assert.equal(cards[0].role, null, 'the merchant\'s page does not rank its vouchers')
      assert.equal(cards[0].button, '已领取')
      assert.match(cards[0].buttonClass, /voucher__button--closed/)
      await shot(page, 'vouchers-merchant-page.png')
    })

    await noPageErrors('vouchers: no page errors')
  } finally {
    await closeAll()
    await site.close()
  }
}

module.exports = { vouchersScenario, VOUCHER_ACCOUNT }
