import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { JSDOM } from 'jsdom'
import { renderHome } from '../src/web/page'

// Runs the page's own script in a DOM with canned control-API answers, to check what a person sees
// and that nothing from the simulated data becomes markup.

const SCRIPT = readFileSync(join(__dirname, '../src/web/home.js'), 'utf8')
const URLS = { wxpay: 'http://sim:1', alipay: 'http://sim:2', wxmp: 'http://sim:3', sms: 'http://sim:4', devices: 'http://sim:5' }
const AT = '2026-01-02T03:04:05.000Z'

type Answers = Record<string, unknown>
const open: JSDOM[] = []
afterEach(() => { for (const dom of open.splice(0)) dom.window.close() })

async function render (answers: Answers): Promise<Document> {
  const dom = new JSDOM(renderHome(URLS, SCRIPT), {
    runScripts: 'dangerously',
    beforeParse (window) {
      Object.assign(window, {
        fetch: async (url: string) => {
          const body = answers[url]
          return { ok: body !== undefined, status: body === undefined ? 404 : 200, json: async () => body }
        },
      })
    },
  })
  open.push(dom)
  const doc = dom.window.document
  for (let i = 0; i < 100 && doc.getElementById('updated')?.textContent?.includes('上次刷新') !== true; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return doc
}

const HOSTILE = '<img src=x onerror="window.pwned=1">'

describe('home page script', () => {
  it('shows each person’s template messages and SMS, other phones separately, all as text', async () => {
    const doc = await render({
      [`${URLS.wxmp}/__sim/wxmp/users`]: [{ nickname: '张三', phone: '13800000001', openids: { wxoa: { openid: 'o-zhang' }, wxmini: { openid: 'o-zhang-mini' } } }],
      [`${URLS.wxmp}/__sim/wxmp/messages`]: [
        { msgid: 1, appid: 'wxoa', openid: 'o-zhang', template_id: 'tpl', url: 'javascript:alert(1)', data: { amount: { value: HOSTILE }, store: { value: '一号店' } }, at: AT },
        { msgid: 2, appid: 'wxoa', openid: 'o-nobody', template_id: 'tpl', url: 'https://example.test/o/1', data: { amount: { value: '1.00' } }, at: AT },
      ],
      [`${URLS.sms}/__sim/sms/messages`]: [
        { phone: '+8613800000001', text: `【yima】${HOSTILE}收款`, at: AT },
        { phone: '+8613900000000', text: '【yima】别人的短信', at: AT },
      ],
      [`${URLS.devices}/__sim/devices`]: [],
      [`${URLS.wxmp}/__sim/notifications`]: [],
    })
    const people = doc.getElementById('people')
    const cards = [...(people?.querySelectorAll('article') ?? [])].map((a) => a.textContent ?? '')
    expect(cards[0]).toContain('张三')
    expect(cards[0]).toContain('o-zhang、o-zhang-mini')
    expect(cards[0]).toContain(HOSTILE)
    expect(cards[0]).toContain(`【yima】${HOSTILE}收款`)
    expect(cards[0]).toContain('一号店')
    expect(cards.find((c) => c.includes('其他公众号消息'))).toContain('o-nobody')
    expect(cards.find((c) => c.includes('手机 +8613900000000'))).toContain('别人的短信')
    expect(people?.querySelectorAll('img, script')).toHaveLength(0)
    // Only the https link became a link; javascript: stayed text.
    expect([...(people?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'))).toEqual(['https://example.test/o/1'])
  })

  it('shows receipts with copies, held jobs, spoken and missed announcements, and notifications', async () => {
    const doc = await render({
      [`${URLS.devices}/__sim/devices`]: [
        { vendor: 'feie', sn: '912345678', name: '前台', online: false, paper: 'out', boundTo: 'u', volume: 60, printed: [{ at: AT, content: '<CB>一号店</CB><BR>微信收款<BR><script>x</script>', copies: 2, orderId: 'o1' }], waiting: [{ receivedAt: AT, content: '待打印的', copies: 1, orderId: 'o2' }], spoken: [], missed: [] },
        { vendor: 'brhk', sn: '10000001', name: '云喇叭', online: true, paper: 'ok', boundTo: null, volume: 80, printed: [], waiting: [], spoken: [{ at: AT, text: '微信收款12.50元', volume: 80 }], missed: [{ at: AT, text: '没听见', volume: 80 }] },
      ],
      [`${URLS.wxmp}/__sim/notifications`]: [{ id: 'n1', channel: 'wxpay', kind: 'TRANSACTION.SUCCESS', url: 'http://yima/hooks/wxpay', attempt: 2, at: AT, response: { status: 200, body: '' }, acknowledged: true }],
    })
    const devices = doc.getElementById('devices')?.textContent ?? ''
    expect(devices).toContain('离线')
    expect(devices).toContain('缺纸')
    expect(devices).toContain('2 联')
    expect([...doc.querySelectorAll('#devices pre')].map((p) => p.textContent)).toEqual(['待打印的', '一号店\n微信收款\nx'])
    expect(devices).toContain('待打印')
    expect(devices).toContain('播报：微信收款12.50元')
    expect(devices).toContain('未播报（离线）：没听见')
    expect(doc.querySelectorAll('#devices script')).toHaveLength(0)
    const notifications = doc.getElementById('notifications')?.textContent ?? ''
    expect(notifications).toContain('TRANSACTION.SUCCESS')
    expect(notifications).toContain('HTTP 200')
    expect(notifications).toContain('已确认')
  })

  it('says which lists are not available instead of failing', async () => {
    const doc = await render({})
    expect(doc.getElementById('people')?.textContent).toBe('消息暂不可用（404）')
    expect(doc.getElementById('devices')?.textContent).toBe('设备暂不可用（404）')
    expect(doc.getElementById('notifications')?.textContent).toBe('通知暂不可用（404）')
    expect(doc.getElementById('updated')?.textContent).toContain('上次刷新')
  })
})
