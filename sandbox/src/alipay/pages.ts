import Router from '@koa/router'
import type { Context } from 'koa'
import { alipayTime } from '../core/ids'
import { DEFAULT_BUYER } from './auth'
import { parseBizContent, runMethod, verifyV2Request } from './dispatch'
import { escapeHtml, mergeParams } from './http'
import type { Trade } from './ledger'
import { isResult, openTrade, str } from './methods/common'
import { LONG_TIMEOUT_MS } from './methods/create'
import { signAlipayParams } from './notify'
import { ok } from './result'
import { bridgeScript } from './bridge'
import { payTrade, yuan, type AlipaySim } from './sim'

const PAGE = { 'alipay.trade.wap.pay': { origin: 'wap', productCode: 'QUICK_WAP_WAY' }, 'alipay.trade.page.pay': { origin: 'page', productCode: 'FAST_INSTANT_TRADE_PAY' } } as const

/**
 * A page method (pageExecute GET link or POST form) landing on gateway.do: the same signature
 * rules as exec, then the "支付宝收银台" for the customer instead of JSON.
 */
export function renderPagePay (ctx: Context, sim: AlipaySim, method: string, params: Record<string, string>): void {
  const page = method === 'alipay.trade.page.pay' ? PAGE['alipay.trade.page.pay'] : PAGE['alipay.trade.wap.pay']
  const verdict = verifyV2Request(sim, params)
  if (typeof verdict !== 'string') {
    if (verdict.kind === 'error') errorPage(ctx, verdict.error.subCode, verdict.error.subMsg)
    return
  }
  const biz = parseBizContent(params.biz_content)
  if (biz === undefined) { errorPage(ctx, 'isv.invalid-parameter', 'biz_content 不是合法的 JSON 对象'); return }
  let trade: Trade | undefined
  const r = runMethod(sim, (c) => {
    const t = openTrade(c, page.origin, page.productCode, LONG_TIMEOUT_MS, { quitUrl: str(c.biz, 'quit_url') })
    if (isResult(t)) return t
    trade = t
    return ok({})
  }, { appId: params.app_id ?? '', params, biz }, params.app_auth_token)
  if (r.kind === 'error' || trade === undefined) {
    if (r.kind === 'error') errorPage(ctx, r.error.subCode, r.error.subMsg)
    return
  }
  cashierPage(ctx, trade, simUser(ctx))
}

/** Cashier actions, the customer OAuth stand-in and the AlipayJSBridge shim. */
export function pageRoutes (sim: AlipaySim): Router {
  const router = new Router()
  router.get('/__sim/alipay/cashier/:tradeNo', (ctx) => {
    const t = sim.ledger.byTradeNo(ctx.params.tradeNo ?? '')
    if (t === undefined) { errorPage(ctx, 'ACQ.TRADE_NOT_EXIST', '交易不存在'); return }
    cashierPage(ctx, t, simUser(ctx))
  })
  // 确认付款: pay, notify, then the synchronous return to return_url with signed parameters.
  router.post('/__sim/alipay/cashier/:tradeNo/pay', (ctx) => {
    const t = sim.ledger.byTradeNo(ctx.params.tradeNo ?? '')
    if (t === undefined) { errorPage(ctx, 'ACQ.TRADE_NOT_EXIST', '交易不存在'); return }
    const form = mergeParams(ctx.request.body)
    const buyer = t.buyer ?? sim.auth.buyer(form.sim_user ?? simUser(ctx))
    if (t.status === 'WAIT_BUYER_PAY') payTrade(sim, t, buyer)
    if (t.status !== 'TRADE_SUCCESS') { errorPage(ctx, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法'); return }
    if (t.returnUrl === undefined) { resultPage(ctx, '支付成功', `¥${yuan(t.total)}`); return }
    ctx.redirect(withQuery(t.returnUrl, syncReturnParams(sim, t)))
  })
  router.post('/__sim/alipay/cashier/:tradeNo/cancel', (ctx) => {
    const t = sim.ledger.byTradeNo(ctx.params.tradeNo ?? '')
    if (t?.quitUrl !== undefined) { ctx.redirect(t.quitUrl); return }
    resultPage(ctx, '已取消付款', '您可以返回商户页面重新下单')
  })

  // Stand-in for https://openauth.alipay.com/oauth2/publicAppAuthorize.htm (at its real path, so
  // ALIPAY_OPENAUTH_URL points here as it points at openauth.alipay.com): the customer agrees at once.
  router.get(['/oauth2/publicAppAuthorize.htm', '/__sim/alipay/oauth/authorize'], (ctx) => {
    const q = mergeParams(ctx.query)
    if (q.redirect_uri === undefined || q.app_id === undefined || !sim.auth.knowsApp(q.app_id, sim.keys.appId)) {
      ctx.status = 400
      ctx.body = '无效的授权请求：app_id 或 redirect_uri 不正确'
      return
    }
    const buyer = sim.auth.buyer(simUser(ctx))
    const scope = q.scope ?? 'auth_base'
    ctx.redirect(withQuery(q.redirect_uri, {
      app_id: q.app_id, source: 'alipay_wallet', scope, auth_code: sim.auth.issueOAuthCode(q.app_id, buyer), state: q.state,
    }))
  })

  router.get('/__sim/bridge/alipay.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8'
    // The host the page loaded the script from, so the shim also works through a LAN address.
    ctx.body = bridgeScript(ctx.host === '' ? sim.world.urls.alipay : `${ctx.protocol}://${ctx.host}`)
  })
  return router
}

/** The parameters Alipay appends to return_url, signed like a notification (verify with checkNotifySignV2). */
function syncReturnParams (sim: AlipaySim, t: Trade): Record<string, string> {
  return signAlipayParams(sim, {
    charset: 'utf-8',
    out_trade_no: t.outTradeNo,
    method: `${t.origin === 'page' ? 'alipay.trade.page.pay' : 'alipay.trade.wap.pay'}.return`,
    total_amount: yuan(t.total),
    trade_no: t.tradeNo,
    auth_app_id: t.authAppId,
    version: '1.0',
    app_id: t.appId,
    sign_type: 'RSA2',
    seller_id: t.sellerId,
    timestamp: alipayTime(sim.world.clock.now()),
  }, 'alipay:return')
}

export function withQuery (url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v)
  return u.toString()
}

