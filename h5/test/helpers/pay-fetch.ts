// A fake `fetch` for the pay pages' tests (their API client sends through fetch, not Taro.request).

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
