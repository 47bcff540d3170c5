import Router from '@koa/router'
import type { Context } from 'koa'
import type { Merchant } from './auth'
import { escapeHtml, mergeParams } from './http'
import { shell, withQuery } from './pages'
import type { AlipaySim } from './sim'

const PID = /^2088\d{12}$/
const HEADER = '支付宝 · 第三方应用授权（模拟）'

const isHttpUrl = (s: string): boolean => {
  try { return ['http:', 'https:'].includes(new URL(s).protocol) } catch { return false }
}

/**
 * Stand-in for `https://openauth.alipay.com/oauth2/appToAppAuth.htm?app_id&redirect_uri&state`: the
 * merchant signs in and confirms the ISV's authorization, and Alipay 302s to
 * `redirect_uri?app_id&app_auth_code&state`. `sim_merchant` names the merchant by PID (`new` for a
 * fresh one); without it the page lists the known merchants. The real redirect_uri must equal the
 * app's 授权回调地址; the sandbox accepts any http(s) URL.
 */
export function appAuthRoutes (sim: AlipaySim): Router {
  const router = new Router()
  router.get('/oauth2/appToAppAuth.htm', (ctx) => {
    const q = mergeParams(ctx.query)
    if (q.app_id !== sim.keys.appId) { refusal(ctx, '应用不存在', 'app_id 不是有效的第三方应用'); return }
    const redirectUri = q.redirect_uri
    if (redirectUri === undefined || !isHttpUrl(redirectUri)) { refusal(ctx, '授权回调地址错误', 'redirect_uri 与应用配置的授权回调地址不一致'); return }
    const chosen = q.sim_merchant
    if (chosen === undefined || chosen === '') { chooser(ctx, sim, q); return }
    if (chosen !== 'new' && !PID.test(chosen)) { refusal(ctx, '沙箱：没有这个商户', `sim_merchant=${chosen} 不是 2088 开头的 16 位 PID`); return }
    const merchant = sim.auth.merchant(chosen === 'new' ? undefined : chosen)
    ctx.redirect(withQuery(redirectUri, { app_id: q.app_id, app_auth_code: sim.auth.issueAppAuthCode(merchant), state: q.state }))
  })
  return router
}

/** One 确认授权 form per known merchant, and one for a new merchant, each resubmitting the link. */
function chooser (ctx: Context, sim: AlipaySim, q: Record<string, string>): void {
  const hidden = Object.entries(q).filter(([k]) => k !== 'sim_merchant')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')
  const form = (value: string, label: string): string =>
    `<form method="get" action="${escapeHtml(ctx.path)}">${hidden}<input type="hidden" name="sim_merchant" value="${escapeHtml(value)}">` +
    `<button class="pay" type="submit">${escapeHtml(label)}</button></form>`
  const known = sim.auth.merchants().map((m: Merchant) => form(m.userId, `以 ${m.name}（${m.userId}）确认授权`)).join('')
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = shell('第三方应用授权', `<p>应用 ${escapeHtml(sim.keys.appId)} 申请代你调用支付宝接口（当面付、手机网站支付、交易查询与退款）</p>` +
    `<p class="muted">沙箱：选择以哪个商户的身份授权</p>${known}${form('new', '新商户确认授权')}`, HEADER)
}

function refusal (ctx: Context, title: string, reason: string): void {
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = shell('第三方应用授权', `<p class="amount">${escapeHtml(title)}</p><p class="muted" id="error-reason">${escapeHtml(reason)}</p>`, HEADER)
}
