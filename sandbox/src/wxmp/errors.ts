import { randomBytes } from 'node:crypto'

/**
 * The errmsg WeChat sends with each errcode (the global return-code table,
 * https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html, the card
 * API codes and the third-party platform's 61xxx codes). Real messages end in a request id,
 * `rid: 8hex-8hex-8hex`, that WeChat support asks for; clients must branch on errcode only, never on
 * the text.
 */
const ERRMSG = new Map<number, string>([
  [-1, 'system error'],
  [40001, 'invalid credential, access_token is invalid or not latest'],
  [40002, 'invalid grant_type'],
  [40003, 'invalid openid'],
  [40013, 'invalid appid'],
  [40014, 'invalid access_token'],
  [40029, 'invalid code'],
  [40030, 'invalid refresh_token'],
  [40037, 'invalid template_id'],
  [40052, 'invalid action name'],
  [40053, 'invalid action info, please check document'],
  [40056, 'invalid serial code'],
  [40071, 'invalid card type'],
  [40073, 'invalid card id'],
  [40075, 'invalid encrypt code'],
  [40078, 'invalid card status'],
  [40097, 'invalid args'],
  [40099, 'invalid code, this code has consumed.'],
  [40125, 'invalid appsecret'],
  [40127, 'invalid user-card status! Hint: the card was given to user, but may be deleted or expired or set unavailable !'],
  [40139, 'invalid sub merchant id'],
  [40140, 'invalid sub merchant status'],
  [40163, 'code been used'],
  [40166, 'invalid weapp appid'],
  [41001, 'access_token missing'],
  [41002, 'appid missing'],
  [41003, 'refresh_token missing'],
  [41004, 'appsecret missing'],
  [41008, 'missing code'],
  [41009, 'missing openid'],
  [41011, 'missing required fields! please check document and request json!'],
  [41012, 'missing card id'],
  [41013, 'missing code'],
  [42001, 'access_token expired'],
  [42002, 'refresh_token expired'],
  [43004, 'require subscribe'],
  [43019, 'require remove blacklist'],
  [44002, 'empty post data'],
  [47001, 'data format error'],
  [48001, 'api unauthorized'],
  // Third-party platform (第三方平台) codes.
  [61003, 'component is not authorized by this account'],
  [61005, 'component ticket is expired'],
  [61006, 'component ticket is invalid'],
  [61009, 'code is invalid'],
  [61010, 'code is expired'],
  [61011, 'invalid component'],
  [61014, 'must use component token for component api'],
  [61023, 'refresh_token is invalid'],
])

export const rid = (): string => [4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-')

/** A WeChat API refusal: answered as HTTP 200 `{errcode, errmsg}`, never as an HTTP error. */
export class WxError extends Error {
  constructor (readonly errcode: number, readonly hint?: string) {
    super(`${errcode} ${ERRMSG.get(errcode) ?? 'invalid args'}`)
  }

  toBody (): { errcode: number, errmsg: string } {
    const text = ERRMSG.get(this.errcode) ?? 'invalid args'
    return { errcode: this.errcode, errmsg: `${text}${this.hint === undefined ? '' : `, hint: ${this.hint}`} rid: ${rid()}` }
  }
}

export const ok = (): { errcode: 0, errmsg: 'ok' } => ({ errcode: 0, errmsg: 'ok' })

/** Errors of the `/__sim/wxmp/*` control API: plain HTTP statuses, for tests and people. */
export function controlError (status: 400 | 404 | 409, message: string): Error {
  return Object.assign(new Error(message), { status, expose: true })
}
