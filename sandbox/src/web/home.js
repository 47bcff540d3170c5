/* global document */
// The sandbox home page's script, served inline by web/index.ts. It polls the simulators' control
// APIs every 2 s and rebuilds the lists. Everything a message, receipt or notification contains is
// written with textContent, never parsed as HTML: those texts come from whoever called the fake APIs.
'use strict'

const config = JSON.parse(document.getElementById('sim-config').textContent)
const urls = config.urls
const POLL_MS = 2000

/** An element with text children (strings become text nodes) and plain attributes. */
function h (tag, attrs, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, String(v))
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue
    e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
  return e
}

/** Only http(s) links are clickable; anything else (javascript:, data:) stays text. */
function link (href, text) {
  return /^https?:\/\//i.test(String(href ?? '')) ? h('a', { href: String(href), target: '_blank', rel: 'noopener noreferrer' }, text) : h('span', null, text)
}

const time = (iso) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString('zh-CN', { hour12: false })
}

/** A JSON list, or the first array found under a usual wrapper key; `missing` when the API is not there. */
async function load (url) {
  try {
    const r = await fetch(url, { cache: 'no-store' })
    if (!r.ok) return { missing: `${r.status}` }
    const body = await r.json()
    if (Array.isArray(body)) return { list: body }
    for (const key of ['data', 'items', 'messages', 'users', 'list']) if (Array.isArray(body?.[key])) return { list: body[key] }
    return { list: [] }
  } catch (err) {
    return { missing: String(err?.message ?? err) }
  }
}

const mobile = (phone) => String(phone ?? '').replace(/^(\+86|0086|86)/, '')

/** openids as `{appid: openid}` or `{appid: {openid, …}}` (what wxmp lists), an array, or one string. */
function openidsOf (user) {
  const o = user.openids ?? user.openid
  const one = (v) => typeof v === 'string' ? v : String(v?.openid ?? '')
  if (typeof o === 'string') return [o]
  const all = Array.isArray(o) ? o.map(one) : o && typeof o === 'object' ? Object.values(o).map(one) : []
  return all.filter((x) => x !== '')
}

function templateMessage (m) {
  const data = m.data && typeof m.data === 'object' ? Object.entries(m.data) : []
  return h('li', { class: 'msg' },
    h('div', { class: 'meta' }, `公众号消息 · ${time(m.at ?? m.created_at)} · 模板 ${m.template_id ?? ''}`),
    h('dl', null, data.map(([k, v]) => [h('dt', null, k), h('dd', null, String(v?.value ?? v ?? ''))])),
    m.url ? link(m.url, '查看详情') : null)
}

const smsItem = (s) => h('li', { class: 'msg sms' }, h('div', { class: 'meta' }, `短信 · ${time(s.at)}`), h('div', null, s.text))

/** [at, node] pairs, newest first. */
const newestFirst = (entries) => entries.sort((a, b) => String(b[0]).localeCompare(String(a[0]))).map((e) => e[1])

function people (users, messages, sms) {
  const out = []
  const usedMsg = new Set()
  const usedSms = new Set()
  for (const u of users) {
    const ids = openidsOf(u)
    const mine = messages.filter((m) => ids.includes(String(m.openid)))
    const texts = sms.filter((s) => u.phone && mobile(s.phone) === mobile(u.phone))
    mine.forEach((m) => usedMsg.add(m))
    texts.forEach((s) => usedSms.add(s))
    out.push(h('article', { class: 'card' },
      h('h3', null, u.nickname ?? u.name ?? '未命名', h('small', null, u.phone ? ` ${u.phone}` : '')),
      ids.length ? h('div', { class: 'meta' }, `openid：${ids.join('、')}`) : null,
      h('ul', null, newestFirst([...mine.map((m) => [m.at, templateMessage(m)]), ...texts.map((t) => [t.at, smsItem(t)])])),
      mine.length + texts.length === 0 ? h('p', { class: 'empty' }, '还没有消息') : null))
  }
  const strayMsgs = messages.filter((m) => !usedMsg.has(m))
  if (strayMsgs.length) out.push(h('article', { class: 'card' }, h('h3', null, '其他公众号消息'), h('ul', null, strayMsgs.map((m) => [h('div', { class: 'meta' }, `openid ${m.openid ?? ''}`), templateMessage(m)]))))
  const byPhone = new Map()
  for (const s of sms.filter((x) => !usedSms.has(x))) byPhone.set(s.phone, [...(byPhone.get(s.phone) ?? []), s])
  for (const [phone, list] of byPhone) out.push(h('article', { class: 'card' }, h('h3', null, `手机 ${phone}`), h('ul', null, [...list].reverse().map(smsItem))))
  return out
}

