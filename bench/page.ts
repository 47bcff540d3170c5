// npm run bench -- page: the customer's pay page (/#/pages/pay/index?code=…, what /q/<code> leads
// to once the payer is known) loaded for the first time in Chromium, empty cache, on a throttled
// phone: Slow 4G (150 ms RTT, 1.6 Mbps down, 750 kbps up; CDP Network.emulateNetworkConditions) and
// 4× CPU slowdown. Served by yima's own app (buildApp, the built h5/dist/h5, no JS-bridge shim, as
// in production) on a loopback port, with a payer cookie from the sandbox's OAuth. Baseline: a
// minimal static HTML page over the same transport and throttling: what the network and the
// browser cost before the app costs anything. Median of RUNS loads each.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type Response } from 'playwright-core'
import type { Database } from '@yima/server/src/db/client'
import { PAYER_COOKIE } from '@yima/server/src/modules/payments/payer-session'
import { median, type Table } from './table'
import { payers, serve, startWorld, WECHAT_UA } from './world'

const H5 = path.resolve(__dirname, '../h5')
const DIST = path.join(H5, 'dist/h5')
const RUNS = 3
const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 }
const CPU_SLOWDOWN = 4
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const STATIC_PAGE = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>付款</title></head><body><p class="ready">向商家付款</p></body></html>'

interface Load {
  /** Responses of the first load, up to network idle. */
  requests: number
  /** CDP loadingFinished encodedDataLength: bytes on the wire, headers included. */
  transferred: number
  /** Each body through gzip -6, bodies only: what a compressing proxy would send. */
  gzip: number
  /** Whether any response came compressed already (Content-Encoding). */
  compressed: boolean
  fcp: number
  /** performance.now() when `ready` first matched: the page is usable. */
  ready: number
}

async function firstLoad (browser: Browser, url: string, ready: string, cookie?: { name: string, value: string }): Promise<Load> {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: WECHAT_UA })
  try {
    if (cookie !== undefined) await ctx.addCookies([{ ...cookie, url: new URL(url).origin }])
    // The moment the selector first matches, from inside the page (no polling from here).
    await ctx.addInitScript({
      content: `new MutationObserver(() => {
        if (window.__benchReady === undefined && document.querySelector(${JSON.stringify(ready)}) !== null) window.__benchReady = performance.now()
      }).observe(document, { subtree: true, childList: true })`,
    })
    const page = await ctx.newPage()
    const cdp = await ctx.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', NETWORK)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
    let transferred = 0
    let requests = 0
    cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; requests++ })
    const responses: Response[] = []
    page.on('response', (r) => { responses.push(r) })
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForSelector(ready, { timeout: 60_000 })
    await page.waitForLoadState('networkidle')
    const timing = await page.evaluate<{ fcp: number | null, ready: number | null }>(`({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      ready: window.__benchReady ?? null,
    })`)
    // Compressed after the load, so the bench's own work does not slow it.
    let gzip = 0
    for (const r of responses) gzip += gzipSync(await r.body().catch(() => Buffer.alloc(0)), { level: 6 }).length
    const compressed = responses.some((r) => r.headers()['content-encoding'] !== undefined)
    return { requests, transferred, gzip, compressed, fcp: timing.fcp ?? Number.NaN, ready: timing.ready ?? Number.NaN }
  } finally {
    await ctx.close()
  }
}

function staticSite (): Promise<{ url: string, close: () => void }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(STATIC_PAGE)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    resolve({ url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`, close: () => { server.close() } })
  }))
}

export async function pageBench (database: Database, table: Table): Promise<void> {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    process.stdout.write('  h5/dist/h5 is missing: building it (npm run build -w h5)\n')
    const build = spawnSync('npm', ['run', 'build'], { cwd: H5, stdio: 'inherit' })
    if (build.status !== 0) throw new Error(`npm run build -w h5 failed (${build.status})`)
  }
  const world = await startWorld(database)
  const server = await serve(world, database, { h5DistDir: DIST, payBridgeScripts: null })
  const site = await staticSite()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
  try {
    const [payer] = await payers(world, server.base, 1)
    const cookie = payer?.cookie.split('=') ?? []
    const payUrl = `${server.base}/#/pages/pay/index?code=${encodeURIComponent(world.tenant.storeCode)}`
    const yima: Load[] = []
    const floor: Load[] = []
    for (let i = 0; i < RUNS; i++) {
      yima.push(await firstLoad(browser, payUrl, '.pay .keypad', { name: PAYER_COOKIE, value: cookie.slice(1).join('=') }))
      floor.push(await firstLoad(browser, site.url, '.ready'))
    }
    const m = (xs: Load[], k: 'requests' | 'transferred' | 'gzip' | 'fcp' | 'ready'): number => median(xs.map((x) => x[k]))
    const as = yima.some((x) => x.compressed) ? 'as served (compressed by the server)' : 'as served (the server compresses nothing)'
    const profile = `Slow 4G ${NETWORK.latency} ms RTT 1.6/0.75 Mbps, ${CPU_SLOWDOWN}× CPU; baseline: static HTML`
    table.add(`pay page first load (${profile}): requests`, m(yima, 'requests'), m(floor, 'requests'), 'count')
    table.add(`pay page first load: bytes ${as}, CDP encodedDataLength`, m(yima, 'transferred'), m(floor, 'transferred'), 'bytes')
    table.add('pay page first load: bytes gzipped by a reverse proxy (gzip -6 of each body)', m(yima, 'gzip'), m(floor, 'gzip'), 'bytes')
    table.add('pay page first load: first contentful paint', m(yima, 'fcp'), m(floor, 'fcp'), 'ms')
    table.add('pay page first load: keypad shown (baseline: its text shown)', m(yima, 'ready'), m(floor, 'ready'), 'ms')
  } finally {
    await browser.close()
    site.close()
    await server.close()
    await world.sandbox.stop()
  }
}
