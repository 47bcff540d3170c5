import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import Router from '@koa/router'
import type { DefaultContext, Middleware } from 'koa'
import type { AppContext, AppState } from '../http/context'
import type { Metrics } from '../metrics'
import type { Secret } from '../secret'

export interface MetricsRouteDeps {
  metrics: Pick<Metrics, 'registry'>
  /** METRICS_TOKEN: when set, the scraper must send it as a bearer token; when null, only private addresses may scrape. */
  token: Secret<string> | null
}

/**
 * `GET /metrics` in the Prometheus text format, for the operator's scraper and nobody else: with
 * METRICS_TOKEN, only `Authorization: Bearer <token>` is let in (from any address); without it,
 * only a loopback or private peer whose forwarding headers name only such addresses too. Anyone
 * else gets the same 404 as a path that does not exist. Left out of the OpenAPI document.
 */
export function metricsRoutes (deps: MetricsRouteDeps): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const expected = deps.token === null ? null : digest(deps.token.reveal())
  router.get('/metrics', async (ctx) => {
    const allowed = expected === null ? fromPrivateNetwork(ctx) : bearerMatches(ctx, expected)
    // Unanswered, errorHandler turns it into route_not_found, as for any unknown path.
    if (!allowed) return
    ctx.set('Cache-Control', 'no-store')
    ctx.type = deps.metrics.registry.contentType
    ctx.body = await deps.metrics.registry.metrics()
  })
  return router
}

/**
 * Times every request into `yima_http_request_duration_seconds`, labelled with the route template
 * @koa/router matched (`/v1/orders/:id`), never the raw path. A Cloud Pay call (`/cpay/:api`) is
 * labelled with its API when it is one of `cpayApis` (`/cpay/micro_pay`); anything no route
 * matched is `unmatched`. Mount it outside errorHandler so the status is the one sent.
 */
export function httpMetrics (metrics: Pick<Metrics, 'http'>, cpayApis: ReadonlySet<string>): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      metrics.http.observe({ method: ctx.method, route: routeOf(ctx, cpayApis), status: String(ctx.status) }, seconds)
    }
  }
}

function routeOf (ctx: AppContext, cpayApis: ReadonlySet<string>): string {
  const matched = (ctx as AppContext & { _matchedRoute?: unknown })._matchedRoute
  if (typeof matched !== 'string') return 'unmatched'
  if (matched === '/cpay/:api') {
    const api = ctx.params?.api
    return typeof api === 'string' && cpayApis.has(api) ? `/cpay/${api}` : matched
  }
  return matched
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

function bearerMatches (ctx: AppContext, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))
  // Comparing digests keeps the comparison constant-time whatever the length sent.
  return m !== null && timingSafeEqual(digest(m[1] as string), expected)
}

const PRIVATE = new BlockList()
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addAddress('::1', 'ipv6')
PRIVATE.addSubnet('fc00::', 7, 'ipv6')

/** Loopback (127/8, ::1) or private (10/8, 172.16/12, 192.168/16, fc00::/7), IPv4-mapped included. */
export function isPrivateAddress (address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
  if (isIPv4(a)) return PRIVATE.check(a, 'ipv4')
  if (isIPv6(a)) return PRIVATE.check(a, 'ipv6')
  return false
}

/**
 * The peer, and every address a proxy says the request came through, are private. Forwarding
 * headers are read whatever TRUST_PROXY says: they can only refuse. A client can add private
 * entries but cannot remove the public one a proxy appends, so a request relayed from the
 * internet is refused even when the proxy itself is on the loopback.
 */
function fromPrivateNetwork (ctx: AppContext): boolean {
  const peer = ctx.req.socket.remoteAddress
  if (peer === undefined || !isPrivateAddress(peer)) return false
  const forwarded = [ctx.get('x-forwarded-for'), ctx.get('x-real-ip')].flatMap((h) => h.split(',')).map((s) => s.trim()).filter((s) => s !== '')
  for (const f of ctx.get('forwarded').split(/[,;]/)) {
    const m = /^\s*for="?\[?([^\]"]+)\]?(?::\d+)?"?\s*$/i.exec(f)
    if (m !== null) forwarded.push((m[1] as string).replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1'))
  }
  return forwarded.every(isPrivateAddress)
}
