import type Router from '@koa/router'
import type { WxmpDeps } from '../deps'
import type { Tickets } from '../tickets'
import { addCardRoutes } from './addcard'
import { cardRoutes } from './cards'
import type { CardDeps } from './common'
import { membercardRoutes } from './membercard'
import { qrcodeRoutes } from './qrcode'
import { CardStore } from './store'
import { submerchantRoutes } from './submerchant'
import { updateRoutes } from './update'
import { Wallet } from './wallet'

export { cardView } from './cards'
export type { Card, UserCard } from './store'

/**
 * The card wallet (卡券): member cards, codes, QR codes, card sub-merchants, and the customer's side
 * (claims through the bridge check cardExt signatures against the account's wx_card `tickets`).
 */
export class CardWallet {
  readonly store: CardStore
  readonly wallet: Wallet
  readonly #deps: CardDeps

  constructor (deps: WxmpDeps, private readonly tickets: Tickets) {
    this.store = new CardStore(deps.world.clock)
    this.#deps = { ...deps, store: this.store }
    this.wallet = new Wallet(this.#deps)
  }

  routes (router: Router): void {
    cardRoutes(router, this.#deps)
    updateRoutes(router, this.#deps)
    qrcodeRoutes(router, this.#deps, this.wallet)
    membercardRoutes(router, this.#deps)
    submerchantRoutes(router, this.#deps)
    addCardRoutes(router, this.#deps, this.wallet, this.tickets)
  }

  clear (): void { this.store.clear() }
}
