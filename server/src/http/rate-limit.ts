import { lt, sql } from 'drizzle-orm'
import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { Clock } from '../clock'
import type { Db } from '../db/client'
import type { AppContext, AppState } from './context'
import { rateLimits } from './rate-limit.schema'

export interface RateLimitRule {
  /** Namespaces the counter, e.g. `login:ip`. */
  name: string
  limit: number
  windowMs: number
  /** What is being limited (an IP, a login name); undefined skips the rule for this request. */
  key: (ctx: AppContext) => string | undefined
}

/**
 * Counts requests per key in fixed windows, in the database so every instance shares the count
 * (an atomic upsert: concurrent requests cannot both slip under the limit). Over the limit the
 * request is refused with 429 and `Retry-After`, before the route runs.
 */
export function rateLimit (deps: { db: Db, clock: Clock }, ...rules: RateLimitRule[]): Middleware<AppState> {
  return async (ctx, next) => {
    for (const rule of rules) {
      const subject = rule.key(ctx)
      if (subject === undefined) continue
      const now = deps.clock.now().getTime()
      const windowStart = new Date(Math.floor(now / rule.windowMs) * rule.windowMs)
      const [row] = await deps.db.insert(rateLimits)
        .values({ key: `${rule.name}:${subject}`, windowStart, count: 1 })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`case when ${rateLimits.windowStart} = excluded.window_start then ${rateLimits.count} + 1 else 1 end`,
            windowStart: sql`excluded.window_start`,
          },
        })
        .returning({ count: rateLimits.count })
      if ((row?.count ?? 0) > rule.limit) {
        ctx.set('Retry-After', String(Math.ceil((windowStart.getTime() + rule.windowMs - now) / 1000)))
        throw new AppError('rate_limit', 'rate_limited')
      }
    }
    await next()
  }
}

/** Drops counters of windows that ended more than a day ago. */
export async function pruneRateLimits (deps: { db: Db, clock: Clock }): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - 24 * 3600_000)
  return (await deps.db.delete(rateLimits).where(lt(rateLimits.windowStart, cutoff)).returning({ key: rateLimits.key })).length
}
