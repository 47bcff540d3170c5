import { randomInt } from 'node:crypto'
import type { SimWorld } from '../../core/world'
import { encryptMessage, sha1Signature } from '../crypt'
import { PUSH_RETRY_MS, toXml, type EventFields } from '../events'
import type { ComponentApp } from './state'

export type InfoType = 'component_verify_ticket' | 'authorized' | 'updateauthorized' | 'unauthorized'

/** One push to the 授权事件接收URL, as `GET /__sim/wxmp/component/events` lists it. */
export interface ComponentPush {
  id: string
  infoType: InfoType
  createTime: number
  /** The plaintext fields, in WeChat's order (AppId, CreateTime, InfoType, …). */
  fields: EventFields
  /** The plaintext XML before encryption. */
  xml: string
  delivery: 'queued' | 'no_server_url'
}

/**
 * A push as the open platform sends it: always safe mode. The query carries `signature`, `timestamp`,
 * `nonce`, `encrypt_type=aes` and `msg_signature`; the body is `<xml><AppId/><Encrypt/></xml>`, the
 * ciphertext ending in the component appid. Timestamps are real time, as receivers compare them.
 */
export function buildComponentPush (app: ComponentApp, url: string, xml: string): { url: string, body: string } {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(randomInt(1_000_000_000, 9_999_999_999))
  const encrypted = encryptMessage(xml, app.appid, app.encodingAESKey)
  const query = new URLSearchParams({
    signature: sha1Signature(app.token, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: sha1Signature(app.token, timestamp, nonce, encrypted),
  })
  return { url: `${url}${url.includes('?') ? '&' : '?'}${query.toString()}`, body: toXml({ AppId: app.appid, Encrypt: encrypted }) }
}

/** The platform wants the literal `success` ("接收到后必须直接返回字符串success"). */
const acknowledged = (status: number, body: string): boolean => status === 200 && body.trim() === 'success'

/** Sends the platform's own pushes (tickets, authorization changes) and keeps every one for the control API. */
export class ComponentPushes {
  readonly log: ComponentPush[] = []
  #seq = 0

  constructor (private readonly world: SimWorld, private readonly app: ComponentApp) {}

  push (infoType: InfoType, fields: EventFields): ComponentPush {
    const createTime = Math.floor(this.world.clock.nowMs() / 1000)
    const all: EventFields = { AppId: this.app.appid, CreateTime: createTime, InfoType: infoType, ...fields }
    const xml = toXml(all)
    const url = this.app.serverUrl
    const entry: ComponentPush = { id: `cmpevt_${++this.#seq}`, infoType, createTime, fields: all, xml, delivery: url === null ? 'no_server_url' : 'queued' }
    this.log.push(entry)
    if (url !== null) {
      const request = buildComponentPush(this.app, url, xml)
      this.world.notifier.send({
        channel: 'wxmp',
        kind: infoType,
        url: request.url,
        // A missed ticket is simply replaced by the next one ten minutes later; authorization
        // changes are retried like account pushes.
        retryMs: infoType === 'component_verify_ticket' ? [] : PUSH_RETRY_MS,
        build: () => ({ headers: { 'content-type': 'text/xml', 'user-agent': 'Mozilla/4.0' }, body: request.body }),
        acknowledged,
      })
    }
    return entry
  }

  clear (): void { this.log.length = 0 }
}
