import type { Context } from 'koa'
import type { FaultMode } from '../core/faults'

/**
 * Query and form/JSON body merged into flat strings (the body wins), the way these PHP-era vendor
 * gateways read `$_REQUEST`. Non-string values are stringified; arrays keep their first element.
 */
export function requestParams (ctx: Context): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (source: unknown): void => {
    if (typeof source !== 'object' || source === null) return
    for (const [k, v] of Object.entries(source)) {
      const first: unknown = Array.isArray(v) ? v[0] : v
      if (typeof first === 'string') out[k] = first
      else if (typeof first === 'number' || typeof first === 'boolean') out[k] = String(first)
    }
  }
  add(ctx.query)
  add(ctx.request.body)
  return out
}

/**
 * Applies the transport-level faults: `TIMEOUT` keeps the connection open without answering (the
 * client's own timeout decides), `5xx` answers 500 as a failing gateway would. Returns true when the
 * request has been dealt with; OFFLINE/PAPER_OUT are the vendor handlers' business.
 */
export async function transportFault (ctx: Context, fault: FaultMode | undefined): Promise<boolean> {
  if (fault === 'TIMEOUT') {
    await new Promise<void>((resolve) => { ctx.res.once('close', resolve) })
    ctx.respond = false
    return true
  }
  if (fault === '5xx') {
    ctx.status = 500
    ctx.type = 'text/html'
    ctx.body = '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center></body></html>'
    return true
  }
  return false
}

/** Only OFFLINE and PAPER_OUT change what a device does; the other modes are transport faults. */
export type DeviceFault = 'OFFLINE' | 'PAPER_OUT' | undefined
export const deviceFault = (fault: FaultMode | undefined): DeviceFault =>
  fault === 'OFFLINE' || fault === 'PAPER_OUT' ? fault : undefined
