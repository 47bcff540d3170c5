import { createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { asc } from 'drizzle-orm'
import { Aes } from 'wechatpay-axios-plugin'
import type { Clock } from '../clock'
import { ConfigError, loadConfig, type ChannelHosts, type Config } from '../config'
import type { Database, Db } from '../db/client'
import { expectedMigrationCount } from '../db/migrate'
import { databaseReadiness } from '../health/routes'
import type { SecretBox } from '../secrets'
import { Secret } from '../secret'
import { alipaySdk, type AlipayApp } from '../channels/alipay/app-auth'
import { AccessTokens, type TokenSource } from '../channels/wechat-mp/access-token'
import { WechatApiError } from '../channels/wechat-mp/client'
import type { WechatComponent } from '../channels/wechat-mp/component'
import type { WechatPayCredentials } from '../channels/wechat-pay/partner'
import { createV3Transport, isRecord, type V3Answer, type V3Transport } from '../channels/wechat-pay/transport'
import { merchants, serviceProviders, type ServiceProviderRow } from '../modules/tenancy'
import { merchantSecretContext } from '../modules/tenancy/merchants.service'
import { spSecretContext } from '../modules/tenancy/service-providers.service'
import { checkPrivateKey, checkPublicKey } from '../modules/tenancy/validate'

/**
 * `npm run doctor`: checks a deployment before it goes live and whenever something looks wrong.
 * Each check is one line, `{name, ok, detail}`; a failed line says what is wrong and how to fix it.
 * The key checks are pure (inputs in, lines out); the probes call the channels with the stored
 * credentials, one bounded call each. No line ever carries a secret: details are written here, and
 * what comes from an error passes through `scrub`.
 */
export interface Check { name: string, ok: boolean, detail: string }

/** A certificate that ends within this many days fails: there is time to renew it, but not much. */
export const EXPIRY_MARGIN_DAYS = 30
const DAY_MS = 86_400_000
/** The order number the probes ask about: it cannot exist (the tenancy probes use the same one). */
const PROBE_ORDER = 'YIMA_PROBE_0'

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail })
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail })

export const formatCheck = (c: Check): string => `${c.ok ? '✓' : '✗'} ${c.name} — ${c.detail}`

/**
 * An error's message, fit for a line: query strings (Alipay's SDK puts app_auth_token in the URL)
 * and the given secrets are cut out, and the length is bounded.
 */
