/**
 * The `AlipayJSBridge` shim an H5 dev build loads in place of the Alipay app's bridge:
 * `AlipayJSBridge.call('tradePay', { tradeNO }, cb)` shows a cashier overlay and answers
 * `{ resultCode }`: 9000 paid, 6001 cancelled, 4000 failed (https://opendocs.alipay.com/open/204/105695).
 * Paying goes through `POST /__sim/alipay/pay`, which notifies like a real payment. The customer is the
 * `sim_user` cookie of the page, if set.
 */
export function bridgeScript (origin: string): string {
  return `(function () {
  var base = ${JSON.stringify(origin)};
  var memo = { '9000': '', '6001': '用户中途取消', '4000': '订单支付失败' };
  function cookie (name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : undefined;
  }
  function finish (box, cb, code) {
    if (box && box.parentNode) box.parentNode.removeChild(box);
    if (typeof cb === 'function') cb({ resultCode: code, memo: memo[code], result: '' });
  }
  function button (text, bg, color, onClick) {
    var b = document.createElement('button');
    b.textContent = text;
    b.style.cssText = 'display:block;width:100%;padding:12px;margin-top:10px;border:0;border-radius:8px;font-size:16px;background:' + bg + ';color:' + color;
    b.onclick = onClick;
    return b;
  }
  function tradePay (params, cb) {
    var tradeNo = params && (params.tradeNO || params.tradeNo);
    if (!tradeNo) { finish(null, cb, '4000'); return; }
    fetch(base + '/__sim/alipay/orders?trade_no=' + encodeURIComponent(tradeNo))
      .then(function (r) { return r.json(); })
      .then(function (orders) {
        var o = orders[0];
        if (!o) { finish(null, cb, '4000'); return; }
        var box = document.createElement('div');
        box.id = 'alipay-sim-cashier';
        box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.5);display:flex;align-items:flex-end;font-family:sans-serif';
        var sheet = document.createElement('div');
        sheet.style.cssText = 'background:#fff;width:100%;padding:20px;border-radius:12px 12px 0 0;text-align:center';
        sheet.innerHTML = '<div style="color:#1677ff">支付宝收银台 · 模拟</div><div id="alipay-sim-amount" style="font-size:32px;margin:12px 0"></div><div id="alipay-sim-subject" style="color:#888"></div>';
        sheet.querySelector('#alipay-sim-amount').textContent = '¥' + o.total_amount;
        sheet.querySelector('#alipay-sim-subject').textContent = o.subject;
        sheet.appendChild(button('确认付款', '#1677ff', '#fff', function () {
          fetch(base + '/__sim/alipay/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trade_no: tradeNo, sim_user: cookie('sim_user') }) })
            .then(function (r) { finish(box, cb, r.ok ? '9000' : '4000'); }, function () { finish(box, cb, '4000'); });
        }));
        sheet.appendChild(button('取消', '#eee', '#333', function () { finish(box, cb, '6001'); }));
        sheet.appendChild(button('模拟支付失败', '#fff', '#c00', function () { finish(box, cb, '4000'); }));
        box.appendChild(sheet);
        document.body.appendChild(box);
      }, function () { finish(null, cb, '4000'); });
  }
  window.AlipayJSBridge = {
    call: function (name, params, cb) {
      if (typeof params === 'function') { cb = params; params = {}; }
      if (name === 'tradePay') { tradePay(params, cb); return; }
      if (typeof cb === 'function') cb({ error: 1, errorMessage: 'sandbox: ' + name + ' is not simulated' });
    }
  };
  setTimeout(function () { document.dispatchEvent(new Event('AlipayJSBridgeReady')); }, 0);
})();
`
}
