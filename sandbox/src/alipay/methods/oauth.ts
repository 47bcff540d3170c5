import { alipayTime } from '../../core/ids'
import { USER_REFRESH_SECONDS, USER_TOKEN_SECONDS, isAlipayError } from '../auth'
import { fail, invalidParameter, ok, type MethodResult } from '../result'
import { authAppOf, str, type CallContext } from './common'

/**
 * alipay.open.auth.token.app: the ISV trades a merchant's app_auth_code (or its refresh token) for
 * an app_auth_token. The answer carries the token both flat and in `tokens[]` (batch authorization).
 */
export function openAuthTokenApp (c: CallContext): MethodResult {
  const grantType = str(c.biz, 'grant_type')
  let grant
  if (grantType === 'authorization_code') {
    const code = str(c.biz, 'code')
    if (code === undefined) return fail(40002, 'isv.code-invalid', '授权码code无效')
    grant = c.sim.auth.exchangeAppAuthCode(code)
  } else if (grantType === 'refresh_token') {
    const refreshToken = str(c.biz, 'refresh_token')
    if (refreshToken === undefined) return fail(40002, 'isv.refresh-token-invalid', '刷新令牌refresh_token无效')
    grant = c.sim.auth.refreshAppToken(refreshToken)
  } else {
    return invalidParameter('grant_type 只能是 authorization_code 或 refresh_token')
  }
  if (isAlipayError(grant)) return fail(grant.code, grant.subCode, grant.subMsg)
  const token = {
    app_auth_token: grant.appAuthToken,
    app_refresh_token: grant.appRefreshToken,
    auth_app_id: grant.merchant.authAppId,
    expires_in: grant.expiresIn,
    re_expires_in: grant.reExpiresIn,
    user_id: grant.merchant.userId,
  }
  return ok({ ...token, tokens: [token] })
}

/**
 * alipay.system.oauth.token: a customer's auth_code (from the OAuth redirect) → user_id, open_id
 * and an access token. `grant_type` and `code` are top-level parameters, not biz_content. Success
 * carries no code/msg, as on the real gateway.
 */
export function systemOauthToken (c: CallContext): MethodResult {
  if (c.params.grant_type !== 'authorization_code') return invalidParameter('grant_type 只支持 authorization_code')
  const code = c.params.code
  if (code === undefined || code === '') return fail(40002, 'isv.code-invalid', '授权码code无效')
  const appId = authAppOf(c)
  const grant = c.sim.auth.exchangeOAuthCode(appId, code)
  if (isAlipayError(grant)) return fail(grant.code, grant.subCode, grant.subMsg)
  return ok({
    access_token: grant.accessToken,
    alipay_user_id: grant.buyer.userId,
    auth_start: alipayTime(grant.authStart),
    expires_in: USER_TOKEN_SECONDS,
    open_id: c.sim.auth.openId(appId, grant.buyer),
    re_expires_in: USER_REFRESH_SECONDS,
    refresh_token: grant.refreshToken,
    user_id: grant.buyer.userId,
  }, { bare: true })
}
