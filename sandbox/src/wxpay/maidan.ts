import { openidFor } from '../wxmp/users'

/** One merchant in a service provider's 微信买单 list. */
export interface MaidanMerchant {
  subMchId: string
  merchantName: string
  merchantShortname: string
  /** Whether 微信买单 is opened for this sub-merchant (switching its channel to 买单 needs it). */
  maidanEnabled: boolean
}

/** A service provider's 微信买单服务商助手 (the mini program SPs onboard 买单 merchants with). */
export interface MaidanAssistant {
  opened: boolean
  /** Openids (under whatever appid the caller got them) of the assistant's administrators. */
  adminOpenIds: string[]
  /** Test users (wxmp user ids) who administer it: their openid under any appid counts. */
  adminUsers: string[]
  /** Set by a successful `assistant/bind`; the merchant APIs answer NOT_BOUND before it. */
  bound: boolean
  merchants: MaidanMerchant[]
}

export type MaidanSetup = Omit<MaidanAssistant, 'bound'>

/**
 * The 买单 side of WeChat as the sandbox stands it in: WeChat Pay publishes no API for the 买单服务商助手,
 * so yima talks to the sandbox's own v3-style routes (README.md beside this file).
 */
export class MaidanRegistry {
  readonly #assistants = new Map<string, MaidanAssistant>()

  get (spMchId: string): MaidanAssistant | undefined { return this.#assistants.get(spMchId) }

  /** Replaces the assistant's setup; a binding survives unless the assistant is closed. */
  set (spMchId: string, setup: MaidanSetup): MaidanAssistant {
    const bound = setup.opened && (this.#assistants.get(spMchId)?.bound ?? false)
    const assistant: MaidanAssistant = { ...setup, bound }
    this.#assistants.set(spMchId, assistant)
    return assistant
  }

  /** Whether this WeChat user (openid under appid) administers the assistant. */
  isAdmin (assistant: MaidanAssistant, appid: string, openid: string): boolean {
    return assistant.adminOpenIds.includes(openid) || assistant.adminUsers.some((u) => openidFor(appid, u) === openid)
  }

  clear (): void { this.#assistants.clear() }
}
