import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'
import { appAuthRoutes } from './appauth'
import { AlipayAuth } from './auth'
import { alipayControlRoutes } from './control'
import { gatewayRoutes } from './gateway'
import { generateAlipayKeys } from './keys'
import { FundAuthLedger } from './fund-auth-ledger'
import { TradeLedger } from './ledger'
import { notifyTradeChange } from './notify'
import { pageRoutes } from './pages'
import type { AlipaySim } from './sim'
import { v3Routes } from './v3'

/** What yima's configuration needs to point alipay-sdk at the simulator (channels.md §1.2). */
export interface AlipayClientConfig {
  /** The ISV's third-party app id (2021…). */
  readonly appId: string
  /** PKCS#8 PEM: `new AlipaySdk({ privateKey, keyType: 'PKCS8' })`. */
  readonly appPrivateKeyPem: string
  readonly appPublicKeyPem: string
  /** Verifies responses, notifications and sync returns. */
  readonly alipayPublicKeyPem: string
  /** The ISV's own PID (2088…). */
  readonly pid: string
  /** `${url}/gateway.do`: alipay-sdk `gateway` (v2). */
  readonly gateway: string
  /** The root URL: alipay-sdk `endpoint` (v3). */
  readonly endpoint: string
}

/**
 * The Alipay simulator (ISV mode): v2 gateway, page methods and cashier, v3 REST, trade_status_sync
 * notifications and `/__sim/alipay/*` controls. Keys and ids are generated per run.
 */
export function createAlipay (world: SimWorld): SimChannel<AlipayClientConfig> {
  const keys = generateAlipayKeys()
  const auth = new AlipayAuth(world.clock)
  const sim: AlipaySim = {
    world,
    keys,
    auth,
    ledger: new TradeLedger(world, (t, change) => { notifyTradeChange(sim, t, change) }),
    fundAuth: new FundAuthLedger(world),
    barcode: [],
  }
  return {
    name: 'alipay',
    routes: () => {
      const router = new Router()
      for (const r of [gatewayRoutes(sim), v3Routes(sim), pageRoutes(sim), appAuthRoutes(sim), alipayControlRoutes(sim)]) router.use(r.routes())
      return router
    },
    // Getters: the port is bound only after createAlipay, so URLs are read when used.
    clientConfig: () => ({
      appId: keys.appId,
      appPrivateKeyPem: keys.app.privateKeyPem,
      appPublicKeyPem: keys.app.publicKeyPem,
      alipayPublicKeyPem: keys.alipay.publicKeyPem,
      pid: keys.pid,
      get gateway () { return `${world.urls.alipay}/gateway.do` },
      get endpoint () { return world.urls.alipay },
    }),
    reset: () => {
      sim.ledger.reset()
      sim.fundAuth.reset()
      sim.auth.reset()
      sim.barcode.length = 0
    },
  }
}
