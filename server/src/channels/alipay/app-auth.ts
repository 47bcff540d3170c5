import { AlipaySdk } from 'alipay-sdk'

/** The SP's Alipay ISV app (T2) and where Alipay is. */
export interface AlipayIsv { appId: string, privateKey: string, alipayPublicKey: string, gateway: string, openAuthUrl: string }

export interface AppAuthGrant { userId: string, authAppId: string, appAuthToken: string, appRefreshToken: string, expiresIn: number }

export class AlipayAuthError extends Error {
  override readonly name = 'AlipayAuthError'
  constructor (readonly code: string, readonly subCode: string | undefined, readonly subMsg: string | undefined) { super(`${code} ${subCode ?? ''} ${subMsg ?? ''}`.trim()) }
}

/** What the SDK itself needs: the app, its keys and the gateway (not the authorization page). */
export type AlipayApp = Pick<AlipayIsv, 'appId' | 'privateKey' | 'alipayPublicKey' | 'gateway'>

export interface AlipaySdkOptions {
  /** Per-request timeout; the SDK's default is 5 s. */
  timeoutMs?: number
  /** false keeps Alipay's snake_case field names in answers (the trade adapter's wire types use them). */
  camelcase?: boolean
}

export const alipaySdk = (isv: AlipayApp, o: AlipaySdkOptions = {}): AlipaySdk => new AlipaySdk({
  appId: isv.appId,
  privateKey: isv.privateKey,
  alipayPublicKey: isv.alipayPublicKey,
  gateway: isv.gateway,
  keyType: isv.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
  ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
  ...(o.camelcase === undefined ? {} : { camelcase: o.camelcase }),
})

/** The QR a merchant scans with Alipay to authorize the ISV's app (第三方应用授权). */
export function appAuthorizationUrl (isv: AlipayIsv, redirectUri: string, state: string): string {
  const url = new URL('oauth2/appToAppAuth.htm', isv.openAuthUrl.endsWith('/') ? isv.openAuthUrl : `${isv.openAuthUrl}/`)
  url.searchParams.set('app_id', isv.appId)
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('state', state)
  return url.toString()
}

/** alipay.open.auth.token.app: app_auth_code → app_auth_token for the merchant that authorized. */
export async function exchangeAppAuthCode (isv: AlipayIsv, code: string): Promise<AppAuthGrant> {
  const r = await alipaySdk(isv).exec('alipay.open.auth.token.app', { bizContent: { grant_type: 'authorization_code', code } }, { validateSign: true })
  if (r.code !== '10000') throw new AlipayAuthError(String(r.code), r.subCode as string | undefined, r.subMsg as string | undefined)
  // Newer answers list tokens under `tokens`; the classic shape has them at the top level.
  const t = ((r.tokens as Array<Record<string, unknown>> | undefined)?.[0] ?? r) as Record<string, unknown>
  return {
    userId: String(t.userId),
    authAppId: String(t.authAppId),
    appAuthToken: String(t.appAuthToken),
    appRefreshToken: String(t.appRefreshToken),
    expiresIn: Number(t.expiresIn),
  }
}
