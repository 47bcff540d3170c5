// Headless smoke-run of a Taro weapp build in Node: stubs App/Page/Component/wx,
// runs app + one page lifecycle, records setData, can dispatch a tap via the page's `eh` handler.
// NOT a WeChat runtime: no WXML rendering, no real layout. It proves the JS runs and shows
// what node tree Taro would hand to the WXML templates (frontend.md §8.3).
const vm = require('vm')
const fs = require('fs')
const path = require('path')

function createHarness (distDir, overrides = {}) {
  const calls = []
  const noop = (name) => (...args) => {
    calls.push(name)
    const o = args[0]
    if (o && typeof o.success === 'function') setTimeout(() => o.success({}), 0)
    if (o && typeof o.complete === 'function') setTimeout(() => o.complete({}), 0)
  }
  const sysInfo = {
    windowWidth: 375,
    windowHeight: 667,
    screenWidth: 375,
    screenHeight: 667,
    pixelRatio: 2,
    platform: 'devtools',
    system: 'iOS 17',
    version: '8.0.47',
    SDKVersion: '3.5.0',
    statusBarHeight: 20,
    safeArea: { top: 20, bottom: 667, left: 0, right: 375, width: 375, height: 647 },
  }
  const wxBase = {
    getSystemInfoSync: () => sysInfo,
    getWindowInfo: () => sysInfo,
    getDeviceInfo: () => sysInfo,
    getAppBaseInfo: () => sysInfo,
    getSystemInfo: (o) => setTimeout(() => o && o.success && o.success(sysInfo), 0),
    getMenuButtonBoundingClientRect: () => ({ top: 24, bottom: 56, left: 281, right: 368, width: 87, height: 32 }),
    canIUse: () => true,
    nextTick: (fn) => setTimeout(fn, 0),
    getStorageSync: () => '',
    setStorageSync: () => {},
    createSelectorQuery: () => {
      const q = {
        in: () => q,
        select: () => q,
        selectAll: () => q,
        selectViewport: () => q,
        fields: () => q,
        scrollOffset: () => q,
        boundingClientRect: (cb) => { cb && cb(null); return q },
        exec: (cb) => cb && cb([]),
      }
      return q
    },
    getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
    getEnterOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
    onAppShow () {},
    onAppHide () {},
    offAppShow () {},
    offAppHide () {},
  }
  // unknown wx.* APIs become recorded no-ops; webpackJsonp must stay undefined
  // Taro makes Taro.<api> only for the names it finds on wx at start-up: the ones pages call.
  Object.assign(wxBase, overrides)
  for (const name of ['navigateTo', 'redirectTo', 'reLaunch', 'navigateBack', 'showToast', 'showModal', 'setClipboardData', 'scanCode', 'login', 'request']) {
    if (!(name in wxBase)) wxBase[name] = noop('wx.' + name)
  }
  const wx = new Proxy(wxBase, { get: (t, k) => (k in t ? t[k] : (typeof k === 'string' && !k.startsWith('webpack') ? (t[k] = noop('wx.' + k)) : undefined)) })
  const reg = { app: null, pages: {}, comps: {} }
  let currentPath = null
  const ctx = {
    wx,
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    Promise,
    App: (cfg) => { reg.app = cfg },
    Page: (cfg) => { reg.pages[currentPath] = cfg },
    Component: (cfg) => { reg.comps[currentPath] = cfg },
    Behavior: (b) => b,
    getApp: () => reg.app,
    getCurrentPages: () => ctx.__pages || [],
    requirePlugin: () => ({}),
  }
  ctx.global = ctx
  ctx.globalThis = ctx
  vm.createContext(ctx)
  const cache = {}
  function load (file) {
    file = path.resolve(file)
    if (!file.endsWith('.js')) file += '.js'
    if (cache[file]) return cache[file].exports
    const m = { exports: {} }
    cache[file] = m
    const code = fs.readFileSync(file, 'utf8')
    const fn = vm.runInContext(`(function (require, module, exports) {${code}\n})`, ctx, { filename: file })
    const prev = currentPath
    currentPath = path.relative(distDir, file).replace(/\.js$/, '')
    fn((p) => load(path.resolve(path.dirname(file), p)), m, m.exports)
    currentPath = prev
    return m.exports
  }
  return { ctx, reg, calls, load }
}

