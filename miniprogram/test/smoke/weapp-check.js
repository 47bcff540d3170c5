// Smoke test of the weapp build without WeChat DevTools (frontend.md §8.3):
// static checks, WeChat's own wcc/wcsc compilers, and the index, 会员信息, 代金券 and 支付完成页广告 pages run in the harness.
// Usage: node test/smoke/weapp-check.js [distDir]   (after `taro build --type weapp`)
const assert = require('assert/strict')
const fs = require('fs')
const path = require('path')
const { wxmlToJs } = require('miniprogram-compiler') // ships WeChat's wcc/wcsc Linux binaries
// Called directly: the package's wxssToJs() gets an Error *returned* from wcsc and then crashes.
const wcsc = require('miniprogram-compiler/src/wcsc')
const { runPage, findNode, allText, tick, missingTemplates, tap, hasClass } = require('./harness')

const dist = path.resolve(process.argv[2] || path.join(__dirname, '../../dist/weapp'))
const rootProject = require('../../../project.config.json')
const ROUTE = 'pages/index/index'
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024

const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(dist, rel), 'utf8'))
const files = (ext) => fs.readdirSync(dist, { recursive: true }).map(String).filter(f => f.endsWith(ext)).sort()
function vdomText (node, out = []) { // text of a $gwx render tree
  if (typeof node === 'string') { if (node.trim()) out.push(node.trim()) } else if (node) {
    if (node.text != null && String(node.text).trim()) out.push(String(node.text).trim())
    for (const c of node.children || []) vdomText(c, out)
  }
  return out
}

const { check, fail, finish } = require('../../../shared/taro/checks').createChecks('weapp')

/**
 * What wx.login and wx.request meet in this run: the yima API as the server answers it, for a
 * linked clerk of one store who is off duty until they tap 上班打卡.
 */
function fakeServer () {
  const sent = []
  let onDuty = false
  const clerk = () => ({ staffId: 'stf_1', role: 'clerk', roleLabel: '店员', name: '王小明', merchantId: 'mch_1', merchantName: '演示餐厅', storeId: 'sto_1', storeName: '科技园店', refundPermission: false, onDuty })
  const takings = () => ({
    date: '2026-11-23',
    stores: onDuty ? [{ storeId: 'sto_1', storeName: '科技园店', paymentCount: 2, paymentFen: 2500, refundCount: 0, refundFen: 0, netFen: 2500 }] : [],
    total: { paymentCount: onDuty ? 2 : 0, paymentFen: onDuty ? 2500 : 0, refundCount: 0, refundFen: 0, netFen: onDuty ? 2500 : 0 },
  })
  const answer = (method, url) => {
    if (method === 'POST' && url.endsWith('/v1/mp/session')) return [200, { token: 'smoke-session', expiresAt: '2099-01-01T00:00:00.000Z', linked: true }]
    if (url.endsWith('/v1/mobile/me')) return [200, { name: '王小明', roles: [clerk()] }]
    if (url.endsWith('/v1/mobile/takings/today')) return [200, takings()]
    if (method === 'POST' && url.endsWith('/clock-in')) { onDuty = true; return [201, { staffId: 'stf_1', name: '王小明', role: 'clerk', onDuty: true, shift: null }] }
    return [404, { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } }]
  }
  const wx = {
    login: (o) => setTimeout(() => { o.success?.({ code: 'smoke-js-code', errMsg: 'login:ok' }); o.complete?.() }, 0),
    request: (o) => {
      const method = o.method ?? 'GET'
      sent.push({ method, url: o.url, header: o.header ?? {}, data: typeof o.data === 'string' ? JSON.parse(o.data) : o.data })
      const [statusCode, data] = answer(method, o.url)
      setTimeout(() => { o.success?.({ statusCode, data, header: {}, errMsg: 'request:ok' }); o.complete?.() }, 0)
      return { abort () {} }
    },
  }
  return { wx, sent }
}
const server = fakeServer()

