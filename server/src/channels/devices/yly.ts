import { createHash, randomUUID } from 'node:crypto'
import type { Secret } from '../../secret'
import { DEFAULT_VENDOR_TIMEOUT_MS, isRecord, postForm } from './http'
import { DIVIDER, plainText, type DeviceOutcome, type DeviceRefusal, type PrintDocument, type PrinterAdapter, type PrinterCondition } from './types'

// 易联云 open API (https://open-api.10ss.net, docs: github.com/elind-dev/openapi), own-app (自有应用)
// mode: form POSTs carrying client_id, timestamp, id (a UUID4 per request) and
// sign = md5(client_id + timestamp + client_secret); after /oauth/oauth also access_token.
// Answers are HTTP 200 {error, error_description, body?}, error "0" = ok.

export interface YlyOptions { baseUrl: string, clientId: string, clientSecret: Secret<string>, timeoutMs?: number }

interface Envelope { error: string, description: string, body: unknown }

const TOKEN_EXPIRED = '18'
const RULE = '-'.repeat(32)

/** Yilianyun markup: `<MN>n</MN>` 联数 (copies), `<center>`, `<FS2>` double size, newlines. */
export function ylyContent (doc: PrintDocument, copies: number): string {
  const body = doc.lines.map((l) => l === DIVIDER ? RULE : plainText(l)).join('\n')
  return `<MN>${copies}</MN><FS2><center>${plainText(doc.title)}</center></FS2>\n${body}\n\n`
}

/** getprintstatus `state`: 0 离线, 1 在线, 2 缺纸. */
export function ylyCondition (body: unknown): PrinterCondition {
  const state = isRecord(body) ? String(body.state) : ''
  switch (state) {
    case '0': return 'offline'
    case '1': return 'online'
    case '2': return 'paper_out'
    default: return 'unknown'
  }
}

/**
 * Error numbers of the API documents: 8 printer information wrong (a wrong msign when adding; a
 * printer not authorised to this app otherwise), 10 no permission (added by another app), 11 the
 * signature (the platform's client secret), 12/13/33 parameters, 18 the token.
 */
function refusal (api: string, e: Envelope): DeviceOutcome<never> {
  const adding = api === 'printer/addprinter'
  let code: DeviceRefusal
  switch (e.error) {
    case '8': code = adding ? 'bad_key' : 'not_ours'; break
    case '10': code = adding ? 'already_bound' : 'not_ours'; break
    case '11': case '18': code = 'auth'; break
    default: code = 'invalid'
  }
  return { kind: 'permanent', code, message: `易联云：${e.description !== '' ? e.description : `error ${e.error}`}`, raw: e }
}

export function createYlyAdapter (o: YlyOptions): PrinterAdapter {
  const timeoutMs = o.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS
  const base = o.baseUrl.replace(/\/+$/, '')
  // Own-app tokens do not expire, so one per process; error 18 fetches another. (Yilianyun limits
  // how often a token may be fetched; a restart costs one.)
  let token: Promise<DeviceOutcome<string>> | undefined

  const post = async (api: string, params: Record<string, string>): Promise<DeviceOutcome<Envelope>> => {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const sign = createHash('md5').update(o.clientId + timestamp + o.clientSecret.reveal()).digest('hex')
    const reply = await postForm(`${base}/${api}`, { client_id: o.clientId, timestamp, sign, id: randomUUID(), ...params }, timeoutMs)
    if (!reply.ok) {
      return reply.retryable ? { kind: 'retryable', reason: `yly ${api}: ${reply.reason}` } : { kind: 'permanent', code: 'invalid', message: `易联云接口 ${reply.reason}` }
    }
    const b = reply.body
    if (!isRecord(b) || (typeof b.error !== 'string' && typeof b.error !== 'number')) return { kind: 'retryable', reason: `yly ${api}: unexpected answer`, raw: b }
    const e: Envelope = { error: String(b.error), description: typeof b.error_description === 'string' ? b.error_description : '', body: b.body }
    return e.error === '0' ? { kind: 'ok', value: e, raw: b } : refusal(api, e)
  }

  const fetchToken = async (): Promise<DeviceOutcome<string>> => {
    const r = await post('oauth/oauth', { grant_type: 'client_credentials', scope: 'all' })
    if (r.kind !== 'ok') return r
    const t = isRecord(r.value.body) ? r.value.body.access_token : undefined
    return typeof t === 'string' && t !== '' ? { kind: 'ok', value: t, raw: null } : { kind: 'retryable', reason: 'yly oauth/oauth: no access_token in the answer' }
  }

  const accessToken = async (): Promise<DeviceOutcome<string>> => {
    token ??= fetchToken()
    const t = await token
    // A failed fetch is not kept: the next call tries again.
    if (t.kind !== 'ok') token = undefined
    return t
  }

  const call = async (api: string, params: Record<string, string>, retried = false): Promise<DeviceOutcome<Envelope>> => {
    const t = await accessToken()
    if (t.kind !== 'ok') return t
    const r = await post(api, { access_token: t.value, ...params })
    if (!retried && r.kind === 'permanent' && (r.raw as Envelope | undefined)?.error === TOKEN_EXPIRED) {
      token = undefined
      return await call(api, params, true)
    }
    return r
  }

  const done = (r: DeviceOutcome<Envelope>): DeviceOutcome<null> => r.kind === 'ok' ? { kind: 'ok', value: null, raw: r.raw } : r

  return {
    brand: 'yly',
    async bind ({ sn, key, name }) {
      return done(await call('printer/addprinter', { machine_code: sn, msign: key, ...(name === undefined ? {} : { print_name: name }) }))
    },
    async unbind (sn) {
      return done(await call('printer/deleteprinter', { machine_code: sn }))
    },
    async print ({ sn, doc, copies, requestId }) {
      // origin_id: the merchant's own order number, 1–32 letters and digits.
      const originId = requestId.replace(/[^0-9A-Za-z]/g, '').slice(0, 32)
      const r = await call('print/index', { machine_code: sn, content: ylyContent(doc, copies), origin_id: originId })
      if (r.kind !== 'ok') return r
      const id = isRecord(r.value.body) ? r.value.body.id : undefined
      return typeof id === 'string' || typeof id === 'number'
        ? { kind: 'ok', value: { vendorOrderId: String(id) }, raw: r.raw }
        : { kind: 'retryable', reason: 'yly print/index: no order id in the answer', raw: r.raw }
    },
    async status (sn) {
      const r = await call('printer/getprintstatus', { machine_code: sn })
      return r.kind === 'ok' ? { kind: 'ok', value: ylyCondition(r.value.body), raw: r.raw } : r
    },
  }
}
