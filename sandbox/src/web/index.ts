import Router from '@koa/router'
import type { SimWorld } from '../core/world'

// Placeholder until the home page is written (issue 3).
export function webRoutes (_world: SimWorld): Router {
  return new Router()
}
