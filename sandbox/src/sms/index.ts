import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'

// Placeholder until this simulator is written (issue 3); it answers nothing yet.

export interface SmsClientConfig {}

export function createSms (_world: SimWorld): SimChannel<SmsClientConfig> {
  return { name: 'sms', routes: () => new Router(), clientConfig: () => ({}), reset: () => {} }
}
