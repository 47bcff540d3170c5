import type Router from '@koa/router'
import { SimClock } from './clock'
import { Faults } from './faults'
import { Notifier } from './notifier'
import { Scheduler } from './scheduler'

/** The host families the sandbox stands in for; each gets its own port (see channels.md §5.1). */
export type HostName = 'wxpay' | 'alipay' | 'wxmp' | 'sms' | 'devices'

/** One simulated party: its real API routes and `/__sim/<name>/*` controls, on its own port. */
export interface SimChannel<C = unknown> {
  readonly name: HostName
  routes (): Router
  /** What yima's configuration needs to talk to this party (ids, keys, certificates), all fake. */
  clientConfig (): C
  /** Forgets every order, message and device state (keys and merchants stay). */
  reset (): void
}

/** Shared by every simulator: business time, scheduled work, outbound notifications, faults. */
export class SimWorld {
  readonly clock = new SimClock()
  readonly scheduler = new Scheduler(this.clock)
  readonly notifier = new Notifier(this.clock, this.scheduler)
  readonly faults = new Faults()
  /** Base URLs once listening, e.g. `urls.wxpay` = `http://127.0.0.1:41234`. */
  urls: Record<HostName, string> = { wxpay: '', alipay: '', wxmp: '', sms: '', devices: '' }

  reset (): void {
    this.scheduler.clear()
    this.notifier.clear()
    this.faults.clear()
    this.clock.reset()
  }

  stop (): void { this.scheduler.stop() }
}
