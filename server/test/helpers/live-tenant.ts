import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createIdGenerator } from '@yima/shared'
import type { Sandbox } from '../../../sandbox/src'
import { serverEnv } from '../../../sandbox/src/server-env'
import { CloudPayClient } from '../../src/cloudpay/client'
import type { Database } from '../../src/db/client'
import { wechatIdentities } from '../../src/modules/identity'
import { createAccount } from '../factories/accounts'
import { merchantBody, newSubMchId, spBody } from '../factories/tenants'
import type { Channels } from './channels'
import { withDatabaseName } from './postgres'

/*
 * What the suites that run yima as its own process (server/test/reliability) share: a scratch
 * PostgreSQL database, the environment that points the process at the sandbox, and a tenant made
 * the way an operator makes one — through the running server's console API.
 */

/** One statement on a connection of its own (CREATE / DROP DATABASE cannot run in a pool's transaction). */
export async function pgAdmin (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}

/**
 * A fresh database on the server of `base` (DATABASE_URL). Not named yima_t_…: a test run
 * starting meanwhile (global-setup.ts) drops those as stale.
 */
export async function scratchDatabase (base: string, prefix: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await pgAdmin(base, `create database "${name}"`)
  return {
    url: withDatabaseName(base, name),
    drop: async () => {
      // Right after a PostgreSQL restart the cluster may still be starting up.
      for (let i = 0; ; i++) {
        try { await pgAdmin(base, `drop database if exists "${name}" with (force)`); return } catch (err) {
          if (i >= 30) throw err
          await new Promise((resolve) => setTimeout(resolve, 1_000))
        }
      }
    },
  }
}

/**
 * The environment of a server process on the sandbox, listening on `port` of 127.0.0.1 (its
 * PUBLIC_URL names the port, so channel notifications reach a restarted process), with fresh
 * secrets. `overrides` win; a value of `undefined` removes a variable.
 */
export async function instanceEnv (sandbox: Sandbox, o: { port: number, databaseUrl: string, dataDir: string }, overrides: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  const env: Record<string, string | undefined> = {
    ...await serverEnv(sandbox),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(o.port),
    PUBLIC_URL: `http://127.0.0.1:${o.port}`,
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_MAX: '10',
    DATA_DIR: o.dataDir,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(48).toString('base64url'),
    OUTBOX_POLL_MS: '200',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
}

/** A JSON call on the running server; throws with the answer unless it is 2xx. */
export type Call = (method: string, route: string, body?: object, token?: string) => Promise<any>

export function caller (baseUrl: string): Call {
  return async (method, route, body, token) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`)
    return text === '' ? undefined : JSON.parse(text)
  }
}

/** A platform operator's console account (made in the database, as `npm run` seeding does), signed in through the API. */
export interface ConsoleSession {
  account: { id: string, login: string, password: string }
  accessToken: string
  refreshToken: string
  call: Call
}

export async function consoleSession (baseUrl: string, database: Database): Promise<ConsoleSession> {
  const account = await createAccount(database)
  // The console wants a bound WeChat identity before an SP can be created.
  await database.db.insert(wechatIdentities).values({ id: createIdGenerator()('wid'), accountId: account.id, appId: 'wx0000000000000000', openid: `o${randomBytes(12).toString('hex')}`, boundAt: new Date() })
  const call = caller(baseUrl)
  const { accessToken, refreshToken } = await call('POST', '/v1/auth/login', { login: account.login, password: account.password })
  return { account, accessToken, refreshToken, call }
}

/** An SP, a merchant and a store made through the console, and a Cloud Pay client with the merchant's keys. */
export interface CloudPayTenant {
  sp: { id: string, outMchId: string }
  merchant: { id: string, outSubMchId: string, orderPrefix: string }
  credentials: { authenKey: string, signingPrivateKey: string }
  store: { id: string, outShopId: string }
  client: CloudPayClient
  /** pay_mch_key for the store (WeChat unless `extra` says otherwise). */
  mchKey: (extra?: Record<string, unknown>) => Record<string, unknown>
}

export async function cloudPayTenant (baseUrl: string, session: ConsoleSession, channels: Channels, o: { tradeCallbackUrl?: string, storeName: string, callTimeoutMs: number }): Promise<CloudPayTenant> {
  const { call, accessToken } = session
  const sp = await call('POST', '/v1/service-providers', spBody(channels, o.tradeCallbackUrl === undefined ? {} : { tradeCallbackUrl: o.tradeCallbackUrl }), accessToken)
  const created = await call('POST', '/v1/merchants', merchantBody(sp.id, await newSubMchId(channels)), accessToken)
  const store = await call('POST', `/v1/merchants/${created.merchant.id}/stores`, { name: o.storeName }, accessToken)
  // A client's fetch gives up on a request a killed or stalled server will never answer.
  const client = new CloudPayClient({
    baseUrl,
    authenKey: created.credentials.authenKey,
    outMchId: sp.outMchId,
    outSubMchId: created.merchant.outSubMchId,
    signingPrivateKey: created.credentials.signingPrivateKey,
    fetch: async (input, init) => await fetch(input, { ...init, signal: AbortSignal.timeout(o.callTimeoutMs) }),
  })
  return {
    sp,
    merchant: created.merchant,
    credentials: created.credentials,
    store,
    client,
    mchKey: (extra = {}) => client.mchKey({ out_shop_id: store.outShopId, pay_platform: 1, ...extra }),
  }
}
