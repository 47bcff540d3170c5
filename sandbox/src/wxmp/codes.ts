import { nonce } from '../core/ids'
import type { SimClock } from '../core/clock'
import { WxError } from './errors'

/** OAuth codes and wx.login codes: "只能使用一次，5分钟未被使用自动过期". */
export const CODE_TTL_MS = 300_000

type Entry<T> = T & { appid: string, expiresAt: number, used: boolean }

/** Single-use codes bound to one appid, expiring on the simulated clock. */
export class OneTimeCodes<T extends object> {
  readonly #codes = new Map<string, Entry<T>>()

  constructor (private readonly clock: SimClock) {}

  issue (appid: string, data: T): string {
    const code = nonce(32)
    this.#codes.set(code, { ...data, appid, expiresAt: this.clock.nowMs() + CODE_TTL_MS, used: false })
    return code
  }

  /**
   * 41008 missing; 40163 already exchanged; 40029 unknown, expired, issued to another appid or not
   * `accepted` by this exchange (WeChat reports an expired code as invalid, not with a code of its own).
   */
  redeem (appid: string, code: string | undefined, accepted: (data: T) => boolean = () => true): T {
    if (code === undefined) throw new WxError(41008)
    const entry = this.#codes.get(code)
    if (entry === undefined || entry.appid !== appid || !accepted(entry)) throw new WxError(40029)
    if (entry.used) throw new WxError(40163)
    if (this.clock.nowMs() >= entry.expiresAt) throw new WxError(40029)
    entry.used = true
    return entry
  }

  clear (): void { this.#codes.clear() }
}
