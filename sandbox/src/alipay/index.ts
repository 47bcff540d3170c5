import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'

// Placeholder until this simulator is written (issue 3); it answers nothing yet.

export interface AlipayClientConfig {}

export function createAlipay (_world: SimWorld): SimChannel<AlipayClientConfig> {
  return { name: 'alipay', routes: () => new Router(), clientConfig: () => ({}), reset: () => {} }
}
