import type { SimClock } from '../core/clock'

/** 飞鹅 (Feie) and 易联云 (Yilianyun) printers, 博瑞皓科 (BRHK) cloud speakers. */
export const VENDORS = ['feie', 'yly', 'brhk'] as const
export type Vendor = typeof VENDORS[number]
export const isSpeaker = (vendor: Vendor): boolean => vendor === 'brhk'

export type Paper = 'ok' | 'out'

/**
 * A print job as the vendor cloud keeps it. `waiting`: accepted, held until the printer is online
 * with paper; `failed`: lost (an OFFLINE/PAPER_OUT fault hit it), it never prints; `cancelled`:
 * cleared by the API before printing.
 */
export interface PrintJob {
  orderId: string
  originId?: string
  content: string
  copies: number
  receivedAt: string
  printedAt?: string
  state: 'waiting' | 'printed' | 'failed' | 'cancelled'
}

export interface Announcement { at: string, text: string, volume: number }

export interface Device {
  vendor: Vendor
  sn: string
  /** Feie 打印机识别码 (KEY), Yilianyun 终端密钥 (msign); unused for speakers. */
  key: string
  name: string
  online: boolean
  paper: Paper
  /** Who added/bound it: a Feie user, a Yilianyun client_id, a BRHK USERID. */
  boundTo?: string
  /** BRHK: the agency token the speaker was sold under, and its interface version (1–9). */
  agencyToken?: string
  version?: string
  volume: number
  jobs: PrintJob[]
  spoken: Announcement[]
  /** Pushed while the speaker was offline: the cloud took them, the shop never heard them. */
  missed: Announcement[]
  /** Created at start-up (survives reset) rather than by a test. */
  builtin: boolean
}

/** One device in `GET /__sim/devices`. */
export interface DeviceView {
  vendor: Vendor
  sn: string
  name: string
  online: boolean
  paper: Paper
  boundTo: string | null
  volume: number
  printed: Array<{ at: string, content: string, copies: number, orderId: string }>
  waiting: Array<{ receivedAt: string, content: string, copies: number, orderId: string }>
  spoken: Announcement[]
  missed: Announcement[]
}

export interface NewDevice { vendor: Vendor, sn: string, key: string, name?: string, version?: string, agencyToken?: string, builtin?: boolean }

export class DeviceRegistry {
  readonly #devices = new Map<string, Device>()

  constructor (private readonly clock: SimClock) {}

  /** A device off the production line: it exists at the vendor, nobody has added it yet. */
  manufacture (d: NewDevice): Device {
    if (this.#devices.has(d.sn)) throw Object.assign(new Error(`device ${d.sn} already exists`), { status: 409, expose: true })
    const device: Device = {
      vendor: d.vendor,
      sn: d.sn,
      key: d.key,
      name: d.name ?? d.sn,
      online: true,
      paper: 'ok',
      version: d.version,
      agencyToken: d.agencyToken,
      volume: 60,
      jobs: [],
      spoken: [],
      missed: [],
      builtin: d.builtin ?? false,
    }
    this.#devices.set(d.sn, device)
    return device
  }

  get (vendor: Vendor, sn: string): Device | undefined {
    const d = this.#devices.get(sn)
    return d?.vendor === vendor ? d : undefined
  }

  find (sn: string): Device | undefined { return this.#devices.get(sn) }

  all (): Device[] { return [...this.#devices.values()] }

  /** Printers print what they hold as soon as they are online with paper. */
  setState (device: Device, s: { online?: boolean, paper?: Paper }): void {
    device.online = s.online ?? device.online
    device.paper = s.paper ?? device.paper
    if (this.#ready(device)) for (const job of device.jobs) if (job.state === 'waiting') this.#print(job)
  }

  /** `lost`: a fault took the printer away for this job, so it never prints (the caller's retry must notice). */
  submit (device: Device, j: { orderId: string, originId?: string, content: string, copies: number, lost?: boolean }): PrintJob {
    const job: PrintJob = { orderId: j.orderId, originId: j.originId, content: j.content, copies: j.copies, receivedAt: this.clock.now().toISOString(), state: j.lost === true ? 'failed' : 'waiting' }
    device.jobs.push(job)
    if (job.state === 'waiting' && this.#ready(device)) this.#print(job)
    return job
  }

  job (orderId: string): { device: Device, job: PrintJob } | undefined {
    for (const device of this.#devices.values()) {
      const job = device.jobs.find((j) => j.orderId === orderId)
      if (job !== undefined) return { device, job }
    }
    return undefined
  }

  /** Speakers only say it when online; otherwise it is recorded as missed. */
  announce (device: Device, text: string, volume: number, heard = true): Announcement {
    const a = { at: this.clock.now().toISOString(), text, volume }
    if (heard && device.online) device.spoken.push(a)
    else device.missed.push(a)
    return a
  }

  /** Test-made devices go; built-in ones lose their bindings, jobs and announcements. */
  reset (): void {
    for (const [sn, d] of this.#devices) {
      if (!d.builtin) { this.#devices.delete(sn); continue }
      Object.assign(d, { online: true, paper: 'ok', boundTo: undefined, volume: 60, jobs: [], spoken: [], missed: [] })
    }
  }

  view (d: Device): DeviceView {
    return {
      vendor: d.vendor,
      sn: d.sn,
      name: d.name,
      online: d.online,
      paper: d.paper,
      boundTo: d.boundTo ?? null,
      volume: d.volume,
      printed: d.jobs.filter((j) => j.state === 'printed').map((j) => ({ at: j.printedAt ?? j.receivedAt, content: j.content, copies: j.copies, orderId: j.orderId })),
      waiting: d.jobs.filter((j) => j.state === 'waiting').map((j) => ({ receivedAt: j.receivedAt, content: j.content, copies: j.copies, orderId: j.orderId })),
      spoken: d.spoken,
      missed: d.missed,
    }
  }

  #ready (d: Device): boolean { return d.online && d.paper === 'ok' && !isSpeaker(d.vendor) }

  #print (job: PrintJob): void {
    job.state = 'printed'
    job.printedAt = this.clock.now().toISOString()
  }
}
