import { createIdGenerator } from '@yima/shared'
import { buildApp } from './app'
import { systemClock } from './clock'
import { ConfigError, databaseTarget, loadConfig } from './config'
import { openDatabase } from './db/client'
import { DataDirLockedError } from './db/data-dir-lock'
import { migrate } from './db/migrate'
import { pruneIdempotencyKeys } from './http/idempotency'
import { pruneRateLimits } from './http/rate-limit'
import { createServices } from './services'
import { listen } from './lifecycle/http-server'
import { createLogger, type Logger } from './logger'
import { OutboxWorker } from './outbox'

const HOUR_MS = 3_600_000

/** config → database → migrations → HTTP → workers; SIGTERM/SIGINT run the same steps backwards. */
async function main (): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.logLevel, undefined, { pretty: config.env === 'development' && process.stdout.isTTY })
  const clock = systemClock
  const newId = createIdGenerator()

  const database = await openDatabase(databaseTarget(config))
  await migrate(database, config.database.kind === 'postgres' ? config.database.url.reveal() : undefined)
  logger.info({ database: database.kind }, 'database ready')

  let shuttingDown = false
  const services = createServices({ config, db: database.db, clock, newId })
  const app = buildApp({ config, database, logger, clock, newId, services, isShuttingDown: () => shuttingDown })
  const http = await listen(app.callback(), { host: config.host, port: config.port })

  const worker = new OutboxWorker({
    db: database.db,
    clock,
    newId,
    logger,
    handlers: services.jobHandlers,
    batchSize: config.outbox.batchSize,
    pollMs: config.outbox.pollMs,
  })
  worker.start()
  const prune = setInterval(() => {
    Promise.all([pruneIdempotencyKeys({ db: database.db, clock }), pruneRateLimits({ db: database.db, clock })])
      .catch((err: unknown) => { logger.warn({ err }, 'pruning idempotency keys or rate-limit counters failed') })
  }, HOUR_MS)
  prune.unref()

  const url = `http://127.0.0.1:${http.port}`
  logger.info({ port: http.port, database: database.kind }, 'yima listening')
  process.stdout.write(`\nyima is running: ${url}\n  H5 ${url}/\n  API docs ${url}/docs\n  health ${url}/healthz\n\n`)

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return
    shuttingDown = true
    logger.info({ signal }, 'shutting down: draining requests')
    clearInterval(prune)
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs + 5_000)
    force.unref()
    try {
      await http.close(config.shutdownTimeoutMs)
      await worker.stop()
      await database.close()
      logger.info('stopped')
    } catch (err) {
      logger.error({ err }, 'shutdown failed')
      process.exitCode = 1
    }
  }
  // `on`, not `once`: a supervisor and a wrapper (npm, tsx) may each relay the same signal, and a
  // second delivery must not fall through to the default handler and kill us mid-drain.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => { shutdown(signal).catch((err: unknown) => { fail(err, logger) }) })
  }
}

function fail (err: unknown, logger?: Logger): never {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`yima: ${err.message}\n`)
  } else if (logger !== undefined) {
    logger.fatal({ err }, 'failed to start')
  } else {
    process.stderr.write(`yima: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
  process.exit(1)
}

main().catch((err: unknown) => { fail(err) })
