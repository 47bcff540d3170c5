import type { Clock } from '../../clock'
import type { Secret } from '../../secret'
import { WechatApiError, wechatCall, type WechatHosts } from './client'
import type { WechatComponent } from './component'

/**
 * Whose access_token to use for an official account's APIs:
 * - `secret`: the account's own AppSecret, through `POST /cgi-bin/stable_token`. Unlike
 *   `/cgi-bin/token`, the stable token does not replace the one the account's own systems hold,
 *   so yima calling it never logs the SP's other servers out, and every yima instance gets the
 *   same token;
 * - `authorizer`: the account authorized the platform (T3); the open platform issues an
 *   authorizer_access_token from the authorization's refresh token.
 */
export type TokenSource =
  | { kind: 'secret', appId: string, secret: Secret<string> }
  | { kind: 'authorizer', appId: string, refreshToken: Secret<string>, component: WechatComponent }

/** 40001 invalid or replaced, 42001 expired, 40014 malformed: a fresh token may work. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014])

/** Refresh this long before WeChat's expiry, so a token is never used in its last moments. */
const EARLY_MS = 5 * 60_000

interface Cached { value: string, expiresAt: number }

/**
 * access_tokens per account, cached in memory until shortly before they expire, fetched once at
 * a time per account. `call` runs an API call with a token and, when WeChat says the token is no
 * good (someone refreshed it, it expired early), drops it and retries exactly once (channels.md §4).
 */
export class AccessTokens {
  readonly #cache = new Map<string, Cached>()
  readonly #fetching = new Map<string, Promise<string>>()

  constructor (private readonly deps: { hosts: WechatHosts, clock: Clock }) {}

  async call<T> (source: TokenSource, run: (token: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.token(source, signal)
    try {
      return await run(token)
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERRCODES.has(err.errcode)) throw err
      this.forget(source, token)
      return await run(await this.token(source, signal))
    }
  }

  async token (source: TokenSource, signal?: AbortSignal): Promise<string> {
    const key = keyOf(source)
    const cached = this.#cache.get(key)
    if (cached !== undefined && this.deps.clock.now().getTime() < cached.expiresAt) return cached.value
    const running = this.#fetching.get(key)
    if (running !== undefined) return await running
    const fetching = this.#fetch(source, signal).finally(() => { this.#fetching.delete(key) })
    this.#fetching.set(key, fetching)
    return await fetching
  }

  /** Drops the token if it is still the cached one (another call may have replaced it already). */
  forget (source: TokenSource, token: string): void {
    const key = keyOf(source)
    if (this.#cache.get(key)?.value === token) this.#cache.delete(key)
  }

  async #fetch (source: TokenSource, signal?: AbortSignal): Promise<string> {
    const r = source.kind === 'secret' ? await this.#stable(source, signal) : await this.#authorizer(source, signal)
    const lifetimeMs = Math.max(0, r.expiresIn * 1000 - EARLY_MS)
    this.#cache.set(keyOf(source), { value: r.token, expiresAt: this.deps.clock.now().getTime() + lifetimeMs })
    return r.token
  }

  async #stable (s: Extract<TokenSource, { kind: 'secret' }>, signal?: AbortSignal): Promise<{ token: string, expiresIn: number }> {
    const r = await wechatCall<{ access_token: string, expires_in: number }>(this.deps.hosts.api, 'cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: s.appId, secret: s.secret.reveal(), force_refresh: false },
      ...(signal === undefined ? {} : { signal }),
    })
    return { token: r.access_token, expiresIn: r.expires_in }
  }

  async #authorizer (s: Extract<TokenSource, { kind: 'authorizer' }>, signal?: AbortSignal): Promise<{ token: string, expiresIn: number }> {
    const ask = async (): Promise<{ authorizer_access_token: string, expires_in: number }> =>
      await wechatCall(this.deps.hosts.api, 'cgi-bin/component/api_authorizer_token', {
        query: { component_access_token: await s.component.accessToken() },
        body: { component_appid: s.component.appId, authorizer_appid: s.appId, authorizer_refresh_token: s.refreshToken.reveal() },
        ...(signal === undefined ? {} : { signal }),
      })
    let r: { authorizer_access_token: string, expires_in: number }
    try {
      r = await ask()
    } catch (err) {
      // The platform's own component_access_token went stale: the same single retry.
      if (!(err instanceof WechatApiError) || !TOKEN_ERRCODES.has(err.errcode)) throw err
      s.component.forgetToken()
      r = await ask()
    }
    return { token: r.authorizer_access_token, expiresIn: r.expires_in }
  }
}

const keyOf = (s: TokenSource): string => `${s.kind}|${s.appId}`
