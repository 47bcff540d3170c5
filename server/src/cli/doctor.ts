import { parseArgs } from 'node:util'
import { systemClock } from '../clock'
import { databaseTarget } from '../config'
import { openDatabase, type Database } from '../db/client'
import { WechatComponent } from '../channels/wechat-mp/component'
import { ticketStore } from '../modules/tenancy/scan.routes'
import { checkConfig, checkDatabase, checkTenants, formatCheck, scrub, type Check } from '../ops/doctor'
import { secretBoxFrom } from '../secrets'

const USAGE = 'usage: npm run doctor -w server [-- --timeout-ms <per call, default 10000>] [--concurrency <calls at once, default 8>]'

/**
 * Checks this deployment as the server would run it (same environment, same database): the
 * configuration, the database and its migrations, then every service provider's keys and channel
 * credentials. One line per check; exits 1 when any failed. Reads only: it migrates nothing.
 */
async function main (): Promise<number> {
  const { values } = parseArgs({ options: { 'timeout-ms': { type: 'string' }, concurrency: { type: 'string' }, help: { type: 'boolean', default: false } } })
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const timeoutMs = Number(values['timeout-ms'] ?? 10_000)
  const concurrency = Number(values.concurrency ?? 8)
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || !Number.isInteger(concurrency) || concurrency < 1) throw new Error(USAGE)

  const checks: Check[] = []
  const print = (list: readonly Check[]): void => {
    for (const c of list) process.stdout.write(`${formatCheck(c)}\n`)
    checks.push(...list)
  }

  const { checks: configChecks, config } = checkConfig(process.env)
  print(configChecks)
  if (config !== null) {
    const dbSecrets = config.database.kind === 'postgres' ? [config.database.url.reveal()] : []
    let database: Database | undefined
    try {
      database = await openDatabase(databaseTarget(config))
    } catch (err) {
      // The embedded database is locked while the server runs on it: stop it, or use PostgreSQL.
      print([{ name: 'database', ok: false, detail: `does not open: ${scrub(err, dbSecrets)}` }])
    }
    if (database !== undefined) {
      try {
        const dbChecks = await checkDatabase(database, dbSecrets)
        print(dbChecks)
        if (dbChecks.every((c) => c.ok)) {
          const box = secretBoxFrom(config)
          const wc = config.wechatComponent
          const component = wc === null ? null : new WechatComponent({ hosts: config.channels.wechat, config: wc, tickets: ticketStore(database.db, box, wc.appId), clock: systemClock })
          print(await checkTenants({ db: database.db, box, hosts: config.channels, component, clock: systemClock, timeoutMs, concurrency }))
        }
      } finally {
        await database.close()
      }
    }
  }

  const failed = checks.filter((c) => !c.ok).length
  process.stdout.write(failed === 0 ? `\nall ${checks.length} checks passed\n` : `\n${failed} of ${checks.length} checks failed\n`)
  return failed === 0 ? 0 : 1
}

main().then((code) => {
  process.exitCode = code
  // Keep-alive sockets of the channel SDKs must not hold the process once the report is out.
  setTimeout(() => process.exit(code), 2_000).unref()
}, (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
