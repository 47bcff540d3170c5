import type { Transport } from '@yima/shared'

/**
 * The API client's transport over the browser's own `fetch`, cookies included. The customer's
 * pay pages use it instead of Taro.request, whose H5 implementation (a jsonp client and a fetch
 * polyfill, ~26 KB) would be the biggest piece of their first load after React and Taro
 * themselves. Rejects only when no answer came, as Transport requires.
 */
export const fetchTransport: Transport = async (req) => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.header,
    credentials: 'include',
    ...(req.data === undefined ? {} : { body: JSON.stringify(req.data) }),
  })
  const text = await res.text()
  let data: unknown = text
  try {
    data = text === '' ? null : JSON.parse(text)
  } catch { /* not JSON: the client reports invalid_response (or internal_error for a 5xx) */ }
  return { statusCode: res.status, data }
}
