import type { Clock } from '../../clock'
import type { Secret } from '../../secret'
import { wechatCall, type WechatHosts } from './client'
import { WechatMsgCrypt } from './msg-crypt'

/** The platform's registration as a WeChat open-platform third-party platform (第三方平台). */
export interface ComponentConfig { appId: string, secret: Secret<string>, token: string, aesKey: Secret<string> }

/** Where the pushed component_verify_ticket is kept: shared by every instance, so the database. */
export interface TicketStore { read: () => Promise<string | undefined> }

/** funcscope_category ids (权限集): 1 消息管理, 2 用户管理, 3 帐号服务, 4 网页服务, 5 微信小店, 6 多客服, 7 群发与通知, 8 微信卡券. */
export const FUNC_WEB = 4
export const FUNC_CARD = 8

export interface Authorization { authorizerAppId: string, refreshToken: string, funcIds: number[] }
export interface AuthorizerInfo { nickName: string, verified: boolean, funcIds: number[] }

interface FuncInfo { funcscope_category: { id: number } }
const funcIds = (info: FuncInfo[] | undefined): number[] => (info ?? []).map((f) => f.funcscope_category.id)

/**
 * The open platform API the official-account authorization (T3) runs on: official accounts
 * authorize their 网页服务 to the platform, which then runs OAuth on their behalf.
 */
export class WechatComponent {
  readonly crypt: WechatMsgCrypt
  #token: { value: string, expiresAt: number } | undefined

  constructor (private readonly deps: { hosts: WechatHosts, config: ComponentConfig, tickets: TicketStore, clock: Clock }) {
    this.crypt = new WechatMsgCrypt(deps.config.token, deps.config.aesKey.reveal(), deps.config.appId)
  }

  get appId (): string { return this.deps.config.appId }

  /** component_access_token, cached until five minutes before it expires. */
  async accessToken (): Promise<string> {
    const now = this.deps.clock.now().getTime()
    if (this.#token !== undefined && now < this.#token.expiresAt) return this.#token.value
    const ticket = await this.deps.tickets.read()
    if (ticket === undefined) throw new Error('no component_verify_ticket received yet: is the authorization event URL configured on the open platform?')
    const r = await wechatCall<{ component_access_token: string, expires_in: number }>(this.deps.hosts.api, 'cgi-bin/component/api_component_token', {
      body: { component_appid: this.appId, component_appsecret: this.deps.config.secret.reveal(), component_verify_ticket: ticket },
    })
    this.#token = { value: r.component_access_token, expiresAt: now + (r.expires_in - 300) * 1000 }
    return r.component_access_token
  }

  forgetToken (): void { this.#token = undefined }

  /** The authorization page the SP's account admin scans (componentloginpage). */
  async loginPageUrl (o: { redirectUri: string, bizAppId?: string }): Promise<string> {
    const { pre_auth_code: preAuthCode } = await wechatCall<{ pre_auth_code: string }>(this.deps.hosts.api, 'cgi-bin/component/api_create_preauthcode', {
      query: { component_access_token: await this.accessToken() },
      body: { component_appid: this.appId },
    })
    const url = new URL('cgi-bin/componentloginpage', this.deps.hosts.mp.endsWith('/') ? this.deps.hosts.mp : `${this.deps.hosts.mp}/`)
    url.searchParams.set('component_appid', this.appId)
    url.searchParams.set('pre_auth_code', preAuthCode)
    url.searchParams.set('redirect_uri', o.redirectUri)
    url.searchParams.set('auth_type', '1')
    if (o.bizAppId !== undefined) url.searchParams.set('biz_appid', o.bizAppId)
    return url.toString()
  }

  async queryAuth (authorizationCode: string): Promise<Authorization> {
    const r = await wechatCall<{ authorization_info: { authorizer_appid: string, authorizer_refresh_token: string, func_info?: FuncInfo[] } }>(
      this.deps.hosts.api, 'cgi-bin/component/api_query_auth', {
        query: { component_access_token: await this.accessToken() },
        body: { component_appid: this.appId, authorization_code: authorizationCode },
      })
    const a = r.authorization_info
    return { authorizerAppId: a.authorizer_appid, refreshToken: a.authorizer_refresh_token, funcIds: funcIds(a.func_info) }
  }

  async authorizerInfo (authorizerAppId: string): Promise<AuthorizerInfo> {
    const r = await wechatCall<{ authorizer_info: { nick_name: string, verify_type_info: { id: number } }, authorization_info: { func_info?: FuncInfo[] } }>(
      this.deps.hosts.api, 'cgi-bin/component/api_get_authorizer_info', {
        query: { component_access_token: await this.accessToken() },
        body: { component_appid: this.appId, authorizer_appid: authorizerAppId },
      })
    // verify_type_info.id: -1 unverified; 0 and up are kinds of verification.
    return { nickName: r.authorizer_info.nick_name, verified: r.authorizer_info.verify_type_info.id >= 0, funcIds: funcIds(r.authorization_info.func_info) }
  }
}
