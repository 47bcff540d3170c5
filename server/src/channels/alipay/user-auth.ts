import { AlipayAuthError, alipaySdk, type AlipayApp } from './app-auth'

/**
 * A customer's identity through the SP's app (用户信息授权, scope auth_base: silent, no consent
 * screen): the pay page sends the customer to Alipay's authorization page, which returns with an
 * auth_code; alipay.system.oauth.token turns it into the buyer's ids, which alipay.trade.create
 * takes as buyer_id / buyer_open_id.
 */

/** What Alipay says the customer is: user_id (2088…) for older apps, open_id for apps made since 2023, often both. */
export interface AlipayBuyer { userId?: string, openId?: string }

/** https://opendocs.alipay.com/open/284/web: the page a customer's Alipay opens to authorize silently. */
export function userAuthorizationUrl (isv: { appId: string, openAuthUrl: string }, redirectUri: string, state: string): string {
  const url = new URL('oauth2/publicAppAuthorize.htm', isv.openAuthUrl.endsWith('/') ? isv.openAuthUrl : `${isv.openAuthUrl}/`)
  url.searchParams.set('app_id', isv.appId)
  url.searchParams.set('scope', 'auth_base')
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('state', state)
  return url.toString()
}

/**
 * alipay.system.oauth.token (grant_type authorization_code): the code is single-use, so a reload
 * of the callback fails here. Throws AlipayAuthError when Alipay refuses; a transport or signature
 * failure throws what the SDK threw.
 */
export async function exchangeUserAuthCode (isv: AlipayApp, code: string): Promise<AlipayBuyer> {
  // grant_type and code are top-level parameters of this method, not biz_content.
  const r = await alipaySdk(isv, { camelcase: false }).exec('alipay.system.oauth.token', { grantType: 'authorization_code', code }, { validateSign: true }) as Record<string, unknown>
  // Success carries no code at all; a refusal carries 40002 isv.code-invalid and the like.
  if (r.code !== undefined && r.code !== '10000') throw new AlipayAuthError(String(r.code), str(r.sub_code), str(r.sub_msg))
  const userId = str(r.user_id)
  const openId = str(r.open_id)
  if (userId === undefined && openId === undefined) throw new AlipayAuthError('10000', 'no_user', 'alipay.system.oauth.token answered without user_id or open_id')
  return { ...(userId === undefined ? {} : { userId }), ...(openId === undefined ? {} : { openId }) }
}

const str = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : undefined
