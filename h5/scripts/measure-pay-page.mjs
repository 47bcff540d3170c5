#!/usr/bin/env node
// What a customer's phone downloads to show the one-code pay page (`/#/pages/pay/index`) for the
// first time: loads the built H5 (h5/dist/h5) in Debian's chromium with a WeChat user agent and
// an empty cache, waits for the keypad, and sums every response (HTML, JS, CSS, images, fonts;
// API calls are listed apart). Raw = bytes as served today (the server sends files
// uncompressed); gzip = the same files through gzip -9, what a compressing proxy would send.
//
// By default it serves dist/h5 itself and answers GET /v1/public/pay/<code> with a store code
// (no database, no sandbox); `--base http://127.0.0.1:3000 --code <code>` measures a running yima
// instead (the payer must be known, or the page goes to OAuth). `--page <route>` adds another
// page for comparison (default: the home page, which uses vantui). `--json` prints JSON only.
//
// Usage: npm run build -w h5 && node h5/scripts/measure-pay-page.mjs
import { createServer } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'

const H5 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' }
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A store code as GET /v1/public/pay/:code answers it for a known WeChat payer. */
const DEMO_PAGE = {
  code: 'demo23456789',
  kind: 'store',
  store: { name: '示例咖啡馆', branchName: '科技园店' },
  merchant: { name: '示例咖啡有限公司', shortName: '示例咖啡', logoUrl: null },
  serviceProvider: { shortName: '示例服务商', logoUrl: null },
  limits: { minFen: 1, maxFen: 5_000_000, maxQuantity: 99, remarkMaxLength: 40 },
  platform: 'wechat',
  payerKnown: true,
  authUrl: '/pay/auth?code=demo23456789',
}

function args (argv) {
  const o = { dist: path.join(H5, 'dist/h5'), base: undefined, code: DEMO_PAGE.code, pages: ['/pages/index/index'], json: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--dist') o.dist = path.resolve(argv[++i])
    else if (a === '--base') o.base = argv[++i].replace(/\/$/, '')
    else if (a === '--code') o.code = argv[++i]
    else if (a === '--page') o.pages = [argv[++i]]
    else if (a === '--no-compare') o.pages = []
    else if (a === '--json') o.json = true
    else throw new Error(`unknown argument ${a}`)
  }
  return o
}

/** dist/h5 on a free loopback port; unknown paths fall back to index.html, as the server does. */
function serveDist (root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x')
    if (url.pathname.startsWith('/v1/public/pay/') && url.pathname.endsWith('/staff')) {
      // A customer, as the real server answers: not staff of this store.
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { type: 'not_found', code: 'staff_not_found', message: '您不是该门店已激活的店长或店员' } }))
      return
    }
    if (url.pathname.startsWith('/v1/public/pay/')) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ ...DEMO_PAGE, code: decodeURIComponent(url.pathname.split('/').pop()) }))
      return
    }
    if (url.pathname === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); return }
    const p = path.join(root, decodeURIComponent(url.pathname))
    const file = p.startsWith(root) && existsSync(p) && statSync(p).isFile() ? p : path.join(root, 'index.html')
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/**
 * Opens `url` in a fresh context (empty cache) and waits for `ready`. Returns every response:
 * path, kind, raw bytes, gzip -9 bytes, and bytes as transferred (body, per the network stack).
 * `contextOptions` go to browser.newContext (e.g. `storageState` with a payer cookie; the e2e run).
 */
export async function measurePage (browser, url, ready, contextOptions = {}) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: WECHAT_UA, ...contextOptions })
  const page = await ctx.newPage()
  const responses = []
  page.on('response', (r) => responses.push(r))
  const t0 = Date.now()
  await page.goto(url, { waitUntil: 'load' })
  await page.waitForSelector(ready, { timeout: 20_000 })
  await page.waitForLoadState('networkidle')
  const readyMs = Date.now() - t0
  const files = []
  for (const r of responses) {
    const u = new URL(r.url())
    if (u.protocol === 'data:') continue
    const body = await r.body().catch(() => Buffer.alloc(0))
    const sizes = await r.request().sizes().catch(() => ({ responseBodySize: body.length }))
    const ext = path.extname(u.pathname)
    // Static files all have an extension; anything else the page asked for is the API.
    const kind = u.pathname === '/' || ext === '.html' ? 'html' : ext === '' ? 'api' : ext.slice(1)
    files.push({ path: u.pathname, kind, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, transferred: sizes.responseBodySize })
  }
  await ctx.close()
  const assets = files.filter((f) => f.kind !== 'api')
  const sum = (key) => assets.reduce((n, f) => n + f[key], 0)
  return { url, readyMs, files, total: { requests: assets.length, raw: sum('raw'), gzip: sum('gzip'), transferred: sum('transferred') } }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`

function print (label, m) {
  console.log(`\n${label}: ${m.url}  (ready in ${m.readyMs} ms)`)
  console.log(`  ${'file'.padEnd(34)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)}`)
  for (const f of m.files) console.log(`  ${(f.kind === 'api' ? `${f.path} (api, not counted)` : f.path).padEnd(34)} ${String(f.raw).padStart(10)} ${String(f.gzip).padStart(10)}`)
  console.log(`  ${`total, ${m.total.requests} requests`.padEnd(34)} ${String(m.total.raw).padStart(10)} ${String(m.total.gzip).padStart(10)}   (${kb(m.total.raw)} raw, ${kb(m.total.gzip)} gzip; transferred ${m.total.transferred})`)
}

async function main () {
  const o = args(process.argv.slice(2))
  if (o.base === undefined && !existsSync(path.join(o.dist, 'index.html'))) throw new Error(`${o.dist}/index.html is missing: run npm run build -w h5 first`)
  const server = o.base === undefined ? await serveDist(o.dist) : null
  const base = o.base ?? `http://127.0.0.1:${server.address().port}`
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
  try {
    const pay = await measurePage(browser, `${base}/#/pages/pay/index?code=${encodeURIComponent(o.code)}`, '.pay .keypad, .pay .pay__submit')
    const others = []
    for (const route of o.pages) others.push(await measurePage(browser, `${base}/#${route}`, 'taro-view-core, .taro_page'))
    if (o.json) {
      console.log(JSON.stringify({ pay, others }))
    } else {
      print('pay page, first load', pay)
      for (const m of others) print('for comparison', m)
      console.log(`\nPAY PAGE FIRST LOAD: ${pay.total.raw} bytes raw, ${pay.total.gzip} bytes gzip -9 (${pay.total.requests} requests)`)
    }
    return pay
  } finally {
    await browser.close()
    if (server !== null) server.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1) })
}
