/** The few HTML pages a phone would show: OAuth errors, the sandbox's user chooser, a card claim page. */

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

export function page (title: string, body: string): string {
  return '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#333}` +
    '.err{color:#e64340}.muted{color:#888;font-size:.9em}a.btn,button{display:block;width:100%;margin:.5rem 0;padding:.7rem;border:0;border-radius:6px;' +
    `background:#07c160;color:#fff;text-align:center;text-decoration:none;font-size:1rem}</style></head><body>${body}</body></html>`
}

/**
 * The page WeChat shows instead of redirecting: a headline such as `redirect_uri 参数错误` or
 * `Scope 参数错误或没有 Scope 权限`, then the table's explanation and code (网页授权 错误返回码).
 * `data-errcode` lets tests read the code.
 */
export function oauthErrorPage (headline: string, detail: string, errcode?: number): string {
  const code = errcode === undefined ? '' : `，错误码：${errcode}`
  return page('微信网页授权', `<h2 class="err" data-errcode="${errcode ?? ''}">${escapeHtml(headline)}</h2><p class="muted">${escapeHtml(detail)}${code}</p>`)
}

export function userChooserPage (appName: string, choices: ReadonlyArray<{ label: string, href: string }>): string {
  const links = choices.map((c) => `<a class="btn" href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`).join('')
  return page('选择微信用户', `<h3>${escapeHtml(appName)} 申请获得你的公开信息</h3><p class="muted">沙箱：选择以哪位测试用户的身份授权</p>${links}`)
}

export function claimPage (title: string, action: string, choices: ReadonlyArray<{ id: string, label: string }>, notice?: string): string {
  const forms = choices.map((c) => `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="user" value="${escapeHtml(c.id)}">` +
    `<button type="submit">以 ${escapeHtml(c.label)} 的身份领取到卡包</button></form>`).join('')
  return page(title, `<h2>${escapeHtml(title)}</h2>${notice === undefined ? '' : `<p class="muted">${escapeHtml(notice)}</p>`}${forms}`)
}

export function messagePage (title: string, text: string): string {
  return page(title, `<h2>${escapeHtml(title)}</h2><p>${escapeHtml(text)}</p>`)
}

/** A stand-in for the QR image of `showqrcode`: an SVG that names what the code would encode. */
export function qrPlaceholderSvg (text: string): string {
  return '<svg xmlns="http://www.w3.org/2000/svg" width="280" height="280" viewBox="0 0 280 280">' +
    '<rect width="280" height="280" fill="#fff" stroke="#000" stroke-width="8"/>' +
    '<text x="140" y="130" font-size="28" text-anchor="middle" font-family="sans-serif">QR</text>' +
    `<text x="140" y="170" font-size="9" text-anchor="middle" font-family="monospace">${escapeHtml(text)}</text></svg>`
}

export interface AuthorizableAccount {
  appid: string
  name: string
  /** Shown beside the name, e.g. 未认证. */
  note?: string
  funcs: ReadonlyArray<{ id: number, name: string, checked: boolean }>
}

/**
 * The admin's confirmation page of a third-party platform authorization: one form per account they
 * may authorize, each with its 权限集 ticked. The forms resubmit the same link with `appid` and the
 * ticked `func` values; an empty hidden `func` makes "nothing ticked" explicit.
 */
export function componentAuthPage (componentName: string, action: string, hidden: ReadonlyArray<readonly [string, string]>, accounts: readonly AuthorizableAccount[]): string {
  const keep = hidden.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')
  const forms = accounts.map((a) => {
    const boxes = a.funcs.map((f) => `<label><input type="checkbox" name="func" value="${f.id}"${f.checked ? ' checked' : ''}> ${escapeHtml(f.name)}</label><br>`).join('')
    const note = a.note === undefined ? '' : ` <span class="muted">${escapeHtml(a.note)}</span>`
    return `<form method="get" action="${escapeHtml(action)}" data-appid="${escapeHtml(a.appid)}">${keep}<input type="hidden" name="appid" value="${escapeHtml(a.appid)}">` +
      `<input type="hidden" name="func" value=""><h4>${escapeHtml(a.name)}${note}</h4>${boxes}<button type="submit">授权</button></form>`
  }).join('')
  const body = accounts.length === 0 ? '<p class="err">没有可以授权的帐号</p>' : forms
  return page('公众号授权', `<h3>授权给 ${escapeHtml(componentName)}</h3><p class="muted">沙箱：你是以下帐号的管理员，选择要授权的帐号和权限集</p>${body}`)
}
