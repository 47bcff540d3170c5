import type { Context } from 'koa'

/** Query and form parameters as one string map; the form wins, repeated keys keep the first value. */
export function mergeParams (...sources: unknown[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const src of sources) {
    if (typeof src !== 'object' || src === null) continue
    for (const [k, v] of Object.entries(src)) {
      const value: unknown = Array.isArray(v) ? v[0] : v
      if (typeof value === 'string') out[k] = value
    }
  }
  return out
}

/** The TIMEOUT fault: the request was received (and acted on) but no answer ever comes. */
export async function hangUp (ctx: Context): Promise<void> {
  ctx.respond = false
  const socket = ctx.req.socket
  if (socket.destroyed) return
  await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)
