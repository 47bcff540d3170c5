import { asc } from 'drizzle-orm'
import type { Clock } from '../../clock'
import type { ChannelHosts } from '../../config'
import type { Db } from '../../db/client'
import type { SecretBox } from '../../secrets'
import { Secret } from '../../secret'
import type { AlipayApp } from '../../channels/alipay/app-auth'
import { AccessTokens } from '../../channels/wechat-mp/access-token'
import type { WechatComponent } from '../../channels/wechat-mp/component'
import type { WechatPayCredentials } from '../../channels/wechat-pay/partner'
import { createV3Transport } from '../../channels/wechat-pay/transport'
import { merchants, serviceProviders, type ServiceProviderRow } from '../../modules/tenancy'
import { merchantSecretContext } from '../../modules/tenancy/merchants.service'
import { spSecretContext } from '../../modules/tenancy/service-providers.service'
import { fail, pass, scrub, type Check } from './check'
import { checkAlipayKeys, checkWechatPayKeys, type WechatPayKeys } from './keys'
import { probeAlipay, probeOfficialAccount, probeWechatPay } from './probes'

export interface DoctorDeps {
  db: Db
  box: SecretBox
  hosts: ChannelHosts
  /** The platform's open-platform component (null when WX_COMPONENT_* is unset). */
  component: WechatComponent | null
  /** The date certificates are judged against. */
  clock: Clock
  /** Per channel call; default 10 s. */
  timeoutMs?: number
  /** Channel calls in flight at once; default 8. */
  concurrency?: number
}

/** Runs `fn` over `items` with at most `limit` at a time; results in the order of `items`. */
async function mapLimit<T, R> (items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
  return out
}

