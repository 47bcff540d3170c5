import { randomInt } from 'node:crypto'
import Router from '@koa/router'
import { nonce } from '../core/ids'
import type { SimChannel, SimWorld } from '../core/world'
import { smsApiRoutes } from './api'
import { smsControlRoutes } from './control'
import type { SmsAccount } from './send-sms'
import { SmsState, type DefaultTemplateName } from './store'

export type { SmsMessage, SmsTemplate } from './store'
export { PHONE_FAILURE_CODES, type PhoneFailureCode } from './errors'

export interface SmsTemplateRef { id: string, content: string }

/** What yima's Tencent Cloud SMS client needs to send through the sandbox instead of sms.tencentcloudapi.com. */
export interface SmsClientConfig {
  secretId: string
  secretKey: string
  sdkAppId: string
  signName: string
  region: string
  /** host:port for the SDK's `profile.httpProfile.endpoint` (read when accessed: the port is known after listen). */
  readonly endpoint: string
  /** For `profile.httpProfile.protocol`: the sandbox speaks plain HTTP. */
  protocol: 'http://'
  /** Approved templates by name when clientConfig() was called: the defaults (payment, refund, verifyCode) and any registered by then. */
  templates: Record<DefaultTemplateName, SmsTemplateRef> & Record<string, SmsTemplateRef>
}

/** Tencent Cloud SMS (API 3.0 `SendSms`, TC3-HMAC-SHA256) with per-phone inboxes. See README.md. */
export function createSms (world: SimWorld): SimChannel<SmsClientConfig> {
  const state = new SmsState()
  const account: SmsAccount = {
    secretId: `AKID${nonce(32)}`,
    secretKey: nonce(32),
    sdkAppId: String(1_400_000_000 + randomInt(100_000, 999_999)),
    signName: 'yima',
  }
  const router = new Router()
  smsApiRoutes(router, world, state, account)
  smsControlRoutes(router, state)
  return {
    name: 'sms',
    routes: () => router,
    clientConfig: () => {
      const templates = Object.fromEntries([...state.templates.values()].map((t) => [t.name, { id: t.id, content: t.content }]))
      return {
        ...account,
        region: 'ap-guangzhou',
        get endpoint () { return world.urls.sms.replace(/^https?:\/\//, '') },
        protocol: 'http://',
        templates: templates as SmsClientConfig['templates'],
      }
    },
    reset: () => { state.reset() },
  }
}
