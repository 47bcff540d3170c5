import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'

// Placeholder until this simulator is written (issue 3); it answers nothing yet.

export interface WxmpClientConfig {}

export function createWxmp (_world: SimWorld): SimChannel<WxmpClientConfig> {
  return { name: 'wxmp', routes: () => new Router(), clientConfig: () => ({}), reset: () => {} }
}
