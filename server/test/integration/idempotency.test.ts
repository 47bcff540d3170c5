import Router from '@koa/router'
import Koa from 'koa'
import request from 'supertest'
import { count } from 'drizzle-orm'
import { ManualClock } from '../../src/clock'
import { idempotencyKeys } from '../../src/http/idempotency.schema'
import { idempotent, pruneIdempotencyKeys } from '../../src/http/idempotency'
import type { AppState } from '../../src/http/context'
import { useTestDatabase } from '../helpers/database'
import { testApp } from '../helpers/app'

const database = useTestDatabase()

/** A money-creating route as modules will write them: it counts how often it really ran. */
function appWithCharges (o: { gate?: Promise<void>, failFirst?: boolean } = {}) {
  const { app, clock } = testApp(database.get())
  const deps = { db: database.get().db, clock }
  let created = 0
  let failed = false
  const router = new Router<AppState>()
  router.post('/v1/charges', async (ctx, next) => {
    const actor = ctx.get('x-test-actor')
    if (actor !== '') ctx.state.actor = { id: actor, sessionId: 'ses_test', account: { id: actor, login: actor, displayName: actor } }
    await next()
  }, idempotent(deps), async (ctx) => {
    await o.gate
    if (o.failFirst === true && !failed) { failed = true; throw new Error('database went away') }
    created++
    ctx.status = 201
    ctx.body = { id: `ch_${created}`, amountFen: (ctx.request.body as { amountFen: number }).amountFen }
  })
  app.use(router.routes())
  return { app: app as Koa<AppState>, clock, created: () => created }
}

describe('Idempotency-Key', () => {
  it('replays the stored response for a repeat, without running the route again', async () => {
    const { app, created } = appWithCharges()
    const first = await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-1').send({ amountFen: 1250 }).expect(201)
    const again = await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-1').send({ amountFen: 1250 }).expect(201)
    expect(again.body).toEqual(first.body)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(created()).toBe(1)
  })

  it('refuses the same key with a different body', async () => {
    const { app, created } = appWithCharges()
    await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-2').send({ amountFen: 100 }).expect(201)
    const r = await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-2').send({ amountFen: 999 }).expect(409)
    expect(r.body.error).toMatchObject({ type: 'idempotency', code: 'idempotency_key_reused', param: 'Idempotency-Key' })
    expect(created()).toBe(1)
  })

  it('refuses a repeat while the first request is still running', async () => {
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => { open = resolve })
    const { app, created } = appWithCharges({ gate })
    const server = app.callback()
    const first = request(server).post('/v1/charges').set('Idempotency-Key', 'k-3').send({ amountFen: 1 }).then((r) => r)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = await request(server).post('/v1/charges').set('Idempotency-Key', 'k-3').send({ amountFen: 1 }).expect(409)
    expect(second.body.error.code).toBe('idempotency_key_in_flight')
    open()
    expect((await first).status).toBe(201)
    expect(created()).toBe(1)
  })

  it('does not store server errors, so the client can retry with the same key', async () => {
    const { app, created } = appWithCharges({ failFirst: true })
    await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-4').send({ amountFen: 5 }).expect(500)
    await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'k-4').send({ amountFen: 5 }).expect(201)
    expect(created()).toBe(1)
  })

  it('keeps different callers\' keys apart', async () => {
    const { app, created } = appWithCharges()
    await request(app.callback()).post('/v1/charges').set('x-test-actor', 'acc_a').set('Idempotency-Key', 'same').send({ amountFen: 1 }).expect(201)
    await request(app.callback()).post('/v1/charges').set('x-test-actor', 'acc_b').set('Idempotency-Key', 'same').send({ amountFen: 2 }).expect(201)
    expect(created()).toBe(2)
  })

  it('runs normally without a key and rejects a malformed key', async () => {
    const { app, created } = appWithCharges()
    await request(app.callback()).post('/v1/charges').send({ amountFen: 1 }).expect(201)
    await request(app.callback()).post('/v1/charges').send({ amountFen: 1 }).expect(201)
    const bad = await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'has space').send({ amountFen: 1 }).expect(400)
    expect(bad.body.error.code).toBe('idempotency_key_invalid')
    expect(created()).toBe(2)
  })

  it('prunes keys after 24 hours', async () => {
    const { app, clock } = appWithCharges()
    await request(app.callback()).post('/v1/charges').set('Idempotency-Key', 'old').send({ amountFen: 1 }).expect(201)
    const deps = { db: database.get().db, clock: clock as ManualClock }
    expect(await pruneIdempotencyKeys(deps)).toBe(0)
    clock.advance(24 * 3600 * 1000 + 1)
    expect(await pruneIdempotencyKeys(deps)).toBe(1)
    const [{ n }] = await database.get().db.select({ n: count() }).from(idempotencyKeys) as [{ n: number }]
    expect(n).toBe(0)
  })
})