/** Runs `run` with a deadline; the signal ends the call's own HTTP request where it takes one. */
async function bounded<T> (ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new Error(`no answer within ${ms} ms`))
    }, ms)
  })
  try {
    return await Promise.race([run(controller.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}

type Opened = { ok: true, value: string } | { ok: false, check: Check }

/**
 * Every service provider's keys, then its channels: WeChat Pay, the official account, its Alipay
 * app, and each sub-merchant's Alipay app_auth_token (one summary line when all are valid, one
 * line per merchant otherwise).
 */
export async function checkTenants (deps: DoctorDeps): Promise<Check[]> {
  const timeoutMs = deps.timeoutMs ?? 10_000
  const now = deps.clock.now()
  const transport = createV3Transport({ baseUrl: deps.hosts.wxpayBaseUrl, timeoutMs })
  const tokens = new AccessTokens({ hosts: deps.hosts.wechat, clock: deps.clock })
  const sps = await deps.db.select().from(serviceProviders).orderBy(asc(serviceProviders.createdAt), asc(serviceProviders.id))
  if (sps.length === 0) return [pass('service providers', 'none yet: add one in the console, then run the doctor again')]
  const ms = await deps.db.select({ id: merchants.id, spId: merchants.spId, shortName: merchants.shortName, wxSubMchId: merchants.wxSubMchId, token: merchants.alipayAppAuthTokenSealed })
    .from(merchants).orderBy(asc(merchants.createdAt), asc(merchants.id))

  const open = (name: string, sealed: string | null, context: string): Opened | null => {
    if (sealed === null) return null
    try {
      return { ok: true, value: deps.box.open(sealed, context).reveal() }
    } catch (err) {
      return { ok: false, check: fail(name, `the stored secret does not open: ${scrub(err)}; is SECRETS_KEY (or SECRETS_KEYS_RETIRED) the one it was sealed with?`) }
    }
  }
  const guarded = async (name: string, run: (signal: AbortSignal) => Promise<Check | Check[]>): Promise<Check[]> => {
    try {
      const r = await bounded(timeoutMs, run)
      return Array.isArray(r) ? r : [r]
    } catch (err) {
      return [fail(name, scrub(err))]
    }
  }

  const spTask = async (sp: ServiceProviderRow): Promise<Check[]> => {
    const out: Check[] = []
    const ctx = (column: string): string => spSecretContext(sp.id, column)
    if (sp.wxMchId === null) {
      out.push(pass('WeChat Pay', 'not configured'))
    } else {
      const opened = {
        privateKey: open('WeChat Pay merchant private key', sp.wxPrivateKeySealed, ctx('wx_private_key')),
        apiV3Key: open('WeChat Pay APIv3 key', sp.wxApiV3KeySealed, ctx('wx_api_v3_key')),
        apiV2Key: open('WeChat Pay API v2 key', sp.wxApiV2KeySealed, ctx('wx_api_v2_key')),
      }
      const unopened = Object.values(opened).flatMap((o) => o?.ok === false ? [o.check] : [])
      out.push(...unopened)
      const value = (o: Opened | null): string | null => o?.ok === true ? o.value : null
      const keys: WechatPayKeys = {
        mchId: sp.wxMchId,
        privateKey: value(opened.privateKey),
        certificateSerial: sp.wxCertificateSerial,
        certificate: sp.wxCertificate,
        apiV3Key: value(opened.apiV3Key),
        apiV2Key: value(opened.apiV2Key),
        platformCertificate: sp.wxPlatformCertificate,
        publicKey: sp.wxPublicKey,
        publicKeyId: sp.wxPublicKeyId,
      }
      const keyChecks = checkWechatPayKeys(keys, now)
      out.push(...keyChecks)
      // Without these nothing can be signed; any other problem the probe reports in WeChat Pay's words.
      const blocked = keyChecks.some((c) => !c.ok && (c.name === 'WeChat Pay settings' || c.name === 'WeChat Pay merchant private key'))
      if (!blocked && unopened.length === 0 && keys.privateKey !== null && keys.certificateSerial !== null) {
        const signer: WechatPayCredentials = { mchId: sp.wxMchId, certificateSerial: keys.certificateSerial, privateKey: keys.privateKey, platformCertificate: sp.wxPlatformCertificate, publicKey: sp.wxPublicKey, publicKeyId: sp.wxPublicKeyId }
        const subMchId = ms.find((m) => m.spId === sp.id)?.wxSubMchId ?? null
        out.push(...await guarded('WeChat Pay API', async () => await probeWechatPay({ transport, signer, apiV3Key: keys.apiV3Key, subMchId })))
      } else {
        out.push(fail('WeChat Pay API', 'not probed until the settings above are fixed'))
      }
    }
    out.push(...await officialAccount(sp))
    if (sp.alipayAppId === null) {
      out.push(pass('Alipay', 'not configured'))
    } else {
      const isv = alipayApp(sp)
      if (isv.checks.length > 0) out.push(...isv.checks)
      if (isv.app !== null) {
        const app = isv.app
        out.push(...await guarded('Alipay API', async () => await probeAlipay({ isv: app, timeoutMs })))
      }
    }
    return out
  }

  const alipayApp = (sp: ServiceProviderRow): { app: AlipayApp | null, checks: Check[] } => {
    const privateKey = open('Alipay app private key', sp.alipayPrivateKeySealed, spSecretContext(sp.id, 'alipay_private_key'))
    const publicKey = open('Alipay public key', sp.alipayPublicKeySealed, spSecretContext(sp.id, 'alipay_public_key'))
    const unopened = [privateKey, publicKey].flatMap((o) => o?.ok === false ? [o.check] : [])
    if (unopened.length > 0) return { app: null, checks: unopened }
    const checks = checkAlipayKeys({ appId: sp.alipayAppId ?? '', privateKey: privateKey?.ok === true ? privateKey.value : null, alipayPublicKey: publicKey?.ok === true ? publicKey.value : null })
    if (!checks.every((c) => c.ok) || sp.alipayAppId === null || privateKey?.ok !== true || publicKey?.ok !== true) return { app: null, checks }
    return { app: { appId: sp.alipayAppId, privateKey: privateKey.value, alipayPublicKey: publicKey.value, gateway: deps.hosts.alipayGateway }, checks }
  }

  const officialAccount = async (sp: ServiceProviderRow): Promise<Check[]> => {
    const name = 'official account'
    if (sp.oaAuthStatus === 'revoked') return [fail(name, `${sp.oaAuthorizerAppId ?? sp.wxOaAppId ?? ''} withdrew its authorization to the platform: have its admin authorize it again in the console (服务商 → 公众号授权)`)]
    if (sp.oaAuthStatus === 'authorized' && sp.oaAuthorizerAppId !== null) {
      if (sp.oaProblem !== null) return [fail(name, `${sp.oaAuthorizerAppId}: ${sp.oaProblem}`)]
      if (deps.component === null) return [fail(name, `${sp.oaAuthorizerAppId} is authorized through the open platform, but WX_COMPONENT_* is unset: configure the third-party platform it authorized`)]
      const refresh = open(name, sp.oaRefreshTokenSealed, spSecretContext(sp.id, 'oa_refresh_token'))
      if (refresh === null) return [fail(name, `${sp.oaAuthorizerAppId}: no refresh token stored: authorize the account again in the console`)]
      if (!refresh.ok) return [refresh.check]
      const component = deps.component
      return await guarded(name, async (signal) => await probeOfficialAccount({ tokens, source: { kind: 'authorizer', appId: sp.oaAuthorizerAppId as string, refreshToken: new Secret(refresh.value), component }, signal }))
    }
    if (sp.wxOaAppId !== null && sp.wxOaSecretSealed !== null) {
      const secret = open(name, sp.wxOaSecretSealed, spSecretContext(sp.id, 'wx_oa_secret'))
      if (secret?.ok !== true) return secret === null ? [] : [secret.check]
      const appId = sp.wxOaAppId
      return await guarded(name, async (signal) => await probeOfficialAccount({ tokens, source: { kind: 'secret', appId, secret: new Secret(secret.value) }, signal }))
    }
    if (sp.wxMchId === null && sp.wxOaAppId === null) return []
    return [fail(name, `${sp.wxOaAppId ?? 'no AppID'} is not authorized to the platform and has no AppSecret: customers cannot be identified for WeChat payments; authorize it in the console (服务商 → 公众号授权)`)]
  }

  const merchantTask = async (m: typeof ms[number], sp: ServiceProviderRow): Promise<Check | null> => {
    const name = `merchant ${m.shortName} (${m.id}) · Alipay app authorization`
    const token = open(name, m.token, merchantSecretContext(m.id, 'alipay_app_auth_token'))
    if (token === null) return null
    if (!token.ok) return token.check
    const app = alipayApp(sp).app
    if (app === null) return fail(name, 'not probed: the service provider\'s Alipay settings fail above')
    const [check] = await guarded(name, async () => await probeAlipay({ isv: app, appAuthToken: token.value, timeoutMs }))
    return check === undefined ? null : { ...check, name }
  }

  // One task per SP and one per authorized merchant, all under one concurrency limit.
  const bySp = new Map(sps.map((sp) => [sp.id, sp]))
  const tokenHolders = ms.flatMap((m) => {
    const sp = bySp.get(m.spId)
    return sp === undefined || m.token === null || sp.alipayAppId === null ? [] : [{ m, sp }]
  })
  const limit = deps.concurrency ?? 8
  const [spResults, tokenResults] = await Promise.all([
    mapLimit(sps, Math.ceil(limit / 2), spTask),
    mapLimit(tokenHolders, Math.floor(limit / 2) || 1, async ({ m, sp }) => await merchantTask(m, sp)),
  ])
  const tokensBySp = new Map<string, Check[]>()
  tokenHolders.forEach(({ sp }, i) => {
    const c = tokenResults[i]
    if (c != null) tokensBySp.set(sp.id, [...tokensBySp.get(sp.id) ?? [], c])
  })

  return sps.flatMap((sp, i) => {
    const label = `SP ${sp.shortName} (${sp.id})`
    const own = (spResults[i] ?? []).map((c) => ({ ...c, name: `${label} · ${c.name}` }))
    const tokenChecks = tokensBySp.get(sp.id) ?? []
    const failed = tokenChecks.filter((c) => !c.ok)
    if (failed.length > 0) return [...own, ...failed]
    return tokenChecks.length === 0 ? own : [...own, pass(`${label} · merchants' Alipay app authorization`, `${tokenChecks.length} app_auth_token(s) valid`)]
  })
}
