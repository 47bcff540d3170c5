import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { firstIssueMessage } from '@yima/shared'
import { Secret } from './secret'

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')

/** `<url>` or `wechat=<url>,alipay=<url>` → the sandbox's two bridge shim scripts (PAY_BRIDGE_BASE_URL). */
const bridgeScripts = z.string().optional().transform((s, ctx): { wechat: string, alipay: string } | null => {
  if (s === undefined || s.trim() === '') return null
  const bases = new Map(s.split(',').map((part): [string, string] => {
    const m = /^(wechat|alipay)=(.+)$/.exec(part.trim())
    return m === null ? ['both', part.trim()] : [m[1] as string, m[2] as string]
  }))
  const wechat = bases.get('wechat') ?? bases.get('both')
  const alipay = bases.get('alipay') ?? bases.get('both')
  if (!z.url().safeParse(wechat).success || !z.url().safeParse(alipay).success) {
    ctx.addIssue({ code: 'custom', message: 'must be one URL, or wechat=<url>,alipay=<url>' })
    return null
  }
  const script = (base: string, name: string): string => `${base.replace(/\/+$/, '')}/__sim/bridge/${name}.js`
  return { wechat: script(wechat as string, 'weixin'), alipay: script(alipay as string, 'alipay') }
})

/** WX_PAY_TEMPLATE_ID: `<id>` or `<appid>=<id>,…`; an entry without appid applies to every other account. */
const paymentTemplates = z.string().optional().transform((s, ctx): PaymentTemplates | null => {
  if (s === undefined || s.trim() === '') return null
  const byAppId: Record<string, string> = {}
  let fallback: string | null = null
  for (const part of s.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(?:(wx[0-9A-Za-z]{16})=)?([\w-]{1,64})$/.exec(part)
    if (m === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a template_id, or <appid>=<template_id>,…' })
      return null
    }
    if (m[1] === undefined) fallback = m[2] as string
    else byAppId[m[1]] = m[2] as string
  }
  return { fallback, byAppId }
})

