import { constants, randomBytes, sign } from 'node:crypto'
import { authenCode, verifyAuthenCode } from './authen'

/*
 * A reference client of the Cloud Pay HTTPS API, written from cloudpay-api.md (not from yima's
 * server code): integrators can use it as it is, and the tests drive the /cpay facade with it.
 *
 *   const cpay = new CloudPayClient({ baseUrl: 'https://pay.example.com', authenKey, outMchId, outSubMchId })
 *   const r = await cpay.call('query_order', { out_trade_no: 'sz0100…', pay_mch_key: cpay.mchKey({ out_shop_id }) })
 *   if (r.status === 0) r.payload.order_content.wxpay_order_content_ext.current_trade_state …
 */

export interface CloudPayClientOptions {
  /** The host, e.g. `https://pay.example.com` (requests go to `<baseUrl>/cpay/<api>`). */
  baseUrl: string
  /** The sub-merchant's 认证密钥. */
  authenKey: string
  outMchId: string
  outSubMchId: string
  /** The sub-merchant's 签名私钥 (PEM), for RSA-signed refund and reverse. */
  signingPrivateKey?: string
  /** Defaults to global fetch. */
  fetch?: typeof fetch
}

export interface CloudPayResponse<P = Record<string, unknown>> {
  status: number
  description: string
  logId: number
  internalStatus: number
  /** The object under the API's key (`micro_pay`, `query_order`, …); {} when absent. */
  payload: P
  /** The exact response_content string, and whether its authen_code verified (false when absent). */
  responseContent: string
  signed: boolean
}

export class CloudPayError extends Error {
  override readonly name = 'CloudPayError'
}

/** 32 lower-case hex characters, like the official Java client's dashless UUID. */
const nonce = (): string => randomBytes(16).toString('hex')

export class CloudPayClient {
  readonly #fetch: typeof fetch
  constructor (private readonly o: CloudPayClientOptions) { this.#fetch = o.fetch ?? fetch }

  /** A `pay_mch_key` with this client's ids and whatever else the call needs. */
  mchKey (extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { out_mch_id: this.o.outMchId, out_sub_mch_id: this.o.outSubMchId, ...extra }
  }

  /** The envelope of a request: `request_content` serialised once, HMAC'd (or RSA-PSS signed) over that string. */
  envelope (content: Record<string, unknown>, o: { rsa?: { saltLength?: number, field?: 'sign' | 'signature' } } = {}): { requestContent: string, body: string } {
    const requestContent = JSON.stringify({ nonce_str: nonce(), ...content })
    if (o.rsa !== undefined) {
      if (this.o.signingPrivateKey === undefined) throw new CloudPayError('no signing private key')
      const signature = sign('sha256', Buffer.from(requestContent, 'utf8'), {
        key: this.o.signingPrivateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: o.rsa.saltLength ?? 32,
      }).toString('base64')
      return { requestContent, body: JSON.stringify({ request_content: requestContent, authen_info: { s: { sign_type: 1, [o.rsa.field ?? 'sign']: signature } } }) }
    }
    return { requestContent, body: JSON.stringify({ request_content: requestContent, authen_info: { a: { authen_type: 1, authen_code: authenCode(this.o.authenKey, requestContent) } } }) }
  }

  /** Posts `/cpay/<api>` and reads the envelope; a status ≠ 0 is returned, not thrown. */
  async call<P = Record<string, unknown>> (api: string, content: Record<string, unknown>, o: { rsa?: { saltLength?: number, field?: 'sign' | 'signature' } } = {}): Promise<CloudPayResponse<P>> {
    return await this.send<P>(api, this.envelope(content, o).body)
  }

  /** Posts a body as given (tests send malformed or tampered envelopes through it). */
  async send<P = Record<string, unknown>> (api: string, body: string): Promise<CloudPayResponse<P>> {
    const res = await this.#fetch(`${this.o.baseUrl.replace(/\/$/, '')}/cpay/${api}`, { method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body })
    if (res.status !== 200) throw new CloudPayError(`HTTP ${res.status}`)
    const outer = JSON.parse(await res.text()) as { response_content?: unknown, authen_info?: { a?: { authen_code?: unknown } } }
    if (typeof outer.response_content !== 'string' || outer.response_content === '') throw new CloudPayError('response_content is not a string')
    const code = outer.authen_info?.a?.authen_code
    const signed = typeof code === 'string'
    // The official clients recompute it and compare case-sensitively: so does this one.
    if (signed && (code !== code.toUpperCase() || !verifyAuthenCode(this.o.authenKey, outer.response_content, code))) throw new CloudPayError('response authen_code does not verify')
    const content = JSON.parse(outer.response_content) as Record<string, unknown>
    const status = Number(content.status)
    if (status === 0 && !signed) throw new CloudPayError('authen_info为空')
    const payloadKey = Object.keys(content).find((k) => !['status', 'description', 'log_id', 'internal_status'].includes(k))
    return {
      status,
      description: String(content.description ?? ''),
      logId: Number(content.log_id),
      internalStatus: Number(content.internal_status),
      payload: (payloadKey === undefined ? {} : content[payloadKey]) as P,
      responseContent: outer.response_content,
      signed,
    }
  }

  /**
   * A trade-complete callback as it arrived at the integrator's server (§9): the envelope's
   * authen_code is checked over the exact `request_content` string with this client's key, then
   * read. Throws CloudPayError when it does not verify: such a callback must not be acted on.
   */
  readCallback (body: string): { content: Record<string, unknown>, requestContent: string } {
    let outer: { request_content?: unknown, authen_info?: { a?: { authen_code?: unknown } } }
    try {
      outer = JSON.parse(body) as typeof outer
    } catch {
      throw new CloudPayError('callback is not JSON')
    }
    const code = outer.authen_info?.a?.authen_code
    if (typeof outer.request_content !== 'string' || typeof code !== 'string') throw new CloudPayError('callback has no request_content or authen_code')
    if (!verifyAuthenCode(this.o.authenKey, outer.request_content, code)) throw new CloudPayError('callback authen_code does not verify')
    return { content: JSON.parse(outer.request_content) as Record<string, unknown>, requestContent: outer.request_content }
  }

  /** The answer that acknowledges a callback (anything else makes the server send it again). */
  static callbackAck (description = 'ok'): string {
    return JSON.stringify({ response_content: JSON.stringify({ status: 0, description }) })
  }

  /** `ping`: a plain JSON body, no envelope. */
  async ping (): Promise<{ status: number, timestamp: number }> {
    const res = await this.#fetch(`${this.o.baseUrl.replace(/\/$/, '')}/cpay/ping`, { method: 'POST', body: 'JAVAPing' })
    return await res.json() as { status: number, timestamp: number }
  }
}
