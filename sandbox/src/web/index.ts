import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Router from '@koa/router'
import type { SimWorld } from '../core/world'
import { renderHome } from './page'

// Read once; `</script` is broken up so the inline copy cannot close its own element.
const SCRIPT = readFileSync(join(__dirname, 'home.js'), 'utf8').replace(/<\/script/gi, '<\\/script')

/**
 * `GET /` on the browser-facing (wxmp) port: "yima 沙箱", every fake person's phone (official-account
 * messages and SMS), what each printer printed and each speaker said, recent notifications, and
 * links to every simulated host. URLs come from `world.urls` at request time.
 */
export function webRoutes (world: SimWorld): Router {
  const router = new Router()
  router.get('/', (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = renderHome(world.urls, SCRIPT)
  })
  return router
}
