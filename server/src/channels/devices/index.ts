import type { DeviceVendors } from '../../config'
import { createBrhkAdapter } from './brhk'
import { createFeieAdapter } from './feie'
import type { DeviceVendorRegistry } from './types'
import { createYlyAdapter } from './yly'

export * from './types'
export { createBrhkAdapter, BRHK_MODEL_VERSION } from './brhk'
export { createFeieAdapter } from './feie'
export { createYlyAdapter } from './yly'

/** One adapter per vendor the platform has an account with (an explicit object, no lookups by name). */
export function createDeviceVendors (v: DeviceVendors | undefined, o: { timeoutMs?: number } = {}): DeviceVendorRegistry {
  const t = o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }
  return {
    printers: {
      ...(v?.feie == null ? {} : { feie: createFeieAdapter({ ...v.feie, ...t }) }),
      ...(v?.yly == null ? {} : { yly: createYlyAdapter({ ...v.yly, ...t }) }),
    },
    speakers: {
      ...(v?.brhk == null ? {} : { brhk: createBrhkAdapter({ ...v.brhk, ...t }) }),
    },
  }
}
