import request from 'supertest'
import type Router from '@koa/router'
import fc from 'fast-check'
import { authenCode } from '../../src/cloudpay/authen'
import { isCpayPath } from '../../src/cloudpay/router'
import { useTestDatabase } from '../helpers/database'
import { useChannels, startLiveApp } from '../helpers/channels'
import { fingerprint } from '../helpers/fingerprint'
import { cpayWorld, type CpayWorld } from '../factories/cloudpay'
import { reliabilityCounts } from './counts'

/*
 * Hostile input on every public route (issue 11 §5): each route of the app's own routers, with
 * fast-check's strings in its path parameters and query, any JSON or non-JSON body, as an
 * anonymous caller and as a signed-in console account; the Cloud Pay facade with validly signed
 * envelopes around random content, and with broken envelopes. No answer may be a 5xx (or, on
 * /cpay, status 3: the facade's "system error"), and a refused request may not change a row.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
let w: CpayWorld
beforeAll(async () => {
  live = await startLiveApp(database.get(), channels.get())
  w = await cpayWorld(live, database.get(), channels.get())
}, 120_000)
afterAll(async () => {
  reliabilityCounts.add('fuzz cases', cases)
  reliabilityCounts.add('violations', violationCount)
  await live.stop()
})

const RUNS = Number(process.env.FUZZ_RUNS ?? 12)
/** CI runs the same cases every time (a failure is reproducible); FUZZ_SEED explores others. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
/** Rows a refused request may write: rate-limit buckets count refusals by design. */
const WRITABLE = ['rate_limits']

const nasty = fc.constantFrom("' OR 1=1--", '../../etc/passwd', '%00', '\u0000', 'x'.repeat(2000), '😀🀄', '-1', '1e309', 'NaN', 'null', '{{7*7}}', '<script>alert(1)</script>', 'ord_01J0000000000000000000000', '__proto__', 'constructor')
const segment = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer().map(String))
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.oneof(fc.constantFrom('amountFen', 'name', 'storeId', 'merchantId', 'outTradeNo', 'authCode', 'password', 'login', 'code', '__proto__'), fc.string({ maxLength: 12 })), fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty), { maxKeys: 6 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
)
const rawBody = fc.oneof(fc.string({ maxLength: 200 }), nasty, fc.constant('{"a":'), fc.constant('['.repeat(5000)))
const query = fc.dictionary(fc.constantFrom('from', 'to', 'cursor', 'limit', 'storeId', 'status', 'q', 'page', 'day'), fc.oneof(segment, fc.constant('')), { maxKeys: 4 })

function routesOf (): Array<{ method: string, path: string }> {
  const routers = live.app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined)
  const all = routers.flatMap((r) => r.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').map((method) => ({ method, path: String(layer.path) }))))
  return [...new Map(all.map((r) => [`${r.method} ${r.path}`, r])).values()]
}

const fill = (path: string, values: string[]): string => {
  let i = 0
  return path.replace(/:(\w+)/g, () => encodeURIComponent(values[i++ % Math.max(values.length, 1)] ?? 'x'))
}

interface Violation { request: string, status: number, reason: string }
/** This test's violations (the total is counted across tests for the figures). */
let violations: Violation[] = []
let violationCount = 0
let cases = 0
beforeEach(() => { violations = [] })
afterEach(() => { violationCount += violations.length })

async function send (r: { method: string, path: string }, o: { params: string[], query: Record<string, string>, body: unknown, raw?: string, authed: boolean }): Promise<void> {
  const url = `${fill(r.path, o.params)}${Object.keys(o.query).length === 0 ? '' : `?${new URLSearchParams(o.query).toString()}`}`
  const before = await fingerprint(database.get(), { except: WRITABLE })
  let t = request(live.app.callback())[r.method.toLowerCase() as 'get'](url)
  if (o.authed) t = t.set('authorization', `Bearer ${w.owner.token}`)
  if (r.method !== 'GET' && r.method !== 'DELETE') {
    t = o.raw === undefined ? t.set('content-type', 'application/json').send(JSON.stringify(o.body)) : t.set('content-type', 'text/plain').send(o.raw)
  }
  const res = await t
  cases++
  const label = `${r.method} ${url.slice(0, 200)}`
  if (res.status >= 500) violations.push({ request: label, status: res.status, reason: 'server error' })
  if (res.status >= 400 && await fingerprint(database.get(), { except: WRITABLE }) !== before) violations.push({ request: label, status: res.status, reason: 'a refused request changed rows' })
}

