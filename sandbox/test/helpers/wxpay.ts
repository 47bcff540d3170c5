import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin'
import { startSandbox, type Sandbox } from '../../src'
import type { WxpayClientConfig } from '../../src/wxpay'

/** The real SDK, configured the way yima configures it (channels.md §1.1). */
export function wechatpayClient (cfg: WxpayClientConfig, o: { serial?: string, privateKey?: string } = {}): Wechatpay {
  return new Wechatpay({
    mchid: cfg.spMchId,
    serial: o.serial ?? cfg.merchantSerial,
    privateKey: o.privateKey ?? cfg.merchantPrivateKeyPem,
    certs: { [cfg.platformSerial]: cfg.platformCertificatePem, [cfg.platformPublicKeyId]: cfg.platformPublicKeyPem },
    secret: cfg.apiV2Key,
    baseURL: cfg.baseUrl,
  })
}

/** The parts of the SDK's (axios) response the tests read. */
export interface SdkResponse { status: number, data: unknown, headers: Record<string, unknown> }

/** The `data` of an SDK response; the SDK's typings leave it `any`. */
export async function dataOf<T> (p: PromiseLike<{ data: unknown }>): Promise<T> {
  return (await p).data as T
}

/** What the SDK rejects with: an AxiosError, with `response` for HTTP errors and `code` for verification failures. */
export async function failureOf (p: PromiseLike<unknown>): Promise<{ code?: string, message: string, status?: number, data?: { code?: string, message?: string } }> {
  try {
    await p
  } catch (err) {
    const e = err as { code?: string, message: string, response?: { status: number, data: { code?: string, message?: string } } }
    return { ...(e.code === undefined ? {} : { code: e.code }), message: e.message, ...(e.response === undefined ? {} : { status: e.response.status, data: e.response.data }) }
  }
  throw new Error('expected the call to fail')
}

export interface Harness {
  sandbox: Sandbox
  cfg: WxpayClientConfig
  wx: Wechatpay
  /** The control API (`/__sim/...`) on the wxpay port. */
  sim: <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number, body: T }>
  /** Runs every due task and notification (after `world.clock.advance`). */
  idle: () => Promise<void>
  stop: () => Promise<void>
}

