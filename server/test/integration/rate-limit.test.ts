import Router from '@koa/router'
import request from 'supertest'
import type { AppState } from '../../src/http/context'
import { pruneRateLimits, rateLimit } from '../../src/http/rate-limit'
import { useTestDatabase } from '../helpers/database'
import { testApp } from '../helpers/app'

const database = useTestDatabase()

describe('rate limit', () => {
  it('lets exactly `limit` of many concurrent requests through, then opens a new window', async () => {
    const { app, clock } = testApp(database.get())
    const router = new Router<AppState>()
    router.post('/v1/limited', rateLimit({ db: database.get().db, clock }, { name: 'test', limit: 10, windowMs: 60_000, key: () => 'same-caller' }), (ctx) => { ctx.status = 204 })
    app.use(router.routes())
    const server = app.callback()

    const statuses = await Promise.all(Array.from({ length: 25 }, async () => (await request(server).post('/v1/limited')).status))
    expect(statuses.filter((s) => s === 204)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)

    clock.advance(60_000)
    await request(server).post('/v1/limited').expect(204)
    clock.advance(2 * 24 * 3600_000)
    expect(await pruneRateLimits({ db: database.get().db, clock })).toBe(1)
  })
})
