import { existsSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, loadConfig, type Config } from '../../config'
import type { Database } from '../../db/client'
import { expectedMigrationCount } from '../../db/migrate'
import { databaseReadiness } from '../../health/routes'
import { fail, pass, scrub, type Check } from './check'

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
