import { randomInt } from 'node:crypto'
import type { SimWorld } from '../core/world'
import type { WxApp } from './apps'
import { encryptMessage, sha1Signature } from './crypt'

export type EventFields = Record<string, string | number>

/** One event the platform generated, whether or not the account has a server URL to receive it. */
export interface PushedEvent {
  id: string
  appid: string
  event: string
  openid: string | null
  createTime: number
  fields: EventFields
  xml: string
  delivery: 'queued' | 'no_server_url'
}

/** WeChat waits 5 s for an answer and tries three times in all (Passive_user_reply_message docs). */
export const PUSH_RETRY_MS = [5000, 5000] as const

const cdata = (v: string): string => `<![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`

/** Push XML: text in CDATA, numbers bare, in the order given (WeChat's own order for each event). */
export function toXml (fields: EventFields): string {
  const inner = Object.entries(fields).map(([k, v]) => `<${k}>${typeof v === 'number' ? String(v) : cdata(v)}</${k}>`).join('')
  return `<xml>${inner}</xml>`
}

/**
 * A push request as WeChat sends it: `signature`, `timestamp`, `nonce` (and the user's `openid`) in
 * the query; in safe and compatible mode also `encrypt_type=aes` and `msg_signature`. The timestamp
 * is real time: receivers may compare it with their own clock.
 */
export function buildPush (app: WxApp, url: string, xml: string, openid: string | null): { url: string, body: string } {
  const { token, encodingAESKey, mode } = app.server
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(randomInt(1_000_000_000, 9_999_999_999))
  const query = new URLSearchParams({ signature: sha1Signature(token, timestamp, nonce), timestamp, nonce })
  if (openid !== null) query.set('openid', openid)
  let body = xml
  if (mode !== 'plain') {
    const encrypted = encryptMessage(xml, app.appid, encodingAESKey)
    query.set('encrypt_type', 'aes')
    query.set('msg_signature', sha1Signature(token, timestamp, nonce, encrypted))
    body = mode === 'safe'
      ? toXml({ ToUserName: app.originalId, Encrypt: encrypted })
      : xml.replace(/<\/xml>$/, `<Encrypt>${cdata(encrypted)}</Encrypt></xml>`)
  }
  return { url: `${url}${url.includes('?') ? '&' : '?'}${query.toString()}`, body }
}

/** WeChat treats an empty body, `success` or a passive XML reply within 5 s as received. */
export const acknowledged = (status: number, body: string): boolean => {
  const b = body.trim()
  return status === 200 && (b === '' || b === 'success' || b.startsWith('<xml'))
}

/** Generates event pushes to official accounts' server URLs and keeps every event for the control API. */
export class EventPusher {
  readonly log: PushedEvent[] = []
  #seq = 0

  constructor (private readonly world: SimWorld) {}

  /**
   * `openid` is the user the event is about (FromUserName). Platform events such as card reviews
   * have none; their FromUserName is the account's own original id.
   */
  push (app: WxApp, event: string, openid: string | null, fields: EventFields = {}): PushedEvent {
    const createTime = Math.floor(this.world.clock.nowMs() / 1000)
    const xml = toXml({ ToUserName: app.originalId, FromUserName: openid ?? app.originalId, CreateTime: createTime, MsgType: 'event', Event: event, ...fields })
    const entry: PushedEvent = { id: `wxevt_${++this.#seq}`, appid: app.appid, event, openid, createTime, fields, xml, delivery: app.server.url === null ? 'no_server_url' : 'queued' }
    this.log.push(entry)
    if (app.server.url !== null) {
      // Signed once: a retry re-sends the same request, so receivers dedupe on FromUserName + CreateTime.
      const request = buildPush(app, app.server.url, xml, openid)
      this.world.notifier.send({
        channel: 'wxmp',
        kind: event,
        url: request.url,
        retryMs: PUSH_RETRY_MS,
        build: () => ({ headers: { 'content-type': 'text/xml', 'user-agent': 'Mozilla/4.0' }, body: request.body }),
        acknowledged,
      })
    }
    return entry
  }

  clear (): void { this.log.length = 0 }
}

/**
 * The check the MP console runs when a developer saves a server URL: a signed GET carrying `echostr`,
 * which the server must echo. The console refuses to save the URL otherwise.
 */
export async function verifyServerUrl (url: string, token: string): Promise<{ ok: boolean, status?: number, body?: string, error?: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(randomInt(1_000_000_000, 9_999_999_999))
  const echostr = String(randomInt(1e12, 1e14))
  const query = new URLSearchParams({ signature: sha1Signature(token, timestamp, nonce), echostr, timestamp, nonce })
  try {
    const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}${query.toString()}`, { signal: AbortSignal.timeout(5000) })
    const body = await res.text()
    return { ok: res.status === 200 && body.trim() === echostr, status: res.status, body }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}
