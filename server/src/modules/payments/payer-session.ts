import { SIM_APP_COOKIE, type PayerPlatform } from '@yima/shared'
import type { AppContext } from '../../http/context'
import type { ScanTokens } from '../tenancy/scan-tokens'

/**
 * Who is paying on the one-code page: the WeChat openid under the SP's official account (the
 * sp_appid JSAPI pays under) or the Alipay buyer under the SP's app. Kept in a signed, httpOnly,
 * short-lived cookie so the page never holds it and a customer authorizes once per visit, not
 * once per payment. It is an identity, not a login: it only lets its holder pay and read the
 * orders it created.
 */
export interface Payer {
  platform: Exclude<PayerPlatform, 'other'>
  /** The app the id belongs to: the official account's appid, or the Alipay app id. */
  appId: string
  /** openid, or Alipay user_id (2088…) / open_id. */
  payerId: string
}

export const PAYER_COOKIE = 'yima_payer'
/** Long enough to pay and come back to the result page; short enough that a shared phone forgets. */
export const PAYER_TTL_SEC = 2 * 3600
const PURPOSE = 'payer'

/** From the user agent; decides which authorization to run, never anything about money. */
export function platformOf (userAgent: string): PayerPlatform {
  // WeChat Work (wxwork) also says MicroMessenger, but cannot pay with an official-account openid.
  if (/MicroMessenger\//i.test(userAgent) && !/wxwork/i.test(userAgent)) return 'wechat'
  if (/AlipayClient/i.test(userAgent)) return 'alipay'
  return 'other'
}

/**
 * Which app the request came from. Against the sandbox (`simulate`, i.e. PAY_BRIDGE_BASE_URL set) a
 * desktop browser may say it is WeChat or Alipay with the `sim_app` cookie, so a person can try
 * the demo without a phone; the real apps are always told by their user agent.
 */
export function platformOfRequest (ctx: AppContext, simulate: boolean): PayerPlatform {
  const byAgent = platformOf(ctx.get('user-agent'))
  if (byAgent !== 'other' || !simulate) return byAgent
  const sim = ctx.cookies.get(SIM_APP_COOKIE)
  return sim === 'wechat' || sim === 'alipay' ? sim : 'other'
}

export function readPayer (ctx: AppContext, tokens: ScanTokens): Payer | undefined {
  const claims = tokens.verify<Partial<Payer>>(ctx.cookies.get(PAYER_COOKIE) ?? '', PURPOSE)
  if (claims === undefined) return undefined
  const { platform, appId, payerId } = claims
  if ((platform !== 'wechat' && platform !== 'alipay') || typeof appId !== 'string' || typeof payerId !== 'string') return undefined
  return { platform, appId, payerId }
}

export function writePayer (ctx: AppContext, tokens: ScanTokens, payer: Payer): void {
  ctx.cookies.set(PAYER_COOKIE, tokens.sign({ purpose: PURPOSE, platform: payer.platform, appId: payer.appId, payerId: payer.payerId }, PAYER_TTL_SEC), {
    httpOnly: true, sameSite: 'lax', maxAge: PAYER_TTL_SEC * 1000, overwrite: true,
  })
}

/** The payer's key for rate limits and idempotency keys. */
export const payerKey = (p: Payer): string => `${p.platform}:${p.appId}:${p.payerId}`