/**
 * Every environment variable yima reads. `.env.example` lists the same names; keep the two in step
 * (a test checks it).
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development')
    .describe('`production` requires the secrets and PostgreSQL below; `development` keeps generated secrets in `DATA_DIR/dev-secrets.json`; `test` generates fresh ones per process.'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Address the HTTP server listens on.'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000).describe('Port the HTTP server listens on.'),
  PUBLIC_URL: z.url().optional()
    .describe('Base URL people and channels reach this server at: links, QR codes, OAuth redirects and channel notify URLs. Unset: `http://127.0.0.1:PORT`.'),
  DATABASE_URL: z.string().min(1).optional()
    .describe('PostgreSQL connection string (`postgres://user:password@host:5432/db`). Unset: embedded PGlite under `DATA_DIR/pg`. Required in production unless `ALLOW_EMBEDDED_DB_IN_PRODUCTION` is set.'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10).describe('Connections in each instance\'s PostgreSQL pool.'),
  DATA_DIR: z.string().min(1).default('./data').describe('Directory for the embedded database and development secrets.'),
  ALLOW_EMBEDDED_DB_IN_PRODUCTION: flag.default(false)
    .describe('PGlite is a single-process, main-thread database; production must opt in to it explicitly (one small install, one instance).'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
  TRUST_PROXY: flag.default(false).describe('Trust `X-Forwarded-*` from a reverse proxy in front of yima (client address, protocol).'),
  METRICS_TOKEN: z.string().min(16).optional()
    .describe('Bearer token the Prometheus scraper sends to `GET /metrics` (at least 16 characters). Unset: only loopback and private addresses may scrape (server/src/health/README.md).'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024).describe('Largest request body accepted.'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000).describe('How long SIGTERM waits for requests in flight before closing.'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(500).describe('How often the outbox worker looks for due jobs.'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20).describe('Jobs one outbox worker runs at once; a slot that frees up is filled at once.'),
  H5_DIST_DIR: z.string().min(1).optional().describe('Directory of the built H5 app served at `/`. Unset: `h5/dist/h5` in the checkout.'),
  SECRETS_KEY: base64Key.optional()
    .describe('AES-256-GCM key sealing the secrets stored in the database (channel keys, certificates, tokens): 32 random bytes, base64 (`openssl rand -base64 32`).'),
  SECRETS_KEYS_RETIRED: z.string().optional().transform((s, ctx) => {
    const keys = (s ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '')
    for (const k of keys) {
      if (!base64Key.safeParse(k).success) ctx.addIssue({ code: 'custom', message: 'each key must be 32 bytes, base64-encoded' })
    }
    return keys
  }).describe('Earlier `SECRETS_KEY` values, comma-separated, kept while stored secrets are re-encrypted (`npm run secrets:reseal -w server`).'),
  SESSION_SECRET: z.string().min(32).optional()
    .describe('HMAC key for console and mini-program session tokens, at least 32 characters (`openssl rand -base64 48`); the same on every instance.'),
  WXPAY_BASE_URL: z.url().default('https://api.mch.weixin.qq.com/').describe('WeChat Pay API host. `npm start` in development points every channel host at the sandbox.'),
  WXMP_API_BASE_URL: z.url().default('https://api.weixin.qq.com/').describe('WeChat platform API host (official accounts, open platform, mini-program sign-in).'),
  WX_OPEN_BASE_URL: z.url().default('https://open.weixin.qq.com/').describe('WeChat web authorization (OAuth) host.'),
  WX_MP_BASE_URL: z.url().default('https://mp.weixin.qq.com/').describe('Host of the open platform\'s authorization page (componentloginpage).'),
  ALIPAY_GATEWAY: z.url().default('https://openapi.alipay.com/gateway.do').describe('Alipay OpenAPI gateway.'),
  ALIPAY_OPENAUTH_URL: z.url().default('https://openauth.alipay.com/').describe('Host of Alipay\'s app authorization page (第三方应用授权).'),
  PLATFORM_OA_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional().describe('The platform\'s own official account, through which console accounts bind WeChat.'),
  PLATFORM_OA_SECRET: z.string().min(1).optional().describe('AppSecret of `PLATFORM_OA_APPID`.'),
  WX_MINIPROGRAM_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional().describe('The platform\'s staff mini-program (商户助手): its sign-in trades `wx.login` codes (jscode2session).'),
  WX_MINIPROGRAM_SECRET: z.string().min(1).optional().describe('AppSecret of `WX_MINIPROGRAM_APPID`.'),
  MINIPROGRAM_H5_DIST_DIR: z.string().min(1).optional()
    .describe('Directory of the mini-program\'s H5 build (the staff pages inside the official account), served at `/mp/`. Unset: `miniprogram/dist/h5` in the checkout.'),
  WX_COMPONENT_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional()
    .describe('The platform as a WeChat open-platform third-party platform (第三方平台), to which SPs authorize their official accounts. Its event URL is `<PUBLIC_URL>/wx/component/events`. Set all four `WX_COMPONENT_*` or none.'),
  WX_COMPONENT_SECRET: z.string().min(1).optional().describe('AppSecret of the third-party platform.'),
  WX_COMPONENT_TOKEN: z.string().min(1).optional().describe('Message verification token of the third-party platform.'),
  WX_COMPONENT_AES_KEY: z.string().length(43).optional().describe('EncodingAESKey (43 characters) of the third-party platform.'),
  PAY_BRIDGE_BASE_URL: bridgeScripts
    .describe('Sandbox only, refused in production: where the pay page loads the WeixinJSBridge / AlipayJSBridge shims that the real apps inject themselves. One base URL serving both, or `wechat=<url>,alipay=<url>`.'),
  WX_PAY_TEMPLATE_ID: paymentTemplates
    .describe('Template id of 收款成功通知 (clerk payment messages) on the SP official accounts: one id for every account, or `<appid>=<template_id>,…` per account (an entry without appid is the default). Unset: no template messages.'),
  SMS_ENDPOINT: z.string().min(1).default('sms.tencentcloudapi.com').describe('Tencent Cloud SMS endpoint (the fallback when a template message fails).'),
  SMS_PROTOCOL: z.enum(['https', 'http']).default('https').describe('`http` is for the sandbox only and refused in production.'),
  SMS_REGION: z.string().min(1).default('ap-guangzhou').describe('Tencent Cloud SMS region.'),
  SMS_SECRET_ID: z.string().min(1).optional().describe('Tencent Cloud SecretId. Set all five of `SMS_SECRET_ID`, `SMS_SECRET_KEY`, `SMS_SDK_APP_ID`, `SMS_SIGN_NAME`, `SMS_TEMPLATE_ID`, or none (no SMS fallback).'),
  SMS_SECRET_KEY: z.string().min(1).optional().describe('Tencent Cloud SecretKey.'),
  SMS_SDK_APP_ID: z.string().regex(/^\d+$/).optional().describe('SMS SdkAppId.'),
  SMS_SIGN_NAME: z.string().min(1).optional().describe('SMS signature name.'),
  SMS_TEMPLATE_ID: z.string().regex(/^\d+$/).optional().describe('SMS template: {1} store, {2} amount in yuan, {3} payment method, {4} order number tail.'),
  FEIE_BASE_URL: z.url().default('https://api.feieyun.cn/Api/Open/').describe('飞鹅云 cloud printer API.'),
  FEIE_USER: z.string().min(1).optional().describe('The platform\'s 飞鹅云 account; with `FEIE_UKEY`. Unset: Feie printers cannot be added.'),
  FEIE_UKEY: z.string().min(1).optional().describe('UKEY of `FEIE_USER`.'),
  YLY_BASE_URL: z.url().default('https://open-api.10ss.net').describe('易联云 cloud printer API.'),
  YLY_CLIENT_ID: z.string().min(1).optional().describe('易联云 own-app (自有应用) client id; with `YLY_CLIENT_SECRET`. Unset: Yilianyun printers cannot be added.'),
  YLY_CLIENT_SECRET: z.string().min(1).optional().describe('Client secret of `YLY_CLIENT_ID`.'),
  BRHK_BASE_URL: z.url().default('https://speaker.17laimai.cn').describe('博瑞皓科 cloud speaker API.'),
  BRHK_AGENCY_TOKEN: z.string().min(1).optional().describe('The agency token the platform\'s 博瑞皓科 speakers are sold under. Unset: speakers cannot be added.'),
})

/** The variables that hold secrets: required in production, generated elsewhere. */
export const SECRET_VARIABLES = ['SECRETS_KEY', 'SESSION_SECRET'] as const
type SecretVariable = typeof SECRET_VARIABLES[number]

