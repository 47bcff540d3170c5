import type { SimWorld } from '../core/world'
import type { AppRegistry } from './apps'
import type { EventPusher } from './events'
import type { TokenStore } from './tokens'
import type { UserDirectory } from './users'

/** What every part of the WeChat platform simulator shares. */
export interface WxmpDeps {
  world: SimWorld
  apps: AppRegistry
  users: UserDirectory
  tokens: TokenStore
  events: EventPusher
}
