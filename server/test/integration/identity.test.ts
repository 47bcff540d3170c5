import { eq } from 'drizzle-orm'
import request from 'supertest'
import { accounts, sessions } from '../../src/modules/identity'
import { useTestDatabase } from '../helpers/database'
import { testApp } from '../helpers/app'
import { createAccount } from '../factories/accounts'

const database = useTestDatabase()

async function login (app: ReturnType<typeof testApp>['app'], body: { login: string, password: string }, ip = '10.0.0.1') {
  return await request(app.callback()).post('/v1/auth/login').set('x-forwarded-for', ip).send(body)
}

describe('console login', () => {
  it('signs in with the password and knows who is calling', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get(), { login: 'Admin@Example.com' })
    const r = await login(app, { login: '  admin@example.com ', password: acc.password })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ account: { id: acc.id, login: 'admin@example.com', displayName: '测试管理员' } })
    expect(r.body.refreshToken).toMatch(/^ses_[0-9A-Z]{26}\.[\w-]{43}$/)
    const me = await request(app.callback()).get('/v1/auth/me').set('authorization', `Bearer ${r.body.accessToken}`).expect(200)
    expect(me.body).toEqual({ id: acc.id, login: 'admin@example.com', displayName: '测试管理员' })
  })

  it('answers a wrong password and an unknown login the same way', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get())
    const wrong = await login(app, { login: acc.login, password: 'not-the-password' })
    const unknown = await login(app, { login: 'nobody@example.com', password: 'whatever-it-is' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.error).toMatchObject({ type: 'authentication', code: 'invalid_credentials', message: '账号或密码错误' })
    expect(unknown.body.error.code).toBe(wrong.body.error.code)
  })

  it('stores only a hash of the password and of the refresh secret', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get())
    const r = await login(app, { login: acc.login, password: acc.password })
    const [row] = await database.get().db.select().from(accounts).where(eq(accounts.id, acc.id))
    expect(row?.passwordHash).not.toContain(acc.password)
    const [session] = await database.get().db.select().from(sessions).where(eq(sessions.accountId, acc.id))
    const secret = (r.body.refreshToken as string).split('.')[1] as string
    expect(JSON.stringify(session)).not.toContain(secret)
  })

  it('refuses requests without a valid bearer token', async () => {
    const { app } = testApp(database.get())
    for (const header of [undefined, 'Bearer nonsense', 'Basic abc', 'Bearer a.b.c']) {
      const req = request(app.callback()).get('/v1/auth/me')
      const r = await (header === undefined ? req : req.set('authorization', header))
      expect(r.status).toBe(401)
      expect(r.body.error.type).toBe('authentication')
    }
  })

  it('expires access tokens after 15 minutes; refresh gives a new pair and retires the old refresh token', async () => {
    const { app, clock } = testApp(database.get())
    const acc = await createAccount(database.get())
    const first = (await login(app, { login: acc.login, password: acc.password })).body
    clock.advance(15 * 60_000 + 1000)
    const expired = await request(app.callback()).get('/v1/auth/me').set('authorization', `Bearer ${first.accessToken}`).expect(401)
    expect(expired.body.error.code).toBe('session_expired')

    const second = await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    expect(second.body.refreshToken).not.toBe(first.refreshToken)
    await request(app.callback()).get('/v1/auth/me').set('authorization', `Bearer ${second.body.accessToken}`).expect(200)
  })

  it('revokes the session when an exchanged refresh token is replayed (stolen token)', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get())
    const first = (await login(app, { login: acc.login, password: acc.password })).body
    const second = (await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body
    const replay = await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401)
    expect(replay.body.error.code).toBe('session_revoked')
    // the legitimate holder is signed out too: the token pair was compromised
    const me = await request(app.callback()).get('/v1/auth/me').set('authorization', `Bearer ${second.accessToken}`).expect(401)
    expect(me.body.error.code).toBe('session_revoked')
    await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401)
    await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: 'ses_x.garbage' }).expect(401)
  })

  it('ends the session at logout, at once', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get())
    const t = (await login(app, { login: acc.login, password: acc.password })).body
    await request(app.callback()).post('/v1/auth/logout').set('authorization', `Bearer ${t.accessToken}`).expect(204)
    await request(app.callback()).get('/v1/auth/me').set('authorization', `Bearer ${t.accessToken}`).expect(401)
    await request(app.callback()).post('/v1/auth/refresh').send({ refreshToken: t.refreshToken }).expect(401)
  })

  it('refuses a disabled account even with the right password', async () => {
    const { app } = testApp(database.get())
    const acc = await createAccount(database.get())
    await database.get().db.update(accounts).set({ status: 'disabled' }).where(eq(accounts.id, acc.id))
    const r = await login(app, { login: acc.login, password: acc.password })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('account_disabled')
  })

  it('rate-limits password guessing per login, with Retry-After', async () => {
    const { app, clock } = testApp(database.get())
    const acc = await createAccount(database.get())
    for (let i = 0; i < 10; i++) expect((await login(app, { login: acc.login, password: `guess-${i}` }, `10.1.0.${i}`)).status).toBe(401)
    const blocked = await login(app, { login: acc.login, password: acc.password }, '10.2.0.1')
    expect(blocked.status).toBe(429)
    expect(blocked.body.error).toMatchObject({ type: 'rate_limit', code: 'rate_limited' })
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    clock.advance(15 * 60_000)
    expect((await login(app, { login: acc.login, password: acc.password }, '10.2.0.1')).status).toBe(200)
  })

  it('refuses malformed login bodies with the field named', async () => {
    const { app } = testApp(database.get())
    const r = await login(app, { login: '', password: 'x' } as { login: string, password: string })
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'validation_failed', param: 'login' })
  })
})
