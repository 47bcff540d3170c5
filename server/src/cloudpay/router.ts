import Router from '@koa/router'
import { and, eq } from 'drizzle-orm'
import type { DefaultContext } from 'koa'
import { AppError } from '@yima/shared'
import type { Clock } from '../clock'
import type { Db } from '../db/client'
import { hasNul } from '../http/body'
import type { AppContext, AppState } from '../http/context'
import type { Logger } from '../logger'
import type { SecretBox } from '../secrets'
import { merchantSecretContext } from '../modules/tenancy/merchants.service'
import { merchants, serviceProviders, stores, type MerchantRow, type ServiceProviderRow, type StoreRow } from '../modules/tenancy/tenancy.schema'
import { verifyAuthenCode, verifyPss } from './authen'
import { answer, authenFailure, CpayError, readEnvelope, type CpayStatus } from './envelope'

/** One authenticated call, as a handler sees it. */
export interface CpayCall {
  api: string
  /** The parsed `request_content` (only for reading: the HMAC covered `raw`). */
  content: Record<string, unknown>
  raw: string
  merchant: MerchantRow
  sp: ServiceProviderRow
  /** `pay_mch_key.out_shop_id` (or top-level `out_shop_id`), checked to be the merchant's; null when absent. */
  store: StoreRow | null
  /** The request came RSA-signed (`authen_info.s`), which only refund and reverse accept. */
  rsaSigned: boolean
  now: Date
}

/** An endpoint: the payload key its answer carries, and whether it takes the RSA form too (§5). */
export interface CpayApi {
  payloadKey: string
  rsa?: boolean
  handle: (call: CpayCall) => Promise<Record<string, unknown>>
}
export type CpayApis = Readonly<Record<string, CpayApi>>

export interface CpayDeps { db: Db, clock: Clock, box: SecretBox, logger: Logger, limitBytes: number }

/** The names clients post to without the /cpay prefix (§15.1), and ping. */
const ROOT_NAMES = new Set<string>()

/**
 * The facade reads its own bodies: whatever arrives (ping's `JAVAPing`, a body that is not JSON)
 * is answered in the envelope with HTTP 200, never with the REST API's 4xx.
 */
export const isCpayPath = (path: string): boolean => path.startsWith('/cpay/') || ROOT_NAMES.has(path.slice(1))

async function readBody (ctx: AppContext, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += b.length
    if (size > limitBytes) throw new CpayError(101, 1, '请求体过大.')
    chunks.push(b)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {})
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * `POST /cpay/<api>` (cloudpay-api.md §15): parse the envelope, find the sub-merchant named in
 * `request_content`, check the HMAC over the exact string received (or the RSA-PSS signature
 * where allowed), run the endpoint, and answer in the envelope — always HTTP 200, the outcome in
 * `status`. The same endpoints answer at `/<api>` for clients whose domain already ends in /cpay.
 */