export const ENV_VARIABLES = Object.keys(EnvSchema.shape) as Array<keyof typeof EnvSchema.shape>

export interface Config {
  env: 'development' | 'test' | 'production'
  host: string
  port: number
  publicUrl: string
  database: { kind: 'postgres', url: Secret<string>, poolMax: number } | { kind: 'pglite', dataDir: string }
  dataDir: string
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  trustProxy: boolean
  /** GET /metrics wants `Authorization: Bearer <token>`; null: only loopback and private addresses. */
  metricsToken: Secret<string> | null
  bodyLimitBytes: number
  shutdownTimeoutMs: number
  outbox: { pollMs: number, batchSize: number }
  h5DistDir: string
  miniProgramH5DistDir: string
  secretsKey: Secret<Buffer>
  secretsKeysRetired: Secret<Buffer[]>
  sessionSecret: Secret<string>
  channels: ChannelHosts
  /** Unset until the operator configures it; the features that need it answer platform_not_configured. */
  platformOfficialAccount: { appId: string, secret: Secret<string> } | null
  miniProgram: { appId: string, secret: Secret<string> } | null
  wechatComponent: { appId: string, secret: Secret<string>, token: string, aesKey: Secret<string> } | null
  /** The sandbox's JS bridge shims for the pay page (PAY_BRIDGE_BASE_URL); null against the real apps. */
  payBridgeScripts: { wechat: string, alipay: string } | null
  /** The payment-message template per official account (WX_PAY_TEMPLATE_ID); null: none configured. */
  paymentTemplates: PaymentTemplates | null
  /** Tencent Cloud SMS for the payment-message fallback; null: not configured, no SMS is sent. */
  sms: SmsSettings | null
  /** Cloud printer and speaker vendors; null where the platform has no account. */
  devices: DeviceVendors
}

