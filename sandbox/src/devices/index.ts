import { randomInt } from 'node:crypto'
import Router from '@koa/router'
import { digits, hex, nonce } from '../core/ids'
import type { SimChannel, SimWorld } from '../core/world'
import { brhkRoutes, type BrhkAccount } from './brhk'
import { devicesControlRoutes, newSerial } from './control'
import { feieRoutes, type FeieAccount } from './feie'
import { DeviceRegistry, type Vendor } from './registry'
import { ylyRoutes, type YlyAccount } from './yly'

export type { DeviceView, Vendor } from './registry'

/** A device that exists at the vendor from the start, ready to be added through its API. */
export interface FactoryDevice { vendor: Vendor, sn: string, key: string, name: string, version?: string }

/** Credentials and base URLs for yima's printer and speaker clients (URLs read when accessed). */
export interface DevicesClientConfig {
  /** 飞鹅云: `url` replaces http://api.feieyun.cn/Api/Open/. */
  feie: FeieAccount & { readonly url: string }
  /** 易联云 own-app mode: `baseUrl` replaces https://open-api.10ss.net. */
  yly: YlyAccount & { readonly baseUrl: string }
  /** 博瑞皓科 speakers: `baseUrl` replaces https://speaker.17laimai.cn. */
  brhk: BrhkAccount & { readonly baseUrl: string }
  devices: FactoryDevice[]
}

const BUILTIN: Array<{ vendor: Vendor, name: string }> = [
  { vendor: 'feie', name: '前台小票机' },
  { vendor: 'feie', name: '后厨打印机' },
  { vendor: 'yly', name: '收银台打印机' },
  { vendor: 'yly', name: '吧台打印机' },
  { vendor: 'brhk', name: '收银台云喇叭' },
  { vendor: 'brhk', name: '门口云喇叭' },
]

/** Cloud printers (Feie, Yilianyun) and speakers (BRHK) on one port, a path prefix each. See README.md. */
export function createDevices (world: SimWorld): SimChannel<DevicesClientConfig> {
  const registry = new DeviceRegistry(world.clock)
  const feie: FeieAccount = { user: 'yima-sandbox@feieyun.test', ukey: nonce(16) }
  const yly: YlyAccount = { clientId: `10${digits(8)}`, clientSecret: hex(16) }
  // BRHK tokens are 12 characters; the first four digits are the agency id (1000–9999).
  const brhk: BrhkAccount = { token: `${randomInt(1000, 10_000)}${nonce(8)}` }
  const factory = BUILTIN.map(({ vendor, name }): FactoryDevice => {
    const { sn, key } = newSerial(vendor)
    const speaker = vendor === 'brhk'
    registry.manufacture({ vendor, sn, key, name, builtin: true, ...(speaker ? { version: '9', agencyToken: brhk.token } : {}) })
    return speaker ? { vendor, sn, key, name, version: '9' } : { vendor, sn, key, name }
  })

  const router = new Router()
  feieRoutes(router, world, registry, feie)
  ylyRoutes(router, world, registry, yly)
  brhkRoutes(router, world, registry, brhk)
  devicesControlRoutes(router, registry, brhk.token)
  return {
    name: 'devices',
    routes: () => router,
    clientConfig: () => ({
      feie: { ...feie, get url () { return `${world.urls.devices}/feie/Api/Open/` } },
      yly: { ...yly, get baseUrl () { return `${world.urls.devices}/yly` } },
      brhk: { ...brhk, get baseUrl () { return `${world.urls.devices}/brhk` } },
      devices: factory,
    }),
    reset: () => { registry.reset() },
  }
}