export function scrub (err: unknown, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let text = err instanceof Error ? err.message : String(err)
  text = text.replace(/\?[^\s"']*/g, '?…')
  for (const s of secrets) if (s != null && s.length >= 4) text = text.split(s).join('[secret]')
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

// ── configuration ──────────────────────────────────────────────────────────────────────────────

/** Variables that only work together: config.ts turns a partial group into "not configured" silently. */
const GROUPS: ReadonlyArray<{ label: string, feature: string, names: readonly string[] }> = [
  { label: 'PLATFORM_OA_*', feature: 'console WeChat binding (platform official account)', names: ['PLATFORM_OA_APPID', 'PLATFORM_OA_SECRET'] },
  { label: 'WX_MINIPROGRAM_*', feature: 'staff mini-program sign-in', names: ['WX_MINIPROGRAM_APPID', 'WX_MINIPROGRAM_SECRET'] },
  { label: 'WX_COMPONENT_*', feature: 'official-account authorization (open platform)', names: ['WX_COMPONENT_APPID', 'WX_COMPONENT_SECRET', 'WX_COMPONENT_TOKEN', 'WX_COMPONENT_AES_KEY'] },
  { label: 'FEIE_*', feature: '飞鹅云 printers', names: ['FEIE_USER', 'FEIE_UKEY'] },
  { label: 'YLY_*', feature: '易联云 printers', names: ['YLY_CLIENT_ID', 'YLY_CLIENT_SECRET'] },
]

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i
const hostOf = (url: string): string => { try { return new URL(url).hostname } catch { return url } }

/**
 * The configuration as loadConfig reads it (a ConfigError is the failed line), then what it
 * accepts but a deployment should not run with: half-set variable groups, and in production a
 * loopback PUBLIC_URL or channel host, plain-http PUBLIC_URL, no platform official account, and
 * a missing H5 build.
 */
export function checkConfig (env: NodeJS.ProcessEnv): { checks: Check[], config: Readonly<Config> | null } {
  let config: Readonly<Config>
  try {
    config = loadConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { checks: [fail('configuration', `${err.message} (variables: docs/configuration.md)`)], config: null }
  }
  const checks: Check[] = [pass('configuration', `${config.env}; database ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`}; WeChat Pay ${hostOf(config.channels.wxpayBaseUrl)}; Alipay ${hostOf(config.channels.alipayGateway)}`)]
  const set = (name: string): boolean => (env[name] ?? '') !== ''
  for (const g of GROUPS) {
    const missing = g.names.filter((n) => !set(n))
    if (missing.length > 0 && missing.length < g.names.length) {
      checks.push(fail(`configuration: ${g.label}`, `${missing.join(', ')} unset, so ${g.feature} is off: set all of ${g.names.join(', ')}, or none`))
    }
  }
  if (config.env !== 'production') return { checks, config }

  const publicUrl = new URL(config.publicUrl)
  if (!set('PUBLIC_URL') || LOOPBACK.test(publicUrl.hostname)) {
    checks.push(fail('configuration: PUBLIC_URL', `${config.publicUrl} is not reachable from outside: set PUBLIC_URL to the HTTPS address of the reverse proxy (QR codes, OAuth and notify URLs use it)`))
  } else if (publicUrl.protocol !== 'https:') {
    checks.push(fail('configuration: PUBLIC_URL', `${config.publicUrl} is not HTTPS: WeChat Pay v3 sends notifications to HTTPS URLs only; terminate TLS at the proxy and set an https:// PUBLIC_URL`))
  } else {
    checks.push(pass('configuration: PUBLIC_URL', config.publicUrl))
  }
  const hosts = { WXPAY_BASE_URL: config.channels.wxpayBaseUrl, WXMP_API_BASE_URL: config.channels.wechat.api, WX_OPEN_BASE_URL: config.channels.wechat.open, WX_MP_BASE_URL: config.channels.wechat.mp, ALIPAY_GATEWAY: config.channels.alipayGateway, ALIPAY_OPENAUTH_URL: config.channels.alipayOpenAuthUrl }
  const local = Object.entries(hosts).filter(([, url]) => LOOPBACK.test(hostOf(url))).map(([name]) => name)
  checks.push(local.length === 0
    ? pass('configuration: channel hosts', 'WeChat Pay, WeChat and Alipay hosts are not local')
    : fail('configuration: channel hosts', `${local.join(', ')} point at this machine (the sandbox?): unset them to use the real hosts`))
  checks.push(config.platformOfficialAccount === null
    ? fail('configuration: PLATFORM_OA_*', 'unset: console accounts bind WeChat through the platform official account; set PLATFORM_OA_APPID and PLATFORM_OA_SECRET')
    : pass('configuration: PLATFORM_OA_*', `platform official account ${config.platformOfficialAccount.appId}`))
  const builds = [config.h5DistDir, config.miniProgramH5DistDir]
  const unbuilt = builds.filter((dir) => !existsSync(path.join(dir, 'index.html')))
  checks.push(unbuilt.length === 0
    ? pass('configuration: H5 builds', builds.join(', '))
    : fail('configuration: H5 builds', `${unbuilt.map((dir) => path.join(dir, 'index.html')).join(', ')} missing: npm start builds them on its first run (npm run build -w h5, npm run build:h5 -w miniprogram); the pay pages, the console and the staff pages are served from them`))
  return { checks, config }
}

// ── database ───────────────────────────────────────────────────────────────────────────────────

/** What `/readyz` checks: the database answers and the schema is current. */
export async function checkDatabase (database: Database, secrets: readonly string[] = []): Promise<Check[]> {
  const r = await databaseReadiness(database)
  const kind = database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'
  if (r.database === 'unreachable') return [fail('database', `${kind} does not answer: ${scrub(r.error, secrets)}`)]
  return [
    pass('database', `${kind} answers`),
    r.migrations === 'ok'
      ? pass('database: migrations', `all ${expectedMigrationCount()} migrations applied`)
      : fail('database: migrations', 'the schema is behind this version: start one instance of it (migrations run at start, under an advisory lock), then run the doctor again'),
  ]
}

// ── keys and certificates (pure) ───────────────────────────────────────────────────────────────

const day = (d: Date): string => d.toISOString().slice(0, 10)

function parseCertificate (pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem)
  } catch {
    return null
  }
}

/** Parses, is not expired, and does not expire within EXPIRY_MARGIN_DAYS. */
export function checkCertificateValidity (name: string, pem: string, now: Date, renew: string): Check {
  const cert = parseCertificate(pem)
  if (cert === null) return fail(name, `does not parse as a PEM X.509 certificate: ${renew}`)
  const validTo = new Date(cert.validTo)
  const days = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS)
  if (validTo <= now) return fail(name, `expired on ${day(validTo)}: ${renew}`)
  if (days < EXPIRY_MARGIN_DAYS) return fail(name, `expires on ${day(validTo)}, in ${days} day(s): ${renew}`)
  return pass(name, `serial ${cert.serialNumber.toUpperCase()}, valid until ${day(validTo)} (${days} days)`)
}

