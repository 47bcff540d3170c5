import { ERROR_MESSAGES, isErrorBody, type ErrorCode, type ErrorType } from './errors'

/** Failures that happen before the server could answer with an error body. */
export type ClientErrorCode = 'network_error' | 'invalid_response'

const CLIENT_MESSAGES: Record<ClientErrorCode, string> = {
  network_error: '网络连接失败，请检查网络后重试',
  invalid_response: '服务返回了无法识别的结果，请稍后再试',
}

/** A failed API call. `code` is what callers branch on; `message` is safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor (
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    readonly type: ErrorType,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly param?: string,
    readonly requestId?: string,
    /** What the server explained further (`error.details`, e.g. an import's rejected rows). */
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  method?: Method
  /** Path below the API base, e.g. `/v1/payments`. */
  path: string
  data?: unknown
  /** Send an `Idempotency-Key` (required on money-creating POSTs). */
  idempotent?: boolean
  /** Reuse a key when retrying the same logical operation; implies `idempotent`. */
  idempotencyKey?: string
}

export interface TransportRequest { url: string, method: Method, header: Record<string, string>, data?: unknown }
export interface TransportResponse { statusCode: number, data: unknown }

/** What a platform must provide: one HTTP exchange (Taro.request on both app targets). Rejects only when no answer came. */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

// The mini-program runtime has no crypto source, so these ids use Math.random: they only
// correlate logs and dedupe retries, they are not secrets.
/** `req_` + a ULID-shaped string (10 time chars, 16 random chars). */
export function newRequestId (now: number = Date.now()): string {
  let time = ''
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD.charAt(t % 32) + time
  let rand = ''
  for (let i = 0; i < 16; i++) rand += CROCKFORD.charAt(Math.floor(Math.random() * 32))
  return `req_${time}${rand}`
}

/** A random RFC 4122 version-4 UUID. */
export function newIdempotencyKey (): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16)
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
  })
}

export interface ApiClient {
  /** Resolves with the JSON body of a 2xx answer; anything else throws ApiError. */
  request: <T>(opts: RequestOptions) => Promise<T>
  /** Bearer token sent with every later request; `null` logs out. */
  setAuthToken: (token: string | null) => void
}

/**
 * The apps' client for the yima API: request id and bearer token on every call, an
 * `Idempotency-Key` where asked, and every failure as a typed ApiError built from the server's
 * `{ error: { type, code, message, param, requestId } }`.
 */
export function createApiClient (o: { base: string, send: Transport }): ApiClient {
  let authToken: string | null = null
  return {
    setAuthToken: (token) => { authToken = token },
    request: async <T>(opts: RequestOptions): Promise<T> => {
      const requestId = newRequestId()
      const header: Record<string, string> = { 'X-Request-Id': requestId }
      if (authToken !== null) header.Authorization = `Bearer ${authToken}`
      if (opts.idempotencyKey !== undefined || opts.idempotent === true) {
        header['Idempotency-Key'] = opts.idempotencyKey ?? newIdempotencyKey()
      }
      if (opts.data !== undefined) header['Content-Type'] = 'application/json'

      let res: { statusCode: number, data: unknown }
      try {
        res = await o.send({ url: o.base + opts.path, method: opts.method ?? 'GET', header, ...(opts.data === undefined ? {} : { data: opts.data }) })
      } catch {
        throw new ApiError(0, 'unavailable', 'network_error', CLIENT_MESSAGES.network_error, undefined, requestId)
      }

      if (res.statusCode >= 200 && res.statusCode < 300) return res.data as T
      if (isErrorBody(res.data)) {
        const e = res.data.error
        throw new ApiError(res.statusCode, e.type, e.code, e.message, e.param, e.requestId ?? requestId, e.details)
      }
      if (res.statusCode >= 500) {
        throw new ApiError(res.statusCode, 'internal', 'internal_error', ERROR_MESSAGES.internal_error, undefined, requestId)
      }
      throw new ApiError(res.statusCode, 'internal', 'invalid_response', CLIENT_MESSAGES.invalid_response, undefined, requestId)
    },
  }
}
