// What the browser scenarios (console.js, pay.js, mp.js, card.js, vouchers.js) share: steps that
// need earlier results, phones with the WeChat user agent and the sandbox's `sim_user` cookie,
// page-error collection, the console API with the bearer token, the sandbox's back doors, polling,
// screenshots and the pay page's keypad. One kit per scenario run; `closeAll` in its `finally`.
const assert = require('assert/strict')
const http = require('http')
const path = require('path')

const POLL_MS = 300
const DEFAULT_WAIT_MS = 20_000

/** Serves `handler` on a loopback port: `{ url, close }`. */
function listenLocal (handler) {
  const server = http.createServer(handler)
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) })
    })
  })
}

/** Taro keeps the pages below the current one mounted (hidden): target the visible ones only. */
const v = (sel) => `${sel} >> visible=true`
const text = async (page, sel) => ((await page.textContent(v(sel), { timeout: 15_000 })) ?? '').trim()
const press = async (page, keys) => {
  for (const k of keys) await page.click(v(`.keypad__key--${k === '.' ? 'dot' : k}`))
}
const orderIdOf = (page) => new URL(page.url().replace('#/', '')).searchParams.get('id')
/** After the cashier: the pay-complete page with 支付成功 and the amount; answers the order id. */
const paid = async (page, amount) => {
  await page.waitForURL(/pages\/pay\/result\/index/, { timeout: 20_000 })
  await page.waitForFunction(() => document.querySelector('.pay-result__title')?.textContent === '支付成功', null, { timeout: 20_000 })
  assert.equal(await text(page, '.pay-result__amount'), amount)
  const id = orderIdOf(page)
  assert.match(id ?? '', /^ord_/)
  return id
}

/** JSON over fetch; throws with the status and the body's start on anything but 2xx. */
const json = async (url, init) => {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } })
  const raw = await res.text()
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}: ${raw.slice(0, 500)}`)
  return raw === '' ? null : JSON.parse(raw)
}

/** Calls `read` every 300 ms until `done` accepts what it answers; throws `failure(last)` at the deadline. */
async function poll (read, done, timeoutMs, failure) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await read()
    if (done(last)) return last
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new Error(failure(last))
}

/**
 * @param {object} o what run.js hands every scenario
 * @param {(label: string, fn: () => Promise<void>) => Promise<void>} o.check
 * @param {import('playwright-core').Browser} o.browser
 * @param {string} o.base the server, e.g. http://127.0.0.1:1234
 * @param {{ clients: any, urls: any }} o.sandbox what test/e2e/sandbox.ts printed
 * @param {string} o.shots screenshot folder
 * @param {string} o.wechatUa
 * @param {{ ignoreErrors?: RegExp }} [options] page errors matching `ignoreErrors` are not collected
 */
function scenarioKit ({ check, browser, base, sandbox, shots, wechatUa }, { ignoreErrors } = {}) {
  const state = {}
  const contexts = []
  const errors = []
  const ignored = (s) => ignoreErrors !== undefined && ignoreErrors.test(s)

  /** A check that needs earlier results: fails fast, naming what is missing. */
  const step = async (label, needs, fn) => {
    await check(label, async () => {
      const missing = needs.filter((k) => state[k] === undefined)
      if (missing.length > 0) {
        const msg = `skipped: an earlier step did not produce ${missing.join(', ')}`
        throw Object.assign(new Error(msg), { stack: msg })
      }
      await fn()
    })
  }
  /** Collects the page's errors into `errors` (failed resource loads are part of some flows, e.g. 401s). */
  const watchErrors = (page, prefix = '') => {
    page.on('pageerror', (e) => { if (!ignored(`${e.message}\n${e.stack ?? ''}`)) errors.push(`${prefix}${e.message}`) })
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text()) && !ignored(m.text())) errors.push(`${prefix}${m.text()}`) })
  }
  /** A phone's browser context (closed by `closeAll`); the sandbox's OAuth pages and the Alipay shim pick the customer by `sim_user` (cookies ignore ports). */
  const phoneContext = async (simUser, userAgent = wechatUa) => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent })
    contexts.push(ctx)
    if (simUser !== undefined) await ctx.addCookies([{ name: 'sim_user', value: simUser, domain: '127.0.0.1', path: '/' }])
    return ctx
  }
  /** A phone with one page whose errors are collected, prefixed with `label` (the sim user by default). */
  const phone = async (simUser, { userAgent = wechatUa, label = simUser } = {}) => {
    const ctx = await phoneContext(simUser, userAgent)
    const page = await ctx.newPage()
    watchErrors(page, `${label}: `)
    return { ctx, page }
  }
  const shot = async (page, name) => { await page.screenshot({ path: path.join(shots, name), fullPage: true }) }
  /** The console API as the signed-in account (`state.token`). */
  const api = async (method, p, body) => await json(`${base}${p}`, {
    method,
    headers: state.token === undefined ? {} : { authorization: `Bearer ${state.token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  /** One of the sandbox's hosts (`wxmp`, `wxpay`, `sms`, `devices`, …). */
  const sim = async (host, method, p, body) => await json(`${sandbox.urls[host]}${p}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  /** Polls `read` until `done` accepts what it answers. */
  const eventually = async (what, read, done, timeoutMs = DEFAULT_WAIT_MS) =>
    await poll(read, done, timeoutMs, (last) => `${what}: still ${JSON.stringify(last).slice(0, 800)}`)
  /** The order as the console sees it, once `done` accepts it (the channel notification is asynchronous). */
  const orderWhen = async (id, done, timeoutMs = DEFAULT_WAIT_MS) =>
    await poll(async () => await api('GET', `/v1/orders/${id}`), done, timeoutMs, (order) => `order ${id} is still ${order?.status}: ${JSON.stringify(order)}`)
  /** The console account signs in (API) and binds WeChat: `binder`'s phone opens the binding link → 绑定成功. */
  const signInAndBind = async (account, binder) => {
    state.token = (await api('POST', '/v1/auth/login', account)).accessToken
    const binding = await api('POST', '/v1/console/wechat-bindings')
    const { page } = await phone(binder)
    await page.goto(binding.url)
    await page.waitForURL(/pages\/scan\/result\/index/, { timeout: 20_000 })
    assert.equal(await text(page, '.result__title'), '绑定成功')
    state.bound = true
  }
  const noPageErrors = async (label) => {
    await check(label, async () => {
      assert.deepEqual(errors, [])
    })
  }
  const closeAll = async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {})
  }

  return { state, errors, step, watchErrors, phoneContext, phone, shot, api, sim, eventually, orderWhen, signInAndBind, noPageErrors, closeAll }
}

module.exports = { scenarioKit, listenLocal, json, v, text, press, orderIdOf, paid }
