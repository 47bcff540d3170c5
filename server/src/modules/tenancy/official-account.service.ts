import { eq } from 'drizzle-orm'
import { AppError, OA_AUTH_PROBLEMS, type ScanProblem } from '@yima/shared'
import { WechatApiError, WechatOAuth, type OAuthIdentity } from '../../channels/wechat-mp/client'
import { FUNC_WEB, type WechatComponent } from '../../channels/wechat-mp/component'
import type { Caller } from './caller'
import type { ScanTokens } from './scan-tokens'
import { requireSpLevel } from './scope'
import { auditable, SP_SECRET_FIELDS, spSecretContext, type ServiceProviderService, type TenancyDeps } from './service-providers.service'
import { ScanProblemError } from './staff.service'
import { serviceProviders, type ServiceProviderRow } from './tenancy.schema'
import { channelFailure } from './channel-failure'

export type OaAuthProblem = keyof typeof OA_AUTH_PROBLEMS

/** How to run web authorization for an SP's customers and admins. */
export type OAuthTarget =
  | { mode: 'component', appId: string, componentAppId: string }
  | { mode: 'secret', appId: string, secret: string }

/**
 * The SP's official account (T3): authorization to the platform by QR through the open platform,
 * and the web authorization (OAuth) that activation and payments run on it. Misconfigurations
 * known in advance become the seed's error pages instead of a dead end inside WeChat.
 */
export class OfficialAccountService {
  readonly oauth: WechatOAuth

  constructor (
    private readonly deps: TenancyDeps,
    private readonly sps: ServiceProviderService,
    private readonly component: WechatComponent | null,
    private readonly tokens: ScanTokens,
  ) {
    this.oauth = new WechatOAuth(deps.channels.wechat)
  }

  /** The open platform's authorization page for this SP's account admin to scan. */
  async authorizationUrl (caller: Caller, spId: string): Promise<{ url: string }> {
    const sp = await this.sps.row(caller.scope, spId)
    requireSpLevel(caller.scope, sp.id)
    if (sp.wxOaAppId === null) throw new AppError('conflict', 'official_account_not_configured', undefined, { param: 'wechatPay.officialAccountAppId' })
    const component = this.#component()
    const state = this.tokens.sign({ purpose: 'oa_auth', spId: sp.id, by: caller.actor.id }, 3600)
    const url = await component.loginPageUrl({ redirectUri: `${this.deps.publicUrl}/scan/oa/callback?state=${encodeURIComponent(state)}`, bizAppId: sp.wxOaAppId })
      .catch(channelFailure)
    return { url }
  }

