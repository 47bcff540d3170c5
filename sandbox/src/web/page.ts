import type { HostName } from '../core/world'

/** Text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** JSON that cannot end the <script> element it sits in (`</script>`, `<!--`) or break JS parsing (U+2028/9). */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

const HOSTS: Array<[HostName, string, string]> = [
  ['wxmp', '微信公众平台', 'api.weixin.qq.com · open.weixin.qq.com'],
  ['wxpay', '微信支付', 'api.mch.weixin.qq.com'],
  ['alipay', '支付宝', 'openapi.alipay.com'],
  ['sms', '腾讯云短信', 'sms.tencentcloudapi.com'],
  ['devices', '云打印机 · 云喇叭', '飞鹅云 /feie · 易联云 /yly · 博瑞皓科 /brhk'],
]

const STYLE = `
body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2329}
header{background:#07c160;color:#fff;padding:12px 16px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;opacity:.9}
main{max-width:1100px;margin:0 auto;padding:8px 12px 40px}h2{font-size:17px;margin:20px 0 8px}
.grid{display:grid;gap:10px;grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}
.card{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card h3{margin:0 0 4px;font-size:16px}.card small{color:#8f959e;font-weight:normal}
ul{list-style:none;margin:6px 0 0;padding:0}li{border-top:1px solid #eff0f1;padding:6px 0;word-break:break-all}
.meta{color:#8f959e;font-size:12px}.empty{color:#8f959e;margin:6px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0 8px;margin:4px 0}dt{color:#646a73}dd{margin:0}
pre{margin:4px 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,Menlo,monospace;background:#fafafa;padding:6px;border-radius:4px}
.badges span{display:inline-block;font-size:12px;border-radius:10px;padding:0 8px;margin:0 4px 4px 0;background:#eff0f1}
.badges .ok{background:#e8f8ee;color:#07893f}.badges .bad,.bad .meta{background:#fdecec;color:#d83931}
.missed,.waiting{color:#8f959e}code{font-size:12px;word-break:break-all}a{color:#3370ff}
.hosts li{border:0;padding:2px 0}
`

/** The page shell; the lists are filled by home.js from the control APIs. */
export function renderHome (urls: Record<HostName, string>, script: string): string {
  const hosts = HOSTS.map(([name, label, realHost]) => {
    const url = urls[name]
    return `<li><a href="${escapeHtml(url)}/">${escapeHtml(label)}</a> <code>${escapeHtml(url)}</code> <span class="meta">代替 ${escapeHtml(realHost)}</span></li>`
  }).join('')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>yima 沙箱</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>yima 沙箱</h1><p>模拟的微信支付、支付宝、公众号、短信、云打印机和云喇叭 · <span id="updated">正在加载…</span></p></header>
<main>
<h2>手机（公众号消息与短信）</h2>
<section id="people" class="grid"><p class="empty">正在加载…</p></section>
<h2>云打印机与云喇叭</h2>
<section id="devices" class="grid"><p class="empty">正在加载…</p></section>
<h2>最近的通知</h2>
<section id="notifications" class="card"><p class="empty">正在加载…</p></section>
<h2>模拟的服务</h2>
<section class="card"><ul class="hosts">${hosts}</ul>
<p class="meta">原始数据：<a href="${escapeHtml(urls.sms)}/__sim/sms/messages">短信</a> · <a href="${escapeHtml(urls.devices)}/__sim/devices">设备</a> · <a href="${escapeHtml(urls.wxmp)}/__sim/notifications">通知</a>。控制接口：每个端口都有 <code>/__sim/reset</code>、<code>/__sim/faults</code>、<code>/__sim/clock/advance</code>、<code>/__sim/notifications</code>。</p></section>
</main>
<script type="application/json" id="sim-config">${jsonForScript({ urls })}</script>
<script>${script}</script>
</body>
</html>
`
}