/** A service provider's WeChat Pay settings, secrets opened. */
export interface WechatPayKeys {
  mchId: string
  privateKey: string | null
  certificateSerial: string | null
  /** 商户 API 证书 (optional: only the v2 deposit API uses it). */
  certificate: string | null
  apiV3Key: string | null
  apiV2Key: string | null
  platformCertificate: string | null
  publicKey: string | null
  publicKeyId: string | null
}

const UPLOAD = 'upload the right one in the console (服务商 → 微信支付)'

/**
 * The WeChat Pay settings on their own: complete; the merchant private key parses, matches the
 * merchant certificate (when uploaded) whose serial is the configured one; APIv3 key 32 bytes;
 * API v2 key 32 characters (when set); platform certificate and merchant certificate not within
 * EXPIRY_MARGIN_DAYS of expiry; the WeChat Pay public key parses and has its id.
 */
export function checkWechatPayKeys (k: WechatPayKeys, now: Date): Check[] {
  const checks: Check[] = []
  const missing = [
    k.privateKey === null && 'merchant private key',
    k.certificateSerial === null && 'certificate serial',
    k.apiV3Key === null && 'APIv3 key',
    k.platformCertificate === null && k.publicKey === null && 'platform certificate or WeChat Pay public key',
  ].filter((m): m is string => m !== false)
  checks.push(missing.length === 0
    ? pass('WeChat Pay settings', `mchid ${k.mchId}, certificate serial ${k.certificateSerial ?? ''}`)
    : fail('WeChat Pay settings', `mchid ${k.mchId} lacks: ${missing.join(', ')}; ${UPLOAD}`))

  let privateKeyOk = false
  if (k.privateKey !== null) {
    try {
      checkPrivateKey(k.privateKey, 'wechatPay.privateKey')
      privateKeyOk = true
      checks.push(pass('WeChat Pay merchant private key', 'RSA private key parses'))
    } catch {
      checks.push(fail('WeChat Pay merchant private key', `does not parse as a PEM RSA private key (apiclient_key.pem): ${UPLOAD}`))
    }
  }

  if (k.certificate === null) {
    checks.push(pass('WeChat Pay merchant certificate', 'not uploaded (only the deposit API needs apiclient_cert.pem); private key and serial not cross-checked'))
  } else {
    checks.push(checkCertificateValidity('WeChat Pay merchant certificate', k.certificate, now, 'apply for a new API certificate on the merchant platform (账户中心 → API 安全) and upload it with its key and serial'))
    const cert = parseCertificate(k.certificate)
    if (cert !== null) {
      if (privateKeyOk && k.privateKey !== null) {
        checks.push(cert.checkPrivateKey(createPrivateKey(k.privateKey))
          ? pass('WeChat Pay merchant key pair', 'the private key belongs to the merchant certificate')
          : fail('WeChat Pay merchant key pair', `the private key does not belong to the merchant certificate (serial ${cert.serialNumber.toUpperCase()}): upload apiclient_key.pem and apiclient_cert.pem from the same application`))
      }
      const serial = cert.serialNumber.toUpperCase()
      if (k.certificateSerial !== null) {
        checks.push(serial === k.certificateSerial.toUpperCase()
          ? pass('WeChat Pay certificate serial', `${serial} is the merchant certificate's`)
          : fail('WeChat Pay certificate serial', `configured ${k.certificateSerial.toUpperCase()}, but the merchant certificate's serial is ${serial}: WeChat Pay identifies the signing key by this serial; enter the certificate's serial`))
      }
    }
  }

  if (k.apiV3Key !== null) {
    const bytes = Buffer.byteLength(k.apiV3Key, 'utf8')
    checks.push(bytes === 32
      ? pass('WeChat Pay APIv3 key', '32 bytes')
      : fail('WeChat Pay APIv3 key', `${bytes} bytes, not 32: copy the APIv3 key set on the merchant platform (账户中心 → API 安全) exactly`))
  }
  checks.push(k.apiV2Key === null
    ? pass('WeChat Pay API v2 key', 'not set (only deposits use it)')
    : k.apiV2Key.length === 32
      ? pass('WeChat Pay API v2 key', '32 characters')
      : fail('WeChat Pay API v2 key', `${k.apiV2Key.length} characters, not 32: copy the API key (v2) set on the merchant platform exactly, or clear it`))

  if (k.platformCertificate !== null) {
    checks.push(checkCertificateValidity('WeChat Pay platform certificate', k.platformCertificate, now, `download the current one (GET /v3/certificates or the merchant platform) and ${UPLOAD.replace('upload the right one', 'upload it')}`))
  }
  if (k.publicKey !== null) {
    let parses = true
    try { checkPublicKey(k.publicKey, 'wechatPay.publicKey') } catch { parses = false }
    checks.push(!parses
      ? fail('WeChat Pay public key', `does not parse as a PEM public key (pub_key.pem): ${UPLOAD}`)
      : k.publicKeyId === null
        ? fail('WeChat Pay public key', `has no public key id (PUB_KEY_ID_…): answers name it in Wechatpay-Serial; ${UPLOAD}`)
        : pass('WeChat Pay public key', `parses, id ${k.publicKeyId}`))
  }
  return checks
}

