import { createHash } from 'node:crypto'
import { and, eq, lt } from 'drizzle-orm'
import type { Middleware } from 'koa'
import { AppError } from '@yima/shared'
import type { Clock } from '../clock'
import type { Db } from '../db/client'
import type { AppContext, AppState } from './context'
import { idempotencyKeys } from './idempotency.schema'

const KEY = /^[\x21-\x7e]{1,255}$/
/** A request still "in flight" after this long died with its process; its key may be taken over. */
const IN_FLIGHT_LEASE_MS = 60_000
/** Keys are remembered this long, then pruned. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000

export interface IdempotencyDeps { db: Db, clock: Clock }

const defaultScope = (ctx: AppContext): string => ctx.state.actor?.id ?? 'anonymous'

/**
 * `Idempotency-Key` for POSTs that create things (Stripe's semantics): the first request with a
 * key runs; a repeat with the same method, path and body gets the stored response replayed
 * (`Idempotent-Replayed: true`); the same key with a different request is refused, as is a
 * repeat while the first is still running. Server errors are not stored, so the client may
 * retry them with the same key. Without the header the route runs as usual.
 */
export function idempotent (deps: IdempotencyDeps, opts: { scope?: (ctx: AppContext) => string } = {}): Middleware<AppState> {
  const scopeOf = opts.scope ?? defaultScope
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key')
    if (key === '') { await next(); return }
    if (!KEY.test(key)) throw new AppError('invalid_request', 'idempotency_key_invalid', undefined, { param: 'Idempotency-Key' })

    const scope = scopeOf(ctx)
    const requestHash = createHash('sha256')
      .update(`${ctx.method}\n${ctx.path}\n${(ctx.request as { rawBody?: string }).rawBody ?? ''}`)
      .digest('hex')
    const now = deps.clock.now()

    const claimed = await claim(deps.db, { scope, key, requestHash, now })
    if (claimed.kind === 'replay') {
      ctx.status = claimed.status
      ctx.body = claimed.body
      ctx.set('Idempotent-Replayed', 'true')
      return
    }

    let stored = false
    ctx.state.idempotency = { scope, key }
    try {
      await next()
      if (ctx.status < 500) {
        await deps.db.update(idempotencyKeys)
          .set({ state: 'done', responseStatus: ctx.status, responseBody: ctx.body ?? null })
          .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
        stored = true
      }
    } finally {
      if (!stored) {
        await deps.db.delete(idempotencyKeys)
          .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, 'in_flight')))
      }
    }
  }
}

type Claim = { kind: 'run' } | { kind: 'replay', status: number, body: unknown }

async function claim (db: Db, o: { scope: string, key: string, requestHash: string, now: Date }): Promise<Claim> {
  const lease = new Date(o.now.getTime() + IN_FLIGHT_LEASE_MS)
  const inserted = await db.insert(idempotencyKeys)
    .values({ scope: o.scope, key: o.key, requestHash: o.requestHash, state: 'in_flight', createdAt: o.now, lockedUntil: lease })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key })
  if (inserted.length === 1) return { kind: 'run' }

  const [existing] = await db.select().from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, o.scope), eq(idempotencyKeys.key, o.key)))
  if (existing === undefined) return await claim(db, o) // released between our insert and select
  if (existing.requestHash !== o.requestHash) {
    throw new AppError('idempotency', 'idempotency_key_reused', undefined, { param: 'Idempotency-Key' })
  }
  if (existing.state === 'done') {
    return { kind: 'replay', status: existing.responseStatus ?? 200, body: existing.responseBody }
  }
  // Still in flight: refuse, unless its process died and the lease lapsed; then take it over (CAS).
  if (existing.lockedUntil.getTime() <= o.now.getTime()) {
    const taken = await db.update(idempotencyKeys)
      .set({ lockedUntil: lease })
      .where(and(
        eq(idempotencyKeys.scope, o.scope), eq(idempotencyKeys.key, o.key),
        eq(idempotencyKeys.state, 'in_flight'), eq(idempotencyKeys.lockedUntil, existing.lockedUntil),
      ))
      .returning({ key: idempotencyKeys.key })
    if (taken.length === 1) return { kind: 'run' }
  }
  throw new AppError('idempotency', 'idempotency_key_in_flight', undefined, { param: 'Idempotency-Key' })
}

/** Deletes keys older than the retention window; returns how many. */
export async function pruneIdempotencyKeys (deps: IdempotencyDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - IDEMPOTENCY_RETENTION_MS)
  const rows = await deps.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoff)).returning({ key: idempotencyKeys.key })
  return rows.length
}
