import Koa from 'koa'
import compress from 'koa-compress'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from './clock'
import type { Config } from './config'
import type { Database } from './db/client'
import { createOpenApiRegistry } from './docs/openapi'
import { docsRoutes } from './docs/routes'
import { healthRoutes } from './health/routes'
import { httpMetrics, metricsRoutes } from './health/metrics.routes'
import { consoleIdentityRoutes, identityRoutes } from './modules/identity'
import { miniProgramRoutes, scanRoutes, staffRoutes, storeRoutes, tenancyRoutes } from './modules/tenancy'
import { cashierDeviceRoutes } from './modules/devices/cashier-devices.routes'
import { qrCodeRoutes } from './modules/qr-codes'
import { deviceRoutes } from './modules/devices/devices.routes'
import { hooksRoutes } from './modules/payments/hooks.routes'
import { orderRoutes } from './modules/payments/orders.routes'
import { payRoutes } from './modules/payments/pay.routes'
import { paymentCallbackRoutes } from './modules/payments/callbacks/callbacks.routes'
import { notifyRoutes } from './modules/notify'
import { homeRoutes, shiftRoutes } from './modules/shifts'
import { reportRoutes } from './modules/reports/reports.routes'
import { cardRoutes } from './modules/cards/cards.routes'
import { customerCardRoutes } from './modules/cards/customer.routes'
import { voucherRoutes } from './modules/vouchers/vouchers.routes'
import { cpayRoutes, isCpayPath } from './cloudpay/router'
import { createCpayApis } from './cloudpay/apis'
import { consoleGuard } from './http/console-guard'
import { createServices, type ServiceConfig, type Services } from './services'
import { parseBody } from './http/body'
import type { AppState } from './http/context'
import { errorHandler } from './http/error'
import { requestContext } from './http/request-context'
import { serveH5 } from './http/static-h5'
import type { Logger } from './logger'

export interface AppDeps {
  config: Pick<Config, 'bodyLimitBytes' | 'trustProxy' | 'h5DistDir' | 'miniProgramH5DistDir'> & ServiceConfig & Partial<Pick<Config, 'payBridgeScripts' | 'metricsToken'>>
  database: Database
  logger: Logger
  clock: Clock
  newId: IdGenerator
  /** True once graceful shutdown has begun. */
  isShuttingDown?: () => boolean
  /** Built here unless given (main.ts shares them with the job worker). */
  services?: Services
}

