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
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Public base URL for links and QR codes; defaults to http://127.0.0.1:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** Unset → embedded PGlite under DATA_DIR/pg. */
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  /** PGlite is a single-process, main-thread database; production must opt in to it explicitly. */
  ALLOW_EMBEDDED_DB_IN_PRODUCTION: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* from a reverse proxy in front of yima. */
  TRUST_PROXY: flag.default(false),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(500),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Directory of the built H5 app served at `/`. */
  H5_DIST_DIR: z.string().min(1).optional(),
  /** AES-256-GCM key for secrets stored in the database (channel keys, certificates). */
  SECRETS_KEY: base64Key.optional(),
  /** Earlier SECRETS_KEY values, comma-separated, kept while stored secrets are re-encrypted. */
  SECRETS_KEYS_RETIRED: z.string().optional().transform((s, ctx) => {
    const keys = (s ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '')
    for (const k of keys) {
      if (!base64Key.safeParse(k).success) ctx.addIssue({ code: 'custom', message: 'each key must be 32 bytes, base64-encoded' })
    }
    return keys
  }),
  /** HMAC key for console and mini-program session tokens. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** Channel hosts: the real ones by default; the sandbox's in development and tests. */
  WXPAY_BASE_URL: z.url().default('https://api.mch.weixin.qq.com/'),
  WXMP_API_BASE_URL: z.url().default('https://api.weixin.qq.com/'),
  WX_OPEN_BASE_URL: z.url().default('https://open.weixin.qq.com/'),
  /** Host of the open platform's authorization page (componentloginpage). */
  WX_MP_BASE_URL: z.url().default('https://mp.weixin.qq.com/'),
  ALIPAY_GATEWAY: z.url().default('https://openapi.alipay.com/gateway.do'),
  ALIPAY_OPENAUTH_URL: z.url().default('https://openauth.alipay.com/'),
  /** The platform's own official account, through which console accounts bind WeChat (T1). */
  PLATFORM_OA_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional(),
  PLATFORM_OA_SECRET: z.string().min(1).optional(),
  /** The platform's staff mini-program (商户助手): its sign-in trades `wx.login` codes (jscode2session). */
  WX_MINIPROGRAM_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional(),
  WX_MINIPROGRAM_SECRET: z.string().min(1).optional(),
  /** Directory of the mini-program's H5 build (the staff pages inside the official account), served at `/mp/`. */
  MINIPROGRAM_H5_DIST_DIR: z.string().min(1).optional(),
  /** The platform as a WeChat open-platform third-party platform (第三方平台), for T3. */
  WX_COMPONENT_APPID: z.string().regex(/^wx[0-9a-f]{16}$/).optional(),
  WX_COMPONENT_SECRET: z.string().min(1).optional(),
  WX_COMPONENT_TOKEN: z.string().min(1).optional(),
  WX_COMPONENT_AES_KEY: z.string().length(43).optional(),
  /**
   * Sandbox only, never in production: where the pay page loads the WeixinJSBridge / AlipayJSBridge
   * shims (`/__sim/bridge/weixin.js`, `/__sim/bridge/alipay.js`), which the real apps inject
   * themselves. One base URL serving both, or `wechat=<url>,alipay=<url>` when they live on
   * different hosts (as in the sandbox, one port per vendor).
   */
  PAY_BRIDGE_BASE_URL: bridgeScripts,
  /**
   * The payment-message template (N1) of the SP official accounts: the template_id each account got
   * when its admin added 收款成功通知 (fields in modules/notify/README.md) in 模板消息. One id for every
   * account, or `<appid>=<template_id>,…` per account (an entry without appid is the default).
   */
  WX_PAY_TEMPLATE_ID: paymentTemplates,
  /**
   * Tencent Cloud SMS (N1: payment messages by SMS when the template message fails). All of
   * SECRET_ID, SECRET_KEY, SDK_APP_ID, SIGN_NAME and TEMPLATE_ID, or none (no SMS fallback).
   * The template takes {1} store, {2} amount in yuan, {3} payment method, {4} order number tail.
   */
  SMS_ENDPOINT: z.string().min(1).default('sms.tencentcloudapi.com'),
  /** `http` is for the sandbox only. */
  SMS_PROTOCOL: z.enum(['https', 'http']).default('https'),
  SMS_REGION: z.string().min(1).default('ap-guangzhou'),
  SMS_SECRET_ID: z.string().min(1).optional(),
  SMS_SECRET_KEY: z.string().min(1).optional(),
  SMS_SDK_APP_ID: z.string().regex(/^\d+$/).optional(),
  SMS_SIGN_NAME: z.string().min(1).optional(),
  SMS_TEMPLATE_ID: z.string().regex(/^\d+$/).optional(),
  /**
   * Cloud printers and speakers (S6, S7): the platform's own account at each vendor. A brand whose
   * credentials are unset cannot be added (device_vendor_not_configured).
   */
  FEIE_BASE_URL: z.url().default('https://api.feieyun.cn/Api/Open/'),
  FEIE_USER: z.string().min(1).optional(),
  FEIE_UKEY: z.string().min(1).optional(),
  YLY_BASE_URL: z.url().default('https://open-api.10ss.net'),
  YLY_CLIENT_ID: z.string().min(1).optional(),
  YLY_CLIENT_SECRET: z.string().min(1).optional(),
  BRHK_BASE_URL: z.url().default('https://speaker.17laimai.cn'),
  BRHK_AGENCY_TOKEN: z.string().min(1).optional(),
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