/** The test customer: `sim_user` query parameter, then cookie, then the default buyer. */
function simUser (ctx: Context): string {
  const q = ctx.query.sim_user
  if (typeof q === 'string' && q !== '') return q
  const c = ctx.cookies.get('sim_user')
  return c === undefined || c === '' ? DEFAULT_BUYER : decodeURIComponent(c)
}

export const shell = (title: string, body: string, header = '支付宝收银台 · 模拟'): string => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:-apple-system,"PingFang SC",sans-serif;background:#f5f5f5;margin:0;color:#333}
header{background:#1677ff;color:#fff;padding:14px 16px;font-size:17px}main{padding:24px 16px;text-align:center}
.amount{font-size:36px;font-weight:600;margin:12px 0}.muted{color:#888;font-size:14px}
button{display:block;width:100%;padding:13px;margin-top:14px;border:0;border-radius:8px;font-size:17px}
.pay{background:#1677ff;color:#fff}.cancel{background:#fff;color:#333;border:1px solid #ddd}</style></head>
<body><header>${escapeHtml(header)}</header><main>${body}</main></body></html>`

function cashierPage (ctx: Context, t: Trade, user: string): void {
  const base = `/__sim/alipay/cashier/${encodeURIComponent(t.tradeNo)}`
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = shell('支付宝收银台', `
<p class="muted">${escapeHtml(t.subject)}</p>
<p class="amount">¥${yuan(t.total)}</p>
<p class="muted">订单号 ${escapeHtml(t.outTradeNo)} · 付款账户 ${escapeHtml(user)}</p>
<form method="post" action="${base}/pay"><input type="hidden" name="sim_user" value="${escapeHtml(user)}">
<button class="pay" type="submit" id="pay">确认付款</button></form>
<form method="post" action="${base}/cancel"><button class="cancel" type="submit" id="cancel">取消</button></form>`)
}

function resultPage (ctx: Context, title: string, detail: string): void {
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = shell(title, `<p class="amount">${escapeHtml(title)}</p><p class="muted">${escapeHtml(detail)}</p>`)
}

/** Alipay's error page for a refused page request: the sub code and its reason. */
function errorPage (ctx: Context, code: string, reason: string): void {
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = shell('支付宝 - 错误', `<p class="amount">抱歉，无法付款</p><p>错误代码 <code id="error-code">${escapeHtml(code)}</code></p><p class="muted">${escapeHtml(reason)}</p>`)
}
