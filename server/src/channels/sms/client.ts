import { sms } from 'tencentcloud-sdk-nodejs-sms'
import type { SmsSettings } from '../../config'
import { smsOutcomeOf, smsRequestFailure, type SmsOutcome } from './status-map'

export interface SmsMessage {
  /** A mainland mobile number, E.164 (`+8613800138000`). */
  phone: string
  /** `{1}`, `{2}` … of the approved template, in order. */
  params: string[]
  /** Comes back in status reports; yima puts the delivery id here. */
  sessionContext: string
}

/** How long one SendSms may take; the SDK counts in whole seconds. */
const REQUEST_TIMEOUT_S = 10

/**
 * Sends SMS through the official Tencent Cloud SDK, which signs with TC3-HMAC-SHA256. Refusals and
 * per-number failures come back as data (`SmsOutcome`), never thrown.
 */
export class TencentSms {
  readonly #client: InstanceType<typeof sms.v20210111.Client>

  constructor (private readonly config: SmsSettings) {
    this.#client = new sms.v20210111.Client({
      credential: { secretId: config.secretId, secretKey: config.secretKey.reveal() },
      region: config.region,
      profile: {
        httpProfile: { endpoint: config.endpoint, protocol: `${config.protocol}://`, reqTimeout: REQUEST_TIMEOUT_S },
        // Error messages in Chinese: the merchant reads them in the delivery ledger.
        language: 'zh-CN',
      },
    })
  }

  async send (m: SmsMessage): Promise<SmsOutcome> {
    try {
      const res = await this.#client.SendSms({
        PhoneNumberSet: [m.phone],
        SmsSdkAppId: this.config.sdkAppId,
        SignName: this.config.signName,
        TemplateId: this.config.templateId,
        TemplateParamSet: m.params,
        SessionContext: m.sessionContext,
      })
      return smsOutcomeOf(res.SendStatusSet?.[0])
    } catch (err) {
      return smsRequestFailure(err)
    }
  }
}
