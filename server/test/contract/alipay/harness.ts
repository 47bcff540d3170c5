import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fen } from '@yima/shared'
import { startSandbox, type Sandbox } from '../../../../sandbox/src'
import { createAlipayAdapter } from '../../../src/channels/alipay/adapter'
import { exchangeAppAuthCode, type AlipayIsv } from '../../../src/channels/alipay/app-auth'
import type { ChannelAdapter, ChannelCredentials, CreatePaymentInput, RawRequest } from '../../../src/channels/types'

/** One notification as the test's notify_url received it. */
export interface Delivery { raw: string, headers: Record<string, string | string[] | undefined> }

export interface AlipayContract {
  sandbox: Sandbox
  adapter: ChannelAdapter
  /** The ISV app as yima stores it (for exchangeAppAuthCode). */
  isv: AlipayIsv
  /** A merchant freshly authorized for this test: its app_auth_token and PID. */
  creds: Extract<ChannelCredentials, { channel: 'alipay' }>
  notifyUrl: string
  /** Notifications received since the test began, once the sandbox has delivered everything due. */
  deliveries: () => Promise<Delivery[]>
  /** `/__sim/*` on the Alipay host. */
  sim: <T = any>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number, body: T }>
  fault: (method: string, mode: string, count?: number) => Promise<void>
  /** Moves the sandbox clock and runs whatever falls due. */
  advance: (seconds: number) => Promise<void>
  /** How the notify endpoint answers a delivery (default `success`); reset before each test. */
  reply: (d: Delivery) => Promise<string>
  /** Another merchant of the same ISV. */
  authorize: () => Promise<Extract<ChannelCredentials, { channel: 'alipay' }>>
}

export const asRequest = (d: Delivery): RawRequest => ({ headers: d.headers, rawBody: d.raw })

/**
 * One sandbox, adapter and notify endpoint per test file; a reset and a new merchant per test, so
 * tests share nothing. Tests feed what the notify endpoint got to the adapter.
 */
export function useAlipayContract (o: { timeoutMs?: number } = {}): AlipayContract {
  const ctx = {} as AlipayContract
  let server: Server
  let received: Delivery[] = []

  beforeAll(async () => {
    const sandbox = await startSandbox()
    const cfg = sandbox.clients.alipay
    server = createServer((req, res) => {
      let raw = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => { raw += chunk })
      req.on('end', () => {
        const d = { raw, headers: req.headers }
        received.push(d)
        ctx.reply(d).then((body) => { res.end(body) }, () => { res.end('fail') })
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const sim: AlipayContract['sim'] = async (method, path, body) => {
      const res = await fetch(`${sandbox.urls.alipay}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) }
    }
    Object.assign(ctx, {
      sandbox,
      adapter: createAlipayAdapter({ gateway: cfg.gateway, timeoutMs: o.timeoutMs ?? 3000 }),
      isv: { appId: cfg.appId, privateKey: cfg.appPrivateKeyPem, alipayPublicKey: cfg.alipayPublicKeyPem, gateway: cfg.gateway, openAuthUrl: cfg.endpoint },
      notifyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alipay`,
      sim,
      deliveries: async () => {
        await sim('POST', '/__sim/idle')
        return received
      },
      fault: async (method: string, mode: string, count = 1) => {
        const r = await sim('POST', '/__sim/faults', { route: `alipay:${method}`, mode, count })
        if (r.status !== 204) throw new Error(`fault not armed: ${r.status}`)
      },
      advance: async (seconds: number) => {
        await sim('POST', '/__sim/clock/advance', { seconds })
        await sim('POST', '/__sim/idle')
      },
      authorize: async () => {
        const code = await sim<{ app_auth_code: string }>('POST', '/__sim/alipay/auth-codes', {})
        const grant = await exchangeAppAuthCode(ctx.isv, code.body.app_auth_code)
        return { channel: 'alipay', appId: cfg.appId, privateKey: cfg.appPrivateKeyPem, alipayPublicKey: cfg.alipayPublicKeyPem, appAuthToken: grant.appAuthToken, sellerId: grant.userId }
      },
    })
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => { resolve() }))
    await ctx.sandbox.stop()
  })

  beforeEach(async () => {
    await ctx.sim('POST', '/__sim/reset')
    received = []
    ctx.reply = async () => 'success'
    ctx.creds = await ctx.authorize()
  })

  return ctx
}

let seq = 0
/** A fresh out_trade_no / out_request_no. */
export const no = (prefix = 'pay_'): string => `${prefix}${Date.now()}${String(++seq).padStart(4, '0')}`

/** An Alipay bar code (25–30 prefix, 18 digits). */
export const barCode = (): string => `28${String(Date.now()).slice(-13)}${String(++seq % 1000).padStart(3, '0')}`

export const BUYER_ID = '2088102177846880'

export function order (ctx: AlipayContract, o: Partial<CreatePaymentInput> & Pick<CreatePaymentInput, 'method'>): CreatePaymentInput {
  return {
    outTradeNo: no(),
    amountFen: fen(1234),
    description: '测试商品',
    notifyUrl: ctx.notifyUrl,
    expiresAt: new Date(Date.now() + 15 * 60_000),
    ...o,
  }
}
