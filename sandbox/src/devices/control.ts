import type Router from '@koa/router'
import { z } from 'zod'
import { parseControl } from '../core/control'
import { digits, nonce } from '../core/ids'
import { isSpeaker, VENDORS, type DeviceRegistry, type Vendor } from './registry'

/** Serial numbers and keys shaped like each vendor's labels. */
export function newSerial (vendor: Vendor): { sn: string, key: string } {
  switch (vendor) {
    case 'feie': return { sn: `9${digits(8)}`, key: nonce(8).toLowerCase() }
    case 'yly': return { sn: `40${digits(8)}`, key: nonce(12).toLowerCase() }
    case 'brhk': return { sn: `1${digits(7)}`, key: '' }
  }
}

const NewDevice = z.object({
  vendor: z.enum(VENDORS),
  sn: z.string().regex(/^[0-9A-Za-z]{4,32}$/).optional(),
  key: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(64).optional(),
  /** Speakers: interface version printed on the label (1–9). */
  version: z.string().regex(/^[1-9]$/).optional(),
  /** Speakers: sold under another agency's token (the sandbox token then gets errcode 8). */
  agencyToken: z.string().min(1).optional(),
})
const State = z.object({ online: z.boolean().optional(), paper: z.enum(['ok', 'out']).optional() })

/** `/__sim/devices*`: the shop floor (what every device printed or said), new devices, power and paper. */
export function devicesControlRoutes (router: Router, registry: DeviceRegistry, defaultAgencyToken: string): void {
  router.get('/__sim/devices', (ctx) => {
    const vendor = typeof ctx.query.vendor === 'string' ? ctx.query.vendor : undefined
    ctx.body = registry.all().filter((d) => vendor === undefined || d.vendor === vendor).map((d) => registry.view(d))
  })
  /** A device off the production line, not yet added to any account; answers its key. */
  router.post('/__sim/devices', (ctx) => {
    const input = parseControl(NewDevice, ctx.request.body)
    const serial = newSerial(input.vendor)
    const speaker = isSpeaker(input.vendor)
    const d = registry.manufacture({
      vendor: input.vendor,
      sn: input.sn ?? serial.sn,
      key: input.key ?? serial.key,
      name: input.name,
      version: speaker ? input.version ?? '9' : undefined,
      agencyToken: speaker ? input.agencyToken ?? defaultAgencyToken : undefined,
    })
    ctx.status = 201
    ctx.body = { ...registry.view(d), key: d.key, version: d.version ?? null }
  })
  router.get('/__sim/devices/:sn', (ctx) => {
    const d = registry.find(ctx.params.sn ?? '')
    if (d !== undefined) ctx.body = registry.view(d)
  })
  /** Power and paper. A printer back online with paper prints what the cloud held for it. */
  router.post('/__sim/devices/:sn/state', (ctx) => {
    const d = registry.find(ctx.params.sn ?? '')
    if (d === undefined) return
    const s = parseControl(State, ctx.request.body)
    if (s.paper !== undefined && isSpeaker(d.vendor)) ctx.throw(400, 'speakers have no paper')
    registry.setState(d, s)
    ctx.body = registry.view(d)
  })
}
