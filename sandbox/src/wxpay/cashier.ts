import { fen, formatFen } from '@yima/shared'

// The sandbox's stand-ins for what the WeChat client shows: a cashier page (微信支付) and the
// WeixinJSBridge shim that opens it. Both talk to the control API on the same origin, except the
// shim's batchAddCard, which the WeChat platform simulator (another port) answers.

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** JSON safe inside an inline <script>. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c')

export const CASHIER_MESSAGE_SOURCE = 'yima-sim-cashier'

export interface CashierView {
  prepayId: string
  merchantName: string
  description: string
  total: number
  /** Why the order can't be paid (already paid, closed, expired), if so. */
  blocked?: string
}

export function cashierPage (v: CashierView): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微信支付</title>
<style>
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
.sheet{max-width:420px;margin:0 auto;background:#fff;min-height:100vh;padding:32px 24px;box-sizing:border-box;text-align:center}
.brand{color:#07c160;font-weight:600;letter-spacing:2px}.merchant{margin-top:24px;font-size:15px;color:#555}
.amount{font-size:40px;font-weight:600;margin:8px 0 4px}.desc{color:#888;font-size:13px}
button{display:block;width:100%;margin-top:16px;padding:12px;font-size:17px;border-radius:8px;border:0}
#pay{background:#07c160;color:#fff;margin-top:48px}#pay:disabled{background:#9ed9b6}#cancel{background:#f2f2f2;color:#07c160}
#status{margin-top:20px;min-height:1.4em;color:#fa5151}.sandbox{margin-top:40px;font-size:12px;color:#aaa}
</style></head>
<body><div class="sheet">
<div class="brand">微信支付</div>
<div class="merchant">${escapeHtml(v.merchantName)}</div>
<div class="amount">${formatFen(fen(v.total))}</div>
<div class="desc">${escapeHtml(v.description)}</div>
<button id="pay"${v.blocked === undefined ? '' : ' disabled'}>确认支付</button>
<button id="cancel">取消</button>
<div id="status">${escapeHtml(v.blocked ?? '')}</div>
<div class="sandbox">yima 沙箱 · 不会产生真实扣款</div>
</div>
<script>
(function () {
  var prepayId = ${scriptJson(v.prepayId)}
  var embedded = window.parent !== window
  var status = document.getElementById('status')
  function finish (result, message) {
    status.textContent = message
    status.style.color = result === 'ok' ? '#07c160' : '#fa5151'
    if (embedded) window.parent.postMessage({ source: ${scriptJson(CASHIER_MESSAGE_SOURCE)}, prepay_id: prepayId, result: result, message: message }, '*')
  }
  document.getElementById('pay').onclick = function () {
    this.disabled = true
    fetch('/__sim/wxpay/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prepay_id: prepayId }) })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b } }) })
      .then(function (r) { if (r.ok) finish('ok', '支付成功'); else finish('fail', '支付失败：' + (r.body.error || '')) },
        function () { finish('fail', '支付失败：网络错误') })
  }
  document.getElementById('cancel').onclick = function () { finish('cancel', '已取消支付') }
})()
</script></body></html>`
}

/**
 * `WeixinJSBridge` for pages opened outside WeChat:
 * - `invoke('getBrandWCPayRequest', params, cb)` has the sandbox check paySign as the WeChat client
 *   would (a bad one answers `:fail` at once), then overlays the cashier and answers `:ok`,
 *   `:cancel` or `:fail` with what the customer chose;
 * - `invoke('batchAddCard', {card_list: [{card_id, card_ext}]}, cb)` (what JS-SDK `wx.addCard`
 *   calls) has the WeChat platform simulator on `wxmpOrigin` check each cardExt and put the cards
 *   in the wallet of the card_ext's openid, and answers what it says (`batch_add_card:ok` with
 *   `card_list` as a JSON string of `{card_id, card_ext, code: <encrypt_code>, is_succ}`, or `:fail`).
 */
export function bridgeScript (origin: string, wxmpOrigin: string): string {
  return `/* yima sandbox WeixinJSBridge shim */
(function () {
  if (window.WeixinJSBridge && !window.WeixinJSBridge.__yimaSandbox) return
  var origin = ${scriptJson(origin)}
  var wxmpOrigin = ${scriptJson(wxmpOrigin)}
  var PAY = 'get_brand_wcpay_request'
  var ADD_CARD = 'batch_add_card'
  function answer (cb, errMsg, extra) {
    var res = { err_msg: errMsg }
    for (var k in extra || {}) res[k] = extra[k]
    if (typeof cb === 'function') cb(res)
  }
  function openCashier (prepayId, done) {
    var frame = document.createElement('iframe')
    frame.src = origin + '/__sim/cashier/wx?prepay_id=' + encodeURIComponent(prepayId)
    frame.setAttribute('style', 'position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:#ededed')
    function onMessage (e) {
      var d = e.data
      if (e.origin !== origin || !d || d.source !== ${scriptJson(CASHIER_MESSAGE_SOURCE)} || d.prepay_id !== prepayId) return
      window.removeEventListener('message', onMessage)
      if (frame.parentNode) frame.parentNode.removeChild(frame)
      done(d.result, d.message)
    }
    window.addEventListener('message', onMessage)
    document.body.appendChild(frame)
  }
  function addCard (params, cb) {
    fetch(wxmpOrigin + '/__sim/wxmp/bridge/add-card', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params || {}) })
      .then(function (r) { return r.json() })
      .then(function (v) {
        if (!v || typeof v.err_msg !== 'string') { answer(cb, ADD_CARD + ':fail', { err_desc: (v && v.error) || 'sandbox error' }); return }
        if (typeof cb === 'function') cb(v)
      }, function (err) { answer(cb, ADD_CARD + ':fail', { err_desc: String(err) }) })
  }
  function invoke (api, params, cb) {
    if (api === 'batchAddCard') { addCard(params, cb); return }
    if (api !== 'getBrandWCPayRequest') { answer(cb, api + ':fail', { err_desc: 'not simulated by the yima sandbox' }); return }
    fetch(origin + '/__sim/wxpay/jsapi/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params || {}) })
      .then(function (r) { return r.json() })
      .then(function (v) {
        if (!v.ok) { answer(cb, PAY + ':fail', { err_desc: v.reason }); return }
        openCashier(v.prepay_id, function (result, message) { answer(cb, PAY + ':' + result, result === 'fail' ? { err_desc: message } : {}) })
      }, function (err) { answer(cb, PAY + ':fail', { err_desc: String(err) }) })
  }
  window.WeixinJSBridge = { __yimaSandbox: true, invoke: invoke, call: function () {}, on: function () {} }
  // Pages wait for this event when the bridge is not there yet, as inside WeChat.
  setTimeout(function () { document.dispatchEvent(new Event('WeixinJSBridgeReady')) }, 0)
})()
`
}
