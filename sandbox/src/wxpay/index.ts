import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'

// Placeholder until this simulator is written (issue 3); it answers nothing yet.

export interface WxpayClientConfig {}

export function createWxpay (_world: SimWorld): SimChannel<WxpayClientConfig> {
  return { name: 'wxpay', routes: () => new Router(), clientConfig: () => ({}), reset: () => {} }
}
