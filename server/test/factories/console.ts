import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import request from 'supertest'
import type Koa from 'koa'
import type { AppState } from '../../src/http/context'
import { createIdGenerator } from '@yima/shared'
import type { Database } from '../../src/db/client'
import { accounts, wechatIdentities } from '../../src/modules/identity'
import { createAccount } from './accounts'

const newId = createIdGenerator()

export interface ConsoleUser {
  id: string
  token: string
  /** supertest with the bearer token set. */
  get: (path: string) => request.Test
  post: (path: string, body?: object) => request.Test
  patch: (path: string, body?: object) => request.Test
  put: (path: string, body?: object) => request.Test
  del: (path: string) => request.Test
}

/**
 * A signed-in console account with a WeChat identity already bound (the binding flow itself is
 * tested on its own), optionally a platform operator.
 */
export async function consoleUser (app: Koa<AppState>, database: Database, o: { operator?: boolean, bound?: boolean } = {}): Promise<ConsoleUser> {
  const acc = await createAccount(database)
  if (o.operator === true) await database.db.update(accounts).set({ isOperator: true }).where(eq(accounts.id, acc.id))
  if (o.bound !== false) {
    await database.db.insert(wechatIdentities).values({ id: newId('wid'), accountId: acc.id, appId: 'wx0000000000000000', openid: `o${randomBytes(12).toString('hex')}`, boundAt: new Date() })
  }
  const login = await request(app.callback()).post('/v1/auth/login').send({ login: acc.login, password: acc.password }).expect(200)
  const token = login.body.accessToken as string
  const auth = (t: request.Test): request.Test => t.set('authorization', `Bearer ${token}`)
  const server = app.callback()
  return {
    id: acc.id,
    token,
    get: (path) => auth(request(server).get(path)),
    post: (path, body) => auth(request(server).post(path)).send(body ?? {}),
    patch: (path, body) => auth(request(server).patch(path)).send(body ?? {}),
    put: (path, body) => auth(request(server).put(path)).send(body ?? {}),
    del: (path) => auth(request(server).delete(path)),
  }
}
