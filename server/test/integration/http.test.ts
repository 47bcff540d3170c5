import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Router from '@koa/router'
import request from 'supertest'
import { z } from 'zod'
import { AppError } from '@yima/shared'
import { useTestDatabase } from '../helpers/database'
import { testApp } from '../helpers/app'

const database = useTestDatabase()

/** Routes that fail in each way a real module can, mounted after the app's own. */
function withFailingRoutes (app: ReturnType<typeof testApp>['app']): void {
  const router = new Router()
  router.post('/v1/echo', (ctx) => {
    const body = z.object({ amountFen: z.number().int(), items: z.array(z.object({ name: z.string() })) }).parse(ctx.request.body)
    ctx.body = body
  })
  router.get('/v1/conflict', () => { throw new AppError('conflict', 'resource_not_found', '已被他人修改', { param: 'version' }) })
  router.get('/v1/crash', () => { throw new Error('SELECT secret FROM keys failed at db.internal:5432') })
  app.use(router.routes())
}

describe('HTTP core', () => {
  it('answers /healthz and /readyz', async () => {
    const { app } = testApp(database.get())
    await request(app.callback()).get('/healthz').expect(200, { status: 'ok' })
    const ready = await request(app.callback()).get('/readyz').expect(200)
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', shuttingDown: false } })
  })

  it('reports not ready while shutting down, and when the database does not answer', async () => {
    const draining = testApp(database.get(), { isShuttingDown: () => true }).app
    const r1 = await request(draining.callback()).get('/readyz').expect(503)
    expect(r1.body.checks.shuttingDown).toBe(true)
    expect(r1.headers.connection).toBe('close')

    const down = { ...database.get(), ping: async () => { throw new Error('ECONNREFUSED') } }
    const r2 = await request(testApp(down).app.callback()).get('/readyz').expect(503)
    expect(r2.body).toMatchObject({ status: 'not_ready', checks: { database: 'unreachable' } })

    // A database that never answers: not ready within the readiness bound, before a probe gives up.
    const hung = { ...database.get(), ping: async () => { await new Promise(() => {}) } }
    const started = Date.now()
    const r3 = await request(testApp(hung).app.callback()).get('/readyz').expect(503)
    expect(r3.body).toMatchObject({ status: 'not_ready', checks: { database: 'unreachable' } })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('turns malformed JSON into 400 invalid_json, never 500', async () => {
    const { app } = testApp(database.get())
    withFailingRoutes(app)
    for (const url of ['/v1/echo', '/any']) {
      const r = await request(app.callback()).post(url).set('content-type', 'application/json').send('{bad').expect(400)
      expect(r.body.error).toMatchObject({ type: 'invalid_request', code: 'invalid_json' })
      expect(r.body.error.requestId).toMatch(/^req_/)
    }
  })

  it('refuses other content types with 415 and oversized bodies with 413', async () => {
    const { app } = testApp(database.get())
    withFailingRoutes(app)
    const r1 = await request(app.callback()).post('/v1/echo').set('content-type', 'text/plain').send('hello').expect(415)
    expect(r1.body.error.code).toBe('unsupported_media_type')
    const big = JSON.stringify({ amountFen: 1, items: [{ name: 'x'.repeat(70 * 1024) }] })
    const r2 = await request(app.callback()).post('/v1/echo').set('content-type', 'application/json').send(big).expect(413)
    expect(r2.body.error.code).toBe('payload_too_large')
  })

  it('turns schema failures into invalid_request naming the field', async () => {
    const { app } = testApp(database.get())
    withFailingRoutes(app)
    const r = await request(app.callback()).post('/v1/echo').send({ amountFen: 1, items: [{ name: 'a' }, { name: 2 }] }).expect(400)
    expect(r.body.error).toMatchObject({ type: 'invalid_request', code: 'validation_failed', param: 'items.1.name' })
    await request(app.callback()).post('/v1/echo').send({ amountFen: 5, items: [] }).expect(200, { amountFen: 5, items: [] })
  })

  it('maps AppError types to statuses and hides unknown errors', async () => {
    const { app } = testApp(database.get())
    withFailingRoutes(app)
    const conflict = await request(app.callback()).get('/v1/conflict').expect(409)
    expect(conflict.body.error).toMatchObject({ type: 'conflict', message: '已被他人修改', param: 'version' })
    const crash = await request(app.callback()).get('/v1/crash').expect(500)
    expect(crash.body.error).toMatchObject({ type: 'internal', code: 'internal_error', message: '系统繁忙，请稍后再试' })
    expect(JSON.stringify(crash.body)).not.toMatch(/SELECT|5432/)
  })

  it('answers unknown routes with 404 route_not_found', async () => {
    const { app } = testApp(database.get())
    const r = await request(app.callback()).delete('/v1/nothing-here').expect(404)
    expect(r.body.error).toMatchObject({ type: 'not_found', code: 'route_not_found' })
  })

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const { app } = testApp(database.get())
    const mine = await request(app.callback()).get('/healthz').set('x-request-id', 'client-abc-12345')
    expect(mine.headers['x-request-id']).toBe('client-abc-12345')
    const bad = await request(app.callback()).get('/healthz').set('x-request-id', 'short')
    expect(bad.headers['x-request-id']).toMatch(/^req_[0-9A-Z]{26}$/)
  })

  it('serves the OpenAPI document and its browsable UI', async () => {
    const { app } = testApp(database.get())
    const doc = await request(app.callback()).get('/openapi.json').expect(200)
    expect(doc.body.openapi).toBe('3.1.0')
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']))
    const ui = await request(app.callback()).get('/docs').expect(200)
    expect(ui.text).toContain('/openapi.json')
    await request(app.callback()).get('/docs/assets/swagger-ui-bundle.js').expect(200)
    await request(app.callback()).get('/docs/assets/..%2Fpackage.json').expect(404)
  })

  it('serves the built H5 at / and its assets, and says so when it is not built', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'yima-h5-'))
    mkdirSync(path.join(dist, 'js'))
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>yima</title>')
    writeFileSync(path.join(dist, 'js/app.1a2b3c4d.js'), 'console.log(1)')
    const { app } = testApp(database.get(), { config: { bodyLimitBytes: 1024, publicUrl: 'http://x', h5DistDir: dist } })
    const index = await request(app.callback()).get('/').expect(200)
    expect(index.text).toContain('<title>yima</title>')
    const asset = await request(app.callback()).get('/js/app.1a2b3c4d.js').expect(200)
    expect(asset.headers['cache-control']).toContain('immutable')
    // Scripts go out gzipped to a browser that accepts it (the pay page's first load on a phone).
    writeFileSync(path.join(dist, 'js/big.0f0e0d0c.js'), `var s = ${JSON.stringify('一码付'.repeat(2000))}`)
    const big = await request(app.callback()).get('/js/big.0f0e0d0c.js').set('accept-encoding', 'gzip').expect(200)
    expect(big.headers['content-encoding']).toBe('gzip')
    expect(big.text).toContain('一码付一码付')
    await request(app.callback()).get('/js/missing.js').expect(404)
    await request(app.callback()).get('/../package.json').expect(404)

    const empty = testApp(database.get()).app
    const missing = await request(empty.callback()).get('/').expect(503)
    expect(missing.text).toContain('npm run build -w h5')
  })
})
