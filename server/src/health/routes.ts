import Router from '@koa/router'
import { z } from 'zod'
import type { DefaultContext } from 'koa'
import type { Database } from '../db/client'
import { migrationsApplied } from '../db/migrate'
import type { AppState } from '../http/context'
import type { OpenAPIRegistry } from '../docs/openapi'

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' })
const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    database: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['ok', 'pending', 'unknown']),
    shuttingDown: z.boolean(),
  }),
}).meta({ id: 'Readiness' })

export interface HealthDeps {
  database: Database
  /** True once shutdown has begun: load balancers should stop sending traffic. */
  isShuttingDown: () => boolean
}

export interface DatabaseReadiness {
  database: 'ok' | 'unreachable'
  migrations: 'ok' | 'pending' | 'unknown'
  /** Why the database did not answer (for the log; may name hosts, never a password). */
  error?: unknown
}

/** Under the usual probe timeouts (5–10 s), so the answer is a 503, not a timed-out probe. */
const READINESS_TIMEOUT_MS = 3_000

/** The database part of `/readyz`, shared with `npm run doctor`: it answers, and every shipped migration is applied. */
export async function databaseReadiness (database: Database, timeoutMs = READINESS_TIMEOUT_MS): Promise<DatabaseReadiness> {
  let timer: NodeJS.Timeout | undefined
  // A database that accepts connections but does not answer (locks, a stalled disk) must make
  // /readyz say so in time for the balancer's probe, not hang until the probe gives up.
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`the database did not answer within ${timeoutMs} ms`)) }, timeoutMs)
  })
  try {
    return await Promise.race([
      (async (): Promise<DatabaseReadiness> => {
        await database.ping()
        return { database: 'ok', migrations: await migrationsApplied(database) ? 'ok' : 'pending' }
      })(),
      late,
    ])
  } catch (error) {
    return { database: 'unreachable', migrations: 'unknown', error }
  } finally {
    clearTimeout(timer)
  }
}

/** `/healthz`: the process answers. `/readyz`: it can serve (database up, schema current, not stopping). */
export function healthRoutes (deps: HealthDeps, registry: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['运维'],
    summary: '进程存活检查',
    responses: { 200: { description: '进程在运行', content: { 'application/json': { schema: Health } } } },
  })
  router.get('/healthz', (ctx) => { ctx.body = { status: 'ok' } })

  registry.registerPath({
    method: 'get',
    path: '/readyz',
    tags: ['运维'],
    summary: '就绪检查：数据库可达且迁移已执行',
    responses: {
      200: { description: '可以接收请求', content: { 'application/json': { schema: Readiness } } },
      503: { description: '暂不可接收请求', content: { 'application/json': { schema: Readiness } } },
    },
  })
  router.get('/readyz', async (ctx) => {
    const { database, migrations, error } = await databaseReadiness(deps.database)
    if (database === 'unreachable') ctx.state.logger.warn({ err: error }, 'readiness: database unreachable')
    const shuttingDown = deps.isShuttingDown()
    const ready = database === 'ok' && migrations === 'ok' && !shuttingDown
    ctx.status = ready ? 200 : 503
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { database, migrations, shuttingDown } }
  })
  return router
}
