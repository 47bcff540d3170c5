// Browser test of the H5 build as the real server serves it: builds h5 if needed, starts the sandbox
// (test/e2e/sandbox.ts), creates the operator account, starts `server/src/main.ts` on a free port with
// a fresh DATA_DIR wired to the sandbox, and drives Debian's chromium with playwright-core: the home
// page (below), the service-provider console with its WeChat scans (console.js), one-code pay
// with WeChat and Alipay phones (pay.js), the stored-value membership card (card.js) and WeChat Pay
// vouchers on the pay-complete page (vouchers.js).
// Usage: npm run test:browser -w h5   (CHROMIUM_PATH overrides /usr/bin/chromium; E2E_ONLY=console,
// E2E_ONLY=pay, E2E_ONLY=mp, E2E_ONLY=card or E2E_ONLY=vouchers runs one scenario after the home
// page checks). The store-operations scenario (mp.js) drives the mini-program's H5 build, which the
// server serves at /mp/. h5/dist/h5 is built only when it is missing: delete it (or
// `npm run build -w h5`) after changing the pages.
const assert = require('assert/strict')
const { spawn, spawnSync } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const { chromium } = require('playwright-core')

const H5_DIR = path.resolve(__dirname, '../..')
const REPO = path.resolve(H5_DIR, '..')
const DIST = path.join(H5_DIR, 'dist/h5')
const MP_DIR = path.join(REPO, 'miniprogram')
const MP_DIST = path.join(MP_DIR, 'dist/h5')
const SHOTS = path.join(__dirname, '__screenshots__')
const START_TIMEOUT_MS = 60_000
// ~540 KB today (react-dom, Taro runtime, vantui Cell/Button); catches e.g. a UI kit bundled whole.
const FIRST_LOAD_BUDGET = 800_000
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'

const { check, fail, finish } = require('../../../shared/taro/checks').createChecks('browser')
const { consoleScenario, OPERATOR } = require('./console')
const { payScenario, PAY_ACCOUNT } = require('./pay')
const { mpScenario, MP_ACCOUNT } = require('./mp')
const { cardScenario, CARD_ACCOUNT } = require('./card')
const { vouchersScenario, VOUCHER_ACCOUNT } = require('./vouchers')

const TSX = path.join(REPO, 'node_modules/.bin/tsx')
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)) })
  })
}

/**
 * Starts test/e2e/sandbox.ts and resolves with the one JSON line it prints:
 * `{ env, urls, platform, clients }` (env = the server's WXMP_API_BASE_URL, WX_COMPONENT_APPID, …).
 */
function startSandbox () {
  const child = spawn(TSX, [path.join(__dirname, 'sandbox.ts')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let stdout = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sandbox printed nothing in ${START_TIMEOUT_MS / 1000} s:\n${output}`)) }, START_TIMEOUT_MS)
    child.stderr.on('data', (d) => { output += d })
    child.stdout.on('data', (d) => {
      stdout += d
      const nl = stdout.indexOf('\n')
      if (nl === -1) return
      clearTimeout(timer)
      try {
        resolve({ child, info: JSON.parse(stdout.slice(0, nl)) })
      } catch (e) {
        child.kill('SIGKILL')
        reject(new Error(`sandbox printed no JSON: ${stdout.slice(0, 500)}\n${output}`, { cause: e }))
      }
    })
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`sandbox exited (${code ?? signal}):\n${output}`)) })
  })
}

async function stopChild (child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * The server's environment: a fresh embedded database, the sandbox's hosts and credentials, and
 * the pay page's bridge shims (PAY_BRIDGE_BASE_URL, one sandbox port per vendor).
 */
function serverEnv (port, dataDir, sandboxInfo) {
  const urls = sandboxInfo?.urls
  const env = {
    ...process.env,
    ...(urls === undefined ? {} : { PAY_BRIDGE_BASE_URL: `wechat=${urls.wxpay},alipay=${urls.alipay}` }),
    ...sandboxInfo?.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    H5_DIST_DIR: DIST,
    MINIPROGRAM_H5_DIST_DIR: MP_DIST,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  }
  delete env.DATABASE_URL // always the embedded database in the fresh DATA_DIR
  return env
}

/** Starts the real server; resolves once GET /healthz answers 200, rejects with its output if it dies. */
async function startServer (port, env) {
  const child = spawn(TSX, ['server/src/main.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const deadline = Date.now() + START_TIMEOUT_MS
  let dead = null
  exited.then((x) => { dead = x })
  while (Date.now() < deadline) {
    if (dead) throw new Error(`server exited (${dead.code ?? dead.signal}) before it was healthy:\n${output}`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`)
      if (res.status === 200) return { child, exited, output: () => output }
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error(`server not healthy after ${START_TIMEOUT_MS / 1000} s:\n${output}`)
}

async function stopServer (server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 20_000)
  const result = await server.exited
  clearTimeout(timer)
  return result
}