  /**
   * The open platform's redirect after the admin authorized: record which account authorized what.
   * Returns the problem a person must fix, if any; the authorization is kept either way.
   */
  async completeAuthorization (state: string, authCode: string, origin?: Caller['origin']): Promise<{ spId: string, problem: OaAuthProblem | null }> {
    const claims = this.tokens.verify<{ spId: string, by: string }>(state, 'oa_auth')
    if (claims === undefined) throw new AppError('invalid_request', 'validation_failed', '授权链接已失效，请在后台重新单击授权', { param: 'state' })
    const component = this.#component()
    const auth = await component.queryAuth(authCode).catch(channelFailure)
    const info = await component.authorizerInfo(auth.authorizerAppId).catch(channelFailure)
    const [sp] = await this.deps.db.select().from(serviceProviders).where(eq(serviceProviders.id, claims.spId))
    if (sp === undefined) throw new AppError('not_found', 'service_provider_not_found')
    const problem: OaAuthProblem | null = sp.wxOaAppId !== auth.authorizerAppId
      ? 'appid_mismatch'
      : !info.verified ? 'not_verified' : !auth.funcIds.includes(FUNC_WEB) ? 'web_not_authorized' : null
    await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(serviceProviders).set({
        oaAuthStatus: 'authorized',
        oaAuthorizerAppId: auth.authorizerAppId,
        oaRefreshTokenSealed: this.deps.box.seal(auth.refreshToken, spSecretContext(sp.id, 'oa_refresh_token')),
        oaFuncIds: auth.funcIds,
        oaVerified: info.verified,
        oaAuthorizedAt: this.deps.clock.now(),
        oaProblem: problem === null ? null : OA_AUTH_PROBLEMS[problem],
        updatedAt: this.deps.clock.now(),
      }).where(eq(serviceProviders.id, sp.id)).returning()
      await this.deps.audit.record(tx, {
        actor: { id: claims.by, kind: 'account' },
        action: 'service_provider.official_account_authorized',
        target: { type: 'service_provider', id: sp.id },
        tenantId: sp.id,
        before: auditable(sp),
        after: auditable(after ?? sp),
        secretFields: SP_SECRET_FIELDS,
        ...(origin === undefined ? {} : { origin }),
      })
    }).catch((err: unknown) => {
      // Another SP already holds this account's authorization (unique authorizer).
      if ((err as { code?: string }).code === '23505') throw new AppError('conflict', 'forbidden', '该公众号已授权给其他服务商')
      throw err
    })
    return { spId: sp.id, problem }
  }

  /** The open platform told us an account withdrew its authorization. */
  async revoked (authorizerAppId: string): Promise<void> {
    await this.deps.db.update(serviceProviders).set({ oaAuthStatus: 'revoked', oaProblem: '公众号已取消对云支付的授权，请重新授权', updatedAt: this.deps.clock.now() })
      .where(eq(serviceProviders.oaAuthorizerAppId, authorizerAppId))
  }

  /** Where to run OAuth for this SP, or the scan problem that would stop it (seed 000 error pages). */
  target (sp: ServiceProviderRow): OAuthTarget {
    if (sp.oaAuthStatus === 'authorized' && sp.oaAuthorizerAppId !== null && this.component !== null) {
      if (sp.wxOaAppId !== null && sp.wxOaAppId !== sp.oaAuthorizerAppId) throw new ScanProblemError('appid_mismatch')
      if (sp.oaVerified === false) throw new ScanProblemError('scope_error')
      if (!(sp.oaFuncIds ?? []).includes(FUNC_WEB)) throw new ScanProblemError('redirect_domain')
      return { mode: 'component', appId: sp.oaAuthorizerAppId, componentAppId: this.component.appId }
    }
    // Without authorization, an SP that entered its AppSecret runs OAuth itself (the older mode).
    if (sp.wxOaAppId !== null && sp.wxOaSecretSealed !== null) {
      return { mode: 'secret', appId: sp.wxOaAppId, secret: this.deps.box.open(sp.wxOaSecretSealed, spSecretContext(sp.id, 'wx_oa_secret')).reveal() }
    }
    throw new ScanProblemError('oa_not_authorized')
  }

  authorizeUrl (t: OAuthTarget, redirectUri: string, state: string): string {
    return this.oauth.authorizeUrl({ appId: t.appId, redirectUri, state, ...(t.mode === 'component' ? { componentAppId: t.componentAppId } : {}) })
  }

  /** code → openid; a refused code is the seed's "获取微信 openid 失败". */
  async exchange (t: OAuthTarget, code: string): Promise<OAuthIdentity> {
    try {
      if (t.mode === 'secret') return await this.oauth.exchange({ appId: t.appId, secret: t.secret, code })
      const component = this.#component()
      return await this.oauth.exchangeForComponent({ appId: t.appId, code, componentAppId: t.componentAppId, componentAccessToken: await component.accessToken() })
    } catch (err) {
      if (err instanceof WechatApiError) throw new ScanProblemError('openid_failed' satisfies ScanProblem)
      throw err
    }
  }

  #component (): WechatComponent {
    if (this.component === null) throw new AppError('unavailable', 'platform_not_configured', '平台尚未配置微信开放平台第三方平台（WX_COMPONENT_*），无法授权公众号')
    return this.component
  }
}