/** The platform's accounts at the cloud printer and speaker vendors (channels/devices). */
export interface DeviceVendors {
  /** 飞鹅云: `url` is the open API endpoint (…/Api/Open/), `user` the registered account. */
  feie: { url: string, user: string, ukey: Secret<string> } | null
  /** 易联云, own-app (自有应用) mode. */
  yly: { baseUrl: string, clientId: string, clientSecret: Secret<string> } | null
  /** 博瑞皓科 speakers: the agency token the platform's speakers are sold under. */
  brhk: { baseUrl: string, agencyToken: Secret<string> } | null
}

export interface PaymentTemplates { fallback: string | null, byAppId: Readonly<Record<string, string>> }

export interface SmsSettings {
  endpoint: string
  protocol: 'https' | 'http'
  region: string
  secretId: string
  secretKey: Secret<string>
  sdkAppId: string
  signName: string
  templateId: string
}

export interface ChannelHosts {
  wxpayBaseUrl: string
  wechat: { api: string, open: string, mp: string }
  alipayGateway: string
  alipayOpenAuthUrl: string
}

/** What openDatabase needs, from the config. */
export function databaseTarget (config: Config): { kind: 'postgres', url: string, poolMax: number } | { kind: 'pglite', dataDir: string } {
  return config.database.kind === 'postgres'
    ? { kind: 'postgres', url: config.database.url.reveal(), poolMax: config.database.poolMax }
    : { kind: 'pglite', dataDir: config.database.dataDir }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const repoRoot = path.resolve(__dirname, '../..')

/**
 * Parses the environment once. Production refuses to start without its secrets; development
 * generates them once and keeps them in DATA_DIR so that encrypted data survives a restart; tests
 * get fresh random ones. There is never a shared default secret.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${firstIssueMessage(parsed.error)}`)
  const e = parsed.data
  const dataDir = path.resolve(e.DATA_DIR)

  if (e.NODE_ENV === 'production') {
    const missing = SECRET_VARIABLES.filter((name) => e[name] === undefined)
    if (missing.length > 0) throw new ConfigError(`production requires ${missing.join(', ')} (see .env.example)`)
    if (e.DATABASE_URL === undefined && !e.ALLOW_EMBEDDED_DB_IN_PRODUCTION) {
      throw new ConfigError('production requires DATABASE_URL (or ALLOW_EMBEDDED_DB_IN_PRODUCTION=true for a single small install)')
    }
    // The shims would stand in for the bridge WeChat and Alipay inject, and no payment could start.
    if (e.PAY_BRIDGE_BASE_URL !== null) throw new ConfigError('PAY_BRIDGE_BASE_URL is for the sandbox only; unset it in production')
  }
  const secrets = resolveSecrets(e, dataDir)

  const config: Config = {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    database: e.DATABASE_URL === undefined
      ? { kind: 'pglite', dataDir: path.join(dataDir, 'pg') }
      : { kind: 'postgres', url: new Secret(e.DATABASE_URL), poolMax: e.DATABASE_POOL_MAX },
    dataDir,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN === undefined ? null : new Secret(e.METRICS_TOKEN),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    outbox: { pollMs: e.OUTBOX_POLL_MS, batchSize: e.OUTBOX_BATCH_SIZE },
    h5DistDir: path.resolve(e.H5_DIST_DIR ?? path.join(repoRoot, 'h5/dist/h5')),
    miniProgramH5DistDir: path.resolve(e.MINIPROGRAM_H5_DIST_DIR ?? path.join(repoRoot, 'miniprogram/dist/h5')),
    secretsKey: new Secret(Buffer.from(secrets.SECRETS_KEY, 'base64')),
    secretsKeysRetired: new Secret(e.SECRETS_KEYS_RETIRED.map((k) => Buffer.from(k, 'base64'))),
    sessionSecret: new Secret(secrets.SESSION_SECRET),
    channels: {
      wxpayBaseUrl: e.WXPAY_BASE_URL,
      wechat: { api: e.WXMP_API_BASE_URL, open: e.WX_OPEN_BASE_URL, mp: e.WX_MP_BASE_URL },
      alipayGateway: e.ALIPAY_GATEWAY,
      alipayOpenAuthUrl: e.ALIPAY_OPENAUTH_URL,
    },
    miniProgram: e.WX_MINIPROGRAM_APPID !== undefined && e.WX_MINIPROGRAM_SECRET !== undefined
      ? { appId: e.WX_MINIPROGRAM_APPID, secret: new Secret(e.WX_MINIPROGRAM_SECRET) }
      : null,
    platformOfficialAccount: e.PLATFORM_OA_APPID !== undefined && e.PLATFORM_OA_SECRET !== undefined
      ? { appId: e.PLATFORM_OA_APPID, secret: new Secret(e.PLATFORM_OA_SECRET) }
      : null,
    wechatComponent: e.WX_COMPONENT_APPID !== undefined && e.WX_COMPONENT_SECRET !== undefined && e.WX_COMPONENT_TOKEN !== undefined && e.WX_COMPONENT_AES_KEY !== undefined
      ? { appId: e.WX_COMPONENT_APPID, secret: new Secret(e.WX_COMPONENT_SECRET), token: e.WX_COMPONENT_TOKEN, aesKey: new Secret(e.WX_COMPONENT_AES_KEY) }
      : null,
    payBridgeScripts: e.PAY_BRIDGE_BASE_URL,
    paymentTemplates: e.WX_PAY_TEMPLATE_ID,
    sms: smsSettings(e),
    devices: {
      feie: e.FEIE_USER !== undefined && e.FEIE_UKEY !== undefined ? { url: e.FEIE_BASE_URL, user: e.FEIE_USER, ukey: new Secret(e.FEIE_UKEY) } : null,
      yly: e.YLY_CLIENT_ID !== undefined && e.YLY_CLIENT_SECRET !== undefined ? { baseUrl: e.YLY_BASE_URL, clientId: e.YLY_CLIENT_ID, clientSecret: new Secret(e.YLY_CLIENT_SECRET) } : null,
      brhk: e.BRHK_AGENCY_TOKEN !== undefined ? { baseUrl: e.BRHK_BASE_URL, agencyToken: new Secret(e.BRHK_AGENCY_TOKEN) } : null,
    },
  }
  return Object.freeze(config)
}

const SMS_REQUIRED = ['SMS_SECRET_ID', 'SMS_SECRET_KEY', 'SMS_SDK_APP_ID', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_ID'] as const

function smsSettings (e: z.infer<typeof EnvSchema>): SmsSettings | null {
  const missing = SMS_REQUIRED.filter((name) => e[name] === undefined)
  if (missing.length === SMS_REQUIRED.length) return null
  if (missing.length > 0) throw new ConfigError(`SMS needs ${missing.join(', ')} as well (or none of ${SMS_REQUIRED.join(', ')})`)
  // Phone numbers and message texts would cross the network in the clear.
  if (e.NODE_ENV === 'production' && e.SMS_PROTOCOL === 'http') throw new ConfigError('SMS_PROTOCOL=http is for the sandbox only; use https in production')
  return {
    endpoint: e.SMS_ENDPOINT,
    protocol: e.SMS_PROTOCOL,
    region: e.SMS_REGION,
    secretId: e.SMS_SECRET_ID as string,
    secretKey: new Secret(e.SMS_SECRET_KEY as string),
    sdkAppId: e.SMS_SDK_APP_ID as string,
    signName: e.SMS_SIGN_NAME as string,
    templateId: e.SMS_TEMPLATE_ID as string,
  }
}

function resolveSecrets (e: z.infer<typeof EnvSchema>, dataDir: string): Record<SecretVariable, string> {
  const generate = (): Record<SecretVariable, string> => ({
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
  })
  let fallback: Record<SecretVariable, string>
  if (e.NODE_ENV === 'development') {
    const file = path.join(dataDir, 'dev-secrets.json')
    if (existsSync(file)) {
      fallback = JSON.parse(readFileSync(file, 'utf8')) as Record<SecretVariable, string>
    } else {
      fallback = generate()
      mkdirSync(dataDir, { recursive: true })
      writeFileSync(file, JSON.stringify(fallback), { mode: 0o600 })
      chmodSync(file, 0o600)
    }
  } else {
    fallback = generate()
  }
  return {
    SECRETS_KEY: e.SECRETS_KEY ?? fallback.SECRETS_KEY,
    SESSION_SECRET: e.SESSION_SECRET ?? fallback.SESSION_SECRET,
  }
}