/** The SP's Alipay app keys: the app private key and the Alipay public key parse. */
export function checkAlipayKeys (k: { appId: string, privateKey: string | null, alipayPublicKey: string | null }): Check[] {
  const where = 'paste it again in the console (服务商 → 支付宝)'
  const key = (name: string, pem: string | null, check: (pem: string) => void, what: string): Check => {
    if (pem === null) return fail(name, `not set: ${where}`)
    try {
      check(pem)
      return pass(name, `parses as ${what}`)
    } catch {
      return fail(name, `does not parse as ${what}: ${where}`)
    }
  }
  return [
    key('Alipay app private key', k.privateKey, (p) => { checkPrivateKey(p, 'alipay.privateKey') }, 'an RSA private key'),
    key('Alipay public key', k.alipayPublicKey, (p) => { checkPublicKey(p, 'alipay.alipayPublicKey') }, 'a public key'),
  ]
}

// ── channel probes ─────────────────────────────────────────────────────────────────────────────

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

/** What GET /v3/certificates answers in `data[]`. */
interface CertificateEntry { serial_no: string, expire_time: string, encrypt_certificate: { nonce: string, associated_data?: string, ciphertext: string } }

function refusalHint (code: string): string {
  if (code === 'SIGN_ERROR' || code === 'INVALID_REQUEST') return 'check the mchid, the merchant private key and its certificate serial'
  if (code === 'NO_AUTH') return 'the merchant has no permission for this API'
  return 'see the code in the WeChat Pay documentation'
}

