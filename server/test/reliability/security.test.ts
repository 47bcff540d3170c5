import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import jwt from 'jsonwebtoken'
import { openDatabase, type Database } from '../../src/db/client'
import { spBody } from '../factories/tenants'
import { useChannels } from '../helpers/channels'
import { onPostgres } from '../helpers/database'
import { freePort, startInstance, type Instance } from '../helpers/instances'
import { caller, cloudPayTenant, consoleSession, instanceEnv, scratchDatabase, type CloudPayTenant, type ConsoleSession } from '../helpers/live-tenant'
import { WECHAT_CODE } from '../helpers/payments'
import { reliabilityCounts } from './counts'

/*
 * Security of a production process (issue 11 §5): one yima server started as an operator starts
 * it — NODE_ENV=production, its secrets from the environment, PostgreSQL — logging at debug, and
 * attacked from outside: forged, expired and revoked access tokens; password guessing; callback
 * URLs aimed at the server's own network; another tenant's ids and keys; channel faults whose
 * errors get logged. Afterwards neither its log output nor a pg_dump of its database may hold a
 * secret it was given or made. The in-process suites go deeper on each (identity.test.ts,
 * rate-limit.test.ts, url-guard.test.ts, secrets-at-rest.test.ts, the cross-tenant matrix in
 * cross-tenant.test.ts, which `npm run test:reliability` runs too); this one proves the assembled
 * production process behaves the same. PostgreSQL only.
 */

const describeOnPostgres = onPostgres() ? describe : describe.skip
const TITLE = onPostgres()
  ? 'security of a production server process'
  : 'security of a production server process (skipped: needs DATABASE_URL, run by the CI\'s PostgreSQL pass)'

const ORDER_CLIENT = { machine_no: 'SEC-01', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }
/** Up to 16 MiB of the process's output: every log line of the run. */
const OUTPUT_LIMIT = 16 * 1024 * 1024