/**
 * The API a merchant admin's 会员信息 page meets: a member whose ledger holds a balance payment
 * (drawn from both pots) and an adjustment; the payment's refund is read when 退款 is tapped.
 */
function memberServer () {
  const sent = []
  const base = '/v1/mobile/merchants/mch_1'
  const member = { id: 'mbr_1', cardId: 'mcd_1', state: 'active', name: '张三', phone: '13800138000', code: '812345678901', principalFen: 7500, bonusFen: 1500, balanceFen: 9000, createdAt: '2026-11-01T02:00:00.000Z', activatedAt: '2026-11-01T02:01:00.000Z' }
  const entry = (id, o) => ({ id, memberId: 'mbr_1', kind: 'payment', pot: 'principal', amountFen: -2500, principalAfterFen: 7500, bonusAfterFen: 1500, storeId: 'sto_1', storeName: '科技园店', orderId: null, paymentId: 'cpy_1', reason: null, operatorName: null, createdAt: '2026-11-23T02:00:00.000Z', ...o })
  const ledger = [entry('led_1'), entry('led_2', { pot: 'bonus', amountFen: -500 }), entry('led_3', { kind: 'adjustment', amountFen: 1000, paymentId: null, storeId: null, storeName: '', reason: '补录充值', operatorName: '王管理员' })]
  const payment = { id: 'cpy_1', memberId: 'mbr_1', storeId: 'sto_1', storeName: '科技园店', amountFen: 3000, principalFen: 2500, bonusFen: 500, refundedFen: 1000, remark: null, createdAt: '2026-11-23T02:00:00.000Z' }
  const answer = (method, path) => {
    if (method === 'POST' && path === '/v1/mp/session') return [200, { token: 'smoke-session', expiresAt: '2099-01-01T00:00:00.000Z', linked: true }]
    if (path === `${base}/members/mbr_1`) return [200, member]
    if (path.startsWith(`${base}/members/mbr_1/ledger?`)) return [200, { object: 'list', data: ledger, hasMore: false, nextCursor: null }]
    if (path === `${base}/card-payments/cpy_1`) return [200, payment]
    return [404, { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } }]
  }
  const wx = {
    login: (o) => setTimeout(() => { o.success?.({ code: 'smoke-js-code', errMsg: 'login:ok' }); o.complete?.() }, 0),
    request: (o) => {
      const method = o.method ?? 'GET'
      const path = o.url.replace(/^[a-z]+:\/\/[^/]+/, '')
      sent.push({ method, path })
      const [statusCode, data] = answer(method, path)
      setTimeout(() => { o.success?.({ statusCode, data, header: {}, errMsg: 'request:ok' }); o.complete?.() }, 0)
      return { abort () {} }
    },
  }
  return { wx, sent }
}
/**
 * The API a merchant admin's 代金券 page meets: one running batch, the merchant's two stores;
 * 下架 and a store's 暂停发券 answer the batch changed.
 */