function answerFailure (name: string, path: string, a: Exclude<V3Answer, { kind: 'ok' }>): Check {
  if (a.kind === 'refused') return fail(name, `WeChat Pay refused ${path}: ${a.error.code} ${a.error.message} (HTTP ${a.status}): ${refusalHint(a.error.code)}`)
  const hint = /signature|verif|Wechatpay-Serial/i.test(a.reason)
    ? 'the answer could not be verified: check the platform certificate / WeChat Pay public key and its id'
    : 'check WXPAY_BASE_URL and that this machine reaches it'
  return fail(name, `no usable answer to ${path}: ${a.reason}: ${hint}`)
}

/**
 * Signs a real call with the SP's merchant key and verifies the answer with its platform
 * certificate or public key: GET /v3/certificates, whose certificates are encrypted under the
 * APIv3 key, so decrypting them proves that key as well. A public-key-only SP that WeChat Pay
 * gives no certificates to is probed with an order query for an order that cannot exist
 * (ORDER_NOT_EXIST means signing and verifying work), which needs one of its sub-merchants.
 */
export async function probeWechatPay (o: { transport: V3Transport, signer: WechatPayCredentials, apiV3Key: string | null, subMchId: string | null }): Promise<Check[]> {
  const { transport, signer } = o
  const api = 'WeChat Pay API'
  const certs = await transport.send(signer, (wx) => wx.chain('v3/certificates').get(transport.options()))
  if (certs.kind !== 'ok') {
    if (signer.platformCertificate != null || certs.kind !== 'refused') return [answerFailure(api, 'GET /v3/certificates', certs)]
    if (o.subMchId === null) return [pass(api, 'not probed: public-key mode and no sub-merchant yet to query an order for')]
    const path = 'v3/pay/partner/transactions/out-trade-no/{out_trade_no}'
    const query = await transport.send(signer, (wx) => wx.chain(path).get(transport.options({ params: { sp_mchid: signer.mchId, sub_mchid: o.subMchId }, out_trade_no: PROBE_ORDER })))
    if (query.kind === 'ok' || (query.kind === 'refused' && query.error.code === 'ORDER_NOT_EXIST')) {
      return [pass(api, `order query signed and its answer verified (sub-merchant ${o.subMchId}); the APIv3 key is proved by the first notification only`)]
    }
    return [answerFailure(api, 'the order query', query)]
  }

  const data = isRecord(certs.body) && Array.isArray(certs.body.data) ? certs.body.data as CertificateEntry[] : []
  const checks: Check[] = [pass(api, `GET /v3/certificates signed with serial ${signer.certificateSerial} and its answer verified; ${data.length} platform certificate(s)`)]
  if (o.apiV3Key !== null && data.length > 0) {
    const decrypts = data.every((c) => {
      try {
        return Aes.AesGcm.decrypt(c.encrypt_certificate.ciphertext, o.apiV3Key as string, c.encrypt_certificate.nonce, c.encrypt_certificate.associated_data ?? '').includes('BEGIN CERTIFICATE')
      } catch {
        return false
      }
    })
    checks.push(decrypts
      ? pass('WeChat Pay APIv3 key in use', 'decrypts the platform certificates WeChat Pay sent')
      : fail('WeChat Pay APIv3 key in use', 'does not decrypt the platform certificates WeChat Pay sent, so it would not decrypt notifications either: it differs from the APIv3 key set on the merchant platform; enter that one in the console'))
  }
  if (signer.platformCertificate != null && data.length > 0) {
    const stored = new X509Certificate(signer.platformCertificate).serialNumber.toUpperCase()
    const offered = data.map((c) => c.serial_no.toUpperCase())
    checks.push(offered.includes(stored)
      ? pass('WeChat Pay platform certificate in use', `${stored} is one WeChat Pay currently signs with`)
      : fail('WeChat Pay platform certificate in use', `${stored} is no longer offered (current: ${offered.join(', ')}): download the current one and upload it in the console`))
  }
  return checks
}

