// A fake `fetch` for the pay pages' tests (their API client sends through fetch, not Taro.request).
import { browser } from '../../src/lib/browser'

export interface FakeRequest { url: string, method: string, header: Record<string, string>, credentials?: string, data?: unknown }
export interface FakeAnswer { status: number, body: unknown }

export const answer = (status: number, body: unknown): FakeAnswer => ({ status, body })

/** Installs a global fetch that hands each request to `handler`; a throw is a network failure. */
export function fakeFetch (handler: (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): jest.Mock {
  const fn = jest.fn(async (url: string, init: RequestInit = {}) => {
    const req: FakeRequest = {
      url,
      method: init.method ?? 'GET',
      header: (init.headers ?? {}) as Record<string, string>,
      ...(init.credentials === undefined ? {} : { credentials: init.credentials }),
      ...(typeof init.body === 'string' ? { data: JSON.parse(init.body) } : {}),
    }
    const a = await handler(req)
    return { status: a.status, text: async () => (a.body === undefined ? '' : JSON.stringify(a.body)) }
  })
  globalThis.fetch = fn as unknown as typeof fetch
  return fn
}

export type Handler = (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>

/** Answers by "METHOD url"; unknown calls fail the request (a network error for the page). Returns every request, in order. */
export function serveRoutes (routes: Record<string, Handler>): FakeRequest[] {
  const seen: FakeRequest[] = []
  fakeFetch(async (req) => {
    seen.push(req)
    const handler = routes[`${req.method} ${req.url}`]
    if (handler === undefined) throw new Error(`unexpected ${req.method} ${req.url}`)
    return await handler(req)
  })
  return seen
}

/** For each test of the file: fake timers, and browser.replace / browser.assign as mocks (restored after). */
export function fakeTimersAndNavigation (): void {
  const realBrowser = { ...browser }
  beforeEach(() => {
    jest.useFakeTimers()
    browser.replace = jest.fn()
    browser.assign = jest.fn()
  })
  afterEach(() => {
    jest.useRealTimers()
    Object.assign(browser, realBrowser)
  })
}
