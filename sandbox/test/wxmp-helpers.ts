import { createDecipheriv, createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { XMLParser } from 'fast-xml-parser'
import { startSandbox, type Sandbox } from '../src'

/** A WeChat JSON answer: either the payload or `{errcode, errmsg}`. */
export type Wx = Record<string, unknown> & { errcode?: number, errmsg?: string }

/** Everything a wxmp test talks to, driven with plain fetch as yima's own client would. */
export class WxmpTestClient {
  constructor (readonly sandbox: Sandbox) {}

  get base (): string { return this.sandbox.urls.wxmp }

  async get (path: string, query: Record<string, string> = {}): Promise<Wx> {
    const res = await fetch(`${this.base}${path}?${new URLSearchParams(query).toString()}`)
    expect(res.status).toBe(200)
    return await res.json() as Wx
  }

  async post (path: string, body: unknown, query: Record<string, string> = {}): Promise<Wx> {
    const res = await fetch(`${this.base}${path}?${new URLSearchParams(query).toString()}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
    expect(res.status).toBe(200)
    return await res.json() as Wx
  }

  /** An API call with `?access_token=`. */
  async call (token: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<Wx> {
    return body === undefined ? await this.get(path, { ...query, access_token: token }) : await this.post(path, body, { ...query, access_token: token })
  }

  async control<T = Wx> (method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const res = await fetch(`${this.base}/__sim${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await res.text()
    expect({ status: res.status, text }).toEqual({ status: expected, text: expect.any(String) })
    return (text === '' ? undefined : JSON.parse(text)) as T
  }

  async token (appid: string, secret: string): Promise<string> {
    const r = await this.get('/cgi-bin/token', { grant_type: 'client_credential', appid, secret })
    expect(typeof r.access_token).toBe('string')
    return r.access_token as string
  }

  async registerApp (input: Record<string, unknown> = {}): Promise<TestApp> {
    return await this.control<TestApp>('POST', '/wxmp/apps', input, 201)
  }

  async idle (): Promise<void> { await this.control('POST', '/idle', undefined, 204) }
  async advance (seconds: number): Promise<void> { await this.control('POST', '/clock/advance', { seconds }) }

  /** openid of a test user under an appid, from `GET /__sim/wxmp/users`. */
  async openid (userId: string, appid: string): Promise<string> {
    const users = await this.control<Array<{ id: string, unionid: string, openids: Record<string, { openid: string }> }>>('GET', '/wxmp/users')
    const openid = users.find((u) => u.id === userId)?.openids[appid]?.openid
    if (openid === undefined) throw new Error(`no openid for ${userId} under ${appid}`)
    return openid
  }
}

export interface TestApp {
  appid: string
  secret: string
  originalId: string
  type: string
  server: { url: string | null, token: string, encodingAESKey: string, mode: string }
}

/** Starts a sandbox for one test file and resets it before each test. */
export function useSandbox (): { client: () => WxmpTestClient } {
  let client: WxmpTestClient | undefined
  beforeAll(async () => { client = new WxmpTestClient(await startSandbox()) })
  afterAll(async () => { await client?.sandbox.stop() })
  beforeEach(async () => { await client?.control('POST', '/reset', undefined, 204) })
  return {
    client: () => {
      if (client === undefined) throw new Error('sandbox not started')
      return client
    },
  }
}

export const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/

// Independent implementations of WeChat's push security, written from the docs
// (Message_encryption_and_decryption_instructions), not from the simulator's code.

export function wechatSignature (...parts: string[]): string {
  return createHash('sha1').update(parts.slice().sort().join('')).digest('hex')
}

/** Decrypts a safe-mode `Encrypt`, checking the random prefix, the 32-byte PKCS#7 padding, the length and the appid. */
export function decryptPush (encrypted: string, encodingAESKey: string, appid: string): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64')
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  decipher.setAutoPadding(false)
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
  const pad = padded[padded.length - 1] ?? 0
  if (pad < 1 || pad > 32 || padded.length % 32 !== 0) throw new Error(`bad padding ${pad}`)
  const plain = padded.subarray(0, padded.length - pad)
  // WXBizMsgCrypt's prefix is 16 printable characters; garbage here means a wrong IV.
  if (!/^[\x21-\x7e]{16}$/.test(plain.subarray(0, 16).toString('latin1'))) throw new Error('random prefix is not 16 printable characters')
  const length = plain.readUInt32BE(16)
  const xml = plain.subarray(20, 20 + length).toString('utf8')
  const tail = plain.subarray(20 + length).toString('utf8')
  if (tail !== appid) throw new Error(`appid ${tail} does not match ${appid}`)
  // PKCS#7 to 32-byte blocks always pads 1..32 bytes, so the pad is fixed by the content length.
  if (pad !== 32 - (plain.length % 32)) throw new Error(`padding ${pad} is not to a 32-byte block`)
  return xml
}

const xmlParser = new XMLParser({ parseTagValue: false })
export function parseXml (xml: string): Record<string, string> {
  return (xmlParser.parse(xml) as { xml: Record<string, string> }).xml
}

export interface Received {
  query: URLSearchParams
  body: string
  /** The event fields after verifying `signature` (and `msg_signature` + decryption when encrypted). */
  fields: Record<string, string>
}

/**
 * A server URL for an official account: answers the console's echostr check when the signature is
 * right, verifies and decodes each push (recording any failure in `problems`, answered 401), and
 * answers `reply(n)` (default 200 `success`).
 */
export async function pushReceiver (token: string, encodingAESKey: string, appid: string, reply: (n: number) => { status: number, body: string } = () => ({ status: 200, body: 'success' })): Promise<{ url: string, pushes: Received[], problems: string[], hits: () => number, close: () => Promise<void> }> {
  const pushes: Received[] = []
  const problems: string[] = []
  let hits = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams
      const signed = wechatSignature(token, query.get('timestamp') ?? '', query.get('nonce') ?? '') === query.get('signature')
      if (req.method === 'GET') { res.end(signed ? query.get('echostr') ?? '' : 'bad signature'); return }
      hits++
      const body = Buffer.concat(chunks).toString('utf8')
      const outer = parseXml(body)
      let fields = outer
      try {
        if (!signed) throw new Error('bad signature')
        if (query.get('encrypt_type') === 'aes') {
          const encrypted = outer.Encrypt ?? ''
          if (wechatSignature(token, query.get('timestamp') ?? '', query.get('nonce') ?? '', encrypted) !== query.get('msg_signature')) throw new Error('bad msg_signature')
          fields = parseXml(decryptPush(encrypted, encodingAESKey, appid))
        }
      } catch (err) {
        problems.push((err as Error).message)
        res.statusCode = 401
        res.end('')
        return
      }
      pushes.push({ query, body, fields })
      const r = reply(hits)
      res.statusCode = r.status
      res.end(r.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`,
    pushes,
    problems,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  }
}

/** An official account of its own with a receiver as its server URL (verified like the console does). */
export async function accountWithServer (c: WxmpTestClient, mode: 'plain' | 'compatible' | 'safe', extra: Record<string, unknown> = {}, reply?: (n: number) => { status: number, body: string }): Promise<{ app: TestApp, token: string, receiver: Awaited<ReturnType<typeof pushReceiver>> }> {
  const app = await c.registerApp(extra)
  const receiver = await pushReceiver(app.server.token, app.server.encodingAESKey, app.appid, reply)
  await c.control('POST', `/wxmp/apps/${app.appid}/server`, { url: receiver.url, mode })
  return { app, token: await c.token(app.appid, app.secret), receiver }
}