;(async () => {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    console.log('h5/dist/h5 is missing: building it first')
    const build = spawnSync('npm', ['run', 'build'], { cwd: H5_DIR, stdio: 'inherit' })
    if (build.status !== 0) throw new Error(`npm run build -w h5 failed (${build.status})`)
  }

  if (!fs.existsSync(path.join(MP_DIST, 'index.html'))) {
    console.log('miniprogram/dist/h5 is missing: building it first')
    const build = spawnSync('npm', ['run', 'build:h5'], { cwd: MP_DIR, stdio: 'inherit' })
    if (build.status !== 0) throw new Error(`npm run build:h5 -w miniprogram failed (${build.status})`)
  }

  fs.mkdirSync(SHOTS, { recursive: true })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yima-e2e-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  let sandbox = null
  let server = null
  let ctx = null
  let browser = null
  try {
    await check('sandbox starts (test/e2e/sandbox.ts)', async () => {
      sandbox = await startSandbox()
      console.log(`      wxmp ${sandbox.info.urls.wxmp}, wxpay ${sandbox.info.urls.wxpay}, alipay ${sandbox.info.urls.alipay}`)
      const missing = ['WX_COMPONENT_APPID', 'PLATFORM_OA_APPID'].filter((k) => sandbox.info.env[k] === undefined)
      assert.deepEqual(missing, [], 'the sandbox gave no third-party-platform or platform account')
    })
    const env = serverEnv(port, dataDir, sandbox?.info)

    await check(`operator account "${OPERATOR.login}" created (server/src/cli/create-account.ts)`, async () => {
      const r = spawnSync(TSX, ['server/src/cli/create-account.ts', '--login', OPERATOR.login, '--password', OPERATOR.password, '--name', '运营', '--operator'],
        { cwd: REPO, env, encoding: 'utf8', timeout: START_TIMEOUT_MS })
      assert.equal(r.status, 0, `exit ${r.status}${r.error ? ` ${r.error.message}` : ''}\n${r.stdout}${r.stderr}`)
    })
    await check(`pay scenario's account "${PAY_ACCOUNT.login}" created`, async () => {
      const r = spawnSync(TSX, ['server/src/cli/create-account.ts', '--login', PAY_ACCOUNT.login, '--password', PAY_ACCOUNT.password, '--name', '付款测试', '--operator'],
        { cwd: REPO, env, encoding: 'utf8', timeout: START_TIMEOUT_MS })
      assert.equal(r.status, 0, `exit ${r.status}${r.error ? ` ${r.error.message}` : ''}\n${r.stdout}${r.stderr}`)
    })

    await check(`store-operations scenario's account "${MP_ACCOUNT.login}" created`, async () => {
      const r = spawnSync(TSX, ['server/src/cli/create-account.ts', '--login', MP_ACCOUNT.login, '--password', MP_ACCOUNT.password, '--name', '门店运营测试', '--operator'],
        { cwd: REPO, env, encoding: 'utf8', timeout: START_TIMEOUT_MS })
      assert.equal(r.status, 0, `exit ${r.status}${r.error ? ` ${r.error.message}` : ''}\n${r.stdout}${r.stderr}`)
    })

    await check(`membership-card scenario's account "${CARD_ACCOUNT.login}" created`, async () => {
      const r = spawnSync(TSX, ['server/src/cli/create-account.ts', '--login', CARD_ACCOUNT.login, '--password', CARD_ACCOUNT.password, '--name', '会员卡测试', '--operator'],
        { cwd: REPO, env, encoding: 'utf8', timeout: START_TIMEOUT_MS })
      assert.equal(r.status, 0, `exit ${r.status}${r.error ? ` ${r.error.message}` : ''}\n${r.stdout}${r.stderr}`)
    })

    await check(`vouchers scenario's account "${VOUCHER_ACCOUNT.login}" created`, async () => {
      const r = spawnSync(TSX, ['server/src/cli/create-account.ts', '--login', VOUCHER_ACCOUNT.login, '--password', VOUCHER_ACCOUNT.password, '--name', '代金券测试', '--operator'],
        { cwd: REPO, env, encoding: 'utf8', timeout: START_TIMEOUT_MS })
      assert.equal(r.status, 0, `exit ${r.status}${r.error ? ` ${r.error.message}` : ''}\n${r.stdout}${r.stderr}`)
    })

    await check('server starts and answers /healthz', async () => {
      const t0 = Date.now()
      server = await startServer(port, env)
      console.log(`      port ${port}, healthy after ${Date.now() - t0} ms`)
    })
    if (!server) return

    if (sandbox) {
      await check('component event URL registered with the sandbox (POST /__sim/wxmp/component/server)', async () => {
        const res = await fetch(`${sandbox.info.urls.wxmp}/__sim/wxmp/component/server`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${base}/wx/component/events` }),
        })
        assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${await res.text()}`)
      })
    }

    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'yima-pw-'))
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 375, height: 667 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: WECHAT_UA,
    })
    const page = ctx.pages()[0] ?? await ctx.newPage()
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${m.text()} ${m.location().url}`) })
    const healthCalls = []
    const requests = []
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/healthz') healthCalls.push(r.headers()) })
    page.on('requestfinished', (r) => requests.push(r))

    await check('page loads from the server', async () => {
      const res = await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'networkidle' })
      assert.equal(res.status(), 200)
      await page.waitForSelector('.index__name', { timeout: 15_000 })
    })
    await check('title and product line', async () => {
      assert.equal(await page.title(), 'yima')
      assert.equal((await page.textContent('.index__name')).trim(), 'yima')
      assert.match(await page.innerText('body'), /服务商、商户与门店的一码付收款平台/)
    })
    await check('amount formatted by @yima/shared', async () => {
      assert.match(await page.innerText('body'), /示例金额\s*¥1,234\.56/)
    })
    await check('service status is 正常 (GET /healthz, same origin)', async () => {
      await page.waitForFunction(() => document.body.innerText.includes('服务状态：正常'), null, { timeout: 10_000 })
      assert.ok(healthCalls.length >= 1)
      assert.match(healthCalls[0]['x-request-id'] ?? '', /^req_[0-9A-HJKMNP-TV-Z]{26}$/)
    })
    await check('vantui button is styled (WeChat green, full width)', async () => {
      const style = await page.$eval('.van-button', (el) => {
        const s = el.ownerDocument.defaultView.getComputedStyle(el); const r = el.getBoundingClientRect()
        return { bg: s.backgroundColor, width: r.width, height: r.height }
      })
      assert.equal(style.bg, 'rgb(7, 193, 96)')
      assert.ok(style.width > 300 && style.height >= 36, JSON.stringify(style))
    })
    await check('Chinese glyphs render with a CJK font', async () => {
      const width = await page.$eval('.index__tagline', (el) => el.getBoundingClientRect().width)
      assert.ok(width > 150, `tagline is ${width} px wide`) // tofu or a missing font collapses or shrinks it
    })
    await check('screenshot saved', async () => {
      fs.mkdirSync(SHOTS, { recursive: true })
      await page.screenshot({ path: path.join(SHOTS, 'index.png'), fullPage: true })
    })
    await check('tapping the button checks the service again', async () => {
      const before = healthCalls.length
      await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/healthz', { timeout: 10_000 }),
        page.tap('.van-button'),
      ])
      assert.equal(healthCalls.length, before + 1)
      await page.waitForFunction(() => document.body.innerText.includes('服务状态：正常'), null, { timeout: 10_000 })
    })
    await check('no page errors', async () => {
      assert.deepEqual(pageErrors, [])
    })
    await check(`first load under ${FIRST_LOAD_BUDGET} bytes`, async () => {
      let bytes = 0
      for (const r of requests) {
        const p = new URL(r.url()).pathname
        if (p === '/' || /\.(js|css|html)$/.test(p)) bytes += (await r.sizes()).responseBodySize
      }
      console.log(`      first load (HTML + JS + CSS as transferred): ${bytes} bytes`)
      assert.ok(bytes < FIRST_LOAD_BUDGET)
    })
    // What a phone shows after a scan is built from the query string alone (no API call).
    for (const [query, title, detail] of [
      ['ok=activated&role=merchant_admin&name=%E7%A4%BA%E4%BE%8B%E5%92%96%E5%95%A1%E9%A6%86', '激活成功', '您已成为「示例咖啡馆」的商户管理员。'],
      ['ok=bound', '绑定成功', null],
      ['problem=code_used', '二维码已被使用', null],
    ]) {
      await check(`scan result page: ?${query.slice(0, 40)} → ${title}`, async () => {
        await page.goto(`http://127.0.0.1:${port}/#/pages/scan/result/index?${query}`)
        await page.waitForSelector('.result__title', { timeout: 10_000 })
        assert.equal((await page.textContent('.result__title')).trim(), title)
        if (detail !== null) assert.equal((await page.textContent('.result__detail')).trim(), detail)
      })
    }
    await check('scan result screenshot saved', async () => {
      await page.screenshot({ path: path.join(SHOTS, 'scan-result-code-used.png') })
    })
    await ctx.close()
    ctx = null

    if (sandbox) {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
      const only = process.env.E2E_ONLY
      const scenario = { check, browser, base, sandbox: sandbox.info, shots: SHOTS, wechatUa: WECHAT_UA }
      if (only === undefined || only === 'console') await consoleScenario(scenario)
      if (only === undefined || only === 'pay') await payScenario(scenario)
      if (only === undefined || only === 'mp') await mpScenario(scenario)
      if (only === undefined || only === 'card') await cardScenario(scenario)
      if (only === undefined || only === 'vouchers') await vouchersScenario(scenario)
    }
  } finally {
    if (ctx) await ctx.close()
    if (browser) await browser.close()
    if (server) {
      await check('server stops on SIGTERM', async () => {
        const { code, signal } = await stopServer(server)
        assert.ok(code === 0 || (code === null && signal === 'SIGTERM'), `exit ${code} ${signal}\n${server.output()}`)
      })
    }
    if (sandbox) await stopChild(sandbox.child)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})().catch(fail).finally(finish)
