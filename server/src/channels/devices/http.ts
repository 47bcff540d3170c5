/** What came back from a vendor, before its envelope is read. */
export type VendorReply =
  | { ok: true, body: unknown }
  | { ok: false, retryable: boolean, reason: string }

/** How long a vendor has to answer; the print and announce jobs allow a little more. */
export const DEFAULT_VENDOR_TIMEOUT_MS = 8_000

/**
 * Form-POSTs `params` and parses the JSON answer. These PHP-era gateways answer HTTP 200 with their
 * own envelope for every business outcome, so anything else is transport: a 5xx, a 429, a timeout,
 * a refused connection or a body that is not JSON may succeed later; another 4xx will not.
 */
export async function postForm (url: string, params: Record<string, string>, timeoutMs: number): Promise<VendorReply> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const name = err instanceof Error ? err.name : ''
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, retryable: true, reason: `timeout after ${timeoutMs} ms` }
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err)
    return { ok: false, retryable: true, reason: `connection failed: ${cause}` }
  }
  const text = await res.text().catch(() => '')
  if (res.status !== 200) return { ok: false, retryable: res.status >= 500 || res.status === 429, reason: `HTTP ${res.status}` }
  try {
    return { ok: true, body: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, retryable: true, reason: `answer is not JSON: ${text.slice(0, 80)}` }
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