describe('fuzzing every public route', () => {
  it('answers hostile REST and hook input without a 5xx or a partial write', async () => {
    // The Cloud Pay facade (and its root paths) answers in its envelope: the next test.
    const routes = routesOf().filter((r) => !isCpayPath(r.path))
    expect(routes.length).toBeGreaterThan(100)
    for (const r of routes) {
      await fc.assert(fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), query, body, fc.option(rawBody, { nil: undefined }), fc.boolean(), async (params, q, b, raw, authed) => {
        await send(r, { params, query: q, body: b, ...(raw === undefined ? {} : { raw }), authed })
      }), { numRuns: RUNS, seed: SEED })
    }
    expect(violations).toEqual([])
  }, 30 * 60_000)

  it('answers signed envelopes of random content, and broken envelopes, in the envelope: never status 3', async () => {
    // Every endpoint, by the root paths the facade also serves (one per API name).
    const names = routesOf().filter((r) => isCpayPath(r.path) && !r.path.startsWith('/cpay/') && r.path !== '/ping').map((r) => r.path.slice(1))
    expect(names).toEqual(expect.arrayContaining(['micro_pay', 'refund', 'micro_freeze', 'unfreeze', 'set_sub_mch_shop_info']))
    const content = fc.record({
      pay_mch_key: fc.oneof(fc.constant(w.mchKey()), fc.constant(w.mchKey({ out_shop_id: 'x' })), fc.jsonValue({ maxDepth: 2 })),
      pay_content: fc.oneof(fc.record({ out_trade_no: fc.oneof(fc.constant(w.orderNo()), segment), total_fee: fc.oneof(fc.integer(), fc.double(), segment), author_code: fc.oneof(fc.constant('134567890123456789'), segment) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
      refund_content: fc.jsonValue({ maxDepth: 2 }),
      unfreeze_content: fc.jsonValue({ maxDepth: 2 }),
      order_client: fc.jsonValue({ maxDepth: 2 }),
      out_trade_no: segment,
      out_freeze_no: segment,
      api_version: fc.oneof(fc.constant(2), fc.jsonValue()),
      shop_infos: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      page_num: fc.jsonValue(),
    }, { requiredKeys: [] })
    const envelope = fc.oneof(
      content.map((c) => {
        const rc = JSON.stringify({ ...c, pay_mch_key: c.pay_mch_key ?? w.mchKey() })
        return JSON.stringify({ request_content: rc, authen_info: { a: { authen_type: 1, authen_code: authenCode(w.credentials.authenKey, rc) } } })
      }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      rawBody,
      content.map((c) => JSON.stringify({ request_content: c, authen_info: { s: { sign_type: 1, sign: 'AAAA' } } })),
    )
    for (const api of names) {
      await fc.assert(fc.asyncProperty(envelope, async (text) => {
        const before = await fingerprint(database.get(), { except: WRITABLE })
        const res = await request(live.app.callback()).post(`/cpay/${api}`).set('content-type', 'application/json').send(text)
        cases++
        const outer = (() => { try { return JSON.parse(res.text) as { response_content?: string } } catch { return undefined } })()
        const inner = typeof outer?.response_content === 'string' ? JSON.parse(outer.response_content) as { status?: number } : undefined
        if (res.status !== 200 || inner === undefined) violations.push({ request: `POST /cpay/${api}`, status: res.status, reason: 'not answered in the envelope' })
        else if (inner.status === 3) violations.push({ request: `POST /cpay/${api} ${text.slice(0, 200)}`, status: 3, reason: 'system error' })
        else if (inner.status !== 0 && await fingerprint(database.get(), { except: WRITABLE }) !== before) violations.push({ request: `POST /cpay/${api}`, status: inner.status ?? -1, reason: 'a refused call changed rows' })
      }), { numRuns: RUNS * 2, seed: SEED })
    }
    expect(violations).toEqual([])
  }, 30 * 60_000)
})
