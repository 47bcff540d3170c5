import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fen } from '@yima/shared'
import { startSandbox, type NotificationAttempt, type Sandbox } from '../../../../sandbox/src'
import type { WxpayClientConfig } from '../../../../sandbox/src/wxpay'
import { createWechatPayAdapter } from '../../../src/channels/wechat-pay/adapter'
import type { ChannelAdapter, ChannelCredentials, ChannelNotification, CreatePaymentInput, PayMethod, RawRequest } from '../../../src/channels/types'

export type WechatCredentials = Extract<ChannelCredentials, { channel: 'wechat_pay' }>
/** How the sandbox signs answers and notifications, and so which key yima must hold (`POST /__sim/wxpay/mode`). */
export type SignMode = 'certificate' | 'public_key'
export const SIGN_MODES: SignMode[] = ['certificate', 'public_key']

/** Fault routes (sandbox/src/wxpay/README.md). */
export const ROUTE = {
  jsapi: 'wxpay:POST /v3/pay/partner/transactions/jsapi',
  codepay: 'wxpay:POST /v3/pay/partner/transactions/codepay',
  query: 'wxpay:GET /v3/pay/partner/transactions/out-trade-no/:out_trade_no',
  close: 'wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/close',
  reverse: 'wxpay:POST /v3/pay/partner/transactions/out-trade-no/:out_trade_no/reverse',
  refund: 'wxpay:POST /v3/refund/domestic/refunds',
  refundQuery: 'wxpay:GET /v3/refund/domestic/refunds/:out_refund_no',
  notify: 'wxpay:notify',
} as const

export const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'
/** A WeChat payment code: 18 digits starting 10–15. */
export const AUTH_CODE = '134567890123456789'

/** A fresh out_trade_no (≤ 32 chars) per call, so no two tests share an order. */
export const tradeNo = (prefix = 'P'): string => `${prefix}${Date.now()}${randomBytes(4).toString('hex')}`

export interface Receiver {
  url: string
  /** Every delivery, exactly as it arrived: what parseNotification is fed. */
  received: RawRequest[]
  close: () => Promise<void>
}