/** Today give or take a day: the orders listing wants a range. */
const recent = (): string => `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Several slices of a PEM body, so a key stored or logged in any re-wrapped form is still found. */
const pemSlices = (pem: string): string[] => {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return [body.slice(64, 128), body.slice(600, 664), body.slice(-128, -64)]
}

describeOnPostgres(TITLE, () => {
  const channels = useChannels()
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined
  let dataDir: string | undefined
  let instance: Instance | undefined
  let database: Database | undefined
  /** A TCP listener standing for a service on the server's own network: it must never be reached. */
  let trap: Server | undefined
  let trapped = 0
  const env: Record<string, string> = {}
  /** Everything secret the process was given or handed out, by name: searched for in its logs and database at the end. */
  const secrets = new Map<string, string>()
  const keep = (name: string, value: string): void => {
    expect(value.length).toBeGreaterThanOrEqual(12)
    secrets.set(name, value)
  }
  let a: ConsoleSession
  let tenant: CloudPayTenant

  beforeAll(async () => {
    const c = channels.get()
    scratch = await scratchDatabase(process.env.DATABASE_URL ?? '', 'yima_rel_sec')
    dataDir = mkdtempSync(path.join(tmpdir(), 'yima-sec-'))
    trap = createServer((socket) => { trapped++; socket.destroy() })
    await new Promise<void>((resolve) => trap?.listen(0, '127.0.0.1', resolve))
    Object.assign(env, await instanceEnv(c.sandbox, { port: await freePort(), databaseUrl: scratch.url, dataDir }, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      METRICS_TOKEN: randomBytes(24).toString('base64url'),
      // Production refuses the sandbox's pay-page shims and plain-http SMS.
      PAY_BRIDGE_BASE_URL: undefined,
      SMS_PROTOCOL: 'https',
    }))
    for (const name of ['SECRETS_KEY', 'SESSION_SECRET', 'METRICS_TOKEN', 'PLATFORM_OA_SECRET', 'WX_MINIPROGRAM_SECRET', 'WX_COMPONENT_SECRET', 'WX_COMPONENT_AES_KEY', 'SMS_SECRET_KEY', 'FEIE_UKEY', 'YLY_CLIENT_SECRET', 'BRHK_AGENCY_TOKEN']) {
      keep(`env ${name}`, env[name] ?? '')
    }
    instance = await startInstance('security', env, { outputLimit: OUTPUT_LIMIT })
    database = await openDatabase({ kind: 'postgres', url: scratch.url, poolMax: 2 })
    a = await consoleSession(instance.url, database)
    keep('console password', a.account.password)
    keep('access token', a.accessToken)
    keep('refresh token', a.refreshToken)
  }, 240_000)

  afterAll(async () => {
    await instance?.stop()
    await database?.close()
    await new Promise((resolve) => trap?.close(resolve) ?? resolve(undefined))
    await scratch?.drop()
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  const url = (): string => (instance as Instance).url
  /** Status and body of a request with this bearer token. */
  const asBearer = async (token: string, route = '/v1/auth/me'): Promise<{ status: number, body: any }> => {
    const res = await fetch(`${url()}${route}`, { headers: { authorization: `Bearer ${token}` } })
    return { status: res.status, body: await res.json().catch(() => undefined) }
  }

  it('refuses expired, forged, tampered and revoked access tokens', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect((await asBearer(a.accessToken)).status).toBe(200)
    const claims = jwt.decode(a.accessToken) as { sid: string, sub: string }
    const options = { algorithm: 'HS256' as const, issuer: 'yima', audience: 'console', subject: claims.sub }
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    const [head, , signature] = a.accessToken.split('.')
    const refused: Record<string, string> = {
      // Signed with the server's own key: only the expiry is wrong.
      'expired a second ago': jwt.sign({ sid: claims.sid, iat: now - 901, exp: now - 1 }, env.SESSION_SECRET as string, options),
      'signed with another key': jwt.sign({ sid: claims.sid, iat: now, exp: now + 600 }, randomBytes(48).toString('base64url'), options),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sid: claims.sid, sub: claims.sub, iss: 'yima', aud: 'console', iat: now, exp: now + 600 })}.`,
      'payload swapped under a real signature': `${head}.${b64({ sid: claims.sid, sub: 'acc_01JZZZZZZZZZZZZZZZZZZZZZZZ', iss: 'yima', aud: 'console', iat: now, exp: now + 600 })}.${signature}`,
      'wrong audience': jwt.sign({ sid: claims.sid, iat: now, exp: now + 600 }, env.SESSION_SECRET as string, { ...options, audience: 'mini-program' }),
      garbage: 'not-a-token',
    }
    for (const [why, token] of Object.entries(refused)) {
      const r = await asBearer(token)
      expect({ why, status: r.status, type: typeof r.body?.error?.code }).toEqual({ why, status: 401, type: 'string' })
    }

    // A refresh token replayed after its exchange: the whole session ends, the new pair with it.
    const call = caller(url())
    const fresh = await call('POST', '/v1/auth/refresh', { refreshToken: a.refreshToken })
    keep('refreshed access token', fresh.accessToken)
    keep('refreshed refresh token', fresh.refreshToken)
    expect((await asBearer(fresh.accessToken)).status).toBe(200)
    await expect(call('POST', '/v1/auth/refresh', { refreshToken: a.refreshToken })).rejects.toThrow(/401/)
    expect((await asBearer(fresh.accessToken)).status).toBe(401)
    await expect(call('POST', '/v1/auth/refresh', { refreshToken: fresh.refreshToken })).rejects.toThrow(/401/)

    // Logout ends a session at once, on this and every other request.
    const again = await call('POST', '/v1/auth/login', { login: a.account.login, password: a.account.password })
    expect((await asBearer(again.accessToken)).status).toBe(200)
    await call('POST', '/v1/auth/logout', undefined, again.accessToken)
    expect((await asBearer(again.accessToken)).status).toBe(401)
    await expect(call('POST', '/v1/auth/refresh', { refreshToken: again.refreshToken })).rejects.toThrow(/401/)
    reliabilityCounts.add('security: tokens refused', Object.keys(refused).length + 4)

    // The rest of the suite works as this operator, signed in again.
    const session = await call('POST', '/v1/auth/login', { login: a.account.login, password: a.account.password })
    a = { ...a, accessToken: session.accessToken, refreshToken: session.refreshToken }
    keep('later access token', a.accessToken)
  })

  it('stops password guessing per account, with Retry-After, even for the right password', async () => {
    const victim = await consoleSession(url(), database as Database)
    keep('second console password', victim.account.password)
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 12; i++) {
      const guess = `guess-${i}-${randomBytes(6).toString('hex')}`
      if (i === 0) keep('a wrong password', guess)
      const res = await fetch(`${url()}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: victim.account.login, password: guess }) })
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    // The login above counted as one of the account's ten attempts.
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401))
    expect(statuses.slice(9)).toEqual([429, 429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    const right = await fetch(`${url()}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: victim.account.login, password: victim.account.password }) })
    expect(right.status).toBe(429)
    reliabilityCounts.add('security: rate-limited requests', statuses.filter((s) => s === 429).length + 1)
  })

  it('never calls back into its own network, however the address is spelled', async () => {
    const c = channels.get()
    const port = (trap?.address() as AddressInfo).port
    // The SP's own callback URL points at the trap too: both targets of every order are refused.
    tenant = await cloudPayTenant(url(), a, c, { tradeCallbackUrl: `https://127.0.0.1:${port}/notify`, storeName: '安全测试店', callTimeoutMs: 30_000 })
    keep('Cloud Pay authen_key', tenant.credentials.authenKey)
    pemSlices(tenant.credentials.signingPrivateKey).forEach((s, i) => { keep(`Cloud Pay signing key ${i}`, s) })
    const hostile = [
      `https://localhost:${port}/notify`,
      `https://[::1]:${port}/notify`,
      `https://[::ffff:127.0.0.1]:${port}/notify`,
      `https://2130706433:${port}/notify`,
      `https://0x7f.1:${port}/notify`,
      'https://169.254.169.254/latest/meta-data/',
      'https://100.100.100.200/latest/meta-data/',
      'https://10.0.0.8/notify',
      'https://192.168.1.1/notify',
      'https://[fd00::1]/notify',
      `http://127.0.0.1:${port}/notify`,
      'https://user:secret@example.com/notify',
    ]
    const orders: string[] = []
    for (const [i, target] of hostile.entries()) {
      const outTradeNo = `${tenant.merchant.orderPrefix}ssrf${i}${randomBytes(3).toString('hex')}`
      await c.sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', { result: 'SUCCESS' })
      const r = await tenant.client.call<Record<string, any>>('micro_pay', {
        pay_mch_key: tenant.mchKey(),
        pay_content: { out_trade_no: outTradeNo, total_fee: 100 + i, author_code: WECHAT_CODE, fee_type: 'CNY', body: '收银', caller_notify_url: target },
        order_client: ORDER_CLIENT,
      })
      expect({ target, status: r.status, description: r.description }).toMatchObject({ target, status: 0 })
      orders.push(outTradeNo)
    }
    keep('payment code', WECHAT_CODE)

    // Every callback ends refused after its first attempt, naming why, and the trap heard nothing.
    const found = (await a.call('GET', `/v1/reports/orders?merchantId=${tenant.merchant.id}&limit=100&${recent()}`, undefined, a.accessToken)).data as Array<{ id: string, outTradeNo: string }>
    const ids = orders.map((no) => found.find((o) => o.outTradeNo === no)?.id)
    expect(ids.every((id) => id !== undefined)).toBe(true)
    const deadline = Date.now() + 60_000
    let callbacks: Array<{ url: string, status: string, attempts: number, lastError: string | null }> = []
    for (;;) {
      callbacks = (await Promise.all(ids.map(async (id) => (await a.call('GET', `/v1/orders/${id as string}/callbacks`, undefined, a.accessToken)).data))).flat()
      if (callbacks.length === hostile.length * 2 && callbacks.every((cb) => cb.status !== 'pending')) break
      if (Date.now() > deadline) throw new Error(`callbacks still pending: ${JSON.stringify(callbacks.filter((cb) => cb.status === 'pending').map((cb) => [cb.url, cb.attempts, cb.lastError]))}`)
      await sleep(250)
    }
    for (const cb of callbacks) {
      expect({ url: cb.url, status: cb.status, attempts: cb.attempts }).toEqual({ url: cb.url, status: 'failed', attempts: 1 })
      expect(cb.lastError).toMatch(/内网|保留地址|https|用户名或密码/)
    }
    expect(trapped).toBe(0)
    reliabilityCounts.add('security: private callback URLs refused', callbacks.length)
  })

  it('keeps another tenant out of this one, by id and by key', async () => {
    const c = channels.get()
    const b = await consoleSession(url(), database as Database)
    keep('tenant B password', b.account.password)
    const other = await cloudPayTenant(url(), b, c, { storeName: '别家店', callTimeoutMs: 30_000 })
    const [order] = (await a.call('GET', `/v1/reports/orders?merchantId=${tenant.merchant.id}&limit=1&${recent()}`, undefined, a.accessToken)).data as Array<{ id: string, outTradeNo: string }>
    if (order === undefined) throw new Error('tenant A has no order')
    const foreign = [
      `/v1/service-providers/${tenant.sp.id}`,
      `/v1/merchants/${tenant.merchant.id}`,
      `/v1/stores/${tenant.store.id}`,
      `/v1/orders/${order.id}`,
      `/v1/orders/${order.id}/callbacks`,
      `/v1/reports/orders?merchantId=${tenant.merchant.id}&${recent()}`,
    ]
    for (const route of foreign) {
      const r = await asBearer(b.accessToken, route)
      const leaked = JSON.stringify(r.body ?? '').includes(tenant.merchant.id) || JSON.stringify(r.body ?? '').includes(order.outTradeNo)
      expect({ route, leaked, refused: [403, 404].includes(r.status) || (r.status === 200 && Array.isArray(r.body?.data) && r.body.data.length === 0) }).toEqual({ route, leaked: false, refused: true })
    }
    // B's keys on A's order number, and B's keys naming A's merchant: nothing of A's comes back.
    const byNumber = await other.client.call<Record<string, any>>('query_order', { out_trade_no: order.outTradeNo, pay_mch_key: other.mchKey(), order_client: ORDER_CLIENT })
    expect(byNumber.status).not.toBe(0)
    expect(JSON.stringify(byNumber)).not.toContain(tenant.merchant.outSubMchId)
    const disguised = await other.client.call<Record<string, any>>('query_order', {
      out_trade_no: order.outTradeNo,
      pay_mch_key: { ...other.mchKey(), out_mch_id: tenant.sp.id, out_sub_mch_id: tenant.merchant.outSubMchId, out_shop_id: tenant.store.outShopId },
      order_client: ORDER_CLIENT,
    })
    expect(disguised.status).not.toBe(0)
    reliabilityCounts.add('security: cross-tenant requests refused', foreign.length + 2)
  })

  it('logs channel failures without the keys or tokens behind them', async () => {
    const c = channels.get()
    const body = spBody(c)
    keep('APIv3 key', body.wechatPay.apiV3Key)
    keep('API v2 key', body.wechatPay.apiV2Key)
    keep('official-account AppSecret', body.wechatPay.officialAccountSecret ?? '')
    pemSlices(body.wechatPay.privateKey).forEach((s, i) => { keep(`WeChat Pay private key ${i}`, s) })
    pemSlices(body.alipay.privateKey).forEach((s, i) => { keep(`Alipay private key ${i}`, s) })
    // WeChat answers 5xx, with a bad signature, after a timeout: each failure reaches the log with its error.
    let injected = 0
    for (const mode of ['5xx', 'SIGN_BAD', 'STALE_TIMESTAMP', 'GCM_TAMPER', '5xx']) {
      expect((await c.sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:*', mode, count: 1 })).status).toBeLessThan(300)
      injected++
      await c.sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', { result: 'SUCCESS' })
      await tenant.client.call('micro_pay', {
        pay_mch_key: tenant.mchKey(),
        pay_content: { out_trade_no: `${tenant.merchant.orderPrefix}flt${injected}${randomBytes(3).toString('hex')}`, total_fee: 200, author_code: WECHAT_CODE, fee_type: 'CNY', body: '收银' },
        order_client: ORDER_CLIENT,
      })
    }
    // The metrics endpoint wants its token from a caller that names one.
    const metrics = await fetch(`${url()}/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN as string}` } })
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toMatch(/yima_channel_calls_total\{[^}]*operation="createPayment"/)
    reliabilityCounts.add('faults injected', injected)
  })

  it('holds none of those secrets in its log output or its database', async () => {
    // Let the outbox finish what the faults left (queries, reversals), then look.
    await sleep(3_000)
    const output = (instance as Instance).output()
    const lines = output.split('\n').filter((l) => l.startsWith('{'))
    // The log is real: debug lines of requests, of the channel failures and of the refused callbacks.
    expect(lines.length).toBeGreaterThan(100)
    expect(output).toContain('"msg":"request"')
    expect(output.length).toBeLessThan(OUTPUT_LIMIT)
    const dump = execFileSync('pg_dump', ['--data-only', scratch?.url ?? ''], { maxBuffer: 512 * 1024 * 1024 }).toString('latin1')
    expect(dump).toContain(tenant.merchant.outSubMchId)
    const leaks = [...secrets].flatMap(([name, value]) => [
      output.includes(value) ? `${name} in the log` : null,
      dump.includes(value) ? `${name} in pg_dump` : null,
    ]).filter((x): x is string => x !== null)
    expect(leaks).toEqual([])
    reliabilityCounts.add('security: secrets searched for', secrets.size)
  })
})
