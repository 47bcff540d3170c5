import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'

// Placeholder until this simulator is written (issue 3); it answers nothing yet.

export interface DevicesClientConfig {}

export function createDevices (_world: SimWorld): SimChannel<DevicesClientConfig> {
  return { name: 'devices', routes: () => new Router(), clientConfig: () => ({}), reset: () => {} }
}
