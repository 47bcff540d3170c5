// Smoke test of the weapp build without WeChat DevTools (frontend.md §8.3):
// static checks, WeChat's own wcc/wcsc compilers, and the index page run in the harness.
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
  await check('index page runs and shows the formatted amount', async () => {
    page = await runPage(dist, ROUTE)
    const text = allText(page.inst.data.root)
    assert.match(text, /yima 商户助手/)
    assert.match(text, /示例金额/)
    assert.match(text, /¥1,234\.56/)
    assert.doesNotMatch(text, /¥4\.69/)
  })
  await check('every rendered node has a WXML template', () => {
    assert.deepEqual(missingTemplates(dist, page.inst.data.root), [])
  })
  await check('wcc output renders the page data', () => {
    const text = vdomText(gwx(`${ROUTE}.wxml`)(page.inst.data, {}, {})).join(' | ')
    assert.match(text, /¥1,234\.56/, text)
  })
  await check('tapping the vantui button shows the fee', async () => {
    const button = findNode(page.inst.data.root, hasClass('van-native-button'))
    assert.ok(button, 'no .van-native-button in the page')
    tap(page.inst, button)
    await tick(100)
    assert.match(allText(page.inst.data.root), /手续费（0\.38%）.*¥4\.69/)
    assert.match(vdomText(gwx(`${ROUTE}.wxml`)(page.inst.data, {}, {})).join(' | '), /¥4\.69/)
    assert.deepEqual(missingTemplates(dist, page.inst.data.root), [])
  })
  await check('no uncaught errors in the page runtime', () => {
    if (runtimeErrors.length > 0) throw runtimeErrors[0]
  })
})().catch(fail).finally(finish)
