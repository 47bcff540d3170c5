/**
 * Faults a test asks for (`POST /__sim/faults {route, mode, count}`), consumed by the next
 * `count` matching calls. `route` is a channel-qualified key such as
 * `wxpay:POST /v3/pay/partner/transactions/jsapi`, `wxpay:notify`, `alipay:alipay.trade.query`
 * or `alipay:notify`; `*` after the colon matches every route of that channel.
 */
export const FAULT_MODES = [
  'SIGN_BAD', 'SERIAL_UNKNOWN', 'SIGNTEST', 'STALE_TIMESTAMP', 'GCM_TAMPER',
  'TIMEOUT', '5xx', 'EMPTY_FIELD', 'LATE_SUCCESS_AFTER_CLOSE', 'OFFLINE', 'PAPER_OUT',
] as const
export type FaultMode = typeof FAULT_MODES[number]

interface Fault { route: string, mode: FaultMode, remaining: number }

export class Faults {
  #faults: Fault[] = []

  add (route: string, mode: FaultMode, count = 1): void {
    this.#faults.push({ route, mode, remaining: count })
  }

  /** The fault for this call, if one is armed; uses one of its count. */
  take (route: string): FaultMode | undefined {
    const [channel] = route.split(':')
    const fault = this.#faults.find((f) => f.remaining > 0 && (f.route === route || f.route === `${channel}:*`))
    if (fault === undefined) return undefined
    fault.remaining--
    this.#faults = this.#faults.filter((f) => f.remaining > 0)
    return fault.mode
  }

  clear (): void { this.#faults = [] }
}
