import Router from '@koa/router'
import type { SimChannel, SimWorld } from '../core/world'
import { AppRegistry } from './apps'
import { CardWallet } from './cards'
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
}

/**
 * The WeChat platform simulator: access tokens, web authorization, mini-program login, template
 * messages, JS-SDK tickets, card-wallet member cards and XML event pushes (channels.md §4, §5.5).
 */
export function createWxmp (world: SimWorld): SimChannel<WxmpClientConfig> {
  const apps = new AppRegistry()
  const deps: WxmpDeps = { world, apps, users: new UserDirectory(apps), tokens: new TokenStore(world.clock), events: new EventPusher(world) }
  const oauth = new OAuth(deps)
  const miniProgram = new MiniProgramLogin(deps)
  const templates = new Templates(deps)
  const tickets = new Tickets(deps)
  const cards = new CardWallet(deps)

  return {
    name: 'wxmp',
    routes: () => {
      const router = new Router()
      tokenRoutes(router, deps)
      oauth.routes(router)
      miniProgram.routes(router)
      templates.routes(router)
      tickets.routes(router)
      cards.routes(router)
      wxmpControlRoutes(router, { ...deps, oauth, miniProgram, templates, tickets, cards })
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
      }
    },
    // Accounts, users and registered templates stay (like keys and merchants); everything issued or
    // done goes, and every user follows every account again.
    reset: () => {
      deps.tokens.clear()
      deps.events.clear()
      deps.users.resetRelations()
      oauth.clear()
      miniProgram.clear()
      templates.clear()
      tickets.clear()
      cards.clear()
    },
  }
}
