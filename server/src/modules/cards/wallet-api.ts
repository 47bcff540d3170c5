import { AppError, CARD_COLORS, fen, type CardSubMerchantStatus, type MemberCardStatus } from '@yima/shared'
import type { AccessTokens, TokenSource } from '../../channels/wechat-mp/access-token'
import { WechatApiError, type WechatHosts } from '../../channels/wechat-mp/client'
import * as wx from '../../channels/wechat-mp/cards'
import type { WechatComponent } from '../../channels/wechat-mp/component'
import type { SecretBox } from '../../secrets'
import { spSecretContext } from '../tenancy/service-providers.service'
import type { ServiceProviderRow } from '../tenancy/tenancy.schema'

/** 微信卡券 (权限集 8): the open-platform permission set that carries the card APIs. */
export const FUNC_CARD = 8

export interface WalletApiDeps { hosts: WechatHosts, tokens: AccessTokens, box: SecretBox, component: WechatComponent | null }

export interface CardFace { title: string, logoUrl: string, color: keyof typeof CARD_COLORS, notice: string, description: string }

/** The SP's official account makes and serves every card of its merchants (第三方代制). */
interface Account { appId: string, source: TokenSource }

const STATUS: Readonly<Record<string, MemberCardStatus>> = {
  CARD_STATUS_NOT_VERIFY: 'reviewing',
  CARD_STATUS_VERIFY_FAIL: 'rejected',
  CARD_STATUS_VERIFY_OK: 'approved',
}

/**
 * The card wallet seen from yima: the SP's account (on its behalf when it authorized 微信卡券 to
 * the platform, else with its AppSecret) and the calls the cards module makes. WeChat's refusals
 * become `channel_error` with WeChat's reason; transport failures `channel_unavailable`.
 */
export class WalletApi {
  constructor (private readonly deps: WalletApiDeps) {}

  /** Whether the SP's account can make cards: authorized with 微信卡券, or used with its own secret. */
  permitted (sp: ServiceProviderRow): boolean {
    return this.#account(sp) !== undefined
  }

  account (sp: ServiceProviderRow): Account {
    const account = this.#account(sp)
    if (account === undefined) throw new AppError('conflict', 'card_permission_missing')
    return account
  }

  #account (sp: ServiceProviderRow): Account | undefined {
    const c = this.deps.component
    if (c !== null && sp.oaAuthStatus === 'authorized' && sp.oaAuthorizerAppId !== null && sp.oaRefreshTokenSealed !== null) {
      if (!(sp.oaFuncIds ?? []).includes(FUNC_CARD)) return undefined
      const refreshToken = this.deps.box.open(sp.oaRefreshTokenSealed, spSecretContext(sp.id, 'oa_refresh_token'))
      return { appId: sp.oaAuthorizerAppId, source: { kind: 'authorizer', appId: sp.oaAuthorizerAppId, refreshToken, component: c } }
    }
    if (sp.wxOaAppId !== null && sp.wxOaSecretSealed !== null) {
      const secret = this.deps.box.open(sp.wxOaSecretSealed, spSecretContext(sp.id, 'wx_oa_secret'))
      return { appId: sp.wxOaAppId, source: { kind: 'secret', appId: sp.wxOaAppId, secret } }
    }
    return undefined
  }

  async #call<T> (account: Account, run: (api: string, token: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.deps.tokens.call(account.source, async (token) => await run(this.deps.hosts.api, token), signal)
    } catch (err) {
      if (err instanceof AppError) throw err
      if (err instanceof WechatApiError) throw new AppError('channel', 'channel_error', `微信卡券接口：${err.errcode} ${err.errmsg.replace(/\s*rid:.*$/, '')}`, { cause: err })
      throw new AppError('unavailable', 'channel_unavailable', '微信卡券接口暂时不可用，请稍后再试', { cause: err })
    }
  }

  async subMerchant (account: Account, merchantId: number): Promise<{ status: CardSubMerchantStatus, reason: string | null }> {
    const info = await this.#call(account, async (api, token) => await wx.getSubMerchant(api, token, merchantId))
    return { status: info.status, reason: null }
  }

  async createCard (account: Account, o: CardFace & { brandName: string, subMerchantId: number, pageUrl: string, rechargeUrl: string, prerogative: string }): Promise<string> {
    const r = await this.#call(account, async (api, token) => await wx.createMemberCard(api, token, {
      logoUrl: o.logoUrl,
      brandName: o.brandName,
      title: o.title,
      color: o.color,
      notice: o.notice,
      description: o.description,
      prerogative: o.prerogative,
      subMerchantId: o.subMerchantId,
      activateUrl: o.pageUrl,
      customUrl: { name: '使用会员卡', url: o.pageUrl, subTitle: '余额与流水' },
      promotionUrl: { name: '会员卡余额充值', url: o.rechargeUrl },
    }))
    return r.card_id
  }

  /** Changes the face; true when WeChat sent the card back to review. */
  async updateCard (account: Account, wxCardId: string, changes: Partial<CardFace>): Promise<boolean> {
    const r = await this.#call(account, async (api, token) => await wx.updateMemberCard(api, token, wxCardId, changes))
    return r.send_check
  }

  async cardStatus (account: Account, wxCardId: string): Promise<{ status: MemberCardStatus | 'deleted', reason: string | null }> {
    const r = await this.#call(account, async (api, token) => await wx.getCard(api, token, wxCardId))
    return { status: STATUS[r.status] ?? 'deleted', reason: r.refuse_reason ?? null }
  }

  async deleteCard (account: Account, wxCardId: string): Promise<void> {
    await this.#call(account, async (api, token) => { await wx.deleteCard(api, token, wxCardId) })
  }

  /** wx.addCard's signed card_ext, bound to the customer's openid. */
  async cardExt (account: Account, wxCardId: string, openid: string, now: Date): Promise<string> {
    return await this.#call(account, async (api, token) => {
      const apiTicket = await wx.getCardTicket(api, token)
      return wx.buildCardExt({ apiTicket, cardId: wxCardId, openid, timestamp: Math.floor(now.getTime() / 1000) })
    })
  }

  /** The code the wallet gave back encrypted, and whose wallet it is in. */
  async claimedCode (account: Account, wxCardId: string, encryptCode: string): Promise<{ code: string, openid: string }> {
    return await this.#call(account, async (api, token) => {
      const code = await wx.decryptCode(api, token, encryptCode)
      const held = await wx.getCode(api, token, { code, cardId: wxCardId })
      if (held.card_id !== wxCardId) throw new AppError('conflict', 'card_code_invalid')
      return { code, openid: held.openid }
    })
  }

  async activate (account: Account, o: { wxCardId: string, code: string, balanceFen: number }): Promise<void> {
    await this.#call(account, async (api, token) => { await wx.activateMemberCard(api, token, { code: o.code, cardId: o.wxCardId, membershipNumber: o.code, initBalance: fen(o.balanceFen) }) })
  }

  /** Sets the balance the wallet shows; WeChat's refusal is returned (not thrown) so a job can decide. */
  async setBalance (account: Account, o: { wxCardId: string, code: string, balanceFen: number }, signal?: AbortSignal): Promise<void> {
    await this.deps.tokens.call(account.source, async (token) => { await wx.setMemberBalance(this.deps.hosts.api, token, { code: o.code, cardId: o.wxCardId, balanceFen: fen(o.balanceFen), record: '余额变动' }, signal) }, signal)
  }
}