export async function startHarness (): Promise<Harness> {
  const sandbox = await startSandbox()
  const cfg = sandbox.clients.wxpay
  return {
    sandbox,
    cfg,
    wx: wechatpayClient(cfg),
    sim: async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await fetch(`${sandbox.urls.wxpay}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
    },
    idle: async () => { await sandbox.world.scheduler.idle() },
    stop: async () => { await sandbox.stop() },
  }
}

/** A fresh out_trade_no per call, so tests never share orders. */
export const tradeNo = (prefix = 'T'): string => `${prefix}${Date.now()}${randomBytes(4).toString('hex')}`

export function jsapiOrder (cfg: WxpayClientConfig, o: { outTradeNo?: string, total?: number, notifyUrl?: string, goodsTag?: string, openid?: string, timeExpire?: string, subMchId?: string } = {}): Record<string, unknown> {
  return {
    sp_appid: cfg.spAppId,
    sp_mchid: cfg.spMchId,
    sub_mchid: o.subMchId ?? cfg.subMchIds[0],
    description: '拿铁 大杯',
    out_trade_no: o.outTradeNo ?? tradeNo(),
    notify_url: o.notifyUrl ?? 'https://yima.example/hooks/wechat_pay',
    amount: { total: o.total ?? 1800, currency: 'CNY' },
    payer: { sp_openid: o.openid ?? 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    ...(o.goodsTag === undefined ? {} : { goods_tag: o.goodsTag }),
    ...(o.timeExpire === undefined ? {} : { time_expire: o.timeExpire }),
  }
}

/** Signs a request by hand, to vary what the SDK always gets right (pair order, timestamp, key). */
export function authorization (cfg: WxpayClientConfig, req: { method: string, url: string, body?: string }, o: { timestamp?: number, serial?: string, privateKey?: string, mchid?: string, reversed?: boolean } = {}): string {
  const timestamp = o.timestamp ?? Formatter.timestamp()
  const nonce = Formatter.nonce()
  const signature = Rsa.sign(Formatter.request(req.method, req.url, timestamp, nonce, req.body ?? ''), Rsa.from(o.privateKey ?? cfg.merchantPrivateKeyPem, Rsa.KEY_TYPE_PRIVATE))
  const pairs = [
    ['mchid', o.mchid ?? cfg.spMchId], ['nonce_str', nonce], ['timestamp', String(timestamp)],
    ['serial_no', o.serial ?? cfg.merchantSerial], ['signature', signature],
  ]
  if (o.reversed === true) pairs.reverse()
  return `WECHATPAY2-SHA256-RSA2048 ${pairs.map(([k, v]) => `${k ?? ''}="${v ?? ''}"`).join(',')}`
}

export interface Received { headers: IncomingHttpHeaders, body: string }

export type NotifyCheck =
  | { ok: true, event: { id: string, event_type: string, summary: string, resource_type: string, create_time: string, resource: { original_type: string, associated_data: string, nonce: string } }, resource: Record<string, unknown> }
  | { ok: false, reason: 'headers' | 'stale' | 'serial' | 'signature' | 'decrypt' }

/**
 * What a receiver must do with a v3 notification: check the headers and the ±300 s skew, find
 * the key by serial, verify the signature over the raw body, then decrypt — all with the
 * SDK's own helpers.
 */
export function verifyNotification (cfg: WxpayClientConfig, r: Received): NotifyCheck {
  const h = (name: string): string | undefined => { const v = r.headers[name]; return Array.isArray(v) ? v[0] : v }
  const [timestamp, nonce, serial, signature] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature'].map(h)
  if (timestamp === undefined || nonce === undefined || serial === undefined || signature === undefined) return { ok: false, reason: 'headers' }
  if (Math.abs(Formatter.timestamp() - Number(timestamp)) > 300) return { ok: false, reason: 'stale' }
  const keys: Record<string, string> = { [cfg.platformSerial]: cfg.platformCertificatePem, [cfg.platformPublicKeyId]: cfg.platformPublicKeyPem }
  const key = keys[serial]
  if (key === undefined) return { ok: false, reason: 'serial' }
  if (!Rsa.verify(Formatter.response(timestamp, nonce, r.body), signature, Rsa.from(key, Rsa.KEY_TYPE_PUBLIC))) return { ok: false, reason: 'signature' }
  const event = JSON.parse(r.body) as Extract<NotifyCheck, { ok: true }>['event'] & { resource: { ciphertext: string } }
  try {
    const plaintext = Aes.AesGcm.decrypt(event.resource.ciphertext, cfg.apiV3Key, event.resource.nonce, event.resource.associated_data)
    return { ok: true, event, resource: JSON.parse(plaintext) as Record<string, unknown> }
  } catch {
    return { ok: false, reason: 'decrypt' }
  }
}

export interface Receiver {
  url: string
  received: Received[]
  close: () => Promise<void>
}

/**
 * A local notify_url. By default it verifies like yima must and answers 204 when the
 * notification checks out, 400 `{code:'FAIL'}` otherwise; `answer` overrides that.
 */
export async function receiver (cfg: WxpayClientConfig, answer?: (r: Received, n: number) => { status: number, body?: string }): Promise<Receiver> {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => { chunks.push(c) })
    req.on('end', () => {
      const r: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(r)
      const a = answer?.(r, received.length) ?? (verifyNotification(cfg, r).ok ? { status: 204 } : { status: 400, body: JSON.stringify({ code: 'FAIL', message: '验签失败' }) })
      res.statusCode = a.status
      res.end(a.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/wechat_pay`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  }
}

/** What `useWxpayHarness` hands a test file: the harness and its receiver, once `beforeAll` has run. */
export interface WxpayHarness {
  readonly h: Harness
  readonly hook: Receiver
}

/**
 * Registers a test file's lifecycle: one harness and one verifying receiver for the file,
 * a sandbox reset and an emptied receiver before each test. Call it at the top level.
 */
export function useWxpayHarness (): WxpayHarness {
  let h: Harness
  let hook: Receiver
  beforeAll(async () => {
    h = await startHarness()
    hook = await receiver(h.sandbox.clients.wxpay)
  })
  afterAll(async () => {
    await hook.close()
    await h.stop()
  })
  beforeEach(async () => {
    await h.sim('POST', '/__sim/reset')
    hook.received.length = 0
  })
  return {
    get h () { return h },
    get hook () { return hook },
  }
}
