import type { PaymentTemplates } from '../../config'
import type { AccessTokens, TokenSource } from '../../channels/wechat-mp/access-token'
import { WechatApiError, type WechatHosts } from '../../channels/wechat-mp/client'
import type { WechatComponent } from '../../channels/wechat-mp/component'
import { sendTemplateMessage, TEMPLATE_DEFINITIVE_ERRCODES, type TemplateMessage } from '../../channels/wechat-mp/template'
import type { SecretBox } from '../../secrets'
import { spSecretContext } from '../tenancy/service-providers.service'
import type { ServiceProviderRow } from '../tenancy/tenancy.schema'

/** 群发与通知 (权限集 7): the open-platform permission set that carries template messages. */
export const FUNC_NOTIFY = 7

/**
 * One try at a template message: `sent`, `failed` (trying again cannot help: the person does not
 * follow the account, nothing is configured …; the SMS takes over) or `retry` (WeChat was busy or
 * did not answer). `reason` is for the merchant's delivery ledger.
 */
export type TemplateOutcome =
  | { kind: 'sent', msgid: number }
  | { kind: 'failed' | 'retry', reason: string }

export interface TemplateSenderDeps {
  hosts: WechatHosts
  tokens: AccessTokens
  box: SecretBox
  component: WechatComponent | null
  templates: PaymentTemplates | null
}

/** Chinese reasons for the errcodes a merchant will meet; others show WeChat's own text. */
const ERRCODE_REASONS: ReadonlyMap<number, string> = new Map([
  [-1, '微信系统繁忙'],
  [40003, '店员的 openid 不属于服务商公众号'],
  [40037, '收款消息模板不存在或已被删除（WX_PAY_TEMPLATE_ID）'],
  [43004, '店员未关注服务商公众号'],
  [43019, '店员已将服务商公众号拉黑'],
  [45009, '公众号今日模板消息额度已用完'],
  [47001, '消息内容与模板不符'],
  [48001, '公众号没有模板消息权限'],
])

/**
 * Sends the SP's template messages through the SP's official account (the account clerks
 * activated under, so their openids belong to it): on its behalf when it authorized the platform
 * with 群发与通知, else with the AppSecret the SP entered.
 */
export class TemplateSender {
  constructor (private readonly deps: TemplateSenderDeps) {}

  /** The account and how to get its token, or why there is none. */
  account (sp: ServiceProviderRow): { appId: string, source: TokenSource } | { problem: string } {
    const c = this.deps.component
    if (c !== null && sp.oaAuthStatus === 'authorized' && sp.oaAuthorizerAppId !== null && sp.oaRefreshTokenSealed !== null &&
      (sp.oaFuncIds ?? []).includes(FUNC_NOTIFY)) {
      const refreshToken = this.deps.box.open(sp.oaRefreshTokenSealed, spSecretContext(sp.id, 'oa_refresh_token'))
      return { appId: sp.oaAuthorizerAppId, source: { kind: 'authorizer', appId: sp.oaAuthorizerAppId, refreshToken, component: c } }
    }
    if (sp.wxOaAppId !== null && sp.wxOaSecretSealed !== null) {
      const secret = this.deps.box.open(sp.wxOaSecretSealed, spSecretContext(sp.id, 'wx_oa_secret'))
      return { appId: sp.wxOaAppId, source: { kind: 'secret', appId: sp.wxOaAppId, secret } }
    }
    return { problem: '服务商公众号未授权给平台（群发与通知权限），也未填写 AppSecret' }
  }

  templateId (appId: string): string | undefined {
    const t = this.deps.templates
    return t?.byAppId[appId] ?? t?.fallback ?? undefined
  }

  async send (source: TokenSource, message: TemplateMessage, signal?: AbortSignal): Promise<TemplateOutcome> {
    try {
      const r = await this.deps.tokens.call(source, async (token) => await sendTemplateMessage(this.deps.hosts.api, token, message, signal), signal)
      return { kind: 'sent', msgid: r.msgid }
    } catch (err) {
      if (err instanceof WechatApiError) {
        const reason = `微信 ${err.errcode}：${ERRCODE_REASONS.get(err.errcode) ?? err.errmsg.replace(/\s*rid:.*$/, '')}`
        return { kind: TEMPLATE_DEFINITIVE_ERRCODES.has(err.errcode) ? 'failed' : 'retry', reason }
      }
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
      return { kind: 'retry', reason: timedOut ? '微信接口超时' : `微信接口请求失败：${err instanceof Error ? err.message : String(err)}`.slice(0, 300) }
    }
  }
}
