import Router from '@koa/router'
import { z } from 'zod'
import { FAULT_MODES } from './faults'
import type { SimChannel, SimWorld } from './world'

const Advance = z.object({ seconds: z.number().nonnegative() })
const Fault = z.object({ route: z.string().min(3), mode: z.enum(FAULT_MODES), count: z.number().int().positive().default(1) })

/** Bad control input answers 400 with the reason; the control API is for tests and people, not SDKs. */
function parse<T> (schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body)
  if (!r.success) throw Object.assign(new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')), { status: 400, expose: true })
  return r.data
}

/** `/__sim/*` routes every port answers: clock, reset, faults, the notification log, and a wait. */
export function controlRoutes (world: SimWorld, channels: readonly SimChannel[]): Router {
  const router = new Router({ prefix: '/__sim' })
  router.post('/clock/advance', async (ctx) => {
    const { seconds } = parse(Advance, ctx.request.body)
    world.clock.advance(seconds * 1000)
    await world.scheduler.idle()
    ctx.body = { now: world.clock.now().toISOString() }
  })
  router.get('/clock', (ctx) => { ctx.body = { now: world.clock.now().toISOString() } })
  router.post('/reset', (ctx) => {
    world.reset()
    for (const channel of channels) channel.reset()
    ctx.status = 204
  })
  router.post('/faults', (ctx) => {
    const f = parse(Fault, ctx.request.body)
    world.faults.add(f.route, f.mode, f.count)
    ctx.status = 204
  })
  router.get('/notifications', (ctx) => {
    const channel = typeof ctx.query.channel === 'string' ? ctx.query.channel : undefined
    ctx.body = world.notifier.log.filter((n) => channel === undefined || n.channel === channel)
  })
  /** Waits until every due notification and task has run (tests call this instead of sleeping). */
  router.post('/idle', async (ctx) => {
    await world.scheduler.idle()
    ctx.status = 204
  })
  return router
}

export { parse as parseControl }