/** A local notify_url that records the raw request and answers what `answer` decides. */
export async function receiver (answer: (r: RawRequest) => Promise<{ status: number, body?: string, contentType?: string }>): Promise<Receiver> {
  const received: RawRequest[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => { chunks.push(c) })
    req.on('end', () => {
      const r: RawRequest = { headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') }
      received.push(r)
      answer(r).then((a) => {
        res.statusCode = a.status
        if (a.contentType !== undefined) res.setHeader('Content-Type', a.contentType)
        res.end(a.body ?? '')
      }, () => {
        res.statusCode = 500
        res.end()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/wechat_pay/pay_test`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  }
}

export interface Contract {
  sandbox: Sandbox
  cfg: WxpayClientConfig
  /** The adapter under test (2 s deadline: the sandbox answers in milliseconds). */
  adapter: ChannelAdapter
  /** The same adapter with a 250 ms deadline, for the TIMEOUT fault. */
  impatient: ChannelAdapter
  hook: Receiver
  /** The credentials the notify receiver verifies with; each test sets its mode. */
  mode: SignMode
  creds: (o?: { mode?: SignMode, subMchId?: string, subAppId?: string, apiV3Key?: string }) => WechatCredentials
  payment: (method: PayMethod, o?: Partial<CreatePaymentInput>) => CreatePaymentInput
  sim: <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number, body: T }>
  fault: (route: string, mode: string, count?: number) => Promise<void>
  signWith: (mode: SignMode) => Promise<void>
  /** Runs every due task and notification delivery. */
  idle: () => Promise<void>
  /** Moves the sandbox's business clock (notification retries, codepay scripts) and runs what fell due. */
  advance: (seconds: number) => Promise<void>
  notifications: () => Promise<NotificationAttempt[]>
  /** Parses the `n`th captured delivery (0-based) with the current mode's credentials. */
  parse: (n?: number, creds?: WechatCredentials) => Promise<ChannelNotification>
}

/**
 * One sandbox and one notify receiver per test file; every test starts from a reset sandbox in
 * certificate mode with an empty receiver. The receiver acknowledges exactly as yima's hook
 * route would: parseNotification, then `ack(true)`, or `ack(false)` when it throws.
 */
export function useContract (): Contract {
  let sandbox: Sandbox
  let cfg: WxpayClientConfig
  let hook: Receiver
  let mode: SignMode = 'certificate'
  const adapter = (timeoutMs: number): ChannelAdapter => createWechatPayAdapter({ baseUrl: cfg.baseUrl, timeoutMs })
  let main: ChannelAdapter
  let impatient: ChannelAdapter

  const creds: Contract['creds'] = (o = {}) => ({
    channel: 'wechat_pay',
    spMchId: cfg.spMchId,
    subMchId: o.subMchId ?? cfg.subMchIds[0] ?? '',
    spAppId: cfg.spAppId,
    ...(o.subAppId === undefined ? {} : { subAppId: o.subAppId }),
    certificateSerial: cfg.merchantSerial,
    privateKey: cfg.merchantPrivateKeyPem,
    apiV3Key: o.apiV3Key ?? cfg.apiV3Key,
    // Each mode holds only its own key, so a test can tell which one verified.
    ...((o.mode ?? mode) === 'certificate'
      ? { platformCertificate: cfg.platformCertificatePem }
      : { publicKey: cfg.platformPublicKeyPem, publicKeyId: cfg.platformPublicKeyId }),
  })

  const sim: Contract['sim'] = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.urls.wxpay}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
  }

  beforeAll(async () => {
    sandbox = await startSandbox()
    cfg = sandbox.clients.wxpay
    main = adapter(2000)
    impatient = adapter(250)
    hook = await receiver(async (r) => {
      try {
        await main.parseNotification(r, creds())
        return main.ack(true)
      } catch {
        return main.ack(false)
      }
    })
  })
  afterAll(async () => {
    await hook.close()
    await sandbox.stop()
  })
  beforeEach(async () => {
    // Deliveries a previous test left in flight land first, so none arrives after the clear below.
    await sandbox.world.scheduler.idle()
    await sim('POST', '/__sim/reset')
    mode = 'certificate'
    hook.received.length = 0
  })

  return {
    get sandbox () { return sandbox },
    get cfg () { return cfg },
    get adapter () { return main },
    get impatient () { return impatient },
    get hook () { return hook },
    get mode () { return mode },
    set mode (m: SignMode) { mode = m },
    creds,
    payment: (method, o = {}) => ({
      method,
      outTradeNo: tradeNo(),
      amountFen: fen(1800),
      description: '拿铁 大杯',
      notifyUrl: hook.url,
      // Expiry is business time: the sandbox's clock, not the real one.
      expiresAt: new Date(sandbox.world.clock.nowMs() + 2 * 3600_000),
      ...(method === 'wechat_jsapi' || method === 'wechat_mini' ? { payerId: OPENID } : {}),
      ...(method === 'wechat_micropay' ? { authCode: AUTH_CODE, clientIp: '10.0.0.8' } : {}),
      ...(method === 'wechat_h5' ? { clientIp: '203.0.113.7' } : {}),
      ...o,
    }),
    sim,
    fault: async (route, faultMode, count = 1) => {
      const r = await sim('POST', '/__sim/faults', { route, mode: faultMode, count })
      if (r.status !== 204) throw new Error(`fault ${route} ${faultMode}: ${r.status}`)
    },
    signWith: async (m) => {
      mode = m
      const r = await sim('POST', '/__sim/wxpay/mode', { signWith: m })
      if (r.status !== 200) throw new Error(`mode ${m}: ${r.status}`)
    },
    idle: async () => { await sandbox.world.scheduler.idle() },
    advance: async (seconds) => {
      sandbox.world.clock.advance(seconds * 1000)
      await sandbox.world.scheduler.idle()
    },
    notifications: async () => (await sim<NotificationAttempt[]>('GET', '/__sim/notifications?channel=wxpay')).body,
    parse: async (n = 0, c) => {
      const r = hook.received[n]
      if (r === undefined) throw new Error(`no delivery #${n} (received ${hook.received.length})`)
      return await main.parseNotification(r, c ?? creds())
    },
  }
}