function setByPath (obj, p, val) { // Taro setData keys look like "root.cn.[0].cn.[2].v"
  const keys = p.replace(/\.\[/g, '[').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)
  let o = obj
  for (let i = 0; i < keys.length - 1; i++) {
    if (o[keys[i]] == null) o[keys[i]] = /^\d+$/.test(keys[i + 1]) ? [] : {}
    o = o[keys[i]]
  }
  o[keys[keys.length - 1]] = val
}
const tick = (ms = 20) => new Promise(resolve => setTimeout(resolve, ms))

/** `wx` replaces wx.* APIs (e.g. `request` answering as the server would); `query` is the page's query (onLoad options). */
async function runPage (distDir, route, { wx = {}, query = {} } = {}) {
  const h = createHarness(distDir, wx)
  h.load(path.join(distDir, 'app.js'))
  const appInst = Object.assign({}, h.reg.app)
  h.reg.app = appInst
  appInst.onLaunch && appInst.onLaunch({ path: route, query: {}, scene: 1001 })
  appInst.onShow && appInst.onShow({ path: route, query: {}, scene: 1001 })
  h.load(path.join(distDir, route + '.js'))
  const cfg = h.reg.pages[route] || h.reg.comps[route]
  if (!cfg) throw new Error('no Page()/Component() registered for ' + route)
  const setDataLog = []
  const inst = {
    data: JSON.parse(JSON.stringify(cfg.data || {})),
    route,
    __route__: route,
    options: query,
    setData (d, cb) { setDataLog.push(Object.keys(d)); for (const k of Object.keys(d)) setByPath(this.data, k, d[k]); cb && setTimeout(cb, 0) },
  }
  const methods = cfg.methods ? Object.assign({}, cfg, cfg.methods) : cfg
  for (const k of Object.keys(methods)) if (typeof methods[k] === 'function') inst[k] = methods[k].bind(inst)
  h.ctx.__pages = [inst]
  const lc = cfg.methods ? cfg.methods : cfg
  ;(lc.onLoad || cfg.onLoad).call(inst, query)
  await tick()
  lc.onShow && lc.onShow.call(inst)
  lc.onReady && lc.onReady.call(inst)
  await tick(50)
  return { h, inst, setDataLog }
}

function findNode (node, pred) {
  if (!node) return null
  if (pred(node)) return node
  for (const c of node.cn || []) { const r = findNode(c, pred); if (r) return r }
  return null
}
function allText (node) {
  if (!node) return ''
  return (node.v != null ? node.v + ' ' : '') + (node.cn || []).map(allText).join('')
}
// Taro renders node `nn` with <template is="tmpl_<depth>_<nn>"> and only emits templates for components
// seen at compile time: a node whose nn has no template renders NOTHING in WeChat.
function missingTemplates (distDir, root) {
  const wxml = fs.readFileSync(path.join(distDir, 'base.wxml'), 'utf8')
  const have = new Set([...wxml.matchAll(/name="tmpl_0_([^"]+)"/g)].map(m => m[1]))
  const missing = new Map()
  ;(function visit (n) {
    if (!n) return
    if (n.nn != null && !have.has(String(n.nn))) missing.set(String(n.nn), (missing.get(String(n.nn)) || 0) + 1)
    ;(n.cn || []).forEach(visit)
  })({ cn: root.cn })
  return [...missing.entries()]
}
// Tap = what WXML's bindtap="eh" does: call the page's eh with dataset.sid of the node.
// (native custom components such as @vant/weapp fire 'click', not 'tap': tap(inst, node, 'click'))
function tap (inst, node, type = 'tap') {
  const target = { id: node.sid, dataset: { sid: node.sid } }
  inst.eh({ type, timeStamp: Date.now(), target, currentTarget: target, detail: { x: 1, y: 1 } })
}
const hasClass = (cls) => (n) => String(n.cl || '').split(/\s+/).includes(cls)

module.exports = { runPage, findNode, allText, tick, missingTemplates, tap, hasClass }
