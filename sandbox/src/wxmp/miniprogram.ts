import { randomBytes } from 'node:crypto'
import type Router from '@koa/router'
import type { WxApp } from './apps'
import { OneTimeCodes } from './codes'
import type { WxmpDeps } from './deps'
import { WxError } from './errors'
import { api, param } from './http'
import type { SimUser } from './users'

/** Mini-program login: codes `wx.login()` would return, exchanged by `/sns/jscode2session`. */
export class MiniProgramLogin {
  readonly #codes

  constructor (private readonly deps: WxmpDeps) {
    this.#codes = new OneTimeCodes<{ user: SimUser }>(deps.world.clock)
  }

  /** What `wx.login()` gives the mini program for this user (control: `POST /__sim/wxmp/js-code`). */
  issueCode (app: WxApp, user: SimUser): string { return this.#codes.issue(app.appid, { user }) }

  clear (): void { this.#codes.clear() }

  routes (router: Router): void {
    const { world, apps, users } = this.deps
    router.get('/sns/jscode2session', api(world, (ctx) => {
      if (param(ctx, 'grant_type') !== 'authorization_code') throw new WxError(40002)
      const app = apps.authenticate(param(ctx, 'appid'), param(ctx, 'secret'))
      const { user } = this.#codes.redeem(app.appid, param(ctx, 'js_code'))
      // A new session_key per login, 16 random bytes in base64 like the real one.
      return {
        session_key: randomBytes(16).toString('base64'),
        openid: users.openid(app, user),
        ...(app.unionid ? { unionid: users.unionid(user) } : {}),
      }
    }))
  }
}
