import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { buildApp, type AppDeps } from '../../src/app'
import { ManualClock } from '../../src/clock'
import type { Database } from '../../src/db/client'
import { Secret } from '../../src/secret'
import { createServices, type Services } from '../../src/services'

export type TestConfig = AppDeps['config']

/** Config as main.ts would load it for a test run: random secrets, real channel hosts unless overridden. */
export function testConfig (overrides: Partial<TestConfig> = {}): TestConfig {
  return {
    bodyLimitBytes: 64 * 1024,
    trustProxy: false,
    h5DistDir: mkdtempSync(path.join(tmpdir(), 'yima-h5-')),
    miniProgramH5DistDir: mkdtempSync(path.join(tmpdir(), 'yima-mp-h5-')),
    publicUrl: 'http://127.0.0.1:3000',
    sessionSecret: new Secret('test-session-secret-'.padEnd(48, 'x')),
    secretsKey: new Secret(randomBytes(32)),
    secretsKeysRetired: new Secret([]),
    channels: {
      wxpayBaseUrl: 'https://api.mch.weixin.qq.com/',
      wechat: { api: 'https://api.weixin.qq.com/', open: 'https://open.weixin.qq.com/', mp: 'https://mp.weixin.qq.com/' },
      alipayGateway: 'https://openapi.alipay.com/gateway.do',
      alipayOpenAuthUrl: 'https://openauth.alipay.com/',
    },
    platformOfficialAccount: null,
    miniProgram: null,
    wechatComponent: null,
    ...overrides,
  }
}

/** The app wired as main.ts wires it, with a manual clock, a silent logger and an empty H5 dir. */
export function testApp (database: Database, overrides: Partial<Omit<AppDeps, 'config'>> & { config?: Partial<TestConfig> } = {}): { app: ReturnType<typeof buildApp>, clock: ManualClock, services: Services } {
  const clock = overrides.clock instanceof ManualClock ? overrides.clock : new ManualClock()
  const config = testConfig(overrides.config)
  const newId = overrides.newId ?? createIdGenerator()
  const services = overrides.services ?? createServices({ config, db: database.db, clock, newId })
  const app = buildApp({
    database,
    logger: pino({ level: 'silent' }),
    clock,
    newId,
    ...overrides,
    config,
    services,
  })
  return { app, clock, services }
}