export function cpayRoutes (d: CpayDeps, apis: CpayApis): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()

  // §8 ping: a plain body, no envelope, any request body.
  const ping = (ctx: AppContext): void => {
    ctx.type = 'application/json'
    ctx.body = JSON.stringify({ description: 'ok', status: 0, timestamp: Math.floor(d.clock.now().getTime() / 1000) })
  }
  router.post('/cpay/ping', ping)
  router.get('/cpay/ping', ping)

  const serve = async (ctx: AppContext, name: string): Promise<void> => {
    const api = apis[name]
    ctx.status = 200
    ctx.type = 'application/json'
    let key: string | null = null
    try {
      if (api === undefined) throw new CpayError(101, 1, `接口${name}不存在.`)
      let outer: unknown
      try {
        outer = JSON.parse(await readBody(ctx, d.limitBytes))
      } catch (err) {
        if (err instanceof CpayError) throw err
        throw new CpayError(101, 1, '请求体不是合法的JSON.')
      }
      const envelope = readEnvelope(outer)
      let content: Record<string, unknown>
      try {
        content = obj(JSON.parse(envelope.content))
      } catch {
        throw new CpayError(101, 1, '参数request_content不是合法的JSON.')
      }
      // PostgreSQL text cannot hold NUL: bad input, never a failed query.
      if (hasNul(content)) throw new CpayError(101, 1, '参数request_content含有非法字符.')
      const mchKey = obj(content.pay_mch_key)
      const outSubMchId = str(mchKey.out_sub_mch_id) ?? str(content.out_sub_mch_id)
      const [row] = outSubMchId === undefined
        ? []
        : await d.db.select({ m: merchants, sp: serviceProviders }).from(merchants)
          .innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId)).where(eq(merchants.outSubMchId, outSubMchId))
      if (row === undefined) throw authenFailure()
      const authenKey = d.box.open(row.m.authenKeySealed, merchantSecretContext(row.m.id, 'authen_key')).reveal()
      const { a, s } = envelope.authen
      let rsaSigned = false
      if (a !== undefined) {
        if (a.authenType !== 1 || typeof a.code !== 'string' || !verifyAuthenCode(authenKey, envelope.content, a.code)) throw authenFailure()
      } else if (s !== undefined && api.rsa === true) {
        if (s.signType !== 1 || typeof s.sign !== 'string' || !safePss(row.m.verifyPublicKey, envelope.content, s.sign)) throw authenFailure()
        rsaSigned = true
      } else {
        throw authenFailure()
      }
      // From here on the caller is known: answers are signed with its key.
      key = authenKey
      const outMchId = str(mchKey.out_mch_id) ?? str(content.out_mch_id)
      if (outMchId !== undefined && outMchId !== row.sp.outMchId) throw new CpayError(101, 2, '参数out_mch_id错误.')
      const outShopId = str(mchKey.out_shop_id) ?? str(content.out_shop_id)
      const [store] = outShopId === undefined ? [] : await d.db.select().from(stores).where(and(eq(stores.outShopId, outShopId), eq(stores.merchantId, row.m.id)))
      if (outShopId !== undefined && store === undefined) throw new CpayError(101, 3, '参数out_shop_id错误.')
      const payload = await api.handle({ api: name, content, raw: envelope.content, merchant: row.m, sp: row.sp, store: store ?? null, rsaSigned, now: d.clock.now() })
      ctx.body = answer({ status: 0, description: '操作成功。', internalStatus: 0, payloadKey: api.payloadKey, payload, key }).body
    } catch (err) {
      const failure = asCpayError(err)
      if (failure.status === 3 && !(err instanceof CpayError)) d.logger.error({ err, api: name }, 'cloud pay call failed')
      ctx.body = answer({ status: failure.status, description: failure.message, internalStatus: failure.internalStatus, key }).body
    }
  }
  router.post('/cpay/:api', async (ctx) => { await serve(ctx, String(ctx.params.api ?? '')) })
  // §15.1: a client whose domain setting already ends in /cpay posts to /<api>.
  for (const name of Object.keys(apis)) {
    ROOT_NAMES.add(name)
    router.post(`/${name}`, async (ctx) => { await serve(ctx, name) })
  }
  ROOT_NAMES.add('ping')
  router.post('/ping', ping)
  return router
}

/** A malformed key or signature is an authentication failure, never a crash. */
function safePss (publicKeyPem: string, content: string, sign: string): boolean {
  try { return verifyPss(publicKeyPem, content, sign) } catch { return false }
}

/** §15.6: yima's error model as Cloud Pay statuses. */
export function asCpayError (err: unknown): CpayError {
  if (err instanceof CpayError) return err
  if (err instanceof AppError) {
    const to = (status: Exclude<CpayStatus, 0>, internal: number): CpayError => new CpayError(status, internal, err.message)
    switch (err.type) {
      case 'authentication': return authenFailure()
      case 'invalid_request': return to(101, 1)
      case 'permission': return to(104, 403)
      case 'not_found': return to(104, 400)
      case 'conflict':
      case 'idempotency': return to(104, err.code === 'idempotency_key_reused' ? 407 : 409)
      case 'rate_limit': return to(103, 429)
      default: return to(3, 500)
    }
  }
  return new CpayError(3, 500, '系统错误，请稍后重试.')
}