/** The access token of the SP's official account: through the open-platform authorization, or its AppSecret. */
export async function probeOfficialAccount (o: { tokens: AccessTokens, source: TokenSource, signal?: AbortSignal }): Promise<Check> {
  const name = 'official account'
  try {
    await o.tokens.token(o.source, o.signal)
  } catch (err) {
    const how = o.source.kind === 'authorizer'
      ? 'the authorization to the platform no longer works: have the account\'s admin authorize it again in the console (服务商 → 公众号授权)'
      : 'the AppID / AppSecret pair is refused: enter the current AppSecret (公众号后台 → 基本配置) and allow this server\'s IP there'
    const secrets = [o.source.kind === 'secret' ? o.source.secret.reveal() : o.source.refreshToken.reveal()]
    return fail(name, `${o.source.appId}: ${err instanceof WechatApiError ? `WeChat ${err.errcode} ${scrub(err.errmsg, secrets)}` : scrub(err, secrets)}: ${how}`)
  }
  return pass(name, o.source.kind === 'authorizer'
    ? `${o.source.appId} authorized to the platform; authorizer token issued`
    : `${o.source.appId} (AppSecret mode, not authorized to the platform); access token issued`)
}

/**
 * One Alipay call for a trade that cannot exist, as the SP's app (and, with `appAuthToken`, on a
 * merchant's behalf): ACQ.TRADE_NOT_EXIST means the app's keys and the token work. An expired or
 * withdrawn token is 无效应用授权令牌 (as the console's check says); anything else is reported
 * with its codes. alipay.open.auth.token.app.query would answer the same for the token, but the
 * trade query also proves the app's keys and is what the sandbox and the console use.
 */
export async function probeAlipay (o: { isv: AlipayApp, appAuthToken?: string, timeoutMs: number }): Promise<Check> {
  const name = o.appAuthToken === undefined ? 'Alipay API' : 'Alipay app authorization'
  const secrets = [o.appAuthToken, o.isv.privateKey]
  let r: Record<string, unknown>
  try {
    r = await alipaySdk(o.isv, { timeoutMs: o.timeoutMs }).exec('alipay.trade.query', {
      ...(o.appAuthToken === undefined ? {} : { appAuthToken: o.appAuthToken }),
      bizContent: { out_trade_no: PROBE_ORDER },
    }, { validateSign: true })
  } catch (err) {
    return fail(name, `no usable answer from ALIPAY_GATEWAY: ${scrub(err, secrets)}: check the gateway, and that the Alipay public key is Alipay's (it verifies the answers)`)
  }
  const code = String(r.code ?? '')
  const subCode = String(r.subCode ?? '')
  if (code === '10000' || subCode === 'ACQ.TRADE_NOT_EXIST') {
    return pass(name, o.appAuthToken === undefined ? `app ${o.isv.appId}: signed call accepted and its answer verified` : 'app_auth_token valid')
  }
  if (subCode.startsWith('aop.invalid-app-auth-token') || subCode === 'aop.app-auth-token-time-out') {
    return fail(name, `无效应用授权令牌 (${subCode}): the merchant's authorization expired or was withdrawn; delete its 支付宝用户 ID in the console and have it scan the authorization QR again`)
  }
  const hint = subCode.includes('signature') || subCode.includes('sign')
    ? 'Alipay refuses the signature: the app private key does not match the public key uploaded for this app on the Alipay open platform'
    : 'see the codes in the Alipay documentation'
  return fail(name, `${code} ${subCode} ${scrub(String(r.subMsg ?? r.msg ?? ''), secrets)}: ${hint}`.replace(/\s+/g, ' '))
}

// ── the tenants ────────────────────────────────────────────────────────────────────────────────

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
