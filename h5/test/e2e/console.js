// The console scenario of the browser test (mission T1, T2, T3, T4, T7), run by run.js against the
// real server wired to the sandbox: desktop Chromium for the console, WeChat-UA phones for the scans.
const assert = require('assert/strict')
const { scenarioKit, v, text } = require('./kit')

const SP_USER = 'zhangsan' // sandbox WeChat users (sandbox/src/wxmp/users.ts)
const MERCHANT_ADMIN_USER = 'lisi'
const WECHAT_SUB_MCH_ID = '1900000101' // a sandbox sub-merchant of the sandbox SP
const OPERATOR = { login: 'ops', password: 'S3cure-pass!' }

/** @param {Parameters<typeof scenarioKit>[0]} o what run.js hands every scenario */
async function consoleScenario (o) {
  const { browser, base, sandbox } = o
  // The phones only scan (their contexts close in closeAll); the console's desktop page is watched for errors.
  const { state, step, phoneContext, watchErrors, shot, noPageErrors, closeAll } = scenarioKit(o)
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await desk.newPage()
  // 401/403 answers are part of the flow (binding required); the browser logs them as resource errors.
  watchErrors(page)
  const click = async (sel) => { await page.click(v(sel)) }
  const fill = async (key, value) => {
    const sel = `.field--${key.replace(/\./g, '-')}`
    await page.fill(v(`${sel} input, ${sel} textarea`), value)
  }

  try {
    await step('console: the operator signs in', [], async () => {
      await page.goto(`${base}/#/pages/console/login/index`)
      await fill('login', OPERATOR.login)
      await fill('password', OPERATOR.password)
      await click('.login__submit')
      try {
        await page.waitForURL(/pages\/console\/sp\/index/, { timeout: 15_000 })
      } catch (e) {
        const shown = await page.textContent('.login__error').catch(() => null)
        throw new Error(`still on the login page${shown ? `: ${shown}` : ''}`, { cause: e })
      }
      state.signedIn = true
    })

    await step('console: the WeChat binding QR is shown in front of everything (T1)', ['signedIn'], async () => {
      const link = await page.waitForSelector(v('.binding .qr__url'), { timeout: 15_000 })
      state.bindingUrl = await link.getAttribute('href')
      assert.match(state.bindingUrl, /^https?:\/\//)
      await page.waitForFunction(() => document.querySelector('.binding .qr__img')?.getAttribute('src')?.startsWith('data:image/png'), null, { timeout: 10_000 })
      assert.ok(await page.isVisible('text=退出登录'), 'the forced dialog offers only 退出登录')
      assert.equal(await page.isVisible('.binding__foot >> text=关闭'), false)
      await shot(page, 'console-binding.png')
    })

    await step(`phone: WeChat user ${SP_USER} scans the binding QR → 绑定成功`, ['bindingUrl'], async () => {
      const ctx = await phoneContext(SP_USER)
      const phone = await ctx.newPage()
      await phone.goto(state.bindingUrl)
      await phone.waitForURL(/pages\/scan\/result\/index/, { timeout: 20_000 })
      assert.equal(await text(phone, '.result__title'), '绑定成功')
      await shot(phone, 'scan-bound.png')
      await ctx.close()
      state.bound = true
    })

    await step('console: the dialog closes by itself once bound', ['bound'], async () => {
      await page.waitForSelector('.binding', { state: 'detached', timeout: 10_000 })
      await page.waitForSelector(v('.sp-list__add'), { timeout: 10_000 })
    })

    await step('console: layout is a sidebar at 1280 px and a top bar at 375 px', ['bound'], async () => {
      const side = await page.$eval(v('.console__side'), (el) => { const r = el.getBoundingClientRect(); return { w: r.width, h: r.height } })
      assert.ok(side.w > 150 && side.w < 300 && side.h >= 700, JSON.stringify(side))
      await page.setViewportSize({ width: 375, height: 667 })
      const bar = await page.$eval(v('.console__side'), (el) => { const r = el.getBoundingClientRect(); return { w: r.width, h: r.height } })
      assert.ok(bar.w >= 370 && bar.h < 80, JSON.stringify(bar))
      await shot(page, 'console-phone.png')
      await page.setViewportSize({ width: 1280, height: 800 })
    })

    const wx = sandbox.clients.wxpay
    const ali = sandbox.clients.alipay
    const oa = sandbox.clients.wxmp.officialAccount
    await step('console: add the sandbox service provider (T2)', ['bound'], async () => {
      await click('.sp-list__add')
      await page.waitForURL(/sp-edit/, { timeout: 10_000 })
      const values = {
        name: 'yima 沙箱服务商',
        shortName: '沙箱服务商',
        adminName: '张三',
        adminPhone: '13800000001',
        'wechatPay.mchId': wx.spMchId,
        'wechatPay.apiV3Key': wx.apiV3Key,
        'wechatPay.apiV2Key': wx.apiV2Key,
        'wechatPay.privateKey': wx.merchantPrivateKeyPem,
        'wechatPay.certificateSerial': wx.merchantSerial,
        'wechatPay.platformCertificate': wx.platformCertificatePem,
        'wechatPay.publicKey': wx.platformPublicKeyPem,
        'wechatPay.publicKeyId': wx.platformPublicKeyId,
        'wechatPay.officialAccountAppId': oa.appId,
        'wechatPay.officialAccountSecret': oa.appSecret,
        'wechatPay.rebateBp': '0.2',
        'alipay.appId': ali.appId,
        'alipay.privateKey': ali.appPrivateKeyPem,
        'alipay.alipayPublicKey': ali.alipayPublicKeyPem,
        'alipay.pid': ali.pid,
      }
      for (const [k, v] of Object.entries(values)) await fill(k, v)
      await shot(page, 'console-sp-form.png')
      await click('.sp-form__submit')
      try {
        await page.waitForURL(/sp-detail/, { timeout: 15_000 })
      } catch (e) {
        const shown = await page.$$eval('.field__error, .form-errors__item', (els) => els.map((el) => `${el.closest('.field')?.className ?? 'form'}: ${el.textContent}`))
        throw new Error(`not saved: ${JSON.stringify(shown)}`, { cause: e })
      }
      state.spId = new URL(page.url().replace('#/', '')).searchParams.get('id')
      assert.ok(state.spId)
      assert.equal(await text(page, '.oa__status'), '未授权')
    })

    await step('console: 授权 → the open-platform page (account picked) → 授权成功, status 已授权 (T3)', ['spId'], async () => {
      const [popup] = await Promise.all([desk.waitForEvent('page', { timeout: 10_000 }), click('.oa__authorize')])
      await popup.waitForURL(/componentloginpage|bindcomponent/, { timeout: 15_000 })
      const login = new URL(popup.url())
      login.searchParams.set('appid', oa.appId)
      await popup.goto(login.toString())
      await popup.waitForURL(/pages\/console\/oa-result\/index/, { timeout: 20_000 })
      assert.equal(await text(popup, '.result__title'), '授权成功')
      await shot(popup, 'oa-result.png')
      await popup.close()
      await page.bringToFront()
      await page.waitForSelector(v('.oa__status--authorized'), { timeout: 10_000 })
      state.authorized = true
      await shot(page, 'console-sp-detail.png')
    })

    await step(`console: add sub-merchant ${WECHAT_SUB_MCH_ID} → the keys, shown once (T7)`, ['spId'], async () => {
      await click('.console__menu-item--merchant')
      await page.waitForURL(/pages\/console\/merchants\/index/, { timeout: 10_000 })
      await click('.merchant-list__add')
      await page.waitForURL(/merchant-edit/, { timeout: 10_000 })
      await page.waitForSelector(v('.field--serviceProviderId .choice__item--active'), { timeout: 10_000 })
      await fill('name', '示例咖啡馆')
      await fill('shortName', '咖啡馆')
      await fill('adminName', '李四')
      await fill('adminEmail', 'lisi@example.com')
      await fill('wechatSubMchId', WECHAT_SUB_MCH_ID)
      await click('.merchant-form__submit')
      await page.waitForSelector('.created--keys', { timeout: 15_000 })
      const authenKey = await text(page, '.created__authenKey .credential__value')
      assert.ok(authenKey.length >= 16, `authen key "${authenKey}"`)
      assert.match(await text(page, '.created__signingPrivateKey .credential__value'), /PRIVATE KEY/)
      assert.match(await text(page, '.created__outSubMchId .credential__value'), /^[0-9A-Za-z]{20}$/)
      assert.equal(await text(page, '.created__authenType .credential__value'), 'HMAC-SHA256')
      assert.equal(await text(page, '.created__signType .credential__value'), 'RSA-PSS-SHA256')
      await shot(page, 'console-merchant-keys.png')
      await click('.created__next')
      const link = await page.waitForSelector(v('.qr--activation .qr__url'), { timeout: 15_000 })
      state.activationUrl = await link.getAttribute('href')
      assert.ok(await page.waitForSelector(v('.qr--management .qr__url'), { timeout: 15_000 }))
      assert.equal(await page.isVisible('.created__authenKey'), false, 'the keys are gone once past the first step')
      await shot(page, 'console-merchant-qr.png')
    })

    await step(`phone: WeChat user ${MERCHANT_ADMIN_USER} scans the activation QR → 激活成功 (T4)`, ['activationUrl', 'authorized'], async () => {
      const ctx = await phoneContext(MERCHANT_ADMIN_USER)
      const phone = await ctx.newPage()
      await phone.goto(state.activationUrl)
      await phone.waitForURL(/pages\/scan\/result\/index/, { timeout: 20_000 })
      assert.equal(await text(phone, '.result__title'), '激活成功')
      assert.match(await text(phone, '.result__detail'), /商户管理员/)
      await shot(phone, 'scan-activated.png')
      state.phone = { ctx, phone }
    })

    await step('phone: the same activation QR again → 二维码已被使用', ['phone'], async () => {
      const { phone } = state.phone
      await phone.goto('about:blank')
      await phone.goto(state.activationUrl)
      await phone.waitForURL(/pages\/scan\/result\/index/, { timeout: 20_000 })
      assert.equal(await text(phone, '.result__title'), '二维码已被使用')
      await shot(phone, 'scan-code-used.png')
    })

    await noPageErrors('console: no page errors')
  } finally {
    await closeAll()
    await desk.close().catch(() => {})
  }
}

module.exports = { consoleScenario, OPERATOR }
