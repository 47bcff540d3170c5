import { startSandbox, type Sandbox } from '../src'
import { escapeHtml, jsonForScript } from '../src/web/page'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })

const home = async (): Promise<{ status: number, type: string | null, html: string }> => {
  const r = await fetch(`${sandbox.urls.wxmp}/`)
  return { status: r.status, type: r.headers.get('content-type'), html: await r.text() }
}

/** The JSON the page's script reads its URLs from. */
const embedded = (html: string): { urls: Record<string, string> } =>
  JSON.parse(/<script type="application\/json" id="sim-config">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as { urls: Record<string, string> }

describe('sandbox home page', () => {
  it('is a Chinese, mobile-friendly page on the WeChat platform port', async () => {
    const { status, type, html } = await home()
    expect(status).toBe(200)
    expect(type).toBe('text/html; charset=utf-8')
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('<title>yima 沙箱</title>')
    expect(html).toContain('name="viewport"')
    for (const id of ['people', 'devices', 'notifications']) expect(html).toContain(`id="${id}"`)
    expect((await fetch(`${sandbox.urls.wxpay}/`)).status).toBe(404)
  })

  it('embeds every base URL, read at request time, and links each host', async () => {
    const { html } = await home()
    expect(embedded(html).urls).toEqual(sandbox.urls)
    for (const url of Object.values(sandbox.urls)) expect(html).toContain(`<a href="${url}/">`)
    const real = sandbox.world.urls.sms
    sandbox.world.urls.sms = 'http://sms.example.test:9'
    try {
      expect(embedded((await home()).html).urls.sms).toBe('http://sms.example.test:9')
    } finally {
      sandbox.world.urls.sms = real
    }
  })

  it('escapes hostile URLs in links and in the embedded JSON', async () => {
    const real = sandbox.world.urls.devices
    const hostile = 'http://x/"></script><script>alert(1)</script><a href="'
    sandbox.world.urls.devices = hostile
    try {
      const { html } = await home()
      expect(html).not.toContain('<script>alert(1)</script>')
      expect(html).toContain('&quot;&gt;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(html).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)')
      expect(embedded(html).urls.devices).toBe(hostile)
      // Exactly the two script elements the page has: the JSON and home.js.
      expect(html.match(/<script[\s>]/g)).toHaveLength(2)
    } finally {
      sandbox.world.urls.devices = real
    }
  })

  it('renders data with textContent only, never as HTML', async () => {
    const { html } = await home()
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    expect(html).toContain('textContent')
    expect(html).toContain('setInterval(refresh, POLL_MS)')
    expect(html).toContain('const POLL_MS = 2000')
  })

  it('polls control APIs that exist and allow cross-origin reads', async () => {
    for (const url of [`${sandbox.urls.sms}/__sim/sms/messages`, `${sandbox.urls.devices}/__sim/devices`, `${sandbox.urls.wxmp}/__sim/notifications`]) {
      const r = await fetch(url, { headers: { origin: sandbox.urls.wxmp } })
      expect(r.status).toBe(200)
      expect(r.headers.get('access-control-allow-origin')).toBe('*')
      expect(Array.isArray(await r.json())).toBe(true)
    }
  })

  it('escapes helpers: HTML text and script-safe JSON', () => {
    expect(escapeHtml('<a href="x">\'&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    const json = jsonForScript({ s: '</script><!-- \u2028 &' })
    expect(json).not.toMatch(/[<>&\u2028]/)
    expect(JSON.parse(json)).toEqual({ s: '</script><!-- \u2028 &' })
  })
})
