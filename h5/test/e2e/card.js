// The stored-value membership card scenario of the browser test (issue 8: M1–M3), run by run.js
// against the real server wired to the sandbox. The console makes the merchant's card through the
// API (a 卡券子商户 approved in the sandbox, a fixed-mode card with a 充 100 元送 10 元 tier, approved
// by the sandbox's reviewers); a WeChat phone opens the card's claim link, claims it into the wallet
// (the WeixinJSBridge shim's batchAddCard) and activates it; then, from the store's one-code page,
// recharges the tier in the sandbox cashier, pays with the balance, and finds all four ledger
// entries (recharge, its bonus, the payment's principal and bonus parts) under the store.
const assert = require('assert/strict')
const path = require('path')
const { scenarioKit, listenLocal, json, v, text, press } = require('./kit')
const { wechatPaySettings } = require('./sandbox-keys')

/** A console account of its own, created by run.js before the server starts (embedded DB). */
const CARD_ACCOUNT = { login: 'cardops', password: 'S3cure-card!' }
const USERS = {
  binder: { id: 'card-binder', nickname: '冯九', phone: '13600000001' },
  customer: { id: 'card-customer', nickname: '陈小姐', phone: '13600000002' },
}
const MEMBER = { name: '陈小姐', phone: '13912345678' }
const STORE_A = { name: '储值测试科技园店', branchName: '科技园', address: '深圳市南山区' }
const STORE_B = { name: '储值测试海岸城店', branchName: '海岸城', address: '深圳市南山区' }
const CARD_TITLE = '储值测试会员卡'
const TIER = { amountFen: 10_000, bonusFen: 1_000 } // 充 100 元 送 10 元
const PNG_PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

/** The merchant's logo on the internet (the card face shows it): one loopback port. */
function startLogoSite () {
  return listenLocal((req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' })
    res.end(PNG_PIXEL)
  })
}

