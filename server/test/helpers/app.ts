import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { createIdGenerator } from '@yima/shared'
import { buildApp, type AppDeps } from '../../src/app'
import { ManualClock } from '../../src/clock'
import type { Database } from '../../src/db/client'
import { Secret } from '../../src/secret'

/** The app wired as main.ts wires it, with a manual clock, a silent logger and an empty H5 dir. */
export function testApp (database: Database, overrides: Partial<AppDeps> = {}): { app: ReturnType<typeof buildApp>, clock: ManualClock } {
  const clock = new ManualClock()
  const app = buildApp({
    config: {
      bodyLimitBytes: 64 * 1024,
      trustProxy: false,
      h5DistDir: mkdtempSync(path.join(tmpdir(), 'yima-h5-')),
      publicUrl: 'http://127.0.0.1:3000',
      sessionSecret: new Secret('test-session-secret-'.padEnd(48, 'x')),
    },
    database,
    logger: pino({ level: 'silent' }),
    clock,
    newId: createIdGenerator(),
    ...overrides,
  })
  return { app, clock }
}