function voucherServer () {
  const sent = []
  let batch = { id: 'vbt_1', merchantId: 'mch_1', stockId: '16246120', creatorMchId: '1539458761', name: '满50减5元代金券', amountFen: 500, thresholdFen: 5000, noCash: false, availableFrom: '2026-11-01T00:00:00+08:00', availableTo: '2027-01-29T23:59:59+08:00', maxPerUser: 3, maxCoupons: 1000, distributed: 120, wechatStatus: 'running', scenario: 'store', goodsTags: ['MUTEX_STORE', 'NO_MUTEX_STORE'], uses: ['main'], spendGiftMinFen: null, paused: false, pausedStoreIds: [], issued: 40, redeemed: 12, syncedAt: '2026-11-07T01:00:00.000Z' }
  const admin = { staffId: 'stf_1', role: 'merchant_admin', roleLabel: '商户管理员', name: '王管理员', merchantId: 'mch_1', merchantName: '演示餐厅', storeId: null, storeName: null, refundPermission: true, onDuty: false }
  const store = (id, name) => ({ id, merchantId: 'mch_1', outShopId: `SHOP${id}`, name, branchName: null, address: '深圳', phone: null, status: 'open', paymentTypes: ['wechat_pay'], currency: 'CNY', goodsTag: null, wechatSubMchId: null, alipayUserId: null, maidanStoreId: null, memberCardEnabled: false, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' })
  const answer = (method, path, data) => {
    if (method === 'POST' && path === '/v1/mp/session') return [200, { token: 'smoke-session', expiresAt: '2099-01-01T00:00:00.000Z', linked: true }]
    if (path === '/v1/mobile/me') return [200, { name: '王管理员', roles: [admin] }]
    if (path === '/v1/mobile/merchants/mch_1/vouchers') return [200, { credentials: null, batches: [batch], pageUrl: 'https://yima.test/v/abc' }]
    if (path === '/v1/mobile/merchants/mch_1/stores') return [200, { object: 'list', data: [store('sto_1', '科技园店'), store('sto_2', '海岸城店')], hasMore: false }]
    if (method === 'PATCH' && path === '/v1/mobile/voucher-batches/vbt_1') { batch = { ...batch, paused: data.paused }; return [200, batch] }
    if (method === 'PUT' && path.startsWith('/v1/mobile/voucher-batches/vbt_1/stores/')) {
      const storeId = path.split('/').pop()
      batch = { ...batch, pausedStoreIds: data.paused ? [...batch.pausedStoreIds, storeId] : batch.pausedStoreIds.filter((s) => s !== storeId) }
      return [200, batch]
    }
    return [404, { error: { type: 'not_found', code: 'route_not_found', message: '请求的地址不存在' } }]
  }
  const wx = {
    login: (o) => setTimeout(() => { o.success?.({ code: 'smoke-js-code', errMsg: 'login:ok' }); o.complete?.() }, 0),
    request: (o) => {
      const method = o.method ?? 'GET'
      const path = o.url.replace(/^[a-z]+:\/\/[^/]+/, '')
      const data = typeof o.data === 'string' ? JSON.parse(o.data) : o.data
      sent.push({ method, path, data })
      const [statusCode, body] = answer(method, path, data)
      setTimeout(() => { o.success?.({ statusCode, data: body, header: {}, errMsg: 'request:ok' }); o.complete?.() }, 0)
      return { abort () {} }
    },
  }
  return { wx, sent }
}
async function waitFor (done, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the page')
    await tick(20)
  }
}
// Page code runs in timers inside the vm: its exceptions surface here, not in the awaited checks.
const runtimeErrors = []
process.on('uncaughtException', (e) => runtimeErrors.push(e))
process.on('unhandledRejection', (e) => runtimeErrors.push(e))

;(async () => {
  let app, gwx, page
  await check('app.json lists the pages', () => {
    app = readJson('app.json')
    assert.ok(Array.isArray(app.pages) && app.pages.includes(ROUTE), `app.json pages: ${JSON.stringify(app.pages)}`)
  })
  await check('every page has .js/.json/.wxml/.wxss', () => {
    for (const p of app.pages) {
      for (const ext of ['.js', '.json', '.wxml', '.wxss']) assert.ok(fs.existsSync(path.join(dist, p + ext)), `missing ${p}${ext}`)
    }
  })
  await check('project.config.json: compileType miniprogram and the appid', () => {
    const cfg = readJson('project.config.json')
    assert.equal(cfg.compileType, 'miniprogram')
    assert.equal(cfg.appid, process.env.TARO_APP_ID || rootProject.appid)
    assert.equal(cfg.miniprogramRoot, './')
  })
  await check('every usingComponents path exists in dist', () => {
    for (const json of files('.json').filter(f => f !== 'project.config.json')) {
      const using = readJson(json).usingComponents || {}
      for (const [name, ref] of Object.entries(using)) {
        const target = ref.startsWith('/') ? path.join(dist, ref) : path.resolve(dist, path.dirname(json), ref)
        assert.ok(fs.existsSync(target + '.js') && fs.existsSync(target + '.json'), `${json}: <${name}> → ${ref} is not in dist`)
      }
    }
  })
  await check('main package under 2 MB', () => {
    const bytes = fs.readdirSync(dist, { recursive: true }).map(f => fs.statSync(path.join(dist, String(f))))
      .filter(s => s.isFile()).reduce((sum, s) => sum + s.size, 0)
    console.log(`      dist/weapp: ${bytes} bytes`)
    assert.ok(bytes < MAIN_PACKAGE_LIMIT)
  })
  await check('wcc compiles every WXML', () => {
    const src = wxmlToJs(dist, { maxBuffer: 64 * 1024 * 1024 }) // throws on any WXML compile error
    globalThis.window = globalThis // the wcc output expects a browser-ish global
    gwx = new Function('global', src)({}) // eslint-disable-line no-new-func
    assert.equal(typeof gwx, 'function')
  })
  await check('wcsc compiles every WXSS', () => {
    const css = wcsc(dist, files('.wxss').map(f => f.slice(0, -5)), { maxBuffer: 64 * 1024 * 1024 })
    if (css instanceof Error) throw css // e.g. "unexpected token `*`": WXSS has no universal selector
    assert.ok(Object.keys(css).length > 0)
  })
  await check('home page signs in with wx.login and shows the clerk off duty', async () => {
    page = await runPage(dist, ROUTE, { wx: server.wx })
    await waitFor(() => /上班打卡/.test(allText(page.inst.data.root)))
    const text = allText(page.inst.data.root)
    assert.match(text, /王小明/)
    assert.match(text, /科技园店 店员/)
    assert.match(text, /店员上班打卡后可查看本店今日收款/)
    // wx.login's code went to the server once; later calls carry the session it answered.
    // (JSON: the page's objects come from the vm's realm)
    assert.equal(JSON.stringify(server.sent.filter((r) => r.url.endsWith('/v1/mp/session')).map((r) => r.data)), '[{"code":"smoke-js-code"}]')
    assert.equal(server.sent.find((r) => r.url.endsWith('/v1/mobile/me'))?.header.Authorization, 'Bearer smoke-session')
  })
  await check('every rendered node has a WXML template', () => {
    assert.deepEqual(missingTemplates(dist, page.inst.data.root), [])
  })
  await check('wcc output renders the page data', () => {
    const text = vdomText(gwx(`${ROUTE}.wxml`)(page.inst.data, {}, {})).join(' | ')
    assert.match(text, /上班打卡/, text)
  })
  await check('tapping 上班打卡 clocks in and shows today\'s takings', async () => {
    const duty = findNode(page.inst.data.root, hasClass('index__duty-button'))
    const button = duty && findNode(duty, hasClass('van-native-button'))
    assert.ok(button, 'no 上班打卡 button in the page')
    tap(page.inst, button)
    await waitFor(() => /下班打卡/.test(allText(page.inst.data.root)) && /¥25\.00/.test(allText(page.inst.data.root)))
    assert.ok(server.sent.some((r) => r.method === 'POST' && r.url.endsWith('/v1/mobile/stores/sto_1/clock-in')))
    assert.match(vdomText(gwx(`${ROUTE}.wxml`)(page.inst.data, {}, {})).join(' | '), /下班打卡/)
    assert.deepEqual(missingTemplates(dist, page.inst.data.root), [])
  })
  await check('会员信息 shows the ledger, and 退款 on a balance payment offers what is left', async () => {
    const members = memberServer()
    const route = 'pages/member/index'
    const { inst } = await runPage(dist, route, { wx: members.wx, query: { merchant: 'mch_1', id: 'mbr_1' } })
    await waitFor(() => /余额付款 · 本金/.test(allText(inst.data.root)))
    const text = allText(inst.data.root)
    assert.match(text, /¥90\.00/)
    assert.match(text, /-¥25\.00/)
    assert.match(text, /线上门店/) // the adjustment was not made at a store
    assert.match(text, /操作人 王管理员/)
    // One 退款 per payment, though it drew from both pots.
    const refunds = []
    ;(function visit (n) { if (!n) return; if (hasClass('ledger-entry__refund')(n)) refunds.push(n); (n.cn || []).forEach(visit) })(inst.data.root)
    assert.equal(refunds.length, 1)
    tap(inst, refunds[0])
    await waitFor(() => /确认退款/.test(allText(inst.data.root)))
    assert.ok(members.sent.some((r) => r.path === '/v1/mobile/merchants/mch_1/card-payments/cpy_1'))
    assert.deepEqual(missingTemplates(dist, inst.data.root), [])
    assert.match(vdomText(gwx(`${route}.wxml`)(inst.data, {}, {})).join(' | '), /余额付款退款/)
  })
  await check('代金券: a batch\'s facts, 下架 and a store\'s 暂停发券 by tap', async () => {
    const vouchers = voucherServer()
    const route = 'pages/vouchers/index'
    const { inst } = await runPage(dist, route, { wx: vouchers.wx, query: { merchant: 'mch_1' } })
    await waitFor(() => /海岸城店/.test(allText(inst.data.root)))
    const text = allText(inst.data.root)
    assert.match(text, /满 50 减 5/)
    assert.match(text, /2026-11-01 至 2027-01-29/)
    assert.match(text, /门店收银 · 不互斥/)
    assert.match(text, /支付完成页主券/)
    assert.deepEqual(missingTemplates(dist, inst.data.root), [])
    assert.match(vdomText(gwx(`${route}.wxml`)(inst.data, {}, {})).join(' | '), /下架/)

    const pause = findNode(inst.data.root, hasClass('vouchers__pause'))
    const button = pause && findNode(pause, hasClass('van-native-button'))
    assert.ok(button, 'no 下架 button in the page')
    tap(inst, button)
    await waitFor(() => /已下架/.test(allText(inst.data.root)))
    assert.ok(vouchers.sent.some((r) => r.method === 'PATCH' && r.path === '/v1/mobile/voucher-batches/vbt_1' && r.data.paused === true))

    const row = findNode(inst.data.root, hasClass('vouchers__store--sto_2'))
    const toggle = row && findNode(row, hasClass('vouchers__store-switch'))
    assert.ok(toggle, 'no 暂停发券 switch for 海岸城店')
    tap(inst, toggle)
    await waitFor(() => /已暂停发券/.test(allText(inst.data.root)))
    assert.ok(vouchers.sent.some((r) => r.method === 'PUT' && r.path === '/v1/mobile/voucher-batches/vbt_1/stores/sto_2' && r.data.paused === true))
    assert.deepEqual(missingTemplates(dist, inst.data.root), [])
  })
  await check('支付完成页广告 renders its form', async () => {
    const ads = voucherServer()
    const route = 'pages/merchant-ad/index'
    const { inst } = await runPage(dist, route, { wx: ads.wx, query: { merchant: 'mch_1' } })
    await waitFor(() => /清除广告/.test(allText(inst.data.root)))
    assert.match(allText(inst.data.root), /广告内容/)
    assert.deepEqual(missingTemplates(dist, inst.data.root), [])
    assert.match(vdomText(gwx(`${route}.wxml`)(inst.data, {}, {})).join(' | '), /保存/)
  })
  await check('no uncaught errors in the page runtime', () => {
    if (runtimeErrors.length > 0) throw runtimeErrors[0]
  })
})().catch(fail).finally(finish)