/** @param {Parameters<typeof scenarioKit>[0]} o what run.js hands every scenario */
async function cardScenario (o) {
  const { base, sandbox, shots, wechatUa } = o
  const { state, step, phone, shot, api, sim, eventually, signInAndBind, noPageErrors, closeAll } = scenarioKit(o)
  const site = await startLogoSite()
  /** A vantui button by its exact label (Taro's H5 build renders <taro-view-core>, no button role). */
  const button = (page, label) => page.locator(v('.van-button')).filter({ has: page.locator('.van-button__text', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
  /** The card page's member home (balance, recharge, ledger) once it has loaded. */
  const memberHome = async (page) => {
    await page.waitForSelector(v('.card-page .card-balance'), { timeout: 20_000 })
    await page.waitForSelector(v('.card-ledger__list, .card-ledger__empty:not(:has-text("加载中"))'), { timeout: 15_000 })
  }
  /** The ledger as shown: [kind, amount, store · time] per entry, newest first. */
  const ledgerRows = async (page) => await page.$$eval('.card-ledger__entry', (els) => els.map((el) => [
    el.querySelector('.card-ledger__kind')?.textContent?.trim() ?? '',
    el.querySelector('.card-ledger__amount')?.textContent?.trim() ?? '',
    el.querySelector('.card-ledger__meta')?.textContent?.trim() ?? '',
  ]))
  /** The customer's own ledger through the API, with the phone's payer cookie. */
  const apiLedger = async () => {
    const res = await state.customer.ctx.request.get(`${base}/v1/public/cards/${state.card.id}/ledger`, { headers: { 'user-agent': wechatUa } })
    assert.equal(res.status(), 200, await res.text())
    return (await res.json()).data
  }

  try {
    await step(`card: sandbox WeChat users, console account ${CARD_ACCOUNT.login} signs in (API) and binds WeChat (a phone scan)`, [], async () => {
      for (const u of Object.values(USERS)) await sim('wxmp', 'POST', '/__sim/wxmp/users', u)
      await signInAndBind(CARD_ACCOUNT, USERS.binder.id)
    })

    await step('card: SP (AppSecret mode), merchant, stores A and B with their store codes (API)', ['bound'], async () => {
      const sp = await api('POST', '/v1/service-providers', {
        name: 'yima 会员卡测试服务商',
        shortName: '会员卡测试',
        adminName: '冯九',
        adminPhone: '13600000001',
        wechatPay: wechatPaySettings(sandbox),
      })
      const { sub_mchid: subMchId } = await sim('wxpay', 'POST', '/__sim/wxpay/merchants', { name: '储值测试餐饮' })
      const { merchant } = await api('POST', '/v1/merchants', {
        serviceProviderId: sp.id,
        name: '深圳市储值测试餐饮有限公司',
        shortName: '储值测试餐饮',
        adminName: '卫十',
        adminEmail: 'weishi@example.com',
        wechatSubMchId: subMchId,
      })
      const storeA = await api('POST', `/v1/merchants/${merchant.id}/stores`, STORE_A)
      const storeB = await api('POST', `/v1/merchants/${merchant.id}/stores`, STORE_B)
      const codeA = await api('POST', `/v1/stores/${storeA.id}/qr-codes`, { kind: 'store', name: '收银台' })
      const codeB = await api('POST', `/v1/stores/${storeB.id}/qr-codes`, { kind: 'store', name: '收银台' })
      Object.assign(state, { merchantId: merchant.id, merchantShortName: merchant.shortName, storeA: { ...storeA, code: codeA.code, url: codeA.url }, storeB: { ...storeB, code: codeB.code, url: codeB.url } })
      assert.equal(new URL(codeA.url).origin, base, 'the printed URL is on PUBLIC_URL')
    })

    await step('card: a 卡券子商户 submitted with the official account\'s token and approved in the sandbox, then set on the merchant (PUT …/member-card/sub-merchant)', ['merchantId'], async () => {
      const oa = sandbox.clients.wxmp.officialAccount
      const wxmp = sandbox.urls.wxmp
      const { access_token: token } = await json(`${wxmp}/cgi-bin/token?grant_type=client_credential&appid=${oa.appId}&secret=${oa.appSecret}`)
      assert.ok(token, 'the sandbox gave the official account a token')
      const submitted = await json(`${wxmp}/card/submerchant/submit?access_token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ info: { brand_name: '储值测试餐饮', logo_url: `${site.url}/logo.png`, protocol: 'media_protocol', end_time: 1_900_000_000, primary_category_id: 2, secondary_category_id: 152 } }),
      })
      const subMerchantId = submitted?.info?.merchant_id
      assert.ok(Number.isInteger(subMerchantId), JSON.stringify(submitted))
      await sim('wxmp', 'POST', `/__sim/wxmp/submerchants/${subMerchantId}/review`, { status: 'APPROVED' })
      const setup = await api('PUT', `/v1/merchants/${state.merchantId}/member-card/sub-merchant`, { cardSubMerchantId: String(subMerchantId) })
      assert.equal(setup.cardSubMerchantId, String(subMerchantId))
      assert.equal(setup.cardSubMerchantStatus, 'APPROVED')
      state.subMerchantId = subMerchantId
    })

    await step(`card: fixed-mode card「${CARD_TITLE}」with 充 100 元送 10 元 created (POST …/member-card), approved in the sandbox, claimUrl set`, ['subMerchantId'], async () => {
      const created = await api('POST', `/v1/merchants/${state.merchantId}/member-card`, {
        title: CARD_TITLE,
        logoUrl: `${site.url}/logo.png`,
        color: 'Color010',
        notice: '付款时请出示会员卡',
        description: '可在储值测试餐饮各门店使用余额付款。',
        rechargeMode: 'fixed',
        tiers: [TIER, { amountFen: 50_000, bonusFen: 8_000 }],
        balanceCapFen: 200_000,
      })
      assert.equal(created.status, 'reviewing')
      assert.equal(created.claimUrl, null, 'no claim link before the review')
      await sim('wxmp', 'POST', `/__sim/wxmp/cards/${created.wxCardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })
      const { card } = await eventually('the card approved with a claim link', async () => await api('GET', `/v1/merchants/${state.merchantId}/member-card`), (r) => r.card?.claimUrl != null)
      assert.equal(card.status, 'approved')
      assert.equal(card.claimUrl, `${base}/card/${card.id}`)
      assert.equal(card.memberCount, 0)
      state.card = card
    })

    await step(`card: ${USERS.customer.nickname} opens the claim link /card/<id> → OAuth → the card page with 领取到卡包`, ['card'], async () => {
      const { ctx, page } = await phone(USERS.customer.id)
      await page.goto(state.card.claimUrl)
      await page.waitForURL(/#\/pages\/card\/index\?card=/, { timeout: 20_000 })
      await page.waitForSelector(v('.card-page .card-claim'), { timeout: 20_000 })
      assert.equal(await text(page, '.card-face__merchant'), state.merchantShortName)
      assert.equal(await text(page, '.card-face__title'), CARD_TITLE)
      assert.equal(await page.$('.card-face__balance'), null, 'no balance before the card is claimed and activated')
      assert.equal(await button(page, '领取到卡包').count(), 1)
      await shot(page, 'card-claim.png')
      state.customer = { ctx, page }
    })

    await step('card: 领取到卡包 (the shim\'s batchAddCard puts it in the sandbox wallet) → 激活会员卡 form with the card number', ['customer'], async () => {
      const { page } = state.customer
      const claimed = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/public/cards/${state.card.id}/claims`, { timeout: 20_000 })
      await button(page, '领取到卡包').click()
      const res = await claimed
      assert.equal(res.status(), 201, await res.text())
      const member = await res.json()
      assert.equal(member.state, 'claimed')
      await page.waitForSelector(v('.card-activate'), { timeout: 15_000 })
      assert.equal(await text(page, '.card-activate .card-section__title'), '激活会员卡')
      assert.match(await text(page, '.card-face__code'), /^卡号 \S+$/)
      // WeChat's wallet holds it now, for this customer.
      const wx = await sim('wxmp', 'GET', `/__sim/wxmp/cards/${state.card.wxCardId}`)
      assert.equal((wx.codes ?? []).length, 1, JSON.stringify(wx.codes))
      await shot(page, 'card-activate.png')
      state.claimed = member
    })

    await step(`card: 姓名 ${MEMBER.name}, 手机号 ${MEMBER.phone} → 立即激活 → 会员卡余额 ¥0.00, recharge tiers and an empty ledger`, ['claimed'], async () => {
      const { page } = state.customer
      // A wrong number is refused on the page first.
      await page.fill(v('.card-activate__name input'), MEMBER.name)
      await page.fill(v('.card-activate__phone input'), '1391234')
      await button(page, '立即激活').click()
      assert.equal(await text(page, '.card-input--phone + .card-error'), '请输入 11 位手机号')
      await page.fill(v('.card-activate__phone input'), MEMBER.phone)
      await button(page, '立即激活').click()
      await memberHome(page)
      assert.equal(await text(page, '.card-balance__value'), '¥0.00')
      assert.equal(await text(page, '.card-face__balance-value'), '¥0.00')
      assert.equal(await text(page, '.card-balance__principal .card-balance__part-value'), '¥0.00')
      assert.equal(await text(page, '.card-balance__bonus .card-balance__part-value'), '¥0.00')
      const tiers = await page.$$eval('.card-tier', (els) => els.map((el) => el.textContent.replace(/\s+/g, ' ').trim()))
      assert.deepEqual(tiers, ['100 元充 100 元 送 10 元', '500 元充 500 元 送 80 元'])
      assert.equal(await page.$('.card-recharge__store'), null, 'opened from the claim link: no store')
      assert.equal(await text(page, '.card-ledger__range'), '今天')
      assert.equal(await text(page, '.card-ledger__empty'), '当天没有流水')
      await shot(page, 'card-active.png')
      state.activated = true
    })

    await step('card: the store\'s one-code page /q/<store A code> shows the card bar (余额 ¥0.00, 会员卡余额充值, 会员卡余额付款)', ['activated'], async () => {
      const { page } = state.customer
      await page.goto(state.storeA.url)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      await page.waitForSelector(v('.pay-card'), { timeout: 15_000 })
      assert.equal(await text(page, '.pay-card__title'), CARD_TITLE)
      assert.equal(await text(page, '.pay-card__balance'), '余额 ¥0.00')
      assert.equal(await text(page, '.pay-card__recharge'), '会员卡余额充值')
      assert.equal(await text(page, '.pay-card__method--on'), '微信支付', 'WeChat Pay is the default')
      assert.equal(await text(page, '.pay-card__method--card'), '会员卡余额付款')
      await shot(page, 'card-pay-page.png')
    })

    await step('card: 会员卡余额充值 → OAuth → the card page for store A (在 … 门店充值)', ['activated'], async () => {
      const { page } = state.customer
      await page.getByText('会员卡余额充值', { exact: true }).click()
      await page.waitForURL(/#\/pages\/card\/index\?.*code=/, { timeout: 20_000 })
      await memberHome(page)
      assert.equal(await text(page, '.card-recharge__store'), `在 ${STORE_A.name} 门店充值`)
      assert.match(await button(page, '立即充值').getAttribute('class'), /van-button--disabled/, '立即充值 waits for a tier')
      state.rechargePage = true
    })

    await step('card: tier 100 元 (充 100 元 送 10 元) → 立即充值 ¥100.00 → 确认支付 in the sandbox cashier → 充值成功，到账 110 元, balance ¥110.00', ['rechargePage'], async () => {
      const { page } = state.customer
      await page.locator(v('.card-tier')).filter({ hasText: '充 100 元 送 10 元' }).click()
      assert.equal(await page.$$eval('.card-tier--on', (els) => els.length), 1)
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/public/cards/${state.card.id}/recharges`, { timeout: 20_000 })
      await button(page, '立即充值 ¥100.00').click()
      const res = await created
      assert.equal(res.status(), 201, await res.text())
      const recharge = await res.json()
      assert.equal(recharge.amountFen, TIER.amountFen)
      assert.equal(recharge.bonusFen, TIER.bonusFen)
      const cashier = page.frameLocator('iframe[src*="/__sim/cashier/wx"]')
      await cashier.locator('text=¥100.00').waitFor({ timeout: 15_000 })
      await shot(page, 'card-recharge-cashier.png')
      await cashier.locator('#pay').click()
      await page.waitForSelector(v('.card-success'), { timeout: 30_000 })
      assert.equal(await text(page, '.card-success'), '充值成功，到账 110 元（含赠送 10 元）')
      assert.equal(await text(page, '.card-balance__value'), '¥110.00')
      assert.equal(await text(page, '.card-face__balance-value'), '¥110.00')
      assert.equal(await text(page, '.card-balance__principal .card-balance__part-value'), '¥100.00')
      assert.equal(await text(page, '.card-balance__bonus .card-balance__part-value'), '¥10.00')
      await page.waitForFunction(() => document.querySelectorAll('.card-ledger__entry').length === 2, null, { timeout: 15_000 })
      await shot(page, 'card-recharged.png')
      state.rechargeOrderId = recharge.orderId
    })

    await step('card: the recharge is a paid WeChat Pay order of ¥100.00 at store A (GET /v1/orders/:id)', ['rechargeOrderId'], async () => {
      const order = await eventually('the recharge order', async () => await api('GET', `/v1/orders/${state.rechargeOrderId}`), (o) => o.status === 'succeeded')
      assert.equal(order.amountFen, TIER.amountFen)
      assert.equal(order.payPlatform, 'wechat_pay')
      assert.equal(order.storeId, state.storeA.id)
    })

    await step('card: back on /q/<store A code>: 会员卡余额付款, 55 on the keypad → 余额付款 → 余额付款成功 ¥55.00, 会员卡余额 ¥55.00', ['rechargeOrderId'], async () => {
      const { page } = state.customer
      await page.goto(state.storeA.url)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      assert.equal(await text(page, '.pay-card__balance'), '余额 ¥110.00')
      await page.getByText('会员卡余额付款', { exact: true }).click()
      assert.equal(await text(page, '.pay-card__method--on'), '会员卡余额付款')
      await press(page, '55')
      assert.equal(await text(page, '.pay__amount-value'), '55')
      assert.equal(await text(page, '.pay__submit'), '余额付款')
      await shot(page, 'card-balance-pay.png')
      const paid = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/public/cards/${state.card.id}/payments`, { timeout: 20_000 })
      await page.click(v('.pay__submit'))
      const res = await paid
      assert.equal(res.status(), 201, await res.text())
      const body = await res.json()
      assert.equal(body.payment.amountFen, 5_500)
      assert.equal(body.payment.principalFen, 5_000)
      assert.equal(body.payment.bonusFen, 500)
      assert.equal(body.payment.storeName, STORE_A.name)
      await page.waitForSelector(v('.pay-card-result'), { timeout: 15_000 })
      assert.equal(await text(page, '.pay-card-result__title'), '余额付款成功')
      assert.equal(await text(page, '.pay-card-result__amount'), '¥55.00')
      assert.equal(await text(page, '.pay-card-result__store'), `${state.merchantShortName} · ${STORE_A.name}（${STORE_A.branchName}）`)
      assert.equal(await text(page, '.pay-card-result__balance'), '会员卡余额 ¥55.00')
      assert.equal(await page.$('iframe[src*="/__sim/cashier/wx"]'), null, 'no cashier for a balance payment')
      await shot(page, 'card-balance-paid.png')
      // 完成 returns to the keypad with the new balance.
      await page.getByText('完成', { exact: true }).click()
      await page.waitForSelector(v('.pay .keypad'), { timeout: 10_000 })
      assert.equal(await text(page, '.pay-card__balance'), '余额 ¥55.00')
      state.balancePaid = true
    })

    await step('card: the card page\'s 会员卡流水 (今天): 充值 +100.00, 充值赠送 +10.00, 余额付款 -50.00, 余额付款（赠送金）-5.00, all at store A', ['balancePaid'], async () => {
      const { page } = state.customer
      await page.goto(`${base}/card/${state.card.id}`)
      await page.waitForURL(/#\/pages\/card\/index\?card=/, { timeout: 20_000 })
      await memberHome(page)
      await page.waitForFunction(() => document.querySelectorAll('.card-ledger__entry').length === 4, null, { timeout: 15_000 })
      assert.equal(await text(page, '.card-balance__value'), '¥55.00')
      assert.equal(await text(page, '.card-balance__principal .card-balance__part-value'), '¥50.00')
      assert.equal(await text(page, '.card-balance__bonus .card-balance__part-value'), '¥5.00')
      assert.equal(await text(page, '.card-ledger__range'), '今天')
      const rows = await ledgerRows(page)
      const time = /^(\d{2}):(\d{2})$/
      for (const [, , meta] of rows) {
        const [store, clock] = meta.split(' · ')
        assert.equal(store, STORE_A.name, meta)
        assert.match(clock, time, meta)
      }
      const shown = rows.map(([kind, amount]) => `${kind} ${amount}`)
      // Newest first: the payment's two parts, then the recharge's (each pair written in one transaction).
      assert.deepEqual(shown.slice(0, 2).sort(), ['余额付款 -50.00', '余额付款（赠送金） -5.00'].sort(), JSON.stringify(rows))
      assert.deepEqual(shown.slice(2).sort(), ['充值 +100.00', '充值赠送 +10.00'].sort(), JSON.stringify(rows))
      assert.deepEqual(await page.$$eval('.card-ledger__amount--out', (els) => els.map((e) => e.textContent.trim()).sort()), ['-5.00', '-50.00'])
      assert.ok(!(await page.innerText('.card-ledger')).includes(STORE_B.name), 'nothing under store B')
      await shot(page, 'card-member-home.png')
      // Taro's page scrolls inside its own container, so a full-page shot stops at the fold: the section alone.
      await page.locator(v('.card-ledger')).screenshot({ path: path.join(shots, 'card-ledger.png') })
      state.ledgerShown = rows
    })

    await step('card: the same numbers through the API: the customer\'s ledger, the console\'s card totals, the wallet\'s balance', ['ledgerShown'], async () => {
      const entries = await apiLedger()
      const rows = entries.map((e) => `${e.kind}/${e.pot} ${e.amountFen} ${e.storeId} ${e.storeName}`).sort()
      const a = `${state.storeA.id} ${STORE_A.name}`
      assert.deepEqual(rows, [
        `payment/bonus -500 ${a}`,
        `payment/principal -5000 ${a}`,
        `recharge/principal 10000 ${a}`,
        `recharge_bonus/bonus 1000 ${a}`,
      ].sort())
      const { card } = await api('GET', `/v1/merchants/${state.merchantId}/member-card`)
      assert.equal(card.memberCount, 1)
      assert.equal(card.totalBalanceFen, 5_500)
      // The wallet's copy of the balance follows the ledger (an outbox job of the server).
      const code = await eventually('the wallet balance', async () => (await sim('wxmp', 'GET', `/__sim/wxmp/cards/${state.card.wxCardId}`)).codes?.[0],
        (c) => c?.balance === 5_500)
      assert.equal(code.has_active, true)
    })

    await step('card: store B\'s one-code page offers the same card with the balance ¥55.00', ['ledgerShown'], async () => {
      const { page } = state.customer
      await page.goto(state.storeB.url)
      await page.waitForSelector(v('.pay .keypad'), { timeout: 20_000 })
      assert.equal(await text(page, '.pay-head__store'), `${STORE_B.name}（${STORE_B.branchName}）`)
      assert.equal(await text(page, '.pay-card__balance'), '余额 ¥55.00')
    })

    await noPageErrors('card: no page errors')
  } finally {
    await closeAll()
    await site.close()
  }
}

module.exports = { cardScenario, CARD_ACCOUNT }