/** Builds the Koa application without listening, so tests can drive `app.callback()` directly. */
export function buildApp (deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.trustProxy })
  const isShuttingDown = deps.isShuttingDown ?? (() => false)
  const openapi = createOpenApiRegistry()
  const { db } = deps.database
  const services = deps.services ?? createServices({ config: deps.config, db, clock: deps.clock, newId: deps.newId })
  const { identity, bindings, tenancy } = services
  const guard = consoleGuard({ db, identity, bindings })
  const platformOa = deps.config.platformOfficialAccount
  const cpayApis = createCpayApis({ db, clock: deps.clock, newId: deps.newId, publicUrl: deps.config.publicUrl, services, logger: deps.logger })

  app.use(requestContext(deps))
  app.use(httpMetrics(services.metrics, new Set(Object.keys(cpayApis))))
  app.use(errorHandler())
  app.use(async (ctx, next) => {
    // Let keep-alive clients know to reconnect (to another instance) while we drain.
    if (isShuttingDown()) ctx.set('Connection', 'close')
    await next()
  })
  // The pay page's first load is ~390 KB of scripts uncompressed, ~130 KB gzipped (bench page).
  // Cloud Pay terminals get their envelopes as they always did.
  const compressor = compress({ threshold: 1024 })
  app.use(async (ctx, next) => { if (isCpayPath(ctx.path)) await next(); else await compressor(ctx, next) })
  app.use(serveH5(deps.config.h5DistDir))
  app.use(serveH5(deps.config.miniProgramH5DistDir, { prefix: '/mp/', buildCommand: 'npm run build:h5 -w miniprogram' }))
  app.use(parseBody(deps.config.bodyLimitBytes, { skip: isCpayPath }))

  for (const router of [
    healthRoutes({ database: deps.database, isShuttingDown }, openapi),
    metricsRoutes({ metrics: services.metrics, token: deps.config.metricsToken ?? null }),
    identityRoutes(identity, { db, clock: deps.clock }, openapi),
    consoleIdentityRoutes(identity, bindings, db, openapi),
    tenancyRoutes(tenancy, guard, openapi),
    storeRoutes(tenancy, { db, tokens: services.tokens }, guard, openapi),
    staffRoutes(tenancy, { db, tokens: services.tokens }, guard, openapi),
    miniProgramRoutes(tenancy.miniProgram, { db, clock: deps.clock, tokens: services.tokens }, openapi),
    cashierDeviceRoutes({ db, clock: deps.clock, newId: deps.newId, audit: services.audit, publicUrl: deps.config.publicUrl, tenancy, tokens: services.tokens }, guard, openapi),
    qrCodeRoutes({ db, clock: deps.clock, newId: deps.newId, audit: services.audit, publicUrl: deps.config.publicUrl, tenancy, tokens: services.tokens }, guard, openapi),
    scanRoutes(tenancy, {
      db,
      clock: deps.clock,
      box: services.box,
      tokens: services.tokens,
      bindings,
      platformOfficialAccount: platformOa === null ? null : { appId: platformOa.appId, secret: platformOa.secret.reveal() },
      oauth: tenancy.officialAccounts.oauth,
      component: services.component,
    }),
    hooksRoutes(services.payments, services.channels),
    orderRoutes({ db, clock: deps.clock, tokens: services.tokens, micropay: services.micropay, refunds: services.refunds }, guard, openapi),
    payRoutes({ db, clock: deps.clock, tokens: services.tokens, tenancy, payments: services.payments, cards: services.cards.customer, publicUrl: deps.config.publicUrl, channels: deps.config.channels, bridgeScripts: deps.config.payBridgeScripts ?? null }, openapi),
    paymentCallbackRoutes(services.callbacks, guard, openapi),
    deviceRoutes({ db, tokens: services.tokens, printers: services.printers, speakers: services.speakers }, guard, openapi),
    notifyRoutes({ db, tokens: services.tokens, settings: services.notificationSettings }, guard, openapi),
    shiftRoutes({ db, clock: deps.clock, newId: deps.newId, tokens: services.tokens, publicUrl: deps.config.publicUrl, printers: services.printers }, guard, openapi),
    homeRoutes({ db, clock: deps.clock, tokens: services.tokens }, openapi),
    reportRoutes({ db, tokens: services.tokens, reports: services.reports }, guard, openapi),
    cardRoutes({ db, clock: deps.clock, tokens: services.tokens, tenancy, admin: services.cards.admin, members: services.cards.members }, guard, openapi),
    cpayRoutes({ db, clock: deps.clock, box: services.box, logger: deps.logger, limitBytes: deps.config.bodyLimitBytes }, cpayApis),
    voucherRoutes({ db, clock: deps.clock, tokens: services.tokens, audit: services.audit, tenancy, batches: services.vouchers.batches, grants: services.vouchers.grants, publicUrl: deps.config.publicUrl, simulate: (deps.config.payBridgeScripts ?? null) !== null }, guard, openapi),
    customerCardRoutes({ db, clock: deps.clock, tokens: services.tokens, tenancy, cards: services.cards.customer, publicUrl: deps.config.publicUrl, simulate: (deps.config.payBridgeScripts ?? null) !== null }, openapi),
    docsRoutes(openapi, deps.config.publicUrl),
  ]) {
    app.use(router.routes())
  }

  // Errors are answered by errorHandler; this only sees failures while writing a response.
  app.on('error', (err: unknown) => { deps.logger.error({ err }, 'response failed') })
  return app
}