const VENDOR = { feie: '飞鹅云打印机', yly: '易联云打印机', brhk: '博瑞皓科云喇叭' }

/** Receipt markup (<BR>, <CB>…</CB>, <MN>2</MN>) shown as plain lines. */
const receipt = (content) => String(content).replace(/<BR>/gi, '\n').replace(/<MN>\d+<\/MN>/gi, '').replace(/<\/?[A-Za-z]+[^>]*>/g, '')

function device (d) {
  const badges = [
    h('span', { class: d.online ? 'ok' : 'bad' }, d.online ? '在线' : '离线'),
    d.vendor === 'brhk' ? h('span', null, `音量 ${d.volume}`) : h('span', { class: d.paper === 'ok' ? 'ok' : 'bad' }, d.paper === 'ok' ? '有纸' : '缺纸'),
    h('span', null, d.boundTo ? `已绑定 ${d.boundTo}` : '未绑定'),
  ]
  const printed = (d.printed ?? []).slice().reverse().map((p) => h('li', { class: 'receipt' }, h('div', { class: 'meta' }, `${time(p.at)} · ${p.copies} 联`), h('pre', null, receipt(p.content))))
  const waiting = (d.waiting ?? []).map((p) => h('li', { class: 'receipt waiting' }, h('div', { class: 'meta' }, `${time(p.receivedAt)} · 待打印`), h('pre', null, receipt(p.content))))
  const spoken = (d.spoken ?? []).slice().reverse().map((s) => h('li', null, `播报：${s.text}`, h('span', { class: 'meta' }, ` ${time(s.at)} · 音量 ${s.volume}`)))
  const missed = (d.missed ?? []).slice().reverse().map((s) => h('li', { class: 'missed' }, `未播报（离线）：${s.text}`, h('span', { class: 'meta' }, ` ${time(s.at)}`)))
  const items = [...waiting, ...printed, ...spoken, ...missed]
  return h('article', { class: 'card' },
    h('h3', null, d.name, h('small', null, ` ${VENDOR[d.vendor] ?? d.vendor} · ${d.sn}`)),
    h('div', { class: 'badges' }, badges),
    items.length ? h('ul', null, items) : h('p', { class: 'empty' }, '还没有打印或播报'))
}

function notification (n) {
  const status = n.response ? `HTTP ${n.response.status}` : (n.error ?? '无应答')
  return h('li', { class: n.acknowledged ? 'ok' : 'bad' },
    h('div', { class: 'meta' }, `${time(n.at)} · ${n.channel} · ${n.kind} · 第 ${n.attempt} 次 · ${status}${n.acknowledged ? ' · 已确认' : ''}`),
    h('code', null, n.url))
}

function fill (id, nodes, missing, what) {
  const box = document.getElementById(id)
  const list = nodes.length ? nodes : [h('p', { class: 'empty' }, missing ? `${what}暂不可用（${missing}）` : `还没有${what}`)]
  box.replaceChildren(...list)
}

async function refresh () {
  const [users, messages, sms, devices, notifications] = await Promise.all([
    load(`${urls.wxmp}/__sim/wxmp/users`),
    load(`${urls.wxmp}/__sim/wxmp/messages`),
    load(`${urls.sms}/__sim/sms/messages`),
    load(`${urls.devices}/__sim/devices`),
    load(`${urls.wxmp}/__sim/notifications`),
  ])
  fill('people', people(users.list ?? [], messages.list ?? [], sms.list ?? []), users.missing ?? messages.missing ?? sms.missing, '消息')
  fill('devices', (devices.list ?? []).map(device), devices.missing, '设备')
  const recent = (notifications.list ?? []).slice(-30).reverse().map(notification)
  fill('notifications', recent.length ? [h('ul', null, recent)] : [], notifications.missing, '通知')
  document.getElementById('updated').textContent = `上次刷新 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`
}

refresh()
setInterval(refresh, POLL_MS)
