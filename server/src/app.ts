import Koa from 'koa'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from './clock'
import type { Config } from './config'
import type { Database } from './db/client'
import { createOpenApiRegistry } from './docs/openapi'
import { docsRoutes } from './docs/routes'
import { healthRoutes } from './health/routes'
import { IdentityService, identityRoutes } from './modules/identity'
import { parseBody } from './http/body'
import type { AppState } from './http/context'
import { errorHandler } from './http/error'
import { requestContext } from './http/request-context'
import { serveH5 } from './http/static-h5'
import type { Logger } from './logger'

export interface AppDeps {
  config: Pick<Config, 'bodyLimitBytes' | 'trustProxy' | 'h5DistDir' | 'publicUrl' | 'sessionSecret'>
  database: Database
  logger: Logger
  clock: Clock
  newId: IdGenerator
  /** True once graceful shutdown has begun. */
  isShuttingDown?: () => boolean
}

/** Builds the Koa application without listening, so tests can drive `app.callback()` directly. */
export function buildApp (deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.trustProxy })
  const isShuttingDown = deps.isShuttingDown ?? (() => false)
  const openapi = createOpenApiRegistry()
  const { db } = deps.database
  const identity = new IdentityService({ db, clock: deps.clock, newId: deps.newId, sessionSecret: deps.config.sessionSecret })

  app.use(requestContext(deps))
  app.use(errorHandler())
  app.use(async (ctx, next) => {
    // Let keep-alive clients know to reconnect (to another instance) while we drain.
    if (isShuttingDown()) ctx.set('Connection', 'close')
    await next()
  })
  app.use(serveH5(deps.config.h5DistDir))
  app.use(parseBody(deps.config.bodyLimitBytes))

  for (const router of [
    healthRoutes({ database: deps.database, isShuttingDown }, openapi),
    identityRoutes(identity, { db, clock: deps.clock }, openapi),
    docsRoutes(openapi, deps.config.publicUrl),
  ]) {
    app.use(router.routes())
  }

  // Errors are answered by errorHandler; this only sees failures while writing a response.
  app.on('error', (err: unknown) => { deps.logger.error({ err }, 'response failed') })
  return app
}
