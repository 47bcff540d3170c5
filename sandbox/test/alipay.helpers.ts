import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk'
import { startSandbox, type Sandbox } from '../src'

/** The real SDK, configured from the sandbox exactly as yima configures it (channels.md §1.2). */
export function alipaySdk (sandbox: Sandbox, o: Partial<AlipaySdkConfig> = {}): AlipaySdk {
  const cfg = sandbox.clients.alipay
  return new AlipaySdk({
    appId: cfg.appId,
    privateKey: cfg.appPrivateKeyPem,
    keyType: 'PKCS8',
    alipayPublicKey: cfg.alipayPublicKeyPem,
    gateway: cfg.gateway,
    endpoint: cfg.endpoint,
    ...o,
  })
}

export async function control<T = unknown> (sandbox: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number, body: T }> {
  const res = await fetch(`${sandbox.urls.alipay}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

export const advance = async (sandbox: Sandbox, seconds: number): Promise<void> => {
  await control(sandbox, 'POST', '/__sim/clock/advance', { seconds })
}

export const idle = async (sandbox: Sandbox): Promise<void> => { await control(sandbox, 'POST', '/__sim/idle') }

export interface MerchantGrant { appAuthToken: string, appRefreshToken: string, userId: string, authAppId: string }

/** A merchant authorizes the ISV (control API) and the ISV exchanges the code through the real SDK. */
export async function authorizeMerchant (sandbox: Sandbox, sdk: AlipaySdk): Promise<MerchantGrant> {
  const { body } = await control<{ app_auth_code: string }>(sandbox, 'POST', '/__sim/alipay/auth-codes', {})
  const r = await sdk.exec('alipay.open.auth.token.app', { bizContent: { grantType: 'authorization_code', code: body.app_auth_code } }, { validateSign: true })
  if (r.code !== '10000') throw new Error(`token exchange failed: ${JSON.stringify(r)}`)
  return { appAuthToken: r.appAuthToken, appRefreshToken: r.appRefreshToken, userId: r.userId, authAppId: r.authAppId }
}

/** What `useAlipaySandbox` hands a test file: the sandbox, the SDK and this test's merchant grant. */
export interface AlipaySandbox {
  readonly sandbox: Sandbox
  readonly sdk: AlipaySdk
  readonly merchant: MerchantGrant
}

/**
 * Registers a test file's lifecycle: one sandbox and SDK for the file, and before each test a
 * sandbox reset and a freshly authorized merchant. Call it at the top level.
 */
export function useAlipaySandbox (): AlipaySandbox {
  let sandbox: Sandbox
  let sdk: AlipaySdk
  let merchant: MerchantGrant
  beforeAll(async () => {
    sandbox = await startSandbox()
    sdk = alipaySdk(sandbox)
  })
  afterAll(async () => { await sandbox.stop() })
  beforeEach(async () => {
    await control(sandbox, 'POST', '/__sim/reset')
    merchant = await authorizeMerchant(sandbox, sdk)
  })
  return {
    get sandbox () { return sandbox },
    get sdk () { return sdk },
    get merchant () { return merchant },
  }
}

let seq = 0
/** A fresh merchant order number per call, so tests never collide. */
export const outTradeNo = (): string => `T${Date.now()}${String(++seq).padStart(4, '0')}`

/** A bar-code auth code of the Alipay range (25–30 prefix, 18 digits). */
export const barCode = (): string => `28${String(Date.now()).slice(-13)}${String(++seq % 1000).padStart(3, '0')}`

/** What a notify_url receives: the raw body and the parsed form, in arrival order. */
export interface Received { raw: string, params: Record<string, string> }

export interface NotifyReceiver {
  url: string
  received: Received[]
  close: () => Promise<void>
}

/**
 * A merchant notify endpoint. `reply` decides the answer per delivery (default: `success`);
 * Alipay retries unless the body is exactly `success`.
 */
export async function notifyReceiver (reply: (r: Received, n: number) => string = () => 'success'): Promise<NotifyReceiver> {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { raw += chunk })
    req.on('end', () => {
      const r = { raw, params: Object.fromEntries(new URLSearchParams(raw)) }
      received.push(r)
      res.end(reply(r, received.length))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alipay/notify`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  }
}

/** What yima does before checkNotifySignV2: drop empty-valued fields (channels.md §3.3). */
export const stripEmpty = (p: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => v !== ''))
