import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'
import { AppRegistry } from './apps'
import { CardWallet } from './cards'
import { Component } from './component'
import { componentApiRoutes } from './component/api'
import { componentControlRoutes } from './component/control'
import { componentLoginRoutes } from './component/login'
import { wxmpControlRoutes } from './control'
import type { WxmpDeps } from './deps'
import { EventPusher } from './events'
import { MiniProgramLogin } from './miniprogram'
import { OAuth } from './oauth'
import { Templates } from './templates'
import { Tickets } from './tickets'
import { tokenRoutes, TokenStore } from './tokens'
import { UserDirectory } from './users'

/** What yima's WeChat platform client needs to use the simulator instead of api/open.weixin.qq.com. */
export interface WxmpClientConfig {
  /** Stands in for https://api.weixin.qq.com (read when asked: the port is known once listening). */
  readonly apiBaseUrl: string
  /** Stands in for https://open.weixin.qq.com (OAuth authorize); the same port as apiBaseUrl. */
  readonly openBaseUrl: string
  /** The service provider's official account: OAuth, template messages, cards, event pushes. */
  officialAccount: { appId: string, appSecret: string, originalId: string, token: string, encodingAESKey: string }
  miniProgram: { appId: string, appSecret: string }
  /** yima as a third-party platform (第三方平台) that SPs' official accounts authorize (T3). */
  component: { appid: string, secret: string, token: string, encodingAESKey: string }
}

/**
 * The WeChat platform simulator: access tokens, web authorization, mini-program login, template
 * messages, JS-SDK tickets, card-wallet member cards, XML event pushes (channels.md §4, §5.5) and
 * the open platform's third-party platform (第三方平台) that official accounts authorize.
 */
/** `officialAccountAppId`: the SP's account is the one WeChat Pay knows as its sp_appid. */
export function createWxmp (world: SimWorld, o: { officialAccountAppId?: string } = {}): SimChannel<WxmpClientConfig> {
  const apps = new AppRegistry(o.officialAccountAppId)
  const deps: WxmpDeps = { world, apps, users: new UserDirectory(apps), tokens: new TokenStore(world.clock), events: new EventPusher(world) }
  const component = new Component(deps)
  const oauth = new OAuth(deps, component)
  const miniProgram = new MiniProgramLogin(deps)
  const templates = new Templates(deps)
  const tickets = new Tickets(deps)
  const cards = new CardWallet(deps, tickets)

  return {
    name: 'wxmp',
    routes: () => {
      const router = new Router()
      tokenRoutes(router, deps)
      componentApiRoutes(router, deps, component)
      componentLoginRoutes(router, deps, component)
      oauth.routes(router)
      miniProgram.routes(router)
      templates.routes(router)
      tickets.routes(router)
      cards.routes(router)
      wxmpControlRoutes(router, { ...deps, oauth, miniProgram, templates, tickets, cards })
      componentControlRoutes(router, deps, component)
      return router
    },
    clientConfig: () => {
      const oa = apps.officialAccount
      const mp = apps.miniProgram
      return {
        get apiBaseUrl () { return world.urls.wxmp },
        get openBaseUrl () { return world.urls.wxmp },
        officialAccount: { appId: oa.appid, appSecret: oa.secret, originalId: oa.originalId, token: oa.server.token, encodingAESKey: oa.server.encodingAESKey },
        miniProgram: { appId: mp.appid, appSecret: mp.secret },
        component: { appid: component.app.appid, secret: component.app.secret, token: component.app.token, encodingAESKey: component.app.encodingAESKey },
      }
    },
    // Accounts, users and registered templates stay (like keys and merchants); everything issued or
    // done goes, and every user follows every account again.
    reset: () => {
      deps.tokens.clear()
      deps.events.clear()
      deps.users.resetRelations()
      oauth.clear()
      component.clear()
      miniProgram.clear()
      templates.clear()
      tickets.clear()
      cards.clear()
    },
  }
}
